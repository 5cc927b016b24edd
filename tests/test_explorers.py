"""helpers.explorers: the slider update functions draw what their notebooks describe."""

import pytest
from matplotlib.figure import Figure

from helpers import explorers, linreg


@pytest.mark.parametrize("family", sorted(linreg.BASES))
@pytest.mark.parametrize("n_basis, noise_std, n_points", [(1, 0.0, 10), (8, 0.2, 100), (30, 0.5, 200)])
def test_ols_fit_draws_fit_and_error_curves_for_every_slider_corner(family, n_basis, noise_std, n_points):
    fig = explorers.ols_fit(family=family, n_basis=n_basis, noise_std=noise_std, n_points=n_points)
    assert isinstance(fig, Figure)
    ax_fit, ax_err = fig.axes
    assert ax_fit.get_xlabel() and ax_fit.get_ylabel() and ax_err.get_ylabel()
    assert ax_err.get_yscale() == "log"
    assert len(fig.legends[0].get_texts()) == 7  # one legend for both panels
    fig.canvas.draw()  # renders without error


def test_ols_fit_marks_the_current_size_on_the_error_curve():
    fig = explorers.ols_fit(n_basis=12)
    (marker,) = [line for line in fig.axes[1].lines if line.get_label() == "current D"]
    assert list(marker.get_xdata()) == [12, 12]
    assert "D = 12" in fig.axes[0].get_title()


@pytest.mark.parametrize("kwargs, message", [
    ({"family": "wavelet"}, "family"),
    ({"n_basis": 0}, "n_basis"),
    ({"n_basis": 31}, "n_basis"),
    ({"noise_std": -1.0}, "noise_std"),
    ({"n_points": 0}, "n_points"),
])
def test_ols_fit_rejects_parameters_it_cannot_draw(kwargs, message):
    with pytest.raises(ValueError, match=message):
        explorers.ols_fit(**kwargs)
