"""The update functions behind the notebooks' sliders: parameters in, Figure out.

Each draws from the math modules and `plotting`; what it shows depends on its arguments alone.
For speed (the budget is 100 ms per update, drawing included) it redraws into a figure kept by
`plotting.slider_figure` and caches computations that some sliders do not change. It raises
ValueError for parameters it cannot draw (the panel shows the message). Tests and benchmarks call
them directly; notebooks wire them to sliders with `helpers.widgets.panel`.
"""

from __future__ import annotations

from functools import lru_cache

import matplotlib as mpl
import numpy as np
import scipy.linalg

from . import _validate, data, linreg, plotting
from .plotting import COLORS

# ------------------------------------------------------------------------- notebook 01


def ols_fit(family: str = "polynomial", n_basis: int = 8, noise_std: float = 0.2,
            n_points: int = 100, *, seed: int = 0, max_basis: int = 30):
    """01: an OLS fit of the x sin(10x) data, and train/test error against the number of basis functions.

    Left: data, true curve and fit. Right: train and test MSE for 1..max_basis basis functions,
    with the current size marked and the noise variance (the best any model can do on test data).
    """
    if max_basis != _OLS_MAX_BASIS:
        raise ValueError(f"max_basis is fixed at {_OLS_MAX_BASIS} in this figure")
    x_tr, y_tr, _, _ = data.sine_split(n_points, noise_std, seed)
    if not 1 <= n_basis <= max_basis:
        raise ValueError(f"n_basis must lie between 1 and {max_basis}, got {n_basis}")
    train_err, test_err = _ols_error_curves(family, n_points, noise_std, seed, max_basis)
    theta = linreg.ols(linreg.design_matrix(x_tr, family, n_basis), y_tr)

    fig, art = plotting.slider_figure(_ols_fit_build, 1, 2,
                                      height=1.25 * mpl.rcParams["figure.figsize"][1])
    art["data"].set_offsets(np.column_stack([x_tr, y_tr]))
    art["fit"].set_ydata(linreg.design_matrix(_GRID, family, n_basis) @ theta)
    art["fit_title"].set_text(f"{family}, D = {n_basis}, N = {n_points}")
    art["train"].set_ydata(train_err)
    art["test"].set_ydata(test_err)
    art["noise"].set_ydata([max(noise_std**2, 1e-12)] * 2)  # below the axis when there is no noise
    art["current"].set_xdata([n_basis] * 2)
    art["err_title"].set_text(f"train {_mse_text(train_err[n_basis - 1])} · "
                              f"test {_mse_text(test_err[n_basis - 1])}")
    return fig


def _mse_text(value: float) -> str:
    return "≈ 0" if value < 1e-12 else f"{value:.3g}"  # interpolation leaves rounding error only


_GRID = np.linspace(0.0, 1.0, 400)
_OLS_MAX_BASIS = 30


def _ols_fit_build(fig, axes):
    ax_fit, ax_err = axes
    ax_fit.plot(_GRID, data.sine_function(_GRID), "--", color=COLORS["truth"], label="true f(x)")
    art = {"data": plotting.plot_data(ax_fit, [], [], label="training points")}
    (art["fit"],) = ax_fit.plot(_GRID, np.zeros_like(_GRID), color=COLORS["fit"],
                                label="least-squares fit")
    ax_fit.set(xlim=(0, 1), ylim=(-1.6, 1.6), xlabel="x", ylabel="y",
               xticks=[0, 0.5, 1], yticks=[-1, 0, 1])
    art["fit_title"] = ax_fit.title

    sizes = np.arange(1, _OLS_MAX_BASIS + 1)
    marker = 0.6 * mpl.rcParams["lines.markersize"]
    (art["train"],) = ax_err.plot(sizes, np.ones(sizes.size), "o-", ms=marker, color=COLORS["train"],
                                  label="train MSE")
    (art["test"],) = ax_err.plot(sizes, np.ones(sizes.size), "o-", ms=marker, color=COLORS["test"],
                                 label="test MSE")
    art["noise"] = ax_err.axhline(1.0, ls=":", color=COLORS["truth"], label="noise variance")
    art["current"] = ax_err.axvline(1, color=COLORS["highlight"], alpha=0.8, label="current D")
    ax_err.set_yscale("log")
    # Few, fixed ticks: legible from the back of a lecture hall, and each tick label costs
    # drawing time on every update. Down to 1e-8, so that noise-free fits stay in view.
    plotting.plain_log_labels(ax_err.yaxis, [1e-8, 1e-6, 1e-4, 1e-2, 1, 100])
    ax_err.set(xlabel="number of basis functions D", ylabel="mean squared error",
               ylim=(1e-8, 100.0), xlim=(0.5, _OLS_MAX_BASIS + 0.5), xticks=[1, 10, 20, 30])
    art["err_title"] = ax_err.title
    # One legend below both panels: no place inside them stays clear of the curves for every
    # slider setting, and outside it is static (drawn once, with the background).
    handles = ax_fit.get_legend_handles_labels()[0] + ax_err.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="outside lower center", ncol=4)
    return art


@lru_cache(maxsize=64)
def _ols_error_curves(family, n_points, noise_std, seed, max_basis):
    """Train/test error curves of `ols_fit`, which moving the D slider does not change."""
    curves = linreg.fit_errors(*data.sine_split(n_points, noise_std, seed), family=family,
                               max_basis=max_basis)
    for curve in curves:
        curve.flags.writeable = False
    return curves


# ------------------------------------------------------------------------- notebook 02

_RIDGE_LOG_LAMBDAS = np.round(np.arange(-8.0, 2.0001, 0.25), 2)  # the curve's grid = the slider's steps
_RIDGE_MAX_DEGREE = 20


