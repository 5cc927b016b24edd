"""tools/book.py: how notebooks are prepared for the rendered book (no Sphinx needed here)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import book  # noqa: E402


def test_display_math_inside_a_paragraph_becomes_a_block_of_its_own():
    text = "With the prior:\n$$a_{i} = b_{j}\n+ c,$$\n$$d = e$$\nestimated once.\n"
    assert book.separate_display_math(text) == (
        "With the prior:\n\n$$a_{i} = b_{j}\n+ c,$$\n\n$$d = e$$\n\nestimated once.\n")


def test_math_that_is_already_a_block_and_inline_math_stay_as_they_are():
    text = "Text $x_i$ and $$y$$ inline.\n\n$$\nz = 1\n$$\n\nEnd"
    assert book.separate_display_math(text) == text


def test_worked_solutions_are_folded_and_nothing_else():
    nb = {"cells": [
        {"cell_type": "code", "metadata": {"jupyter": {"source_hidden": True}}, "source": "x = 1"},
        {"cell_type": "markdown", "metadata": {"jupyter": {"source_hidden": True}},
         "source": "**Answer.** 2"},
        {"cell_type": "code", "metadata": {}, "source": "y = 2"},
    ]}
    out = book.prepare_notebook(nb)
    assert out["cells"][0]["metadata"]["tags"] == ["hide-cell"]
    assert out["cells"][1]["source"].startswith("<details class='worked-solution'>")
    assert "**Answer.** 2" in out["cells"][1]["source"]
    assert "tags" not in out["cells"][2]["metadata"] and "tags" not in nb["cells"][0]["metadata"]


def test_landing_page_reads_title_summary_and_run_time_from_the_header_cell():
    nb = {"cells": [{"cell_type": "markdown", "source": "# 09 · A title\n\nOne line\nsummary.\n\n"
                                                         "Estimated run time: about 40 s.\n"}]}
    assert book.header(nb) == ("09 · A title", "One line summary.", "40 s")
