"""Slider update functions of notebook 06 (variational autoencoders): parameters in, Figure out."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np

from .. import _validate, plotting
from ..plotting import COLORS
from ._digits import DIGIT_CMAP, DIGIT_SIDE, frame_image_axes

# ------------------------------------------------------------------------- notebook 06
# The decoder is an argument (a trained torch module in the notebook, a small untrained one in the
# tests and the benchmark): it maps a float tensor of latent points (n, d) to pixel logits (n, 64).

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
    if logits.shape != (z.shape[0], DIGIT_SIDE**2):
        raise ValueError(f"decoder must map ({z.shape[0]}, {z.shape[1]}) latent points to "
                         f"({z.shape[0]}, {DIGIT_SIDE**2}) pixel logits, got {tuple(logits.shape)}")
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
    art["image"].set_data(probs.reshape(DIGIT_SIDE, DIGIT_SIDE))
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
    art["image"] = ax_img.imshow(np.zeros((DIGIT_SIDE, DIGIT_SIDE)), cmap=DIGIT_CMAP, vmin=0,
                                 vmax=1, interpolation="nearest")
    frame_image_axes(ax_img)
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
    images = _validate.as_matrix("images", images, rows=codes.shape[0], cols=DIGIT_SIDE**2)
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
    frames = _decode_probabilities(decoder, z).reshape(-1, DIGIT_SIDE, DIGIT_SIDE)

    base_w, base_h = mpl.rcParams["figure.figsize"]  # smaller than 2 x 3 panels: fewer pixels to draw
    fig, art = plotting.slider_figure(_latent_interpolation_build, 2, 3, height_ratios=(3, 1.2),
                                      width=1.5 * base_w, height=1.25 * base_h)
    art["first"].set_data(images[first].reshape(DIGIT_SIDE, DIGIT_SIDE))
    art["second"].set_data(images[second].reshape(DIGIT_SIDE, DIGIT_SIDE))
    art["current"].set_data(frames[-1])
    strip = np.full((DIGIT_SIDE, n_steps * (DIGIT_SIDE + 1) - 1), np.nan)  # NaN: the gaps
    for k in range(n_steps):
        strip[:, k * (DIGIT_SIDE + 1):k * (DIGIT_SIDE + 1) + DIGIT_SIDE] = frames[k]
    art["strip"].set_data(strip)
    x_mark = (DIGIT_SIDE - 1) / 2 + weight * (n_steps - 1) * (DIGIT_SIDE + 1)
    art["marker"].set_xdata([x_mark, x_mark])
    for key, index in (("first", first), ("second", second)):
        name = f"#{index}" + ("" if not has_labels else f" (a {int(labels[index])})")
        art[key + "_title"].set_text(f"digit {name}: data")
    art["current_title"].set_text(f"decoded at weight {weight:.2f}")
    return fig


_PATH_STEPS = 9


def _latent_interpolation_build(fig, axes):
    top, bottom = axes
    art = {}
    for ax, key in zip(top, ("first", "current", "second"), strict=True):
        art[key] = ax.imshow(np.zeros((DIGIT_SIDE, DIGIT_SIDE)), cmap=DIGIT_CMAP, vmin=0, vmax=1,
                             interpolation="nearest")
        frame_image_axes(ax)
        art[key + "_title"] = ax.title
    gs = bottom[0].get_gridspec()
    for ax in bottom:
        ax.remove()
    ax_strip = fig.add_subplot(gs[1, :])
    width = _PATH_STEPS * (DIGIT_SIDE + 1) - 1
    gaps = mpl.colormaps[DIGIT_CMAP].with_extremes(bad="#c6dbef")  # light blue between frames
    art["strip"] = ax_strip.imshow(np.zeros((DIGIT_SIDE, width)), cmap=gaps, vmin=0, vmax=1,
                                   interpolation="nearest")
    centres = (DIGIT_SIDE - 1) / 2 + np.arange(_PATH_STEPS) * (DIGIT_SIDE + 1)
    ax_strip.set(xticks=centres, xticklabels=[f"{w:.2g}" for w in np.linspace(0, 1, _PATH_STEPS)],
                 yticks=[], xlabel="interpolation weight (decoded path from the first digit's code "
                                   "to the second's)")
    frame_image_axes(ax_strip, ticks=True)
    art["marker"] = ax_strip.axvline(0, color=COLORS["highlight"], lw=3)
    return art