def ridge_fit(log10_lambda: float = -3.0, degree: int = 12, noise_std: float = 0.2, *, seed: int = 0,
              n_points: int = 30):
    """02: a ridge (MAP) fit of the x sin(10x) data, and train/validation error against lambda.

    Left: data, true curve, least-squares fit (lambda = 0) and the ridge fit with
    lambda = 10**log10_lambda on a rescaled polynomial basis of the given degree. Right: training
    and validation MSE for log10 lambda from -8 to 2, with the current lambda marked.
    """
    lo, hi = _RIDGE_LOG_LAMBDAS[0], _RIDGE_LOG_LAMBDAS[-1]
    if not lo <= log10_lambda <= hi:
        raise ValueError(f"log10_lambda must lie between {lo:g} and {hi:g}, got {log10_lambda}")
    if not 1 <= degree <= _RIDGE_MAX_DEGREE:
        raise ValueError(f"degree must lie between 1 and {_RIDGE_MAX_DEGREE}, got {degree}")
    x_tr, y_tr, _, _ = data.sine_split(n_points, noise_std, seed)
    train_err, val_err, ols_curve = _ridge_curves(degree, noise_std, seed, n_points)
    Phi = linreg.design_matrix(x_tr, "polynomial", degree)
    lam = 10.0**log10_lambda
    theta = linreg.ridge(Phi, y_tr, lam)

    fig, art = plotting.slider_figure(_ridge_fit_build, 1, 2)
    art["data"].set_offsets(np.column_stack([x_tr, y_tr]))
    art["ols"].set_ydata(ols_curve)
    art["fit"].set_ydata(linreg.design_matrix(_GRID, "polynomial", degree) @ theta)
    art["fit_title"].set_text(f"degree {degree}, λ = {lam:.3g}, ‖θ‖ = {np.linalg.norm(theta):.3g}")
    art["train"].set_ydata(train_err)
    art["val"].set_ydata(val_err)
    art["noise"].set_ydata([max(noise_std**2, 1e-9)] * 2)
    art["current"].set_xdata([log10_lambda] * 2)
    i = int(np.argmin(np.abs(_RIDGE_LOG_LAMBDAS - log10_lambda)))
    art["err_title"].set_text(f"train {_mse_text(train_err[i])} · validation {_mse_text(val_err[i])}")
    return fig


def _ridge_fit_build(fig, axes):
    ax_fit, ax_err = axes
    ax_fit.plot(_GRID, data.sine_function(_GRID), "--", color=COLORS["truth"], label="true f(x)")
    art = {"data": plotting.plot_data(ax_fit, [], [], label="training points")}
    (art["ols"],) = ax_fit.plot(_GRID, np.zeros_like(_GRID), ":", color=COLORS["test"],
                                label="least squares (λ = 0)")
    (art["fit"],) = ax_fit.plot(_GRID, np.zeros_like(_GRID), color=COLORS["fit"], label="ridge / MAP")
    ax_fit.set(xlim=(0, 1), ylim=(-1.6, 1.6), xlabel="x", ylabel="y", xticks=[0, 0.5, 1],
               yticks=[-1, 0, 1])
    art["fit_title"] = ax_fit.title

    ones = np.ones(_RIDGE_LOG_LAMBDAS.size)
    (art["train"],) = ax_err.plot(_RIDGE_LOG_LAMBDAS, ones, "o-", ms=3, color=COLORS["train"],
                                  label="train MSE")
    (art["val"],) = ax_err.plot(_RIDGE_LOG_LAMBDAS, ones, "o-", ms=3, color=COLORS["test"],
                                label="validation MSE")
    art["noise"] = ax_err.axhline(1.0, ls=":", color=COLORS["truth"], label="noise variance")
    art["current"] = ax_err.axvline(0.0, color=COLORS["highlight"], lw=1.2, label="current λ")
    ax_err.set_yscale("log")
    plotting.plain_log_labels(ax_err.yaxis, [1e-4, 1e-3, 1e-2, 0.1, 1, 10])
    ax_err.set(xlabel="log₁₀ λ", ylabel="mean squared error", ylim=(1e-4, 10.0),
               xlim=(_RIDGE_LOG_LAMBDAS[0] - 0.3, _RIDGE_LOG_LAMBDAS[-1] + 0.3),
               xticks=[-8, -6, -4, -2, 0, 2])
    art["err_title"] = ax_err.title
    # Legends below the panels, where no data move: drawn once with the background (a legend
    # redrawn on every update costs ~20 ms, more than everything else in this figure).
    fig.legend(handles=ax_fit.get_legend_handles_labels()[0], loc="outside lower left", ncols=2)
    fig.legend(handles=ax_err.get_legend_handles_labels()[0], loc="outside lower right", ncols=2)
    return art


@lru_cache(maxsize=64)
def _ridge_curves(degree, noise_std, seed, n_points):
    """Train/validation MSE over the lambda grid and the OLS curve: the lambda slider changes neither.

    All 41 ridge solutions from one SVD Phi = U S V^T: theta(lambda) = V diag(s / (s^2 + lambda)) U^T y
    (the same numbers as `linreg.ridge`, tested), instead of 41 least-squares solves.
    """
    x_tr, y_tr, x_val, y_val = data.sine_split(n_points, noise_std, seed)
    Phi, Phi_val = (linreg.design_matrix(x, "polynomial", degree) for x in (x_tr, x_val))
    u, sv, vt = np.linalg.svd(Phi, full_matrices=False)
    shrink = sv[:, None] / (sv[:, None] ** 2 + 10.0 ** _RIDGE_LOG_LAMBDAS[None, :])  # (D, n_lambdas)
    thetas = vt.T @ (shrink * (u.T @ y_tr)[:, None])
    train_err = np.mean((Phi @ thetas - y_tr[:, None]) ** 2, axis=0)
    val_err = np.mean((Phi_val @ thetas - y_val[:, None]) ** 2, axis=0)
    ols_curve = linreg.design_matrix(_GRID, "polynomial", degree) @ linreg.ols(Phi, y_tr)
    for arr in (train_err, val_err, ols_curve):
        arr.flags.writeable = False
    return train_err, val_err, ols_curve


# ------------------------------------------------------------------------- notebook 03

_BAYES_MAX_DEGREE = 20
_BAYES_GRID = np.linspace(-0.1, 1.1, 300)


