"""Student versions (`make release`) run as a student meets them: top to bottom, nothing answered.

Each student notebook is executed in a fresh kernel. It must run without an error (its activities
included), and every self-check of an activity must answer "not yet" with its hint, since the
student has not answered: a worked solution that a later cell needed, or a check that crashes on an
empty answer, fails here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import release  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    release.release(out)
    return out / "student"


def outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        for key in ("text/plain", "text/html"):
            if key in out.get("data", {}):
                parts.append(out["data"][key])
    return "".join(parts)


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_student_version_runs_and_its_checks_say_not_yet(student_folder, name, monkeypatch):
    monkeypatch.setenv("NB_THREADS", "1")
    monkeypatch.setenv("NB_SEED", "0")
    monkeypatch.setenv("TQDM_DISABLE", "1")
    nb = nbformat.read(student_folder / name, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    try:
        client.execute()
    except CellExecutionError as err:
        pytest.fail(f"{name} (student version) stops with an error:\n{str(err)[-3000:]}")
    first_activity = next(i for i, c in enumerate(nb.cells)
                          if c.cell_type == "markdown" and c.source.lstrip().startswith("### Activity"))
    checks = [c for c in nb.cells[first_activity:] if c.cell_type == "code" and "checks.check_" in c.source]
    for cell in checks:
        text = outputs_text(cell)
        assert "not yet" in text, f"{name}: an unanswered activity's check does not say 'not yet':\n" \
                                  f"{cell.source}\n-> {text[:500]}"
