"""Slider update functions of notebooks 07a and 07b (neural and latent ODEs): parameters in, Figure out."""

from __future__ import annotations

from functools import lru_cache

import matplotlib as mpl
import numpy as np

from .. import _validate, data, plotting
from ..plotting import COLORS

# ------------------------------------------------------------------------- notebook 07
# A solver on the linear spiral dy/dt = A y (known solution), in float64. Euler and RK4 take the
# chosen number of equal steps; dopri5 (torchdiffeq) chooses its own steps for a tolerance.

_ODE_T_END = 10.0
_ODE_METHODS = {"euler": "Euler", "rk4": "RK4", "dopri5": "dopri5"}
_ODE_EVALS_PER_STEP = {"euler": 1, "rk4": 4}


def ode_solver(method: str = "rk4", n_steps: int = 40, log10_tol: float = -6.0):
    """07: a numerical solution of the linear spiral against the exact one, and its error.

    `method` is "euler", "rk4" (both with `n_steps` equal steps on [0, 10]) or "dopri5" (adaptive,
    rtol = atol = 10**log10_tol; `n_steps` is then unused). Left: the trajectory in the phase
    plane, exact and numerical, with a dot at the end of every step (for dopri5, of every accepted
    adaptive step). Right: the error at t = 10 against the number of function evaluations for all
    three solvers, the current setting marked; for dopri5 the title also gives the error in units
    of the tolerance (a local, per-step target, so the global error is usually several times it).
    """
    _validate.choice("method", method, _ODE_METHODS)
    n_steps = _validate.count("n_steps", n_steps, minimum=1)
    if not -12.0 <= log10_tol <= -2.0:
        raise ValueError(f"log10_tol must lie between -12 and -2, got {log10_tol}")
    if method == "dopri5":
        n_steps = 1  # unused: the cache then keeps one dopri5 solve per tolerance
    else:
        log10_tol = -6.0  # unused by the fixed-step solvers
    ys, steps, evals = _ode_solution(method, n_steps, float(log10_tol))
    from ..odes import linear_spiral_exact

    error = float(np.linalg.norm(ys[-1] - linear_spiral_exact(_ODE_T_END)[0]))
    fig, art = plotting.slider_figure(_ode_solver_build, 1, 2,
                                      height=1.25 * mpl.rcParams["figure.figsize"][1])
    art["numerical"].set_data(ys[:, 0], ys[:, 1])
    art["steps"].set_data(*steps.T)
    setting = (f"{len(steps)} adaptive steps, tol 1e{log10_tol:g}" if method == "dopri5"
               else f"{n_steps} steps, h = {_ODE_T_END / n_steps:.3g}")
    art["traj_title"].set_text(f"{_ODE_METHODS[method]}: {setting}")
    art["current"].set_data([evals], [max(error, 1e-15)])
    ratio = f" ({error / 10.0**log10_tol:.0f} x tol)" if method == "dopri5" else ""
    art["err_title"].set_text(f"error at t = 10: {error:.1e}{ratio}, {evals} evaluations")
    return fig


@lru_cache(maxsize=256)
def _ode_solution(method, n_steps, log10_tol):
    """States along one solve on [0, _ODE_T_END], the step points (for dopri5 the ends of its
    accepted steps, recorded by torchdiffeq's `callback_accept_step`; its curve is drawn from the
    dense interpolant) and the number of evaluations of f."""
    from ..odes import SPIRAL_Y0, fixed_step_solve, linear_spiral

    if method != "dopri5":
        _, ys = fixed_step_solve(linear_spiral, SPIRAL_Y0, _ODE_T_END, n_steps, method)
        return ys, ys, _ODE_EVALS_PER_STEP[method] * n_steps
    import torch
    from torchdiffeq import odeint

    from ..odes import SPIRAL_A

    class Field:  # counts evaluations and records where each accepted step starts
        def __init__(self):
            self.A_T, self.evals, self.starts = torch.tensor(SPIRAL_A.T.copy()), 0, []

        def __call__(self, t, y):
            self.evals += 1
            return y @ self.A_T

        def callback_accept_step(self, t0, y0, dt):
            self.starts.append(y0.numpy().copy())

    field, tol = Field(), 10.0**log10_tol
    with torch.no_grad():  # output on a fine grid comes from dopri5's interpolant: no extra evals
        ys = odeint(field, torch.tensor(SPIRAL_Y0), torch.from_numpy(_ODE_GRID), method="dopri5",
                    rtol=tol, atol=tol).numpy()
    return ys, np.array([*field.starts[1:], ys[-1]]), field.evals