def bayes_predictive(n_seen: int = 10, noise_std: float = 0.2, prior_std: float = 1.0, degree: int = 9, *,
                     seed: int = 0, n_points: int = 100, data_noise_std: float = 0.2):
    """03: the posterior predictive after `n_seen` points, and model evidence against basis size.

    The data are `n_points` samples of x sin(10x) with noise `data_noise_std`, seen one at a time in
    a random order fixed by `seed`. The model is a rescaled polynomial of the given degree with prior
    N(0, prior_std^2 I) and assumed noise `noise_std` (sigma_eps). Left: the predictive mean, the model
    band (mean +- 2 sd of f(x)) and the total band (+- 2 sd of a new y, noise included). Right: log
    evidence (relative to the best degree) and held-out MSE of the predictive mean for degrees 0..20.
    """
    if not 0 <= n_seen <= n_points:
        raise ValueError(f"n_seen must lie between 0 and n_points = {n_points}, got {n_seen}")
    if not 0 <= degree <= _BAYES_MAX_DEGREE:
        raise ValueError(f"degree must lie between 0 and {_BAYES_MAX_DEGREE}, got {degree}")
    noise_std = _validate.positive("noise_std", noise_std)
    prior_std = _validate.positive("prior_std", prior_std)
    x_seen, y_seen, x_rest, y_rest = _bayes_stream(n_points, data_noise_std, seed, n_seen)
    evidence, heldout = _bayes_curves(n_seen, noise_std, prior_std, seed, n_points, data_noise_std)
    Phi = linreg.design_matrix(x_seen, "polynomial", degree)
    mean, cov = linreg.posterior(Phi, y_seen, noise_std, np.zeros(degree + 1),
                                 prior_std**2 * np.eye(degree + 1))
    Phi_grid = linreg.design_matrix(_BAYES_GRID, "polynomial", degree)
    pred_mean, pred_var = linreg.predictive(Phi_grid, mean, cov, noise_std)
    model_sd = 2 * np.sqrt(np.maximum(pred_var - noise_std**2, 0.0))
    total_sd = 2 * np.sqrt(pred_var)

    fig, art = plotting.slider_figure(_bayes_predictive_build, 2, 2)
    art["total"].set_data(_BAYES_GRID, pred_mean - total_sd, pred_mean + total_sd)
    art["model"].set_data(_BAYES_GRID, pred_mean - model_sd, pred_mean + model_sd)
    art["mean"].set_ydata(pred_mean)
    art["unseen"].set_offsets(np.column_stack([x_rest, y_rest]))
    art["seen"].set_offsets(np.column_stack([x_seen, y_seen]))
    # titles give what the sliders above the figure do not show (matplotlib draws text glyph by
    # glyph: every character of a title that changes costs ~0.1 ms per update)
    art["fit_title"].set_text(f"predictive after N = {n_seen} points")
    rel = evidence - np.nanmax(evidence) if n_seen else np.zeros_like(evidence)
    art["evidence"].set_ydata(rel)
    art["heldout"].set_ydata(heldout)
    art["current_ev"].set_xdata([degree] * 2)
    art["current_ho"].set_xdata([degree] * 2)
    best = int(np.argmax(evidence))
    art["ev_title"].set_text(f"evidence prefers degree {best}" if n_seen else "no data: every degree ties")
    art["ho_title"].set_text(f"held-out MSE {_mse_text(heldout[degree])} (current degree)")
    return fig


def _bayes_predictive_build(fig, axes):
    grid = axes[0, 0].get_gridspec()
    for ax in axes[:, 0]:
        ax.remove()
    ax_fit = fig.add_subplot(grid[:, 0])
    ax_ev, ax_ho = axes[:, 1]
    ax_fit.plot(_BAYES_GRID, data.sine_function(_BAYES_GRID), "--", color=COLORS["truth"], label="true f(x)")
    zero = np.zeros_like(_BAYES_GRID)
    art = {
        "total": ax_fit.fill_between(_BAYES_GRID, zero, zero, color=COLORS["noise"], alpha=0.3, linewidth=0,
                                     label="±2 sd, new y (model + noise)"),
        "model": ax_fit.fill_between(_BAYES_GRID, zero, zero, color=COLORS["model"], alpha=0.35, linewidth=0,
                                     label="±2 sd, f(x) (model only)"),
    }
    (art["mean"],) = ax_fit.plot(_BAYES_GRID, zero, color=COLORS["fit"], label="predictive mean")
    art["unseen"] = plotting.plot_data(ax_fit, [], [], label="not yet seen", alpha=0.25, s=12)
    art["seen"] = plotting.plot_data(ax_fit, [], [], label="seen", color=COLORS["test"])
    ax_fit.set(xlim=(_BAYES_GRID[0], _BAYES_GRID[-1]), ylim=(-2.5, 2.5), xlabel="x", ylabel="y",
               xticks=[0, 0.5, 1], yticks=[-2, -1, 0, 1, 2])
    art["fit_title"] = ax_fit.title

    degrees = np.arange(_BAYES_MAX_DEGREE + 1)
    (art["evidence"],) = ax_ev.plot(degrees, np.zeros(degrees.size), "o-", ms=3, color=COLORS["alt"],
                                    label="log evidence − best")
    art["current_ev"] = ax_ev.axvline(0, color=COLORS["highlight"], lw=1.2, label="current degree")
    ax_ev.set(ylabel="nats", ylim=(-40, 4), xlim=(-0.5, _BAYES_MAX_DEGREE + 0.5), xticks=[0, 5, 10, 15, 20],
              yticks=[-40, -20, 0])
    ax_ev.tick_params(labelbottom=False)
    art["ev_title"] = ax_ev.title
    (art["heldout"],) = ax_ho.plot(degrees, np.ones(degrees.size), "o-", ms=3, color=COLORS["test"],
                                   label="held-out MSE")
    art["current_ho"] = ax_ho.axvline(0, color=COLORS["highlight"], lw=1.2)
    ax_ho.set_yscale("log")
    plotting.plain_log_labels(ax_ho.yaxis, [0.01, 0.1, 1, 10])
    ax_ho.set(xlabel="polynomial degree", ylabel="MSE", ylim=(0.01, 10), xlim=(-0.5, _BAYES_MAX_DEGREE + 0.5),
              xticks=[0, 5, 10, 15, 20])
    art["ho_title"] = ax_ho.title
    # static legends below the panels (see _ridge_fit_build)
    fig.legend(handles=ax_fit.get_legend_handles_labels()[0], loc="outside lower left", ncols=2)
    fig.legend(handles=ax_ev.get_legend_handles_labels()[0] + ax_ho.get_legend_handles_labels()[0][:1],
               loc="outside lower right", ncols=1)
    return art


@lru_cache(maxsize=16)
def _bayes_order(n_points, data_noise_std, seed):
    """The data of `bayes_predictive` in the random order they are seen (a fixed permutation per seed)."""
    x, y = data.sine_data(n_points, data_noise_std, seed)
    order = data.rng_from((seed, 2)).permutation(n_points)
    x, y = x[order], y[order]
    for arr in (x, y):
        arr.flags.writeable = False
    return x, y


