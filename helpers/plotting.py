"""Figure style and the drawing pieces the notebooks share. Knows matplotlib, nothing of widgets.

Figures made for sliders use `slider_figure`, a `matplotlib.figure.Figure` built outside pyplot
(no global figure list to leak into, nothing displayed twice) and kept between redraws.
"""

from __future__ import annotations

import io

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.legend import Legend
from matplotlib.patches import Ellipse
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
from matplotlib.transforms import Bbox
from PIL import Image

# One colour per role across the whole series (Okabe-Ito, readable by colour-blind viewers).
COLORS = {
    "data": "#222222",
    "truth": "#777777",
    "fit": "#0072B2",
    "train": "#0072B2",
    "test": "#D55E00",
    "samples": "#E69F00",
    "noise": "#56B4E9",
    "model": "#0072B2",
    "prior": "#999999",
    "alt": "#009E73",
    "highlight": "#CC79A7",
}

_BASE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=[COLORS[k] for k in
                                         ("fit", "test", "alt", "samples", "highlight", "noise")]),
    "legend.framealpha": 0.85,
    "image.cmap": "viridis",
    "axes.titley": 1.0,  # a fixed title position: automatic placement re-measures every artist
    "axes.titlepad": 6.0,
}
_SCREEN = {"figure.figsize": (7.0, 4.0), "font.size": 11, "axes.titlesize": 12,
           "axes.labelsize": 11, "xtick.labelsize": 10, "ytick.labelsize": 10,
           "legend.fontsize": 10, "lines.linewidth": 1.8, "lines.markersize": 5}
_PROJECTOR = {"figure.figsize": (9.0, 5.2), "font.size": 16, "axes.titlesize": 18,
              "axes.labelsize": 17, "xtick.labelsize": 15, "ytick.labelsize": 15,
              "legend.fontsize": 14, "lines.linewidth": 3.0, "lines.markersize": 8}


def use_style(projector: bool = False) -> None:
    """Apply the series' figure style; `projector=True` for large fonts and thick lines."""
    import matplotlib.pyplot  # noqa: F401  (activates the notebook backend before we style it)

    mpl.rcParams.update(_BASE)
    mpl.rcParams.update(_PROJECTOR if projector else _SCREEN)


def figsize(ncols: int = 1, nrows: int = 1) -> tuple[float, float]:
    """Figure size (inches) for a grid of panels in the current style: projector mode gets larger
    panels to go with its larger fonts. Use it as `plt.subplots(1, 3, figsize=figsize(3))`."""
    base_w, base_h = mpl.rcParams["figure.figsize"]
    return base_w * (1 + 0.45 * (ncols - 1)), base_h * (1 + 0.6 * (nrows - 1))


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float | None = None,
               height: float | None = None, **subplot_kw):
    """A (Figure, axes) pair outside pyplot, sized by `figsize` unless width/height are given."""
    w, h = figsize(ncols, nrows)
    fig = Figure(figsize=(width or w, height or h))
    axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


_SLIDER_FIGURES: dict[tuple, tuple] = {}


def slider_figure(build, nrows: int = 1, ncols: int = 1, **subplot_kw):
    """The figure of a slider's update function and its changing artists, built once, then reused.

    `build(fig, axes)` draws everything that does not depend on the sliders (labels, fixed limits)
    and returns, in a dict, the artists that do (lines, points, titles), plus any legend that the
    moving data may cross; they are drawn in the dict's order, so put legends last. Later calls
    return the same figure and dict, so an update only sets data and text on those artists.

    `render` then blits: the first render draws the static parts once (solving the layout) and
    keeps that image; every later render restores it and draws only the changing artists. Why:
    on a 2-core laptop, drawing the ~30 tick labels, axis labels and legend entries of a two-panel
    figure takes ~100 ms, the data lines a few. Axis limits must therefore stay fixed. One figure
    per `build` function, shape and figure style (projector mode gets its own).

    Artists that change only with an argument that is not a slider (data passed in once) can go in
    the dict under "static" (a dict of its own): they are drawn with the background, and an update
    that changes them calls `redraw_background(fig)`.
    """
    key = (build, nrows, ncols, tuple(sorted(subplot_kw.items())), mpl.rcParams["font.size"],
           tuple(mpl.rcParams["figure.figsize"]))
    if key not in _SLIDER_FIGURES:
        fig, axes = new_figure(nrows, ncols, **subplot_kw)
        FigureCanvasAgg(fig)
        artists = build(fig, axes)
        changing = {name: artist for name, artist in artists.items() if name != "static"}
        for artist in changing.values():
            artist.set_animated(True)  # left out of the full draw: drawn on top of the background
            if not isinstance(artist, (Text, Legend)):
                # The layout is solved once, at the first render: the moving data must not shape
                # it (an empty unclipped line counted the figure's corner and squeezed the axes).
                artist.set_in_layout(False)
        fig._blit = {"artists": changing, "background": None}
        _SLIDER_FIGURES[key] = (fig, artists)
    return _SLIDER_FIGURES[key]