_ODE_GRID = np.linspace(0.0, _ODE_T_END, 400)


@lru_cache(maxsize=1)
def _ode_error_curves():
    """Error at t = 10 against evaluations of f for each solver: {method: (evals, errors)}."""
    from ..odes import linear_spiral_exact

    exact = linear_spiral_exact(_ODE_T_END)[0]
    settings = {"euler": [(n, -6.0) for n in np.unique(np.geomspace(5, 5000, 16).astype(int))],
                "rk4": [(n, -6.0) for n in np.unique(np.geomspace(5, 1000, 14).astype(int))],
                "dopri5": [(1, float(k)) for k in np.arange(-2.0, -10.5, -2.0)]}  # slider range, every other
    curves = {}
    for method, grid in settings.items():
        points = []
        for n, tol in grid:
            ys, _, evals = _ode_solution(method, int(n), tol)
            points.append((evals, max(float(np.linalg.norm(ys[-1] - exact)), 1e-15)))
        curves[method] = tuple(np.array(col) for col in zip(*points, strict=True))
    return curves


def _ode_solver_build(fig, axes):
    from ..odes import linear_spiral_exact

    ax_traj, ax_err = axes
    exact = linear_spiral_exact(_ODE_GRID)
    ax_traj.plot(exact[:, 0], exact[:, 1], "--", color=COLORS["truth"], label="exact solution")
    art = {}
    (art["numerical"],) = ax_traj.plot([], [], color=COLORS["fit"], label="numerical solution")
    (art["steps"],) = ax_traj.plot([], [], "o", ms=0.7 * mpl.rcParams["lines.markersize"],
                                   color=COLORS["fit"], label="step ends")
    ax_traj.set(xlim=(-3, 3), ylim=(-3, 3), xlabel="$y_1$", ylabel="$y_2$", xticks=[-2, 0, 2],
                yticks=[-2, 0, 2], aspect="equal")
    art["traj_title"] = ax_traj.title
    colors = {"euler": COLORS["test"], "rk4": COLORS["fit"], "dopri5": COLORS["alt"]}
    for method, (evals, errors) in _ode_error_curves().items():
        ax_err.plot(evals, errors, "o-", ms=0.6 * mpl.rcParams["lines.markersize"], color=colors[method],
                    label=f"{_ODE_METHODS[method]} error")
    (art["current"],) = ax_err.plot([], [], "*", ms=2.5 * mpl.rcParams["lines.markersize"],
                                    color=COLORS["highlight"], label="current setting")
    ax_err.set(xscale="log", yscale="log", xlim=(4, 3e4), ylim=(1e-13, 1e3),
               xlabel="evaluations of f (cost)", ylabel="error |y_N - y(10)|")
    plotting.plain_log_labels(ax_err.yaxis, [1e-12, 1e-8, 1e-4, 1, 1e3])
    plotting.plain_log_labels(ax_err.xaxis, [10, 100, 1000, 10000])
    art["err_title"] = ax_err.title
    handles = ax_traj.get_legend_handles_labels()[0] + ax_err.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="outside lower center", ncol=4)
    return art


# ------------------------------------------------------------------------- notebook 07b
# The latent ODE is an argument (the trained model in the notebook, a small untrained stand-in in
# the tests and the benchmark) with two methods on float tensors:
#     model.encode(t, y, kept) -> (mean, log_sd)   t, y (B, n) sorted times and values, kept (B, n)
#                                                   a boolean mask; q(z0) parameters (B, d)
#     model.decode(z0, t) -> y_hat                  z0 (B, d), times t (B, T): predictions (B, T)

_LODE_SAMPLES = 30  # z0 draws per band
_LODE_GRID_STEP = 0.1
_LODE_YLIM = (-2.5, 2.5)
_LODE_XMAX = 8.0
_LODE_WIDTH_MAX = 1.5  # the right panel's fixed y range; wider bands run off the top