def _bayes_stream(n_points, data_noise_std, seed, n_seen):
    x, y = _bayes_order(n_points, data_noise_std, seed)
    return x[:n_seen], y[:n_seen], x[n_seen:], y[n_seen:]


@lru_cache(maxsize=256)
def _bayes_curves(n_seen, noise_std, prior_std, seed, n_points, data_noise_std):
    """Log evidence and held-out MSE for degrees 0..20; the degree slider changes neither.

    The bases are nested (degree d uses the first d + 1 columns of degree 20) and the prior is
    isotropic, so every degree's posterior precision A_d = Phi_d^T Phi_d / sigma^2 + I / sigma_0^2 is
    the leading block of the largest one, and so is its Cholesky factor L_d. One factorization
    gives all 21 models: with z = L^{-1} Phi^T y / sigma^2, log |A_d| and the data fit z^T z are
    running sums over the first d + 1 entries (the same numbers as `linreg.log_evidence`, tested).
    """
    x_seen, y_seen, _, _ = _bayes_stream(n_points, data_noise_std, seed, n_seen)
    x_test, y_test = data.sine_data(1000, data_noise_std, (seed, 1))
    big = linreg.design_matrix(x_seen, "polynomial", _BAYES_MAX_DEGREE)
    big_test = linreg.design_matrix(x_test, "polynomial", _BAYES_MAX_DEGREE)
    n_params = np.arange(1, _BAYES_MAX_DEGREE + 2)
    chol = np.linalg.cholesky(big.T @ big / noise_std**2 + np.eye(n_params[-1]) / prior_std**2)
    z = scipy.linalg.solve_triangular(chol, big.T @ y_seen / noise_std**2, lower=True)
    log_det = 2 * np.cumsum(np.log(np.diag(chol)))
    evidence = -0.5 * (n_seen * np.log(2 * np.pi * noise_std**2) + y_seen @ y_seen / noise_std**2
                       - np.cumsum(z**2) + log_det) - n_params * np.log(prior_std)
    heldout = np.empty(n_params.size)
    for d in range(n_params.size):
        mean = scipy.linalg.solve_triangular(chol[:d + 1, :d + 1], z[:d + 1], lower=True, trans="T")
        heldout[d] = np.mean((big_test[:, :d + 1] @ mean - y_test) ** 2)
    for arr in (evidence, heldout):
        arr.flags.writeable = False
    return evidence, heldout


# ------------------------------------------------------------------------- notebook 05
# Functions drawn from the prior of an MLP with Gaussian weights. The standard-normal draws are made
# once per seed at the largest size and sliced, so moving a slider rescales or trims the same draws:
# the curves change smoothly instead of jumping to new random networks.

PRIOR_ACTIVATIONS = ("tanh", "relu", "sigmoid", "none")
_PRIOR_MAX_HIDDEN = 100
_PRIOR_MAX_DEPTH = 4
_PRIOR_SAMPLES = 30
_PRIOR_GRID = np.linspace(-3.0, 3.0, 121)
_PRIOR_YLIM = 6.0


@lru_cache(maxsize=8)
def _prior_draws(seed: int):
    """Standard-normal weights and biases of 30 networks at the largest width and depth (float32)."""
    rng = np.random.default_rng([seed, 5])
    S, H = _PRIOR_SAMPLES, _PRIOR_MAX_HIDDEN
    draws = {"w_in": rng.standard_normal((S, 1, H)), "b_in": rng.standard_normal((S, 1, H)),
             "w_hid": rng.standard_normal((_PRIOR_MAX_DEPTH - 1, S, H, H)),
             "b_hid": rng.standard_normal((_PRIOR_MAX_DEPTH - 1, S, 1, H)),
             "w_out": rng.standard_normal((S, H, 1)), "b_out": rng.standard_normal((S, 1, 1))}
    draws = {k: a.astype(np.float32) for k, a in draws.items()}
    for arr in draws.values():
        arr.flags.writeable = False  # cached: shared by every later call
    return draws


def _activate(h: np.ndarray, activation: str) -> np.ndarray:
    if activation == "tanh":
        return np.tanh(h)
    if activation == "relu":
        return np.maximum(h, 0.0)
    if activation == "sigmoid":
        return 1.0 / (1.0 + np.exp(-h))
    return h


def prior_function_samples(x, hidden: int = 50, weight_std: float = 1.0, bias_std: float = 1.0,
                           activation: str = "tanh", depth: int = 1, *, scaled: bool = True,
                           seed: int = 0) -> np.ndarray:
    """05: f(x) of 30 MLPs whose weights and biases are drawn from their Gaussian prior, (30, len(x)).

    The network has `depth` hidden layers of `hidden` units and one output. Every bias is
    N(0, bias_std^2). A weight into a unit with fan-in n is N(0, weight_std^2 / n) if `scaled`
    (so the output variance stays finite as hidden -> infinity: the Gaussian-process limit), else
    N(0, weight_std^2). The input layer has fan-in 1. Same seed, same standard-normal draws.
    """
    x = _validate.as_vector("x", x).astype(np.float32)
    hidden = _validate.count("hidden", hidden, minimum=1)
    depth = _validate.count("depth", depth, minimum=1)
    if hidden > _PRIOR_MAX_HIDDEN:
        raise ValueError(f"hidden must be at most {_PRIOR_MAX_HIDDEN}, got {hidden}")
    if depth > _PRIOR_MAX_DEPTH:
        raise ValueError(f"depth must be at most {_PRIOR_MAX_DEPTH}, got {depth}")
    weight_std = np.float32(_validate.non_negative("weight_std", weight_std))
    bias_std = np.float32(_validate.non_negative("bias_std", bias_std))
    activation = _validate.choice("activation", activation, PRIOR_ACTIVATIONS)
    z = _prior_draws(seed)
    fan = np.float32(np.sqrt(hidden)) if scaled else np.float32(1.0)
    h = _activate(x[None, :, None] * (weight_std * z["w_in"][:, :, :hidden])
                  + bias_std * z["b_in"][:, :, :hidden], activation)
    for layer in range(depth - 1):
        w = np.ascontiguousarray(z["w_hid"][layer][:, :hidden, :hidden]) * (weight_std / fan)
        h = _activate(h @ w + bias_std * z["b_hid"][layer][:, :, :hidden], activation)
    f = h @ (z["w_out"][:, :hidden] * (weight_std / fan)) + bias_std * z["b_out"]
    return f[:, :, 0].astype(np.float64)


