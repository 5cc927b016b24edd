"""helpers.explorers: the slider update functions draw what their notebooks describe."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import stats

from helpers import explorers, linreg


@pytest.mark.parametrize("family", sorted(linreg.BASES))
@pytest.mark.parametrize("n_basis, noise_std, n_points", [(1, 0.0, 10), (8, 0.2, 100), (30, 0.5, 200)])
def test_ols_fit_draws_fit_and_error_curves_for_every_slider_corner(family, n_basis, noise_std, n_points):
    fig = explorers.ols_fit(family=family, n_basis=n_basis, noise_std=noise_std, n_points=n_points)
    assert isinstance(fig, Figure)
    ax_fit, ax_err = fig.axes
    assert ax_fit.get_xlabel() and ax_fit.get_ylabel() and ax_err.get_ylabel()
    assert ax_err.get_yscale() == "log"
    assert len(fig.legends[0].get_texts()) == 8  # one legend for both panels
    fig.canvas.draw()  # renders without error


def test_ols_fit_marks_test_errors_above_the_axis_on_its_top_edge():
    """N = 20, RBF: near D + 1 = N the test error leaves the chart; triangles mark where, and the
    curve is back on the chart by D = 30 (double descent)."""
    fig = explorers.ols_fit(family="rbf", n_basis=19, n_points=20, seed=1)  # its peak is ~1e15
    ax_err = fig.axes[1]
    top = ax_err.get_ylim()[1]
    _, test_err = linreg.fit_errors(*explorers.linear.data.sine_split(20, 0.2, 1), family="rbf")
    (off,) = [line for line in ax_err.lines if line.get_label() == "test MSE above the chart"]
    assert list(off.get_xdata()) == list(np.flatnonzero(test_err > top) + 1)
    assert 19 in off.get_xdata() and test_err[-1] < top
    (test,) = [line for line in ax_err.lines if line.get_label() == "test MSE"]
    assert np.max(test.get_ydata()) <= top


def test_ols_fit_panels_keep_their_width_when_the_first_setting_has_no_error_off_the_chart():
    """The layout is solved at the first render; at the default setting the marker line for test
    errors above the chart is empty, and it once squeezed both panels to 5% of the figure."""
    import matplotlib as mpl

    from helpers import plotting

    with mpl.rc_context():
        plotting.use_style()
        plotting._SLIDER_FIGURES.clear()
        fig = explorers.ols_fit()
        plotting.render(fig)
        widths = [ax.get_position().width for ax in fig.axes]
        plotting._SLIDER_FIGURES.clear()
    assert min(widths) > 0.3, f"panel widths {np.round(widths, 3)} of the figure's width"


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


# ------------------------------------------------------------------------- notebook 02

@pytest.mark.parametrize("log10_lambda, degree, noise_std", [(-8.0, 1, 0.0), (-3.0, 12, 0.2), (2.0, 20, 0.5)])
def test_ridge_fit_draws_fit_and_error_curves_for_every_slider_corner(log10_lambda, degree, noise_std):
    fig = explorers.ridge_fit(log10_lambda=log10_lambda, degree=degree, noise_std=noise_std)
    assert isinstance(fig, Figure)
    ax_fit, ax_err = fig.axes
    assert ax_fit.get_xlabel() and ax_fit.get_ylabel() and ax_err.get_xlabel() and ax_err.get_ylabel()
    assert ax_err.get_yscale() == "log"
    assert sum(len(legend.get_texts()) for legend in fig.legends) >= 7
    fig.canvas.draw()


def test_ridge_fit_marks_the_current_lambda_and_shrinks_the_fit_as_lambda_grows():
    fig = explorers.ridge_fit(log10_lambda=-1.5, degree=12)
    (marker,) = [line for line in fig.axes[1].lines if line.get_label() == "current λ"]
    assert list(marker.get_xdata()) == [-1.5, -1.5]
    assert "λ = 0.0316" in fig.axes[0].get_title()
    def fit_spread(log10_lambda):
        fig = explorers.ridge_fit(log10_lambda=log10_lambda, degree=12)
        (fit,) = [line for line in fig.axes[0].lines if line.get_label() == "ridge / MAP"]
        return np.ptp(fit.get_ydata())

    assert fit_spread(2.0) < 0.5 * fit_spread(-6.0)  # a strong prior flattens the fit towards 0


@pytest.mark.parametrize("degree", [1, 5, 12, 20])
def test_ridge_curves_equal_a_direct_ridge_solve_at_every_lambda(degree):
    from helpers import data
    train_err, val_err, _ = explorers.linear._ridge_curves(degree, 0.3, 4, 30)
    x, y, x_val, y_val = data.sine_split(30, 0.3, 4)
    Phi, Phi_val = (linreg.design_matrix(z, "polynomial", degree) for z in (x, x_val))
    for i, log10_lambda in enumerate(explorers.linear._RIDGE_LOG_LAMBDAS):
        theta = linreg.ridge(Phi, y, 10.0**log10_lambda)
        assert train_err[i] == pytest.approx(np.mean((Phi @ theta - y) ** 2), rel=1e-9)
        assert val_err[i] == pytest.approx(np.mean((Phi_val @ theta - y_val) ** 2), rel=1e-9)


@pytest.mark.parametrize("kwargs, message", [
    ({"log10_lambda": -9.0}, "log10_lambda"),
    ({"log10_lambda": 3.0}, "log10_lambda"),
    ({"degree": 0}, "degree"),
    ({"degree": 21}, "degree"),
    ({"noise_std": -0.1}, "noise_std"),
])
def test_ridge_fit_rejects_parameters_it_cannot_draw(kwargs, message):
    with pytest.raises(ValueError, match=message):
        explorers.ridge_fit(**kwargs)


# ------------------------------------------------------------------------- notebook 03

@pytest.mark.parametrize("n_seen, noise_std, prior_std, degree", [
    (0, 0.05, 0.1, 0), (10, 0.2, 1.0, 9), (100, 1.0, 10.0, 20)])
def test_bayes_predictive_draws_bands_and_evidence_for_every_slider_corner(n_seen, noise_std, prior_std,
                                                                           degree):
    fig = explorers.bayes_predictive(n_seen=n_seen, noise_std=noise_std, prior_std=prior_std, degree=degree)
    assert isinstance(fig, Figure)
    ax_ev, ax_ho, ax_fit = fig.axes  # the fit panel spans the left column and is added last
    assert ax_fit.get_xlabel() and ax_fit.get_ylabel() and ax_ho.get_xlabel() and ax_ev.get_ylabel()
    assert ax_ho.get_ylabel() == "nats"  # held-out log predictive density, not squared error
    assert sum(len(legend.get_texts()) for legend in fig.legends) >= 8
    fig.canvas.draw()


def _band_bounds(band, n):
    """(lower, upper) curves of a fill_between polygon: start, n lower points, turn, n upper reversed."""
    vertices = band.get_paths()[0].vertices
    return vertices[1:n + 1, 1], vertices[n + 2:2 * n + 2, 1][::-1]


def test_bayes_predictive_total_band_adds_the_noise_variance_to_the_model_band():
    noise_std = 0.3
    fig = explorers.bayes_predictive(n_seen=20, noise_std=noise_std, prior_std=1.0, degree=5)
    art = fig._blit["artists"]
    mean = art["mean"].get_ydata()
    total_lo, total_hi = _band_bounds(art["total"], mean.size)
    model_lo, model_hi = _band_bounds(art["model"], mean.size)
    np.testing.assert_allclose(total_hi - mean, mean - total_lo, atol=1e-9)  # symmetric about the mean
    half_total, half_model = (total_hi - mean) / 2, (model_hi - mean) / 2  # bands are +- 2 sd
    np.testing.assert_allclose(half_total**2 - half_model**2, noise_std**2, rtol=1e-9)


@pytest.mark.parametrize("n_seen, noise_std, prior_std", [(30, 0.2, 1.0), (0, 0.2, 1.0), (100, 0.05, 10.0),
                                                        (5, 1.0, 0.1)])
def test_bayes_curves_equal_the_contract_functions_degree_by_degree(n_seen, noise_std, prior_std):
    from helpers import data
    evidence, heldout = explorers.linear._bayes_curves(n_seen, noise_std, prior_std, 2, 100, 0.2)
    x_seen, y_seen, _, _ = explorers.linear._bayes_stream(100, 0.2, 2, n_seen)
    x_test, y_test = data.sine_data(1000, 0.2, (2, 1))
    for degree in range(21):
        direct, lpd = _evidence_and_heldout_density(x_seen, y_seen, x_test, y_test, degree,
                                                    prior_std, noise_std)
        assert evidence[degree] == pytest.approx(direct, rel=1e-9)
        assert heldout[degree] == pytest.approx(lpd, rel=1e-8, abs=1e-10)


def _evidence_and_heldout_density(x_seen, y_seen, x_test, y_test, degree, prior_std, noise_std):
    """The contract functions' log evidence and mean held-out log density for one degree."""
    Phi = linreg.design_matrix(x_seen, "polynomial", degree)
    prior = (np.zeros(degree + 1), prior_std**2 * np.eye(degree + 1))
    post = linreg.posterior(Phi, y_seen, noise_std, *prior)
    mean, var = linreg.predictive(linreg.design_matrix(x_test, "polynomial", degree), *post, noise_std)
    return (linreg.log_evidence(Phi, y_seen, noise_std, *prior),
            np.mean(stats.norm.logpdf(y_test, mean, np.sqrt(var))))


