"""Every notebook with sliders, run in JupyterLab in headless Chromium, as a reader would use it.

For each notebook: open it, Run All Cells, check that no cell raised and no widget failed to
render, then move the first slider of every panel with the keyboard and check that the figure
beside it changed. Run with `make test-e2e`.
"""

from __future__ import annotations

from pathlib import Path

import labdriver as lab_ui
import pytest

ROOT = Path(__file__).resolve().parents[1]
SLIDER_NOTEBOOKS = lab_ui.notebooks_with_sliders(ROOT / "notebooks")


def test_some_notebooks_have_sliders():
    assert SLIDER_NOTEBOOKS, "no notebook builds a slider panel: nothing for the browser to test"


@pytest.mark.parametrize("name", SLIDER_NOTEBOOKS)
def test_notebook_runs_and_its_sliders_redraw_in_the_browser(lab, page, name):
    base, token, _ = lab
    lab_ui.open_notebook(page, base, token, name)
    seconds = lab_ui.run_all(page)
    found = lab_ui.problems(page)
    assert not found, f"{name} after Run All ({seconds:.0f} s): {found}"

    panels = page.locator(lab_ui.ACTIVE).locator(lab_ui.PANEL).count()
    assert panels >= 1, f"{name}: no slider panel with a figure was rendered"
    for index in range(panels):
        # raises with a clear timeout message if the figure does not change
        lab_ui.move_slider(page, panel_index=index)
    found = lab_ui.problems(page)
    assert not found, f"{name} after moving sliders: {found}"


def test_trivial_one_slider_notebook_redraws(lab, page):
    base, token, folder = lab
    name = lab_ui.write_trivial_notebook(folder)
    lab_ui.open_notebook(page, base, token, name)
    lab_ui.run_all(page)
    assert not lab_ui.problems(page)
    assert lab_ui.move_slider(page) > 0
