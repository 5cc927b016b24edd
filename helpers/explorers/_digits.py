"""What the digit panels of notebooks 05b and 06 share."""

from ..plotting import COLORS

DIGIT_SIDE = 8
DIGIT_CMAP = "gray_r"  # ink dark on white paper; pixel probabilities 0..1


def frame_image_axes(ax, ticks: bool = False) -> None:
    """An image panel: no grid, a thin frame on all four sides, no ticks unless asked."""
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(COLORS["truth"])
    if not ticks:
        ax.set(xticks=[], yticks=[])