@pytest.mark.parametrize("n_seen", [1, 30, 100])
def test_bayes_fitted_mode_uses_the_evidence_maximizing_hyperparameters_of_each_degree(n_seen):
    from helpers import data
    evidence, heldout, hyper = explorers.linear._bayes_curves_fitted(n_seen, 2, 100, 0.2)
    x_seen, y_seen, _, _ = explorers.linear._bayes_stream(100, 0.2, 2, n_seen)
    x_test, y_test = data.sine_data(1000, 0.2, (2, 1))
    for degree in (0, 5, 9, 20):
        Phi = linreg.design_matrix(x_seen, "polynomial", degree)
        prior_std, noise_std = hyper[degree]
        np.testing.assert_allclose(hyper[degree], linreg.fit_evidence(Phi, y_seen, noise_std=0.2), rtol=1e-3)
        direct, lpd = _evidence_and_heldout_density(x_seen, y_seen, x_test, y_test, degree,
                                                    prior_std, noise_std)
        assert evidence[degree] == pytest.approx(direct, rel=1e-9)
        assert heldout[degree] == pytest.approx(lpd, rel=1e-8)


def test_bayes_predictive_fitted_mode_ignores_the_sliders_and_draws_the_fitted_band():
    a = explorers.bayes_predictive(n_seen=40, noise_std=0.05, prior_std=0.1, degree=9, fitted=True)
    a_mean = a._blit["artists"]["mean"].get_ydata().copy()
    b = explorers.bayes_predictive(n_seen=40, noise_std=1.0, prior_std=10.0, degree=9, fitted=True)
    np.testing.assert_allclose(b._blit["artists"]["mean"].get_ydata(), a_mean)
    assert "fitted" in b._blit["artists"]["fit_title"].get_text()
    explorers.bayes_predictive(n_seen=0, degree=3, fitted=True).canvas.draw()  # no data: nothing to fit


