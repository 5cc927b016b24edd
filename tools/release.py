"""Student releases of the series: `make release`.

Writes build/release/student/ (every notebook without its worked solutions) and
build/release/solutions/ (every notebook as it is, worked solutions included). A worked solution is
a cell whose metadata marks its source as hidden (`jupyter.source_hidden`, what JupyterLab shows as
a collapsed cell): the marker, not the text, decides. Self-checks stay in the student version, so
an activity that has not been answered says "not yet" and why. Nothing under notebooks/ changes.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "release"


def is_worked_solution(cell: dict) -> bool:
    """A worked solution is marked by JupyterLab's collapsed-source metadata (and nothing else)."""
    return bool(cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"))


def student_version(nb: dict) -> dict:
    """The notebook without its worked-solution cells, outputs cleared."""
    nb = copy.deepcopy(nb)
    nb["cells"] = [cell for cell in nb["cells"] if not is_worked_solution(cell)]
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def write(nb: dict, path: Path) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def release(out: Path = OUT) -> dict[str, int]:
    """Write both folders under `out`; returns {notebook name: worked-solution cells removed}."""
    notebooks = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    if not notebooks:
        raise SystemExit("no notebooks found under notebooks/")
    removed = {}
    for folder in ("student", "solutions"):
        if (out / folder).exists():
            shutil.rmtree(out / folder)
        (out / folder).mkdir(parents=True)
    for path in notebooks:
        nb = json.loads(path.read_text())
        shutil.copy(path, out / "solutions" / path.name)
        student = student_version(nb)
        write(student, out / "student" / path.name)
        removed[path.name] = len(nb["cells"]) - len(student["cells"])
        if not removed[path.name]:
            raise SystemExit(f"{path.name}: no worked solutions marked (metadata jupyter.source_hidden)")
    return removed


def main() -> None:
    removed = release()
    for name, count in removed.items():
        print(f"{name:40s} {count:2d} worked-solution cells removed")
    print(f"release: {OUT / 'student'} and {OUT / 'solutions'}")


if __name__ == "__main__":
    main()
