"""Slider update functions of notebooks 05a and 05b (Bayesian neural networks): parameters in, Figure out."""

from __future__ import annotations

from functools import lru_cache

import matplotlib as mpl
import numpy as np

from .. import _validate, plotting
from ..plotting import COLORS
from ._digits import DIGIT_CMAP, DIGIT_SIDE, frame_image_axes

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

    The title reports the standard deviation of f(x) across the 30 networks, averaged over the 121
    grid points (not Var f(x) at one x); the y axis is fixed at [-6, 6], so curves beyond it are cut
    (the sd in the title still counts them). With fan-in scaling this sd does not grow with the width:
    the Gaussian-process limit is about the shape of the distribution of f(x), not its spread.
    """
    f = prior_function_samples(_PRIOR_GRID, hidden, weight_std, bias_std, activation, depth,
                               scaled=scaled, seed=seed)
    fig, art = plotting.slider_figure(_prior_functions_build)
    segments = np.stack([np.broadcast_to(_PRIOR_GRID, f.shape), np.clip(f, -1e3, 1e3)], axis=-1)
    art["samples"].set_segments(segments)
    scale = "σ_w/√H" if scaled else "σ_w"
    art["title"].set_text(f"{depth} × {hidden} {activation} units, weights sd {scale} · "
                          f"sd of f(x) over networks, mean over x: {float(np.mean(f.std(axis=0))):.3g}")
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
    images = _validate.as_matrix("images", images, cols=DIGIT_SIDE**2)
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
    art["image"].set_data(np.ma.masked_less_equal(x[0].reshape(DIGIT_SIDE, DIGIT_SIDE), 0.0))
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
        cmap = mpl.colormaps[DIGIT_CMAP].with_extremes(bad="white")
        art = {"image": ax_img.imshow(np.ones((DIGIT_SIDE, DIGIT_SIDE)), cmap=cmap, norm=norm,
                                      interpolation="nearest")}
        frame_image_axes(ax_img)
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