def test_bayes_predictive_sees_the_points_in_a_fixed_random_order():
    x_all, _, _, _ = explorers.linear._bayes_stream(100, 0.2, 0, 100)
    x_first, _, x_rest, _ = explorers.linear._bayes_stream(100, 0.2, 0, 10)
    np.testing.assert_array_equal(x_all[:10], x_first)
    assert x_rest.size == 90
    assert not np.all(np.diff(x_all) > 0)  # not sorted by x: arrival order is random


@pytest.mark.parametrize("kwargs, message", [
    ({"n_seen": -1}, "n_seen"),
    ({"n_seen": 101}, "n_seen"),
    ({"degree": 21}, "degree"),
    ({"noise_std": 0.0}, "noise_std"),
    ({"prior_std": -1.0}, "prior_std"),
])
def test_bayes_predictive_rejects_parameters_it_cannot_draw(kwargs, message):
    with pytest.raises(ValueError, match=message):
        explorers.bayes_predictive(**kwargs)


# ------------------------------------------------------------------------- notebook 05b
# Small NumPy models stand in for the trained MLP and BNN: 64 pixels -> 8 hidden -> K classes.


def _softmax(logits):
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def stand_in_classifiers(n_classes=5, n_draws=30):
    rng = np.random.default_rng(7)
    w1, w2 = rng.normal(size=(64, 8)), rng.normal(size=(8, n_classes))
    w1_draws = w1 + 0.5 * rng.normal(size=(n_draws, 64, 8))
    w2_draws = w2 + 0.5 * rng.normal(size=(n_draws, 8, n_classes))
    return (lambda x: _softmax(np.maximum(x @ w1, 0) @ w2),
            lambda x: _softmax(np.maximum(x @ w1_draws, 0) @ w2_draws))