def redraw_background(fig: Figure) -> None:
    """Make the next `render` of a slider figure draw its static parts again (one full draw)."""
    fig._blit["background"] = None


def render(fig: Figure, format: str = "png") -> bytes:
    """Render a figure to image bytes ("png" or "jpeg") at its own resolution.

    Figures from `slider_figure` are blitted (see there); others are drawn once on an Agg canvas
    (`savefig` draws twice when the figure has a layout engine). Slider frames use "jpeg" at
    quality 95 without chroma subsampling: indistinguishable from PNG on these line plots, and
    ~15 ms faster to encode.
    """
    if format not in {"png", "jpeg"}:
        raise ValueError(f"format must be 'png' or 'jpeg', got {format!r}")
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    blit = getattr(fig, "_blit", None)
    if blit is None:
        canvas.draw()
    else:
        if blit["background"] is None:
            canvas.draw()  # static parts only; solves the layout once
            fig.set_layout_engine("none")  # and keeps it: the background must stay valid
            blit["background"] = canvas.copy_from_bbox(fig.bbox)
            blit["patches"] = {}  # saved patches hold background pixels: start afresh
            blit["always_drawn"] = set()  # names found not reusable (see _draw_changing_artist)
        else:
            canvas.restore_region(blit["background"])
        for name, artist in blit["artists"].items():
            _draw_changing_artist(fig, canvas, blit, name, artist)
    rgb = Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")
    buf = io.BytesIO()
    if format == "png":
        rgb.save(buf, format="png", compress_level=1)
    else:
        rgb.save(buf, format="jpeg", quality=95, subsampling=0)
    return buf.getvalue()


_MAX_PATCH_IMAGE = 65536  # an image is compared value by value; larger ones are always drawn


def _patch_state(artist) -> tuple | None:
    """What a title or a small image looks like, to tell whether it changed since the last frame;
    None for any other artist (always drawn)."""
    if isinstance(artist, Text):
        return (artist.get_text(), artist.get_position(), artist.get_color(), artist.get_alpha(),
                artist.get_fontsize(), artist.get_fontweight(), artist.get_visible(), artist.get_rotation())
    if isinstance(artist, AxesImage):
        data = artist.get_array()
        if data is None or data.size > _MAX_PATCH_IMAGE:
            return None
        return (np.ma.getdata(data).tobytes(), np.ma.getmaskarray(data).tobytes(), data.shape,
                data.dtype.str, artist.get_clim(), type(artist.norm).__name__, artist.get_cmap().name,
                artist.get_alpha(), artist.get_extent(), artist.get_interpolation(), artist.get_visible())
    return None


def _reusable(fig: Figure, canvas: FigureCanvasAgg, blit: dict, artist) -> Bbox | None:
    """The box of pixels that shows `artist` alone on the static background, or None if other
    changing artists may be drawn there: a title must lie outside every axes, an image must be the
    only changing artist in its axes (titles outside the axes box aside)."""
    renderer = canvas.get_renderer()
    box = artist.get_window_extent(renderer).padded(2)
    if isinstance(artist, Text):
        return None if any(box.overlaps(ax.bbox) for ax in fig.axes) else box
    for other in blit["artists"].values():
        if other is artist or getattr(other, "axes", None) is not artist.axes:
            continue
        if not (isinstance(other, Text) and not other.get_window_extent(renderer).overlaps(artist.axes.bbox)):
            return None
    others = [ax.bbox for ax in fig.axes if ax is not artist.axes]
    return None if any(box.overlaps(other) for other in others) else box


