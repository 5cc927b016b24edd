"""tools/release.py: student versions lose exactly the cells marked as worked solutions."""

import hashlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import release  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def text(cell):
    return "".join(cell["source"])


def cell(kind, source, hidden=False):
    meta = {"jupyter": {"source_hidden": True}} if hidden else {}
    c = {"cell_type": kind, "metadata": meta, "source": source}
    if kind == "code":
        c.update(outputs=[{"output_type": "stream", "name": "stdout", "text": "x"}], execution_count=3)
    return c


def test_student_version_drops_marked_cells_only_and_clears_outputs():
    nb = {"cells": [cell("markdown", "### Activity 1"), cell("code", "answer = None\ncheck(answer)"),
                    cell("code", "# Worked solution\nanswer = 4", hidden=True),
                    cell("markdown", "**Worked answer.** 4", hidden=True),
                    cell("markdown", "Worked solution mentioned in text, not marked")]}
    student = release.student_version(nb)
    assert [text(c) for c in student["cells"]] == [
        "### Activity 1", "answer = None\ncheck(answer)", "Worked solution mentioned in text, not marked"]
    assert student["cells"][1]["outputs"] == [] and student["cells"][1]["execution_count"] is None
    assert len(nb["cells"]) == 5, "the input notebook must not change"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in NOTEBOOKS}
    out = tmp_path_factory.mktemp("release")
    removed = release.release(out)
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in NOTEBOOKS}
    assert before == after, "make release changed a file under notebooks/"
    return out, removed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_release_of_the_real_notebooks(released, path):
    out, removed = released
    original = json.loads(path.read_text())
    student = json.loads((out / "student" / path.name).read_text())
    assert (out / "solutions" / path.name).read_bytes() == path.read_bytes()
    hidden = [c for c in original["cells"] if c.get("metadata", {}).get("jupyter", {}).get("source_hidden")]
    assert removed[path.name] == len(hidden) > 0
    kept = [text(c) for c in student["cells"]]
    assert kept == [text(c) for c in original["cells"] if c not in hidden]
    # every self-check a student runs is still there: each check call outside the solutions
    checks_before = sum(text(c).count("checks.check_") for c in original["cells"] if c not in hidden)
    assert checks_before > 0 and sum(k.count("checks.check_") for k in kept) == checks_before
    assert not any("Worked solution" in k.splitlines()[0] for k in kept if k), \
        "a cell that says it is a worked solution is not marked as one (metadata jupyter.source_hidden)"