@pytest.fixture(scope="module")
def ood_test_set():
    from helpers import data

    _, _, X_test, y_test = data.digits(binarize_threshold=None, train_classes=range(5), seed=0)
    return X_test, y_test


@pytest.mark.parametrize("scale, index, source", [(1.0, 0, "in"), (7.5, 3, "ood"), (100, 224, "in")])
def test_scaled_digit_probabilities_shows_the_scaled_digit_and_both_models_probabilities(
        scale, index, source, ood_test_set):
    X_test, y_test = ood_test_set
    mlp, bnn = stand_in_classifiers()
    fig = explorers.scaled_digit_probabilities(scale, index, source, images=X_test, labels=y_test,
                                               mlp=mlp, bnn=bnn)
    assert isinstance(fig, Figure)
    ax_img, ax_bar, ax_conf = fig.axes[:3]
    members = np.flatnonzero((y_test < 5) == (source == "in"))
    x = X_test[members[index]] * scale
    np.testing.assert_allclose(np.ma.filled(ax_img.images[0].get_array(), 0.0), x.reshape(8, 8))
    assert ax_img.get_title().startswith(f"digit {y_test[members[index]]}, pixels × {scale:.3g}")
    assert ax_bar.get_title().startswith("predicted class (confidence):")
    p_mlp, draws = mlp(x[None])[0], bnn(x[None])[:, 0]
    heights = np.array([patch.get_height() for patch in ax_bar.patches])
    np.testing.assert_allclose(heights[0::2], p_mlp, rtol=1e-10)  # bars alternate MLP, BNN per class
    np.testing.assert_allclose(heights[1::2], draws.mean(0), rtol=1e-10)
    whiskers = np.array(ax_bar.collections[0].get_segments())  # (K, 2 ends, xy)
    np.testing.assert_allclose(whiskers[:, :, 1], np.quantile(draws, [0.05, 0.95], axis=0).T, rtol=1e-10)
    curve_x, curve_y = ax_conf.lines[1].get_data()
    assert curve_x[0] == 1.0 and curve_x[-1] == 100.0
    np.testing.assert_allclose(curve_y, mlp(X_test[members[index]] * curve_x[:, None]).max(1), rtol=1e-10)
    assert ax_bar.get_ylim() == (0.0, 1.02) and ax_conf.get_xlim() == (1.0, 100.0)  # fixed: it blits
    assert ax_bar.get_xlabel() and ax_bar.get_ylabel() and ax_conf.get_ylabel() and fig.legends
    fig.canvas.draw()


