"""Notebook 07b: the irregular sine data, the latent ODE explorer and the activity checks."""

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from torchdiffeq import odeint

from helpers import checks, data, explorers

# ------------------------------------------------------------------------- data.irregular_sines


def test_irregular_sines_have_sorted_times_inside_their_windows():
    s = data.irregular_sines(n_series=50, n_obs=12, n_extra=4, obs_end=3.0, extra_end=6.0, seed=1)
    assert s.t_obs.shape == s.y_obs.shape == (50, 12) and s.t_extra.shape == s.y_extra.shape == (50, 4)
    assert s.amplitude.shape == s.frequency.shape == s.phase.shape == (50,)
    assert np.all(np.diff(s.t_obs, axis=1) >= 0) and np.all(np.diff(s.t_extra, axis=1) >= 0)
    assert s.t_obs.min() >= 0 and s.t_obs.max() <= 3.0
    assert s.t_extra.min() > 3.0 and s.t_extra.max() <= 6.0
    assert np.all((0.5 <= s.amplitude) & (s.amplitude <= 1.5))
    assert np.all((0.2 <= s.frequency) & (s.frequency <= 0.4))


def test_irregular_sines_without_noise_lie_on_their_curves():
    s = data.irregular_sines(n_series=5, noise_std=0.0, seed=2)
    for k in range(5):
        np.testing.assert_allclose(s.y_obs[k], s.curve(s.t_obs[k])[k], atol=1e-12)
        np.testing.assert_allclose(s.y_extra[k], s.curve(s.t_extra[k])[k], atol=1e-12)


def test_irregular_sines_noise_has_the_asked_scale_and_rescales_the_same_draws():
    clean = data.irregular_sines(n_series=400, noise_std=0.0, seed=3)
    noisy = data.irregular_sines(n_series=400, noise_std=0.1, seed=3)
    double = data.irregular_sines(n_series=400, noise_std=0.2, seed=3)
    np.testing.assert_array_equal(clean.t_obs, noisy.t_obs)
    noise = noisy.y_obs - clean.y_obs
    assert noise.std() == pytest.approx(0.1, rel=0.05)
    np.testing.assert_allclose(double.y_obs - clean.y_obs, 2 * noise, atol=1e-12)


def test_irregular_sines_are_reproducible_and_differ_between_seeds():
    a, b, c = (data.irregular_sines(n_series=10, seed=s) for s in (4, 4, 5))
    np.testing.assert_array_equal(a.y_obs, b.y_obs)
    assert not np.allclose(a.y_obs, c.y_obs)


@pytest.mark.parametrize("kwargs, message", [
    ({"n_series": 0}, "n_series"), ({"n_obs": 2.5}, "n_obs"), ({"n_extra": -1}, "n_extra"),
    ({"obs_end": 0.0}, "obs_end"), ({"extra_end": 4.0}, "extra_end"), ({"noise_std": -0.1}, "noise_std"),
    ({"amplitude": (1.0, 0.5)}, "amplitude"), ({"frequency": (0.0, 1.0)}, "frequency"),
    ({"frequency": (0.1, 0.2, 0.3)}, "frequency"),
])
def test_irregular_sines_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.irregular_sines(**kwargs)


# ------------------------------------------------------------------------- the explorer
# A stand-in latent ODE with the notebook's interface: the posterior sd shrinks with the number of
# observations kept; the latent state rotates, and the first coordinate is read out.


