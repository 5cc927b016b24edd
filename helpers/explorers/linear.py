"""Slider update functions of notebooks 01-03 (least squares, ridge, conjugate Bayesian
regression): parameters in, Figure out."""

from __future__ import annotations

from functools import lru_cache

import matplotlib as mpl
import numpy as np
import scipy.linalg

from .. import _validate, data, linreg, plotting
from ..plotting import COLORS

# ------------------------------------------------------------------------- notebook 01


def ols_fit(family: str = "polynomial", n_basis: int = 8, noise_std: float = 0.2,
            n_points: int = 100, *, seed: int = 0, max_basis: int = 30):
    """01: an OLS fit of the x sin(10x) data, and train/test error against the number of basis functions.

    Left: data, true curve and fit. Right: train and test MSE for 1..max_basis basis functions,
    with the current size marked and the noise variance (the best any model can do on test data).
    The error axis is logarithmic up to 1e6; larger errors (near the interpolation threshold
    D + 1 = N a least-squares fit can miss new data by 1e20) are drawn as triangles on the top edge,
    so the curve can be seen to leave the chart and come back.
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
    art["test"].set_ydata(np.minimum(test_err, _OLS_TOP))
    off = np.flatnonzero(test_err > _OLS_TOP)
    art["off"].set_data(off + 1, np.full(off.size, 0.6 * _OLS_TOP))
    art["noise"].set_ydata([max(noise_std**2, 1e-12)] * 2)  # below the axis when there is no noise
    art["current"].set_xdata([n_basis] * 2)
    art["err_title"].set_text(f"train {_mse_text(train_err[n_basis - 1])} · "
                              f"test {_mse_text(test_err[n_basis - 1])}")
    return fig


def _mse_text(value: float) -> str:
    return "≈ 0" if value < 1e-12 else f"{value:.3g}"  # interpolation leaves rounding error only


_GRID = np.linspace(0.0, 1.0, 400)
_OLS_MAX_BASIS = 30
_OLS_TOP = 1e6  # top of the error axis; test errors above it are marked on the edge


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
    (art["off"],) = ax_err.plot([], [], "^", ms=1.2 * marker, color=COLORS["test"], clip_on=False,
                                label="test MSE above the chart")
    art["noise"] = ax_err.axhline(1.0, ls=":", color=COLORS["truth"], label="noise variance")
    art["current"] = ax_err.axvline(1, color=COLORS["highlight"], alpha=0.8, label="current D")
    ax_err.set_yscale("log")
    # Few, fixed ticks: legible from the back of a lecture hall, and each tick label costs
    # drawing time on every update. Down to 1e-8, so that noise-free fits stay in view; up to
    # 1e6, so that the test error near the interpolation threshold D + 1 = N can be followed
    # out of the chart and back (double descent, notebook 01 section 7).
    plotting.plain_log_labels(ax_err.yaxis, [1e-8, 1e-6, 1e-4, 1e-2, 1, 100, 1e4, 1e6])
    ax_err.set(xlabel="number of basis functions D", ylabel="mean squared error",
               ylim=(1e-8, _OLS_TOP), xlim=(0.5, _OLS_MAX_BASIS + 0.5), xticks=[1, 10, 20, 30])
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
                     fitted: bool = False, seed: int = 0, n_points: int = 100, data_noise_std: float = 0.2):
    """03: the posterior predictive after `n_seen` points, and model evidence against basis size.

    The data are `n_points` samples of x sin(10x) with noise `data_noise_std`, seen one at a time in
    a random order fixed by `seed`. The model is a rescaled polynomial of the given degree with prior
    N(0, prior_std^2 I) and assumed noise `noise_std` (sigma_eps); with `fitted=True` both are instead
    fitted to the points seen by maximizing the evidence (`linreg.fit_evidence`, per degree), and the
    two sliders are ignored. Left: the predictive mean, the model band (mean +- 2 sd of f(x)) and the
    total band (+- 2 sd of a new y, noise included). Right: log evidence (relative to the best degree)
    and the held-out log predictive density per point (1000 test points) for degrees 0..20.
    """
    if not 0 <= n_seen <= n_points:
        raise ValueError(f"n_seen must lie between 0 and n_points = {n_points}, got {n_seen}")
    if not 0 <= degree <= _BAYES_MAX_DEGREE:
        raise ValueError(f"degree must lie between 0 and {_BAYES_MAX_DEGREE}, got {degree}")
    noise_std = _validate.positive("noise_std", noise_std)
    prior_std = _validate.positive("prior_std", prior_std)
    fitted = bool(fitted) and n_seen > 0          # with no data there is nothing to fit
    x_seen, y_seen, x_rest, y_rest = _bayes_stream(n_points, data_noise_std, seed, n_seen)
    if fitted:
        evidence, heldout, hyper = _bayes_curves_fitted(n_seen, seed, n_points, data_noise_std)
        prior_std, noise_std = hyper[degree]
    else:
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
    art["fit_title"].set_text(f"N = {n_seen}, fitted σ₀ = {prior_std:.3g}, σ_ε = {noise_std:.3g}" if fitted
                              else f"predictive after N = {n_seen} points")
    rel = evidence - np.nanmax(evidence) if n_seen else np.zeros_like(evidence)
    art["evidence"].set_ydata(rel)
    art["heldout"].set_ydata(heldout)
    art["current_ev"].set_xdata([degree] * 2)
    art["current_ho"].set_xdata([degree] * 2)
    best = int(np.argmax(evidence))
    art["ev_title"].set_text(f"evidence prefers degree {best}" if n_seen else "no data: every degree ties")
    art["ho_title"].set_text(f"held-out log density {heldout[degree]:.2f} nats/point (current degree)")
    return fig


def _bayes_predictive_build(fig, axes):
    grid = axes[0, 0].get_gridspec()
    for ax in axes[:, 0]:
        ax.remove()
    ax_fit = fig.add_subplot(grid[:, 0])
    ax_ev, ax_ho = axes[:, 1]
    ax_fit.plot(_BAYES_GRID, data.sine_function(_BAYES_GRID), "--", color=COLORS["truth"], label="true f(x)")
    zero = np.zeros_like(_BAYES_GRID)
    # three colours a projector keeps apart: orange (with noise), blue (model only), black (mean)
    art = {
        "total": ax_fit.fill_between(_BAYES_GRID, zero, zero, color=COLORS["samples"], alpha=0.3, linewidth=0,
                                     label="±2 sd, new y (model + noise)"),
        "model": ax_fit.fill_between(_BAYES_GRID, zero, zero, color=COLORS["model"], alpha=0.6, linewidth=0,
                                     label="±2 sd, f(x) (model only)"),
    }
    (art["mean"],) = ax_fit.plot(_BAYES_GRID, zero, color=COLORS["data"], label="predictive mean")
    art["unseen"] = plotting.plot_data(ax_fit, [], [], label="not yet seen", alpha=0.25, s=12)
    art["seen"] = plotting.plot_data(ax_fit, [], [], label="seen", color=COLORS["test"])
    ax_fit.set(xlim=(_BAYES_GRID[0], _BAYES_GRID[-1]), ylim=(-2.5, 2.5), xlabel="x", ylabel="y",
               xticks=[0, 0.5, 1], yticks=[-2, -1, 0, 1, 2])
    art["fit_title"] = ax_fit.title

    degrees = np.arange(_BAYES_MAX_DEGREE + 1)
    (art["evidence"],) = ax_ev.plot(degrees, np.zeros(degrees.size), "o-", ms=3, color=COLORS["alt"],
                                    label="log evidence − best")
    art["current_ev"] = ax_ev.axvline(0, color=COLORS["highlight"], lw=1.2, label="current degree")
    ax_ev.axhspan(-1, 0, color=COLORS["prior"], alpha=0.25, label="within 1 nat of the best (weak)")
    ax_ev.set(ylabel="nats", ylim=(-40, 4), xlim=(-0.5, _BAYES_MAX_DEGREE + 0.5), xticks=[0, 5, 10, 15, 20],
              yticks=[-40, -20, 0])
    ax_ev.tick_params(labelbottom=False)
    art["ev_title"] = ax_ev.title
    (art["heldout"],) = ax_ho.plot(degrees, np.zeros(degrees.size), "o-", ms=3, color=COLORS["test"],
                                   label="held-out log density per point")
    art["current_ho"] = ax_ho.axvline(0, color=COLORS["highlight"], lw=1.2)
    ax_ho.set(xlabel="polynomial degree", ylabel="nats", ylim=(-2, 0.5), xlim=(-0.5, _BAYES_MAX_DEGREE + 0.5),
              xticks=[0, 5, 10, 15, 20], yticks=[-2, -1, 0])
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


@lru_cache(maxsize=16)
def _bayes_test(seed, data_noise_std):
    x_test, y_test = data.sine_data(1000, data_noise_std, (seed, 1))
    big_test = linreg.design_matrix(x_test, "polynomial", _BAYES_MAX_DEGREE)
    for arr in (big_test, y_test):
        arr.flags.writeable = False
    return big_test, y_test


def _log_density(y, mean, var):
    """Mean over the last axis of log N(y; mean, var)."""
    return np.mean(-0.5 * (np.log(2 * np.pi * var) + (y - mean) ** 2 / var), axis=-1)


@lru_cache(maxsize=256)
def _bayes_curves(n_seen, noise_std, prior_std, seed, n_points, data_noise_std):
    """Log evidence and held-out log predictive density for degrees 0..20; the degree slider changes neither.

    The bases are nested (degree d uses the first d + 1 columns of degree 20) and the prior is
    isotropic, so every degree's posterior precision A_d = Phi_d^T Phi_d / sigma^2 + I / sigma_0^2 is
    the leading block of the largest one, and so is its Cholesky factor L_d. One factorization
    gives all 21 models: with z = L^{-1} Phi^T y / sigma^2, log |A_d| and the data fit z^T z are
    running sums over the first d + 1 entries (the same numbers as `linreg.log_evidence`, tested), and
    so is the model variance phi_d^T A_d^{-1} phi_d = ||L_d^{-1} phi_d||^2 at each test input.
    """
    x_seen, y_seen, _, _ = _bayes_stream(n_points, data_noise_std, seed, n_seen)
    big_test, y_test = _bayes_test(seed, data_noise_std)
    big = linreg.design_matrix(x_seen, "polynomial", _BAYES_MAX_DEGREE)
    n_params = np.arange(1, _BAYES_MAX_DEGREE + 2)
    chol = np.linalg.cholesky(big.T @ big / noise_std**2 + np.eye(n_params[-1]) / prior_std**2)
    z = scipy.linalg.solve_triangular(chol, big.T @ y_seen / noise_std**2, lower=True)
    log_det = 2 * np.cumsum(np.log(np.diag(chol)))
    evidence = -0.5 * (n_seen * np.log(2 * np.pi * noise_std**2) + y_seen @ y_seen / noise_std**2
                       - np.cumsum(z**2) + log_det) - n_params * np.log(prior_std)
    model_var = np.cumsum(scipy.linalg.solve_triangular(chol, big_test.T, lower=True) ** 2, axis=0)
    means = np.empty((n_params.size, y_test.size))
    for d in range(n_params.size):
        mean = scipy.linalg.solve_triangular(chol[:d + 1, :d + 1], z[:d + 1], lower=True, trans="T")
        means[d] = big_test[:, :d + 1] @ mean
    heldout = _log_density(y_test, means, noise_std**2 + model_var)
    for arr in (evidence, heldout):
        arr.flags.writeable = False
    return evidence, heldout


@lru_cache(maxsize=128)
def _bayes_curves_fitted(n_seen, seed, n_points, data_noise_std):
    """As `_bayes_curves`, with sigma_0 and sigma_eps fitted by the evidence separately for each degree.

    Returns (evidence, heldout, hyper) with hyper[d] = (prior_std, noise_std) of degree d. The fit is
    `linreg.fit_evidence` to 1e-4 relative (enough for a figure); evidence and predictive then come
    from the SVD Phi = U diag(s) V^T: the marginal covariance sigma^2 I + sigma_0^2 Phi Phi^T has
    eigenvalues sigma^2 + sigma_0^2 s_i^2 on the columns of U and sigma^2 elsewhere, and the posterior
    covariance is V diag(1 / (1/sigma_0^2 + s^2/sigma^2)) V^T (the same numbers as the contract
    functions, tested).
    """
    x_seen, y_seen, _, _ = _bayes_stream(n_points, data_noise_std, seed, n_seen)
    big_test, y_test = _bayes_test(seed, data_noise_std)
    big = linreg.design_matrix(x_seen, "polynomial", _BAYES_MAX_DEGREE)
    evidence, heldout, hyper = np.empty(_BAYES_MAX_DEGREE + 1), np.empty(_BAYES_MAX_DEGREE + 1), []
    yy = y_seen @ y_seen
    for d in range(_BAYES_MAX_DEGREE + 1):
        Phi = big[:, :d + 1]
        prior_std, noise_std = linreg.fit_evidence(Phi, y_seen, prior_std=1.0, noise_std=0.2, rtol=1e-4,
                                                   max_iter=300)
        U, s, Vt = np.linalg.svd(Phi, full_matrices=False)
        Uty, var = U.T @ y_seen, noise_std**2
        marg = var + prior_std**2 * s**2                      # eigenvalues of the marginal covariance
        fit = np.sum(Uty**2 / marg) + (yy - Uty @ Uty) / var
        log_det = np.sum(np.log(marg)) + (n_seen - s.size) * np.log(var)
        evidence[d] = -0.5 * (n_seen * np.log(2 * np.pi) + log_det + fit)
        post_var = 1 / (prior_std**-2 + s**2 / var)           # posterior variances along the rows of Vt
        Phi_test = big_test[:, :d + 1]
        test_v = Phi_test @ Vt.T
        mean = test_v @ (post_var * s * Uty / var)
        # with fewer points than parameters the directions outside the rows of Vt keep the prior variance
        null_part = 0.0
        if s.size <= d:
            null_part = np.maximum(np.sum(Phi_test**2, axis=1) - np.sum(test_v**2, axis=1), 0.0)
        heldout[d] = _log_density(y_test, mean, var + (test_v**2) @ post_var + prior_std**2 * null_part)
        hyper.append((prior_std, noise_std))
    for arr in (evidence, heldout):
        arr.flags.writeable = False
    return evidence, heldout, tuple(hyper)