def test_scaled_digit_probabilities_reads_the_trained_classes_from_the_number_of_outputs(ood_test_set):
    X_test, y_test = ood_test_set
    mlp, bnn = stand_in_classifiers(n_classes=3)  # classes 0-2 in distribution, 3-9 out
    fig = explorers.scaled_digit_probabilities(2.0, 0, "ood", images=X_test, labels=y_test, mlp=mlp, bnn=bnn)
    ax_img, ax_bar = fig.axes[:2]
    assert ax_img.get_title().startswith(f"digit {y_test[np.flatnonzero(y_test >= 3)[0]]}, ")
    assert len(ax_bar.patches) == 6 and ax_bar.get_xlim() == (-0.6, 2.6)


def _bad_bnn(x):
    return np.full((x.shape[0], 5), 0.2)  # (n, K): no posterior-draw axis


@pytest.mark.parametrize("kwargs, message", [
    ({"scale": 0.5}, "scale"),
    ({"scale": 101.0}, "scale"),
    ({"scale": float("nan")}, "scale"),
    ({"scale": True}, "scale"),
    ({"source": "train"}, "source"),
    ({"index": -1}, "index"),
    ({"index": 225}, "index"),
    ({"index": 1.0}, "index"),
    ({"images": np.zeros((4, 63)), "labels": np.zeros(4)}, "images"),
    ({"labels": np.zeros(3)}, "labels"),
    ({"labels": np.full(450, 10)}, "labels"),
    ({"mlp": "a network"}, "mlp"),
    ({"mlp": lambda x: np.full((x.shape[0], 5), 0.3)}, "mlp"),
    ({"bnn": _bad_bnn}, "bnn"),
    ({"bnn": lambda x: np.full((4, x.shape[0], 4), 0.25)}, "same number of classes"),
])
def test_scaled_digit_probabilities_rejects_parameters_it_cannot_draw(kwargs, message, ood_test_set):
    X_test, y_test = ood_test_set
    mlp, bnn = stand_in_classifiers()
    kwargs = {"images": X_test, "labels": y_test, "mlp": mlp, "bnn": bnn, **kwargs}
    with pytest.raises(ValueError, match=message):
        explorers.scaled_digit_probabilities(**kwargs)


# ------------------------------------------------------------------------- notebook 06
# The explorers take the decoder as an argument; a small untrained one stands in for the trained VAE.

import torch  # noqa: E402

from helpers import data  # noqa: E402


@pytest.fixture(scope="module")
def digits_test_set():
    _, _, X_test, y_test = data.digits(seed=0)
    return X_test, y_test


def small_decoder(latent_dim):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(latent_dim, 16), torch.nn.ReLU(), torch.nn.Linear(16, 64))


@pytest.mark.parametrize("z1, z2", [(-4.0, -4.0), (0.0, 0.0), (1.5, -2.5), (4, 4)])
def test_latent_decoder_shows_the_sigmoid_of_the_decoder_output_at_the_chosen_point(z1, z2, digits_test_set):
    X_test, y_test = digits_test_set
    decoder = small_decoder(2)
    codes = np.random.default_rng(0).normal(size=(len(X_test), 2))
    fig = explorers.latent_decoder(z1, z2, decoder=decoder, codes=codes, labels=y_test)
    assert isinstance(fig, Figure)
    ax_z, ax_img = fig.axes[:2]  # then two colour bars
    expected = torch.sigmoid(decoder(torch.tensor([[z1, z2]], dtype=torch.float32))).detach().numpy()
    np.testing.assert_allclose(ax_img.images[0].get_array(), expected.reshape(8, 8), rtol=1e-6)
    assert ax_z.get_xlim() == (-4.0, 4.0) and ax_z.get_ylim() == (-4.0, 4.0)  # fixed: it blits
    assert ax_z.get_xlabel() and ax_z.get_ylabel() and fig.legends
    assert len(ax_z.collections[0].get_offsets()) == len(X_test)
    assert f"({z1:.2f}, {z2:.2f})" in ax_img.get_title()
    fig.canvas.draw()


