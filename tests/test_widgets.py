"""helpers.widgets: the slider factory and panels wired to pure update functions."""

import ipywidgets as w
import pytest

from helpers import plotting, widgets


def test_slider_types_follow_their_arguments():
    assert isinstance(widgets.slider("n", 1, 10), w.IntSlider)
    assert isinstance(widgets.slider("s", 0.0, 1.0, value=0.5), w.FloatSlider)
    log = widgets.slider("lambda", -3, 3, value=0.1, log=True)
    assert isinstance(log, w.FloatLogSlider) and log.value == pytest.approx(0.1)


def test_every_control_updates_on_release_only():
    for control in (widgets.slider("n", 1, 10), widgets.slider("s", 0.0, 1.0),
                    widgets.slider("l", -2, 2, log=True)):
        assert control.continuous_update is False


@pytest.mark.parametrize("call, message", [
    (lambda: widgets.slider("n", 5, 1), "max"),
    (lambda: widgets.slider("n", 1, 5, value=9), "outside"),
    (lambda: widgets.slider("l", -1, 1, value=100.0, log=True), "outside"),
    (lambda: widgets.dropdown("family", ["a", "b"], value="c"), "not one of"),
])
def test_bad_control_arguments_raise_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def line_figure(slope=1.0):
    fig, ax = plotting.new_figure()
    ax.plot([0, 1], [0, slope])
    return fig


def test_panel_renders_on_creation_and_redraws_when_a_control_moves():
    slope = widgets.slider("slope", -2.0, 2.0, value=1.0)
    p = widgets.panel(line_figure, slope=slope)
    first = p.image.value
    assert first[:2] == b"\xff\xd8" and p.last_ms > 0  # a JPEG frame
    slope.value = -1.5
    assert p.image.value != first


def test_panel_shows_a_value_error_as_a_message_and_keeps_the_last_figure():
    def update(n=1):
        if n > 3:
            raise ValueError("n must be at most 3")
        return line_figure(n)

    n = widgets.slider("n", 1, 5)
    p = widgets.panel(update, n=n)
    drawn = p.image.value
    n.value = 5
    assert "n must be at most 3" in p.message.value and p.image.value == drawn
    n.value = 2
    assert p.message.value == "" and p.image.value != drawn


def test_panel_needs_controls():
    with pytest.raises(ValueError, match="at least one control"):
        widgets.panel(line_figure)


def test_static_panel_is_a_still_image_of_the_default_setting_with_a_note(monkeypatch):
    import base64
    import re

    monkeypatch.setenv("NB_STATIC", "1")
    p = widgets.panel(lambda slope, kind: line_figure(slope * kind),
                      slope=widgets.slider("slope", -2.0, 2.0, value=0.5),
                      kind=widgets.dropdown("kind", {"steep": 2, "flat": 0}))
    assert isinstance(p, widgets.StaticPanel) and p.values == {"slope": 0.5, "kind": 2}
    page = p._repr_html_()
    png = base64.b64decode(re.search(r"data:image/png;base64,([^']+)'", page).group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png == p.png
    assert "slope = 0.5" in page and "kind = steep" in page and "make lab" in page


def test_static_panel_draws_what_the_live_panel_draws_first(monkeypatch):
    slopes = []

    def update(slope=1.0):
        slopes.append(slope)
        return line_figure(slope)

    monkeypatch.setenv("NB_STATIC", "1")
    widgets.panel(update, slope=widgets.slider("slope", -2.0, 2.0, value=0.25))
    monkeypatch.delenv("NB_STATIC")
    live = widgets.panel(update, slope=widgets.slider("slope", -2.0, 2.0, value=0.25))
    assert slopes == [0.25, 0.25] and isinstance(live, widgets.Panel)
    with pytest.raises(ValueError, match="at least one control"):
        widgets.StaticPanel(line_figure, {})