def prior_functions(hidden: int = 50, weight_std: float = 1.0, bias_std: float = 1.0,
                    activation: str = "tanh", depth: int = 1, scaled: bool = True, *, seed: int = 0):
    """05: 30 functions drawn from the prior of an MLP, on x in [-3, 3] (see `prior_function_samples`).

    The title reports the spread of f(x) across the 30 networks, averaged over the grid; the
    y axis is fixed at [-6, 6], so curves beyond it are cut (the spread in the title still counts them).
    """
    f = prior_function_samples(_PRIOR_GRID, hidden, weight_std, bias_std, activation, depth,
                               scaled=scaled, seed=seed)
    fig, art = plotting.slider_figure(_prior_functions_build)
    segments = np.stack([np.broadcast_to(_PRIOR_GRID, f.shape), np.clip(f, -1e3, 1e3)], axis=-1)
    art["samples"].set_segments(segments)
    scale = "σ_w/√H" if scaled else "σ_w"
    art["title"].set_text(f"{depth} × {hidden} {activation} units, weights sd {scale} · "
                          f"sd of f(x) ≈ {float(np.mean(f.std(axis=0))):.3g}")
    return fig


def _prior_functions_build(fig, ax):
    from matplotlib.collections import LineCollection

    art = {"samples": LineCollection([], colors=COLORS["samples"], alpha=0.7,
                                     linewidths=0.8 * mpl.rcParams["lines.linewidth"],
                                     label=f"{_PRIOR_SAMPLES} networks drawn from the prior")}
    ax.add_collection(art["samples"])
    ax.set(xlim=(_PRIOR_GRID[0], _PRIOR_GRID[-1]), ylim=(-_PRIOR_YLIM, _PRIOR_YLIM), xlabel="x",
           ylabel="f(x)", xticks=[-3, -2, -1, 0, 1, 2, 3], yticks=[-6, -3, 0, 3, 6])
    art["title"] = ax.title
    fig.legend(handles=[art["samples"]], loc="outside lower center")
    return art


# ------------------------------------------------------------------------- notebook 05b
# Class probabilities of a deterministic network and of a Bayesian one for a test digit whose pixels
# are multiplied by a factor. The trained models are arguments (NumPy callables in the notebook, small
# random ones in the tests and the benchmark): `mlp(x)` maps images (n, 64) to probabilities (n, K),
# `bnn(x)` to one probability table per posterior draw, (S, n, K). Classes 0..K-1 were trained on.

SCALE_RANGE = (1.0, 100.0)
SCALE_SOURCES = ("in", "ood")
_SCALE_GRID = np.geomspace(*SCALE_RANGE, 41)
_SCALE_QUANTILES = (0.05, 0.95)


def _class_probabilities(model, x: np.ndarray, name: str, n_draws: bool) -> np.ndarray:
    """Call `model` on images x (n, 64) and check its output: (n, K), or (S, n, K) if n_draws."""
    if not callable(model):
        raise ValueError(f"{name} must be a callable mapping images (n, 64) to probabilities, "
                         f"got {type(model).__name__}")
    probs = np.asarray(model(x), dtype=np.float64)
    shape = "(S, n, K)" if n_draws else "(n, K)"
    if probs.ndim != (3 if n_draws else 2) or probs.shape[-2] != x.shape[0] \
            or not 2 <= probs.shape[-1] <= 10:
        raise ValueError(f"{name} must return probabilities of shape {shape} with n = {x.shape[0]} "
                         f"images and 2 <= K <= 10 classes, got {probs.shape}")
    if not np.all(np.isfinite(probs)) or np.any(probs < 0) \
            or not np.allclose(probs.sum(-1), 1.0, atol=1e-4):
        raise ValueError(f"{name} must return probabilities (non-negative, summing to 1 over classes)")
    return probs


def scaled_digit_probabilities(scale: float = 1.0, index: int = 0, source: str = "in", *, images,
                               labels, mlp, bnn):
    """05b: a test digit multiplied by `scale` in [1, 100], and what each network predicts for it.

    `images` (N, 64) are test digits with pixels in [0, 1], `labels` (N,) their classes 0..9; the
    networks were trained on classes 0..K-1 (K = number of outputs), so `source` "in" picks the
    `index`-th test digit of those classes and "ood" the `index`-th of the others. Left: the scaled
    image on a fixed logarithmic colour scale. Middle: the K class probabilities of `mlp` and the
    posterior mean of `bnn` with the 5-95% range over its S posterior draws. Right: confidence (the
    largest mean probability) of both as the factor runs from 1 to 100, the current one marked.
    Per update: one call of each model on 42 images, and one of `mlp` on one image to read K.
    """
    if isinstance(scale, bool) or not isinstance(scale, int | float | np.floating | np.integer) \
            or not SCALE_RANGE[0] <= scale <= SCALE_RANGE[1]:
        raise ValueError(f"scale must be a number in [{SCALE_RANGE[0]:g}, {SCALE_RANGE[1]:g}], "
                         f"got {scale!r}")
    source = _validate.choice("source", source, SCALE_SOURCES)
    images = _validate.as_matrix("images", images, cols=_DIGIT_SIDE**2)
    labels = _validate.as_vector("labels", labels, length=images.shape[0])
    if labels.min() < 0 or labels.max() > 9 or np.any(labels != np.round(labels)):
        raise ValueError("labels must be digit classes 0..9")
    n_classes = _class_probabilities(mlp, images[:1], "mlp", n_draws=False).shape[1]  # K: one probe image
    members = np.flatnonzero((labels < n_classes) == (source == "in"))
    if isinstance(index, bool) or not isinstance(index, int | np.integer) \
            or not 0 <= index < members.size:
        raise ValueError(f"index must be a whole number from 0 to {members.size - 1} (the "
                         f"{'in-distribution' if source == 'in' else 'out-of-distribution'} test "
                         f"digits), got {index!r}")
    image = images[members[index]]
    x = np.vstack([image * scale, image * _SCALE_GRID[:, None]])
    p_mlp = _class_probabilities(mlp, x, "mlp", n_draws=False)
    p_draws = _class_probabilities(bnn, x, "bnn", n_draws=True)
    if p_mlp.shape[1] != n_classes or p_draws.shape[-1] != n_classes:
        raise ValueError(f"mlp and bnn must return the same number of classes, got "
                         f"{p_mlp.shape[1]} and {p_draws.shape[-1]}")
    p_bnn = p_draws.mean(axis=0)
    low, high = np.quantile(p_draws[:, 0], _SCALE_QUANTILES, axis=0)

    fig, art = plotting.slider_figure(_scaled_digit_build(n_classes), 1, 3, width_ratios=(1, 1.5, 1.5))
    art["image"].set_data(np.ma.masked_less_equal(x[0].reshape(_DIGIT_SIDE, _DIGIT_SIDE), 0.0))
    label = int(labels[members[index]])
    kind = "trained class" if source == "in" else "held out"
    art["image_title"].set_text(f"digit {label}, pixels × {scale:.3g}\n({kind})")
    for k in range(n_classes):
        art[f"mlp_bar{k}"].set_height(p_mlp[0, k])
        art[f"bnn_bar{k}"].set_height(p_bnn[0, k])
    centres = np.arange(n_classes) + _BAR_WIDTH / 2
    art["bnn_range"].set_segments([[(c, lo), (c, hi)] for c, lo, hi in zip(centres, low, high, strict=True)])
    art["bar_title"].set_text(f"predicted class (confidence):\nMLP {int(p_mlp[0].argmax())} "
                              f"({p_mlp[0].max():.2f}) · BNN {int(p_bnn[0].argmax())} ({p_bnn[0].max():.2f})")
    art["mlp_curve"].set_data(_SCALE_GRID, p_mlp[1:].max(axis=1))
    art["bnn_curve"].set_data(_SCALE_GRID, p_bnn[1:].max(axis=1))
    art["mlp_point"].set_data([scale], [p_mlp[0].max()])
    art["bnn_point"].set_data([scale], [p_bnn[0].max()])
    return fig