def test_latent_decoder_redraws_its_background_when_the_codes_change(digits_test_set, monkeypatch):
    import io

    from PIL import Image

    from helpers import plotting
    X_test, y_test = digits_test_set
    decoder = small_decoder(2)
    rng = np.random.default_rng(0)
    first, second = (rng.normal(size=(len(X_test), 2)) for _ in range(2))

    def pixels(codes):
        fig = explorers.latent_decoder(1.0, -1.0, decoder=decoder, codes=codes, labels=y_test)
        return np.asarray(Image.open(io.BytesIO(plotting.render(fig))))

    monkeypatch.setattr(plotting, "_SLIDER_FIGURES", {})
    pixels(first)
    after_change = pixels(second)
    monkeypatch.setattr(plotting, "_SLIDER_FIGURES", {})  # a new figure drawn with the second codes
    assert np.array_equal(after_change, pixels(second))
    assert not np.array_equal(after_change, pixels(first))


def test_latent_decoder_works_without_codes_and_with_a_decoder_on_any_device():
    fig = explorers.latent_decoder(0.5, 0.5, decoder=small_decoder(2).double())  # float64 parameters
    assert len(fig.axes[0].collections[0].get_offsets()) == 0


@pytest.mark.parametrize("kwargs, message", [
    ({"z1": 5.0}, "z1"),
    ({"z2": float("nan")}, "z2"),
    ({"decoder": "not a network"}, "decoder"),
    ({"decoder": torch.nn.Linear(2, 10)}, "64"),
    ({"codes": np.zeros((5, 3))}, "codes"),
    ({"codes": np.zeros((5, 2)), "labels": np.arange(4)}, "labels"),
])
def test_latent_decoder_rejects_parameters_it_cannot_draw(kwargs, message):
    kwargs = {"decoder": small_decoder(2), **kwargs}
    with pytest.raises(ValueError, match=message):
        explorers.latent_decoder(**kwargs)


@pytest.mark.parametrize("weight", [0.0, 0.25, 1.0])
def test_latent_interpolation_decodes_the_mixed_code_and_shows_both_digits(weight, digits_test_set):
    X_test, y_test = digits_test_set
    decoder = small_decoder(3)
    codes = np.random.default_rng(1).normal(size=(len(X_test), 3))
    fig = explorers.latent_interpolation(weight, 4, 17, decoder=decoder, codes=codes, images=X_test,
                                         labels=y_test)
    ax_first, ax_current, ax_second, ax_strip = fig.axes
    np.testing.assert_array_equal(ax_first.images[0].get_array(), X_test[4].reshape(8, 8))
    np.testing.assert_array_equal(ax_second.images[0].get_array(), X_test[17].reshape(8, 8))
    z = torch.tensor((1 - weight) * codes[4] + weight * codes[17], dtype=torch.float32)
    expected = torch.sigmoid(decoder(z[None])).detach().numpy().reshape(8, 8)
    np.testing.assert_allclose(ax_current.images[0].get_array(), expected, rtol=1e-5, atol=1e-6)
    assert f"a {y_test[4]}" in ax_first.get_title() and f"{weight:.2f}" in ax_current.get_title()
    strip = np.ma.filled(ax_strip.images[0].get_array(), np.nan)
    if weight == 0.0:  # the path's first frame is the decoded first digit
        np.testing.assert_allclose(strip[:, :8], expected, rtol=1e-5, atol=1e-6)
    assert np.isnan(strip[:, 8]).all() and ax_strip.get_xlabel()
    fig.canvas.draw()


@pytest.mark.parametrize("kwargs, message", [
    ({"weight": 1.5}, "weight"),
    ({"first": -1}, "first"),
    ({"second": 10_000}, "second"),
    ({"first": 2.0}, "first"),
    ({"images": np.zeros((3, 64))}, "images"),
    ({"n_steps": 5}, "n_steps"),
])
def test_latent_interpolation_rejects_parameters_it_cannot_draw(kwargs, message, digits_test_set):
    X_test, _ = digits_test_set
    kwargs = {"decoder": small_decoder(2), "codes": np.zeros((len(X_test), 2)), "images": X_test,
              **kwargs}
    with pytest.raises(ValueError, match=message):
        explorers.latent_interpolation(**kwargs)


# ------------------------------------------------------------------------- notebook 05