class StandInLatentODE(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rotation = torch.nn.Parameter(torch.tensor([[0.0, 1.5], [-1.5, 0.0]]))

    def encode(self, t, y, kept):
        count = kept.sum(1, keepdim=True).to(y.dtype)
        first = (torch.where(kept, y, 0.0).sum(1, keepdim=True) / count)
        mean = torch.cat([first, torch.zeros_like(first)], 1)
        return mean, (-0.5 - 0.1 * count).expand(-1, 2)

    def decode(self, z0, t):
        grid = torch.arange(0.0, float(t.max()) + 0.2, 0.1, dtype=z0.dtype)
        z = odeint(lambda s, z: z @ self.rotation, z0, grid, method="rk4")
        return z[..., 0].T.gather(1, (t / 0.1).round().long())


@pytest.fixture(scope="module")
def test_series():
    return data.irregular_sines(n_series=20, seed=0)


@pytest.mark.parametrize("n_kept, index", [(1, 0), (7, 3), (30, 19)])
def test_latent_ode_posterior_shows_kept_points_samples_and_a_shrinking_band(n_kept, index, test_series):
    fig = explorers.latent_ode_posterior(n_kept, index, model=StandInLatentODE(), series_data=test_series)
    assert isinstance(fig, Figure)
    ax, ax_w = fig.axes
    dropped, kept, later = ax.collections[2:5]
    assert len(kept.get_offsets()) == n_kept and len(dropped.get_offsets()) == 30 - n_kept
    np.testing.assert_allclose(later.get_offsets()[:, 1], test_series.y_extra[index])
    assert len(ax.collections[1].get_segments()) == 30  # the z0 samples
    assert ax.get_xlim() == (0.0, 8.0) and ax.get_ylim() == (-2.5, 2.5)  # fixed: it blits
    assert ax.get_xlabel() and ax.get_ylabel() and ax_w.get_xlabel() and ax_w.get_ylabel()
    widths = ax_w.lines[0].get_ydata()
    assert len(widths) == 30 and np.all(np.diff(widths) < 0)  # the stand-in's sd falls with the count
    assert f"{n_kept} of 30" in ax.get_title()
    fig.canvas.draw()


def test_latent_ode_posterior_keeps_nested_sets_and_is_deterministic(test_series):
    model = StandInLatentODE()
    fig = explorers.latent_ode_posterior(5, 2, model=model, series_data=test_series)
    five = fig.axes[0].collections[3].get_offsets().copy()
    samples = np.array(fig.axes[0].collections[1].get_segments())
    fig = explorers.latent_ode_posterior(6, 2, model=model, series_data=test_series)
    six = fig.axes[0].collections[3].get_offsets()
    assert {tuple(p) for p in five} < {tuple(p) for p in six}
    fig = explorers.latent_ode_posterior(5, 2, model=model, series_data=test_series)
    np.testing.assert_array_equal(np.array(fig.axes[0].collections[1].get_segments()), samples)


class WrongShapeDecoder(StandInLatentODE):
    def decode(self, z0, t):
        return super().decode(z0, t)[:, :3]


@pytest.mark.parametrize("kwargs, message", [
    ({"n_kept": 0}, "n_kept"), ({"n_kept": 31}, "n_kept"), ({"n_kept": 2.0}, "n_kept"),
    ({"series": 20}, "series"), ({"series": -1}, "series"),
    ({"model": torch.nn.Linear(2, 2)}, "encode"), ({"model": WrongShapeDecoder()}, "decode"),
    ({"series_data": np.zeros((3, 30))}, "IrregularSeries"),
])
def test_latent_ode_posterior_rejects_parameters_it_cannot_draw(kwargs, message, test_series):
    kwargs = {"model": StandInLatentODE(), "series_data": test_series, **kwargs}
    with pytest.raises(ValueError, match=message):
        explorers.latent_ode_posterior(**kwargs)


def test_latent_ode_posterior_refuses_series_beyond_the_figure_range():
    late = data.irregular_sines(n_series=3, extra_end=9.0, seed=0)
    with pytest.raises(ValueError, match="end by"):
        explorers.latent_ode_posterior(model=StandInLatentODE(), series_data=late)


# ------------------------------------------------------------------------- activity checks


def lerp_interpolation(values, step, t):
    pos = t / step
    i = pos.floor().long().clamp(max=values.shape[1] - 2)
    return torch.lerp(values.gather(1, i), values.gather(1, i + 1), pos - i)


def nearest_interpolation(values, step, t):
    return values.gather(1, (t / step).round().long())


def test_grid_interpolation_check_accepts_linear_and_rejects_nearest_point():
    assert checks.check_grid_interpolation(lerp_interpolation)
    result = checks.check_grid_interpolation(nearest_interpolation)
    assert not result and "off by" in result.message
    assert not checks.check_grid_interpolation(lambda values, step, t: None)


def quantile_coverage(draws, y, level=0.9):
    q = torch.tensor([(1 - level) / 2, (1 + level) / 2], dtype=draws.dtype)
    lower, upper = torch.quantile(draws, q, dim=0)
    return ((y >= lower) & (y <= upper)).double().mean().item()


def test_band_coverage_check_accepts_quantiles_and_rejects_a_mean_plus_two_sd_band():
    assert checks.check_band_coverage(quantile_coverage)

    def gaussian_band(draws, y, level=0.9):  # ignores the level: wrong for 0.5
        mean, sd = draws.mean(0), draws.std(0)
        return ((y >= mean - 1.645 * sd) & (y <= mean + 1.645 * sd)).double().mean().item()

    assert not checks.check_band_coverage(gaussian_band)


def test_first_observations_check_recomputes_the_mse_and_allows_fifteen_percent(test_series):
    model = StandInLatentODE()
    t, y = (torch.as_tensor(a, dtype=torch.float32) for a in (test_series.t_obs, test_series.y_obs))
    kept = torch.zeros_like(t, dtype=torch.bool)
    kept[:, :10] = True
    with torch.no_grad():
        mean, _ = model.encode(t, y, kept)
        pred = model.decode(mean, torch.as_tensor(test_series.t_extra, dtype=torch.float32))
    approx = float((pred - torch.as_tensor(test_series.y_extra)).pow(2).mean())  # mean of z0, not of samples
    kwargs = {"model": model, "series_data": test_series, "n_first": 10}
    exact = checks.check_first_observations_mse(approx, **kwargs)
    assert exact, exact.message
    assert not checks.check_first_observations_mse(2 * approx, **kwargs)
    assert not checks.check_first_observations_mse(None, **kwargs)