def _draw_changing_artist(fig: Figure, canvas: FigureCanvasAgg, blit: dict, name: str, artist) -> None:
    """Draw one changing artist of a blitted figure on top of the restored background.

    A title or a small image that did not change since the previous frame (the readout of another
    slider, the digit another slider picked) is pasted back as pixels instead of being drawn
    again: matplotlib lays out and rasterizes text glyph by glyph, 3-8 ms per title on a laptop,
    and resamples and colour-maps an image, ~4 ms. Only where nothing but the static background
    lies beneath (see `_reusable`). One saved patch per artist: a reused patch always shows the
    artist as it is now. An artist found not reusable once is always drawn from then on, without
    asking again (conservative, and nothing spent on it per frame).
    """
    state = None if name in blit["always_drawn"] else _patch_state(artist)
    if state is None:
        fig.draw_artist(artist)
        return
    saved = blit["patches"].get(name)
    if saved is not None and saved[0] == state:
        canvas.restore_region(saved[1])
        return
    fig.draw_artist(artist)
    box = _reusable(fig, canvas, blit, artist)
    if box is None:
        blit["always_drawn"].add(name)
    else:
        blit["patches"][name] = (state, canvas.copy_from_bbox(box))


def _plain_log_label(value, _pos=None) -> str:
    """0.01, 0.1, 1, 10, 100 as decimals; smaller and larger powers of ten as 1e-8, 1e4."""
    if value <= 0:
        return ""
    exponent = np.log10(value)
    if -3 <= exponent <= 3 or not float(exponent).is_integer():
        return f"{value:g}"
    return f"1e{int(exponent)}"


def plain_log_labels(axis, ticks=None) -> None:
    """Label a log axis 0.01, 0.1, 1, ..., 1e-6 (at `ticks` if given) without minor ticks: clear on
    a projector, and much faster to redraw than the default mathtext labels and minor ticks."""
    if ticks is not None:
        axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(_plain_log_label))
    axis.set_minor_locator(NullLocator())


def plot_data(ax, x, y, *, label: str = "data", **kw):
    """Observed points as dark dots."""
    kw = {"color": COLORS["data"], "s": mpl.rcParams["lines.markersize"] ** 2, "zorder": 3,
          "alpha": 0.8, **kw}
    return ax.scatter(x, y, label=label, **kw)


def plot_band(ax, x, lower, upper, *, mean=None, label: str | None = None,
              color: str = COLORS["model"], alpha: float = 0.25, mean_label: str | None = None):
    """A shaded band between `lower` and `upper` (e.g. a 90% predictive interval), optional mean line."""
    band = ax.fill_between(x, lower, upper, color=color, alpha=alpha, label=label, linewidth=0)
    if mean is not None:
        ax.plot(x, mean, color=color, label=mean_label)
    return band


def plot_samples(ax, x, samples, *, color: str = COLORS["samples"], alpha: float = 0.3,
                 label: str | None = None, linewidth: float | None = None):
    """Draw each row of `samples` (S, N) as a function of `x` (N,) in one LineCollection (fast)."""
    x = np.asarray(x, dtype=float)
    samples = np.atleast_2d(np.asarray(samples, dtype=float))
    if samples.shape[1] != x.shape[0]:
        raise ValueError(f"samples must have {x.shape[0]} columns to match x, got {samples.shape}")
    segments = np.stack([np.broadcast_to(x, samples.shape), samples], axis=-1)
    lines = LineCollection(segments, colors=color, alpha=alpha, label=label,
                           linewidths=linewidth or 0.6 * mpl.rcParams["lines.linewidth"])
    ax.add_collection(lines)
    ax.autoscale_view()
    return lines


def plot_gaussian_ellipse(ax, mean, cov, *, n_std: float = 2.0, color: str = COLORS["model"],
                          label: str | None = None, fill: bool = False, **kw):
    """The n_std-sigma contour ellipse of a 2-D Gaussian N(mean, cov)."""
    mean = np.asarray(mean, dtype=float)
    cov = np.asarray(cov, dtype=float)
    if mean.shape != (2,) or cov.shape != (2, 2):
        raise ValueError(f"need a 2-D mean and a 2x2 cov, got shapes {mean.shape} and {cov.shape}")
    vals, vecs = np.linalg.eigh(cov)
    if vals.min() <= 0:
        raise ValueError("cov must be positive definite to draw its ellipse")
    angle = np.degrees(np.arctan2(vecs[1, 1], vecs[0, 1]))
    width, height = 2 * n_std * np.sqrt(vals[::-1])
    ell = Ellipse(mean, width, height, angle=angle, facecolor=color if fill else "none",
                  edgecolor=color, label=label, alpha=0.3 if fill else 1.0,
                  linewidth=mpl.rcParams["lines.linewidth"], **kw)
    ax.add_patch(ell)
    ax.autoscale_view()
    return ell