@pytest.mark.parametrize("activation", explorers.PRIOR_ACTIVATIONS)
@pytest.mark.parametrize("hidden, depth, scaled", [(1, 1, True), (50, 2, False), (100, 4, True)])
def test_prior_functions_draws_thirty_networks_for_every_slider_corner(activation, hidden, depth, scaled):
    fig = explorers.prior_functions(hidden=hidden, activation=activation, depth=depth, scaled=scaled)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_ylim() == (-6.0, 6.0)
    assert len(ax.collections[0].get_segments()) == 30
    assert f"{depth} × {hidden} {activation}" in ax.get_title()
    assert "mean over x" in ax.get_title()  # the sd is averaged over the grid, not Var f(x) at one x
    fig.canvas.draw()


def test_prior_function_samples_without_nonlinearity_are_straight_lines():
    x = np.linspace(-3, 3, 7)
    f = explorers.prior_function_samples(x, 20, 1.3, 0.7, "none", 3)
    second_differences = np.diff(f, n=2, axis=1)
    assert np.abs(second_differences).max() < 1e-4 * max(1.0, np.abs(f).max())


def test_prior_function_samples_keep_their_variance_as_width_grows_only_when_scaled():
    # with 1/sqrt(H) scaling Var f(x) does not depend on H at all (the GP limit is about its shape)
    x = np.array([0.5])
    def spread(hidden, scaled):
        return np.mean([explorers.prior_function_samples(x, hidden, 1.0, 1.0, "tanh", 1, scaled=scaled,
                                                         seed=s).var() for s in range(20)])
    assert 0.5 < spread(100, True) / spread(10, True) < 2.0  # the same variance at every width
    assert spread(100, False) / spread(10, False) > 5  # grows like H without 1/sqrt(H)


def test_prior_function_samples_reuse_the_same_draws_when_a_scale_changes():
    x = np.linspace(-1, 1, 5)
    a = explorers.prior_function_samples(x, 10, 1.0, 0.0, "relu", 1)
    b = explorers.prior_function_samples(x, 10, 2.0, 0.0, "relu", 1)
    np.testing.assert_allclose(b, 4.0 * a, rtol=1e-5)  # ReLU is positively homogeneous: w -> 2w gives 4f


@pytest.mark.parametrize("kwargs, message", [
    ({"hidden": 0}, "hidden"), ({"hidden": 101}, "hidden"), ({"depth": 5}, "depth"),
    ({"weight_std": -1.0}, "weight_std"), ({"activation": "gelu"}, "activation"),
])
def test_prior_functions_rejects_parameters_it_cannot_draw(kwargs, message):
    with pytest.raises(ValueError, match=message):
        explorers.prior_functions(**kwargs)


# ------------------------------------------------------------------------- notebook 07


@pytest.mark.parametrize("method", ["euler", "rk4", "dopri5"])
def test_ode_solver_draws_trajectory_and_marks_the_current_error(method):
    from helpers import odes

    fig = explorers.ode_solver(method=method, n_steps=50, log10_tol=-5.0)
    ax_traj, ax_err = fig.axes
    line = next(ln for ln in ax_traj.lines if ln.get_label() == "numerical solution")
    end = np.array([line.get_xdata()[-1], line.get_ydata()[-1]])
    error = np.linalg.norm(end - odes.linear_spiral_exact(10.0)[0])
    star = next(ln for ln in ax_err.lines if ln.get_label() == "current setting")
    assert star.get_ydata()[0] == pytest.approx(max(error, 1e-15))
    assert ax_err.get_xscale() == "log" and ax_traj.get_xlabel() and ax_err.get_ylabel()
    fig.canvas.draw()


@pytest.mark.parametrize("kwargs, message", [({"method": "rk45"}, "method"), ({"n_steps": 0}, "n_steps"),
                                             ({"log10_tol": -20.0}, "log10_tol")])
def test_ode_solver_rejects_parameters_it_cannot_draw(kwargs, message):
    with pytest.raises(ValueError, match=message):
        explorers.ode_solver(**kwargs)