def latent_ode_posterior(n_kept: int = 30, series: int = 0, *, model, series_data):
    """07b: what the latent ODE predicts for one series from `n_kept` of its observations.

    `series_data` is a `data.IrregularSeries` (e.g. the test series) and `series` indexes it;
    the kept observations are the first `n_kept` of a fixed random order of that series' points,
    so the sets are nested as `n_kept` grows. Left: kept and dropped observations, the later
    (extrapolation) points, the true curve, 30 decoded z0 samples and their 90% band. Right: the
    band's mean width on the extrapolation window against the number of observations kept (all
    1..n_obs, computed in one batch with the same z0 draws), the current setting marked.
    Deterministic: the z0 draws come from a fixed generator.
    """
    if not isinstance(series_data, data.IrregularSeries):
        raise ValueError(f"series_data must be a data.IrregularSeries, got {type(series_data).__name__}")
    n_series, n_obs = series_data.t_obs.shape
    for name, value, low, high in (("n_kept", n_kept, 1, n_obs), ("series", series, 0, n_series - 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or not low <= value <= high:
            raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    if not (callable(getattr(model, "encode", None)) and callable(getattr(model, "decode", None))):
        raise ValueError("model must have encode(t, y, kept) and decode(z0, t) methods (a latent ODE)")
    end, obs_end = float(series_data.t_extra.max()), float(series_data.t_obs.max())
    if end > _LODE_XMAX:
        raise ValueError(f"the series must end by t = {_LODE_XMAX:g} (the figure's fixed range), "
                         f"got times up to {end:.3g}")
    params = list(model.parameters()) if hasattr(model, "parameters") else []
    # one series' draws for every n_kept at once, kept while only n_kept changes; the key holds a
    # fingerprint of the weights, so a model trained further in place is not served stale draws
    key = (id(model), tuple(float(p.detach().sum()) for p in params), id(series_data), int(series))
    if _LODE_CACHE.get("key") != key:
        _LODE_CACHE.clear()
        _LODE_CACHE.update(key=key, value=_latent_ode_draws(model, params, series_data, int(series)))
    grid, kept, paths, lower, upper, widths = _LODE_CACHE["value"]
    t_i, y_i = series_data.t_obs[series], series_data.y_obs[series]

    base_w, base_h = mpl.rcParams["figure.figsize"]
    fig, art = plotting.slider_figure(_latent_ode_posterior_build, 1, 2, width_ratios=(2.2, 1),
                                      width=1.6 * base_w, height=1.2 * base_h)
    mask = kept[n_kept - 1]
    art["kept"].set_offsets(np.column_stack([t_i[mask], y_i[mask]]))
    art["dropped"].set_offsets(np.column_stack([t_i[~mask], y_i[~mask]]).reshape(-1, 2))
    art["later"].set_offsets(np.column_stack([series_data.t_extra[series], series_data.y_extra[series]]))
    art["truth"].set_data(grid, series_data.curve(grid)[series])
    art["samples"].set_segments(np.stack([np.broadcast_to(grid, (_LODE_SAMPLES, grid.size)),
                                          paths[:, n_kept - 1]], axis=-1))
    art["band"].set_data(grid, lower[n_kept - 1], upper[n_kept - 1])
    art["obs_end"].set_xdata([obs_end, obs_end])
    art["title"].set_text(f"series {series}: {n_kept} of {n_obs} observations kept")
    art["widths"].set_data(np.arange(1, n_obs + 1), widths)
    art["current"].set_data([n_kept], [widths[n_kept - 1]])
    art["width_title"].set_text(f"band width after t = {obs_end:.1f}: {widths[n_kept - 1]:.2f}")
    return fig


_LODE_CACHE: dict = {}


def _latent_ode_draws(model, params, series_data, series):
    """Decoded z0 draws of one series for every number of kept observations 1..n_obs, in one batch:
    grid (G,), kept masks (n_obs, n_obs), paths (S, n_obs, G), their 5% and 95% quantiles
    (n_obs, G) and the band's mean width on the extrapolation window (n_obs,)."""
    import torch

    device, dtype = (params[0].device, params[0].dtype) if params else ("cpu", torch.float32)
    n_obs = series_data.t_obs.shape[1]
    t_i, y_i = series_data.t_obs[series], series_data.y_obs[series]
    order = np.random.default_rng([7, series]).permutation(n_obs)
    kept = np.zeros((n_obs, n_obs), dtype=bool)  # row k - 1 keeps the first k of `order`
    for k in range(1, n_obs + 1):
        kept[k - 1, order[:k]] = True
    grid = np.arange(0.0, float(series_data.t_extra.max()) + _LODE_GRID_STEP / 2, _LODE_GRID_STEP)
    as_tensor = lambda a: torch.as_tensor(a, dtype=dtype, device=device)  # noqa: E731
    with torch.no_grad():
        mean, log_sd = model.encode(as_tensor(np.tile(t_i, (n_obs, 1))), as_tensor(np.tile(y_i, (n_obs, 1))),
                                    torch.as_tensor(kept, device=device))
        if mean.shape != (n_obs, mean.shape[-1]) or log_sd.shape != mean.shape:
            raise ValueError(f"model.encode must return a mean and log-sd of shape ({n_obs}, d), got "
                             f"{tuple(mean.shape)} and {tuple(log_sd.shape)}")
        eps = torch.randn(_LODE_SAMPLES, *mean.shape[-1:], generator=torch.Generator().manual_seed(0))
        z0 = (mean[None] + log_sd.exp()[None] * eps.to(device=device, dtype=dtype)[:, None])  # (S, n_obs, d)
        paths = model.decode(z0.reshape(-1, mean.shape[-1]),
                             as_tensor(np.tile(grid, (_LODE_SAMPLES * n_obs, 1))))
    if tuple(paths.shape) != (_LODE_SAMPLES * n_obs, grid.size):
        raise ValueError(f"model.decode must return predictions of shape ({_LODE_SAMPLES * n_obs}, "
                         f"{grid.size}), got {tuple(paths.shape)}")
    paths = paths.cpu().numpy().astype(np.float64).reshape(_LODE_SAMPLES, n_obs, grid.size)
    lower, upper = np.quantile(paths, [0.05, 0.95], axis=0)  # (n_obs, G)
    widths = (upper - lower)[:, grid > series_data.t_obs.max()].mean(axis=1)
    return grid, kept, paths, lower, upper, widths


def _latent_ode_posterior_build(fig, axes):
    from matplotlib.collections import LineCollection

    ax, ax_w = axes
    size = mpl.rcParams["lines.markersize"] ** 2
    art = {"band": ax.fill_between([0, 1], [0, 0], [0, 0], color=COLORS["samples"], alpha=0.3, linewidth=0,
                                   label="90% band of the z0 samples")}
    art["samples"] = LineCollection([], colors=COLORS["samples"], alpha=0.5, label="decoded z0 samples",
                                    linewidths=0.5 * mpl.rcParams["lines.linewidth"])
    ax.add_collection(art["samples"])
    (art["truth"],) = ax.plot([], [], "--", color=COLORS["truth"], label="true curve")
    art["dropped"] = ax.scatter([], [], s=size, facecolors="none", edgecolors=COLORS["truth"],
                                label="dropped observations")
    art["kept"] = ax.scatter([], [], s=1.4 * size, color=COLORS["data"], zorder=3, label="kept observations")
    art["later"] = ax.scatter([], [], s=1.4 * size, marker="D", color=COLORS["test"], zorder=3,
                              label="later points")
    art["obs_end"] = ax.axvline(5.0, color=COLORS["truth"], lw=1)
    ax.set(xlim=(0, _LODE_XMAX), ylim=_LODE_YLIM, xlabel="time t", ylabel="y(t)")
    art["title"] = ax.title
    (art["widths"],) = ax_w.plot([], [], "o-", ms=0.6 * mpl.rcParams["lines.markersize"],
                                 color=COLORS["samples"], label="mean 90% band width after the window")
    (art["current"],) = ax_w.plot([], [], "*", ms=2.5 * mpl.rcParams["lines.markersize"],
                                  color=COLORS["highlight"], label="current setting")
    ax_w.set(xlim=(0, 31), ylim=(0, _LODE_WIDTH_MAX), xlabel="observations kept",
             ylabel="band width on the extrapolation window")
    art["width_title"] = ax_w.title
    handles = ax.get_legend_handles_labels()[0] + ax_w.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="outside lower center", ncol=4)
    return art