_BAR_WIDTH = 0.4


@lru_cache(maxsize=9)
def _scaled_digit_build(n_classes: int):
    """The build function of `scaled_digit_probabilities` for K classes (one cached figure per K)."""

    def build(fig, axes):
        ax_img, ax_bar, ax_conf = axes
        norm = mpl.colors.LogNorm(0.1, SCALE_RANGE[1])
        cmap = mpl.colormaps[_DIGIT_CMAP].with_extremes(bad="white")
        art = {"image": ax_img.imshow(np.ones((_DIGIT_SIDE, _DIGIT_SIDE)), cmap=cmap, norm=norm,
                                      interpolation="nearest")}
        _frame_image_axes(ax_img)
        bar = fig.colorbar(art["image"], ax=ax_img, fraction=0.05, pad=0.02, location="bottom")
        bar.set_label("pixel value (data: 0 to 1)")
        plotting.plain_log_labels(bar.ax.xaxis, [0.1, 1, 10, 100])
        art["image_title"] = ax_img.title
        for k in range(n_classes):
            art[f"mlp_bar{k}"] = ax_bar.bar(k - _BAR_WIDTH / 2, 0.0, _BAR_WIDTH, color=COLORS["test"])[0]
            art[f"bnn_bar{k}"] = ax_bar.bar(k + _BAR_WIDTH / 2, 0.0, _BAR_WIDTH, color=COLORS["fit"])[0]
        art["bnn_range"] = mpl.collections.LineCollection([], colors=COLORS["data"], linewidths=2.5)
        ax_bar.add_collection(art["bnn_range"])
        ax_bar.axhline(1 / n_classes, ls=":", color=COLORS["truth"])
        ax_bar.set(xlim=(-0.6, n_classes - 0.4), ylim=(0, 1.02), xticks=range(n_classes),
                   xlabel="class", ylabel="p(class | scaled digit)")
        art["bar_title"] = ax_bar.title
        (chance,) = ax_conf.plot(SCALE_RANGE, [1 / n_classes] * 2, ":", color=COLORS["truth"])
        (art["mlp_curve"],) = ax_conf.plot([], [], color=COLORS["test"])
        (art["bnn_curve"],) = ax_conf.plot([], [], color=COLORS["fit"])
        (art["mlp_point"],) = ax_conf.plot([], [], "o", color=COLORS["test"], markersize=9, clip_on=False)
        (art["bnn_point"],) = ax_conf.plot([], [], "o", color=COLORS["fit"], markersize=9, clip_on=False)
        ax_conf.set(xscale="log", xlim=SCALE_RANGE, ylim=(0, 1.02), xlabel="factor on the pixels",
                    ylabel="confidence (largest probability)", title="this digit, factor 1 to 100")
        plotting.plain_log_labels(ax_conf.xaxis, [1, 2, 5, 10, 20, 50, 100])
        current = mpl.lines.Line2D([], [], ls="", marker="o", color=COLORS["data"], markersize=9)
        handles = [art["mlp_bar0"], art["bnn_bar0"], art["bnn_range"], current, chance]
        labels = ["MLP", "BNN: posterior mean", "BNN: 5-95% of posterior draws",
                  "current factor (on both curves)", "1 / K (no idea)"]
        fig.legend(handles, labels, loc="outside lower center", ncol=5)
        return art

    return build


# ------------------------------------------------------------------------- notebook 06
# The decoder is an argument (a trained torch module in the notebook, a small untrained one in the
# tests and the benchmark): it maps a float tensor of latent points (n, d) to pixel logits (n, 64).

_DIGIT_SIDE = 8
_DIGIT_CMAP = "gray_r"  # ink dark on white paper; pixel probabilities 0..1
_CLASS_CMAP = "tab10"


def _decode_probabilities(decoder, z: np.ndarray) -> np.ndarray:
    """Bernoulli pixel probabilities sigmoid(decoder(z)) as a NumPy array (n, 64): one decoder pass."""
    import torch  # explorers otherwise need no torch; imported here, where a decoder is used

    if not callable(decoder):
        raise ValueError(f"decoder must be a callable torch module, got {type(decoder).__name__}")
    params = list(decoder.parameters()) if hasattr(decoder, "parameters") else []
    device, dtype = (params[0].device, params[0].dtype) if params else ("cpu", torch.float32)
    with torch.no_grad():
        logits = decoder(torch.as_tensor(z, dtype=dtype, device=device))
    if logits.shape != (z.shape[0], _DIGIT_SIDE**2):
        raise ValueError(f"decoder must map ({z.shape[0]}, {z.shape[1]}) latent points to "
                         f"({z.shape[0]}, {_DIGIT_SIDE**2}) pixel logits, got {tuple(logits.shape)}")
    return torch.sigmoid(logits).cpu().numpy().astype(np.float64)


