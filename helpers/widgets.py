"""Sliders and panels: consistent controls wired to pure update functions (parameters in, figure out).

    panel(update, n_basis=slider("basis functions", 1, 30, value=8), ...)

`update(**values)` returns a matplotlib Figure; the panel renders it into an Image widget
and redraws on every change. A ValueError from `update` is shown as a message instead of a plot.

With NB_STATIC=1 (set when the series is rendered as a static website, `make book`) a panel is a
still image of its figure at the default setting with a note on how to run it live: a page
without a kernel cannot move sliders, and widget views would need scripts from the network.
"""

from __future__ import annotations

import base64
import html
import os
import time
from collections.abc import Callable

import ipywidgets as w
from matplotlib.figure import Figure

from . import plotting

_STYLE = {"description_width": "11em"}
_LAYOUT = {"width": "30em"}


def slider(description: str, min: float, max: float, step: float | None = None,
           value: float | None = None, *, log: bool = False, integer: bool | None = None,
           readout_format: str | None = None) -> w.Widget:
    """A slider that updates on release (continuous_update=False), labelled and sized alike.

    Integer bounds give an IntSlider unless `integer=False`; `log=True` gives a FloatLogSlider whose
    `min`/`max` are the base-10 exponents and whose `value` is the actual value.
    """
    if not max > min:
        raise ValueError(f"slider {description!r}: max ({max}) must exceed min ({min})")
    if integer is None:
        integer = not log and all(isinstance(t, int) for t in (min, max)) and (
            step is None or isinstance(step, int))
    common = {"description": description, "continuous_update": False, "style": _STYLE,
              "layout": w.Layout(**_LAYOUT)}
    if log:
        value = 10 ** ((min + max) / 2) if value is None else value
        if not 10**min <= value <= 10**max:
            raise ValueError(f"slider {description!r}: value {value} outside [1e{min}, 1e{max}]")
        return w.FloatLogSlider(value=value, base=10, min=min, max=max, step=step or 0.1,
                                readout_format=readout_format or ".3g", **common)
    value = min if value is None else value
    if not min <= value <= max:
        raise ValueError(f"slider {description!r}: value {value} outside [{min}, {max}]")
    if integer:
        return w.IntSlider(value=value, min=min, max=max, step=step or 1, **common)
    return w.FloatSlider(value=value, min=min, max=max, step=step or (max - min) / 100,
                         readout_format=readout_format or ".3g", **common)


def dropdown(description: str, options, value=None) -> w.Dropdown:
    """A dropdown styled like the sliders. `options` is a list or a {label: value} dict."""
    options = dict(options) if isinstance(options, dict) else list(options)
    values = list(options.values()) if isinstance(options, dict) else options
    value = values[0] if value is None else value
    if value not in values:
        raise ValueError(f"dropdown {description!r}: value {value!r} is not one of {values}")
    return w.Dropdown(description=description, options=options, value=value, style=_STYLE,
                      layout=w.Layout(**_LAYOUT))


class Panel(w.VBox):
    """Controls above a figure; the figure is redrawn by `update(**values)` when a control changes.

    Attributes: `controls` (name -> widget), `image` (the rendered figure), `message` (errors),
    `last_ms` (how long the last update took, computing and rendering included).
    """

    def __init__(self, update: Callable[..., Figure], controls: dict[str, w.Widget], *,
                 columns: int = 2):
        if not controls:
            raise ValueError("a panel needs at least one control")
        self.update = update
        self.controls = dict(controls)
        self.image = w.Image(format="jpeg", layout=w.Layout(max_width="100%", height="auto"))
        self.message = w.HTML()
        self.last_ms = float("nan")
        boxes = list(self.controls.values())
        grid = w.GridBox(boxes, layout=w.Layout(
            grid_template_columns=f"repeat({columns}, max-content)", grid_gap="2px 24px"))
        super().__init__([grid, self.message, self.image])
        for control in boxes:
            control.observe(self.refresh, names="value")
        self.refresh()

    @property
    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self, _change=None) -> None:
        start = time.perf_counter()
        try:
            fig = self.update(**self.values)
        except ValueError as err:
            self.message.value = (f"<p style='color:#b00020'><b>Cannot draw this:</b> "
                                  f"{html.escape(str(err))}</p>")
            return
        self.message.value = ""
        self.image.value = plotting.render(fig, "jpeg")
        self.last_ms = 1000 * (time.perf_counter() - start)


class StaticPanel:
    """A panel where no kernel can move its sliders: the figure at the controls' current values, as
    an image with a note that says which values it shows and how to move them live."""

    def __init__(self, update: Callable[..., Figure], controls: dict[str, w.Widget]):
        if not controls:
            raise ValueError("a panel needs at least one control")
        self.update = update
        self.controls = dict(controls)
        self.png = plotting.render(update(**self.values), "png")

    @property
    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def _repr_html_(self) -> str:
        shown = ", ".join(f"{c.description} = {getattr(c, 'label', None) or c.value}"
                          for c in self.controls.values())
        image = base64.b64encode(self.png).decode("ascii")
        return (f"<div class='static-panel'><img src='data:image/png;base64,{image}' "
                f"alt='slider panel at its default setting'><p class='static-panel-note'>A slider "
                f"panel, shown at {html.escape(shown)}. Run the notebook (<code>make lab</code>) to "
                f"move the sliders.</p></div>")


def static_panels() -> bool:
    """True when panels are still images (NB_STATIC=1): the series rendered as a website."""
    return os.environ.get("NB_STATIC", "").strip().lower() in {"1", "true", "yes", "on"}


def panel(update: Callable[..., Figure], *, columns: int = 2, **controls: w.Widget) -> Panel | StaticPanel:
    """Wire the named controls to `update`; each control's name is the keyword it is passed as.

    With NB_STATIC=1 the result is a StaticPanel: the figure at the controls' values, as an image.
    """
    if static_panels():
        return StaticPanel(update, controls)
    return Panel(update, controls, columns=columns)
