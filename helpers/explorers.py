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

from . import data, linreg, plotting
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