def _codes_and_labels(codes, labels, dim: int | None = None):
    codes = _validate.as_matrix("codes", codes, cols=dim)
    if labels is None:
        return codes, np.zeros(codes.shape[0])
    labels = _validate.as_vector("labels", labels, length=codes.shape[0])
    if labels.min() < 0 or labels.max() > 9:
        raise ValueError("labels must be digit classes 0..9")
    return codes, labels


def latent_decoder(z1: float = 0.0, z2: float = 0.0, *, decoder, codes=None, labels=None):
    """06: decode one point z = (z1, z2) of a 2-D latent space into an 8x8 image, live.

    Left: the latent plane on the fixed square [-4, 4]^2 with the current point, over `codes`
    (N, 2) if given (e.g. the encoder means of test digits), coloured by `labels` (N,) in 0..9.
    Right: sigmoid(decoder(z)), each pixel's probability of being ink under the Bernoulli
    likelihood. `decoder` maps a float tensor (n, 2) to logits (n, 64) (one pass, no gradients).
    """
    for name, value in (("z1", z1), ("z2", z2)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer) \
                or not -_LATENT_LIMIT <= value <= _LATENT_LIMIT:
            raise ValueError(f"{name} must be a number in [-{_LATENT_LIMIT:g}, {_LATENT_LIMIT:g}], "
                             f"got {value!r}")
    probs = _decode_probabilities(decoder, np.array([[z1, z2]], dtype=np.float64))
    fig, art = plotting.slider_figure(_latent_decoder_build, 1, 2)
    if codes is None:
        codes, labels = np.empty((0, 2)), np.empty(0)
    else:
        codes, labels = _codes_and_labels(codes, labels, dim=2)
    scatter = art["static"]["codes"]  # drawn with the background: redrawn only when the codes change
    if not (np.array_equal(scatter.get_offsets(), codes) and np.array_equal(scatter.get_array(), labels)):
        scatter.set_offsets(codes)
        scatter.set_array(labels)
        plotting.redraw_background(fig)
    art["point"].set_data([z1], [z2])
    art["image"].set_data(probs.reshape(_DIGIT_SIDE, _DIGIT_SIDE))
    art["image_title"].set_text(f"decoded at z = ({z1:.2f}, {z2:.2f})")
    return fig


_LATENT_LIMIT = 4.0


def _latent_decoder_build(fig, axes):
    ax_z, ax_img = axes
    norm = mpl.colors.Normalize(-0.5, 9.5)
    art = {"static": {"codes": ax_z.scatter(np.empty((0, 2)), np.empty((0, 2)), c=np.empty(0), s=10,
                                            cmap=_CLASS_CMAP, norm=norm, alpha=0.6, linewidths=0)}}
    (art["point"],) = ax_z.plot([0], [0], "X", color="black", markersize=16, markeredgecolor="white",
                                label="decoded point z")
    ax_z.set(xlim=(-_LATENT_LIMIT, _LATENT_LIMIT), ylim=(-_LATENT_LIMIT, _LATENT_LIMIT),
             xlabel="$z_1$", ylabel="$z_2$", title="latent space (test digits by class)",
             aspect="equal", xticks=[-4, -2, 0, 2, 4], yticks=[-4, -2, 0, 2, 4])
    bar = fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=_CLASS_CMAP), ax=ax_z,
                       ticks=range(10), fraction=0.05, pad=0.02)
    bar.set_label("digit class")
    art["image"] = ax_img.imshow(np.zeros((_DIGIT_SIDE, _DIGIT_SIDE)), cmap=_DIGIT_CMAP, vmin=0,
                                 vmax=1, interpolation="nearest")
    _frame_image_axes(ax_img)
    img_bar = fig.colorbar(art["image"], ax=ax_img, fraction=0.05, pad=0.02)
    img_bar.set_label("p(pixel is ink | z)")
    art["image_title"] = ax_img.title
    fig.legend(handles=[art["point"]], loc="outside lower center")  # static: no point passes under it
    return art


def latent_interpolation(weight: float = 0.5, first: int = 0, second: int = 1, *, decoder, codes,
                         images, labels=None, n_steps: int = 9):
    """06: walk the straight line z = (1 - weight) z_first + weight z_second and decode it.

    `codes` (N, d) are latent codes (e.g. encoder means) of the digits `images` (N, 64), with
    optional `labels` (N,); `first` and `second` index them. Top: the two digits as data and the
    decoded image at the current `weight` in [0, 1]. Bottom: the whole path as `n_steps` decoded
    frames, the current weight marked. One decoder pass of n_steps + 1 points per update.
    """
    has_labels = labels is not None
    codes, labels = _codes_and_labels(codes, labels)
    images = _validate.as_matrix("images", images, rows=codes.shape[0], cols=_DIGIT_SIDE**2)
    for name, index in (("first", first), ("second", second)):
        if isinstance(index, bool) or not isinstance(index, int | np.integer) \
                or not 0 <= index < codes.shape[0]:
            raise ValueError(f"{name} must be a whole number from 0 to {codes.shape[0] - 1}, "
                             f"got {index!r}")
    if isinstance(weight, bool) or not isinstance(weight, int | float | np.floating) \
            or not 0 <= weight <= 1:
        raise ValueError(f"weight must be a number in [0, 1], got {weight!r}")
    if n_steps != _PATH_STEPS:
        raise ValueError(f"n_steps is fixed at {_PATH_STEPS} in this figure")
    weights = np.append(np.linspace(0, 1, n_steps), weight)
    z = (1 - weights)[:, None] * codes[first] + weights[:, None] * codes[second]
    frames = _decode_probabilities(decoder, z).reshape(-1, _DIGIT_SIDE, _DIGIT_SIDE)

    base_w, base_h = mpl.rcParams["figure.figsize"]  # smaller than 2 x 3 panels: fewer pixels to draw
    fig, art = plotting.slider_figure(_latent_interpolation_build, 2, 3, height_ratios=(3, 1.2),
                                      width=1.5 * base_w, height=1.25 * base_h)
    art["first"].set_data(images[first].reshape(_DIGIT_SIDE, _DIGIT_SIDE))
    art["second"].set_data(images[second].reshape(_DIGIT_SIDE, _DIGIT_SIDE))
    art["current"].set_data(frames[-1])
    strip = np.full((_DIGIT_SIDE, n_steps * (_DIGIT_SIDE + 1) - 1), np.nan)  # NaN: the gaps
    for k in range(n_steps):
        strip[:, k * (_DIGIT_SIDE + 1):k * (_DIGIT_SIDE + 1) + _DIGIT_SIDE] = frames[k]
    art["strip"].set_data(strip)
    x_mark = (_DIGIT_SIDE - 1) / 2 + weight * (n_steps - 1) * (_DIGIT_SIDE + 1)
    art["marker"].set_xdata([x_mark, x_mark])
    for key, index in (("first", first), ("second", second)):
        name = f"#{index}" + ("" if not has_labels else f" (a {int(labels[index])})")
        art[key + "_title"].set_text(f"digit {name}: data")
    art["current_title"].set_text(f"decoded at weight {weight:.2f}")
    return fig


