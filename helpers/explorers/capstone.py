"""08: early classification of one light curve as the days since its first detection accumulate."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.collections import LineCollection

from .. import data, plotting
from ..plotting import COLORS

EARLY_DAYS = np.arange(0.0, 151.0, 5.0)  # the days-observed settings computed at once for one object
_CLASS_COLORS = (COLORS["fit"], COLORS["test"], COLORS["alt"], COLORS["highlight"], COLORS["samples"])
_EARLY_CACHE: dict = {}


def early_classification(obj: int = 0, days: float = 30.0, *, curves, predict):
    """08: one object seen up to `days` after its first detection, and what the classifier says.

    `curves` is a `data.LightCurves` (e.g. the test survey), `obj` indexes it; `predict(t, flux, err,
    kept)` maps (B, n) arrays and a boolean mask of the points seen to class-probability draws
    (S, B, K) (posterior draws or ensemble members). Left: the points seen so far (with their error
    bars) and the later ones, fluxes divided by the object's largest |flux|. Right: each class's
    mean probability against days observed (0, 5, ..., 150, computed in one batch for this object and
    kept while only `days` moves) with the 5-95% range of the draws, the current setting marked.
    """
    if not isinstance(curves, data.LightCurves):
        raise ValueError(f"curves must be a data.LightCurves, got {type(curves).__name__}")
    n = curves.t.shape[0]
    if isinstance(obj, bool) or not isinstance(obj, int | np.integer) or not 0 <= obj < n:
        raise ValueError(f"obj must be a whole number from 0 to {n - 1}, got {obj!r}")
    if isinstance(days, bool) or not isinstance(days, int | float | np.number) or not (
            EARLY_DAYS[0] <= float(days) <= EARLY_DAYS[-1]):
        raise ValueError(f"days must be a number from {EARLY_DAYS[0]:g} to {EARLY_DAYS[-1]:g}, got {days!r}")
    if not callable(predict):
        raise ValueError("predict must be a function (t, flux, err, kept) -> draws (S, B, K)")
    key = (id(predict), id(curves), int(obj))
    if _EARLY_CACHE.get("key") != key:
        _EARLY_CACHE.clear()
        _EARLY_CACHE.update(key=key, value=_early_draws(curves, int(obj), predict))
    draws = _EARLY_CACHE["value"]
    k = draws.shape[-1]
    mean, lower, upper = draws.mean(0), *np.quantile(draws, [0.05, 0.95], axis=0)
    step = int(round(float(days) / 5.0))
    cut = curves.detection[obj] + 5.0 * step
    t, f, e = curves.t[obj], curves.flux[obj], curves.err[obj]
    scale = max(1.0, float(np.abs(f).max()))
    seen = t <= cut

    base_w, base_h = mpl.rcParams["figure.figsize"]
    fig, art = plotting.slider_figure(_early_build, 1, 2, width_ratios=(1.3, 1), width=1.7 * base_w,
                                      height=1.15 * base_h)
    art["seen"].set_offsets(np.column_stack([t[seen], f[seen] / scale]).reshape(-1, 2))
    art["later"].set_offsets(np.column_stack([t[~seen], f[~seen] / scale]).reshape(-1, 2))
    art["bars"].set_segments([[(ti, (fi - ei) / scale), (ti, (fi + ei) / scale)]
                              for ti, fi, ei in zip(t[seen], f[seen], e[seen], strict=True)])
    art["cut"].set_xdata([cut, cut])
    truth = curves.classes[curves.label[obj]]
    art["title"].set_text(f"object {obj} (truly {truth}): {5 * step} days after detection")
    for c in range(4):
        if c < k:
            art[f"p{c}"].set_data(EARLY_DAYS, mean[:, c])
            art[f"band{c}"].set_data(EARLY_DAYS, lower[:, c], upper[:, c])
        else:
            art[f"p{c}"].set_data([], [])
    art["now"].set_xdata([5.0 * step, 5.0 * step])
    top = int(np.argmax(mean[step]))
    art["p_title"].set_text(f"now: {curves.classes[top]} {mean[step, top]:.2f} "
                            f"(5-95%: {lower[step, top]:.2f}-{upper[step, top]:.2f})")
    return fig


def _early_draws(curves, obj, predict):
    """Probability draws (S, len(EARLY_DAYS), K) of one object cut at each setting of EARLY_DAYS."""
    m = EARLY_DAYS.size
    rows = [np.tile(a[obj], (m, 1)) for a in (curves.t, curves.flux, curves.err)]
    kept = rows[0] <= curves.detection[obj] + EARLY_DAYS[:, None]
    draws = np.asarray(predict(*rows, kept), dtype=np.float64)
    if draws.ndim != 3 or draws.shape[1] != m or draws.shape[2] < 2:
        raise ValueError(f"predict must return draws of shape (S, {m}, K), got {draws.shape}")
    return draws


def _early_build(fig, axes):
    ax, ax_p = axes
    size = mpl.rcParams["lines.markersize"] ** 2
    art = {"bars": LineCollection([], colors=COLORS["data"], linewidths=1.0)}
    art["later"] = ax.scatter([], [], s=size, color=COLORS["prior"], alpha=0.5, label="not yet seen")
    art["seen"] = ax.scatter([], [], s=size, color=COLORS["data"], label="seen (with 1-sigma errors)")
    ax.add_collection(art["bars"])
    art["cut"] = ax.axvline(0, color=COLORS["test"], linestyle="--", label="now")
    ax.set(xlim=(0, 200), ylim=(-0.6, 1.35), xlabel="time in the survey (days)",
           ylabel="flux / largest |flux|")
    art["title"] = ax.set_title(" ", loc="left")
    for c in range(4):
        art[f"band{c}"] = ax_p.fill_between([0, 1], [0, 0], [0, 0], color=_CLASS_COLORS[c], alpha=0.2,
                                            linewidth=0)
        (art[f"p{c}"],) = ax_p.plot([], [], color=_CLASS_COLORS[c], label=data.TRANSIENT_CLASSES[c])
    art["now"] = ax_p.axvline(0, color=COLORS["test"], linestyle="--")
    ax_p.set(xlim=(0, EARLY_DAYS[-1]), ylim=(0, 1.02), xlabel="days after first detection",
             ylabel="class probability (5-95% band)")
    art["p_title"] = ax_p.set_title(" ", loc="left")
    # the legends are drawn once with the background (blitting redraws only the changing artists)
    ax.legend(loc="upper left", fontsize="small")
    ax_p.legend(loc="upper left", fontsize="small", ncols=2)
    return art
