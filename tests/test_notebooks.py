"""Guards for the whole collection: clean notebooks, a header and preamble, modern APIs only.

Whether the notebooks run, and their own checks hold, is tested by executing them (nbval,
`make test`); executed under NB_STRICT_WARNINGS=1 their preamble turns DeprecationWarning and
FutureWarning into errors, so a deprecated call fails the run.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [nb.name for nb in NOTEBOOKS]

# Removed or deprecated APIs that older course material uses (CURRICULUM.md), and widget
# back ends that do not work in JupyterLab.
FORBIDDEN = {
    "pyro.random_module": r"random_module",
    "pyro.contrib.autoguide": r"contrib\.autoguide",
    "TracePredictive": r"TracePredictive",
    "EmpiricalMarginal": r"EmpiricalMarginal",
    "svi.run": r"\bsvi\.run\(",
    "tqdm_notebook": r"tqdm_notebook",
    "tqdm.notebook (use tqdm.auto)": r"tqdm\.notebook|from tqdm import tqdm\b",
    "%matplotlib notebook": r"%matplotlib\s+(notebook|nbagg)",
}


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_there_are_notebooks_numbered_in_reading_order():
    assert NOTEBOOKS, "no notebooks found"
    for nb in NOTEBOOKS:
        assert re.fullmatch(r"\d\d[a-z]?_[a-z0-9_]+\.ipynb", nb.name), nb.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_committed_without_outputs(path):
    for i, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] == "code":
            assert not cell["outputs"], f"cell {i} has outputs: clear them before committing"
            assert cell["execution_count"] is None, f"cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_stored_in_the_layout_jupyterlab_saves(path):
    # A student's saved copy then differs from ours only where she changed it, so nbgitpuller can
    # merge the lecturer's later fixes into it (README, "A whole class on JupyterHub").
    import nbformat

    raw = path.read_text(encoding="utf-8")
    assert raw == nbformat.writes(nbformat.reads(raw, as_version=4)) + "\n", (
        f"{path.name} is not in nbformat's layout (sorted keys, one-space indent): rewrite it with "
        f"python -c \"import nbformat as n; p='{path.relative_to(ROOT)}'; n.write(n.read(p, 4), p)\"")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_uses_the_python3_kernel(path):
    assert load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_cell_is_a_header_with_summary_prerequisites_and_run_time(path):
    first = load(path)["cells"][0]
    text = source(first)
    assert first["cell_type"] == "markdown" and text.startswith("# "), "first cell: a '# Title'"
    for needed in ("you will learn", "prerequisites", "run time"):
        assert needed in text.lower(), f"header cell does not mention {needed!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_second_cell_is_the_helpers_preamble(path):
    second = load(path)["cells"][1]
    assert second["cell_type"] == "code" and "setup(" in source(second), \
        "second cell must call helpers' setup() (seed, threads, style, strict warnings)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_ends_with_activities_and_hidden_worked_solutions(path):
    cells = load(path)["cells"]
    heading = re.compile(r"^#+\s*Activities\b", re.M)
    heads = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and heading.search(source(c))]
    assert heads, "no '## Activities' section"
    tail = cells[heads[-1]:]
    tasks = sum(len(re.findall(r"^#+\s*Activity\s+\d", source(c), re.M))
                for c in tail if c["cell_type"] == "markdown")
    assert 2 <= tasks <= 4, f"{tasks} activities; the series asks for 2 to 4"
    hidden = [c for c in tail if c["metadata"].get("jupyter", {}).get("source_hidden")]
    assert hidden, "worked solutions belong in collapsed cells (metadata jupyter.source_hidden)"


def code_files():
    yield from ((p.name, source(c)) for p in NOTEBOOKS for c in load(p)["cells"]
                if c["cell_type"] == "code")
    yield from ((p.name, p.read_text()) for p in (ROOT / "helpers").glob("*.py"))


@pytest.mark.parametrize("api", sorted(FORBIDDEN))
def test_no_removed_or_deprecated_api_is_used(api):
    pattern = re.compile(FORBIDDEN[api])
    offenders = sorted({name for name, text in code_files() if pattern.search(text)})
    assert not offenders, f"{api} used in {offenders}"


def test_sliders_come_from_the_helpers_factory():
    # one place sets continuous_update=False and the layout; notebooks do not build raw sliders
    raw = re.compile(r"\b(widgets|w|ipywidgets)\.(Int|Float|FloatLog)Slider\(|\binteract\(")
    offenders = sorted({name for name, text in code_files()
                        if name.endswith(".ipynb") and raw.search(text)})
    assert not offenders, f"raw ipywidgets sliders in {offenders}: use helpers.widgets.slider"