_PATH_STEPS = 9


def _frame_image_axes(ax, ticks: bool = False) -> None:
    """An image panel: no grid, a thin frame on all four sides, no ticks unless asked."""
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(COLORS["truth"])
    if not ticks:
        ax.set(xticks=[], yticks=[])


def _latent_interpolation_build(fig, axes):
    top, bottom = axes
    art = {}
    for ax, key in zip(top, ("first", "current", "second"), strict=True):
        art[key] = ax.imshow(np.zeros((_DIGIT_SIDE, _DIGIT_SIDE)), cmap=_DIGIT_CMAP, vmin=0, vmax=1,
                             interpolation="nearest")
        _frame_image_axes(ax)
        art[key + "_title"] = ax.title
    gs = bottom[0].get_gridspec()
    for ax in bottom:
        ax.remove()
    ax_strip = fig.add_subplot(gs[1, :])
    width = _PATH_STEPS * (_DIGIT_SIDE + 1) - 1
    gaps = mpl.colormaps[_DIGIT_CMAP].with_extremes(bad="#c6dbef")  # light blue between frames
    art["strip"] = ax_strip.imshow(np.zeros((_DIGIT_SIDE, width)), cmap=gaps, vmin=0, vmax=1,
                                   interpolation="nearest")
    centres = (_DIGIT_SIDE - 1) / 2 + np.arange(_PATH_STEPS) * (_DIGIT_SIDE + 1)
    ax_strip.set(xticks=centres, xticklabels=[f"{w:.2g}" for w in np.linspace(0, 1, _PATH_STEPS)],
                 yticks=[], xlabel="interpolation weight (decoded path from the first digit's code "
                                   "to the second's)")
    _frame_image_axes(ax_strip, ticks=True)
    art["marker"] = ax_strip.axvline(0, color=COLORS["highlight"], lw=3)
    return art


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
    plane, exact and numerical, with a dot at every step. Right: the error at t = 10 against the
    number of function evaluations for all three solvers, the current setting marked.
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
    from .odes import linear_spiral_exact

    error = float(np.linalg.norm(ys[-1] - linear_spiral_exact(_ODE_T_END)[0]))
    fig, art = plotting.slider_figure(_ode_solver_build, 1, 2,
                                      height=1.25 * mpl.rcParams["figure.figsize"][1])
    art["numerical"].set_data(ys[:, 0], ys[:, 1])
    art["steps"].set_data(*(steps.T if steps is not None else ([], [])))
    setting = (f"adaptive steps, tol 1e{log10_tol:g}" if method == "dopri5"
               else f"{n_steps} steps, h = {_ODE_T_END / n_steps:.3g}")
    art["traj_title"].set_text(f"{_ODE_METHODS[method]}: {setting}")
    art["current"].set_data([evals], [max(error, 1e-15)])
    art["err_title"].set_text(f"error at t = 10: {error:.2e}, {evals} evaluations of f")
    return fig


@lru_cache(maxsize=256)
def _ode_solution(method, n_steps, log10_tol):
    """States along one solve on [0, _ODE_T_END], the step points (None for dopri5, which is drawn
    from its dense interpolant) and the number of evaluations of f."""
    from .odes import SPIRAL_Y0, fixed_step_solve, linear_spiral

    if method != "dopri5":
        _, ys = fixed_step_solve(linear_spiral, SPIRAL_Y0, _ODE_T_END, n_steps, method)
        return ys, ys, _ODE_EVALS_PER_STEP[method] * n_steps
    import torch
    from torchdiffeq import odeint

    from .odes import SPIRAL_A

    A_T = torch.tensor(SPIRAL_A.T.copy())
    evals = 0

    def f(t, y):
        nonlocal evals
        evals += 1
        return y @ A_T

    tol = 10.0**log10_tol
    with torch.no_grad():  # output on a fine grid comes from dopri5's interpolant: no extra evals
        ys = odeint(f, torch.tensor(SPIRAL_Y0), torch.from_numpy(_ODE_GRID), method="dopri5",
                    rtol=tol, atol=tol).numpy()
    return ys, None, evals


_ODE_GRID = np.linspace(0.0, _ODE_T_END, 400)


@lru_cache(maxsize=1)
def _ode_error_curves():
    """Error at t = 10 against evaluations of f for each solver: {method: (evals, errors)}."""
    from .odes import linear_spiral_exact

    exact = linear_spiral_exact(_ODE_T_END)[0]
    settings = {"euler": [(n, -6.0) for n in np.unique(np.geomspace(5, 5000, 16).astype(int))],
                "rk4": [(n, -6.0) for n in np.unique(np.geomspace(5, 1000, 14).astype(int))],
                "dopri5": [(1, float(k)) for k in np.arange(-2.0, -12.5, -1.0)]}
    curves = {}
    for method, grid in settings.items():
        points = []
        for n, tol in grid:
            ys, _, evals = _ode_solution(method, int(n), tol)
            points.append((evals, max(float(np.linalg.norm(ys[-1] - exact)), 1e-15)))
        curves[method] = tuple(np.array(col) for col in zip(*points, strict=True))
    return curves


def _ode_solver_build(fig, axes):
    from .odes import linear_spiral_exact

    ax_traj, ax_err = axes
    exact = linear_spiral_exact(_ODE_GRID)
    ax_traj.plot(exact[:, 0], exact[:, 1], "--", color=COLORS["truth"], label="exact solution")
    art = {}
    (art["numerical"],) = ax_traj.plot([], [], color=COLORS["fit"], label="numerical solution")
    (art["steps"],) = ax_traj.plot([], [], "o", ms=0.7 * mpl.rcParams["lines.markersize"],
                                   color=COLORS["fit"], label="solver steps")
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
