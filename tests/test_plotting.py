"""helpers.plotting: figures outside pyplot, PNG rendering, shared drawing pieces."""

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plotting


def test_new_figure_is_not_registered_with_pyplot():
    before = plt.get_fignums()
    fig, axes = plotting.new_figure(1, 2)
    assert len(axes) == 2 and plt.get_fignums() == before
    wide = fig.get_size_inches()[0]
    assert wide > plotting.new_figure()[0].get_size_inches()[0]


def test_render_returns_png_or_jpeg_bytes():
    fig, ax = plotting.new_figure()
    ax.plot([0, 1], [0, 1])
    assert plotting.render(fig)[:8] == b"\x89PNG\r\n\x1a\n"
    assert plotting.render(fig, "jpeg")[:2] == b"\xff\xd8"
    with pytest.raises(ValueError, match="format"):
        plotting.render(fig, "gif")


def test_slider_figure_is_built_once_and_its_layout_kept_after_the_first_render():
    calls = []

    def build(fig, ax):
        calls.append(1)
        (line,) = ax.plot([0, 1], [0, 1])
        ax.set_title("a title")
        return {"line": line}

    fig, art = plotting.slider_figure(build)
    plotting.render(fig)
    position = fig.axes[0].get_position().bounds
    again, art_again = plotting.slider_figure(build)
    assert again is fig and art_again is art and len(calls) == 1
    art["line"].set_ydata([0, 100])
    fig.axes[0].set_title("a much, much longer title that would move a constrained layout")
    plotting.render(fig)
    assert fig.axes[0].get_position().bounds == position


def test_slider_figure_layout_ignores_the_moving_data_drawn_outside_the_axes():
    # The layout is solved once, at the first render; an empty unclipped marker line (filled only
    # by some slider settings, as 01's "test error above the chart") must not shape it.
    def build_plain(fig, ax):
        (line,) = ax.plot([0, 1], [0, 1])
        return {"line": line, "title": ax.set_title("a title")}

    def build_with_marker(fig, ax):
        (marker,) = ax.plot([], [], "^", clip_on=False)
        return {**build_plain(fig, ax), "marker": marker}

    widths = {}
    with mpl.rc_context():
        plotting.use_style()  # the series' style: constrained layout
        for build in (build_plain, build_with_marker):
            fig, _ = plotting.slider_figure(build)
            plotting.render(fig)
            widths[build.__name__] = fig.axes[0].get_position().width
    assert widths["build_with_marker"] == pytest.approx(widths["build_plain"]), (
        f"an empty unclipped line changed the axes width: {widths}")


def _pixels(png: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)))


def test_slider_frames_reusing_unchanged_titles_equal_frames_drawn_in_full():
    def build(fig, axes):
        lines = {f"line{k}": ax.plot([0, 1], [0, 1])[0] for k, ax in enumerate(axes)}
        for ax in axes:
            ax.set(xlim=(0, 1), ylim=(-3, 3))
        titles = {f"title{k}": ax.set_title("") for k, ax in enumerate(axes)}
        inside = {"inside": axes[0].text(0.5, 0.5, "", ha="center")}  # over the data: never reused
        return {**lines, **titles, **inside}

    frames = [(1.0, "a", "b"), (2.0, "a", "b"), (2.0, "a", "c"), (-1.0, "long title a", "c")]
    for slope, first, second in frames:
        fig, art = plotting.slider_figure(build, 1, 2)
        art["line0"].set_ydata([0, slope])
        art["line1"].set_ydata([0, -slope])
        art["title0"].set_text(first)
        art["title1"].set_text(second)
        art["inside"].set_text(f"slope {slope}")
        reused = _pixels(plotting.render(fig))
        saved, never = set(fig._blit["patches"]), set(fig._blit["always_drawn"])
        fig._blit["patches"], fig._blit["always_drawn"] = {}, set()
        assert np.array_equal(reused, _pixels(plotting.render(fig))), (slope, first, second)
    assert saved == {"title0", "title1"} and never == {"inside"}


def test_slider_frames_reusing_unchanged_images_equal_frames_drawn_in_full():
    def build(fig, axes):
        alone = axes[0].imshow(np.zeros((8, 8)), vmin=0, vmax=1, cmap="gray_r")
        shared = axes[1].imshow(np.zeros((8, 8)), vmin=0, vmax=1)
        (marker,) = axes[1].plot([3], [3], "x", color="red", ms=20)  # over the image: never reused
        return {"marker": marker, "alone": alone, "shared": shared, "title": axes[0].set_title("")}

    rng = np.random.default_rng(0)
    first, second = rng.random((8, 8)), rng.random((8, 8))
    frames = [(first, 2), (first, 4), (second, 4), (second.copy(), 6), (np.ma.masked_less(second, 0.5), 6)]
    for image, where in frames:
        fig, art = plotting.slider_figure(build, 1, 2)
        art["alone"].set_data(image)
        art["shared"].set_data(image)
        art["marker"].set_data([where], [where])
        art["title"].set_text(f"marker at {where}")
        reused = _pixels(plotting.render(fig))
        saved, never = set(fig._blit["patches"]), set(fig._blit["always_drawn"])
        fig._blit["patches"], fig._blit["always_drawn"] = {}, set()
        assert np.array_equal(reused, _pixels(plotting.render(fig))), where
    assert saved == {"alone", "title"} and never == {"shared"}


def test_plot_samples_draws_one_line_per_row():
    fig, ax = plotting.new_figure()
    lines = plotting.plot_samples(ax, np.linspace(0, 1, 20), np.zeros((7, 20)))
    assert len(lines.get_segments()) == 7
    with pytest.raises(ValueError, match="columns to match x"):
        plotting.plot_samples(ax, np.linspace(0, 1, 20), np.zeros((7, 21)))


def test_gaussian_ellipse_axes_follow_the_covariance():
    fig, ax = plotting.new_figure()
    ell = plotting.plot_gaussian_ellipse(ax, [1.0, 2.0], np.diag([4.0, 1.0]), n_std=1)
    assert sorted([ell.width, ell.height]) == pytest.approx([2.0, 4.0])
    with pytest.raises(ValueError, match="positive definite"):
        plotting.plot_gaussian_ellipse(ax, [0, 0], np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match="2x2"):
        plotting.plot_gaussian_ellipse(ax, [0, 0, 0], np.eye(3))


def test_plot_band_fills_between_bounds():
    fig, ax = plotting.new_figure()
    x = np.linspace(0, 1, 5)
    plotting.plot_band(ax, x, x - 1, x + 1, mean=x, label="90%")
    assert len(ax.collections) == 1 and len(ax.lines) == 1
