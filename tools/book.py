"""Build the series as a static website: `make book` (output in build/book/html/index.html).

Steps:
1. Prepare the Sphinx sources in build/book/src: the configuration and pages of book/, a landing
   page whose table is read from the notebooks' own header cells, and a copy of every notebook in
   which the worked solutions (cells with the metadata `jupyter.source_hidden`, the same marker
   JupyterLab collapses) are folded behind a "Worked solution" toggle.
2. Copy MathJax, installed from the npm registry by `make book`, into the site: pages typeset math
   with no network at build or view time.
3. Run Sphinx with MyST-NB, which executes each notebook once and caches its outputs
   (jupyter-cache): a rebuild after a text edit re-executes nothing. A change to the helpers
   package clears the cache, since the cache keys only on the notebooks' code.

The notebooks run with NB_STATIC=1: a slider panel then shows its figure at the default setting and
a note on how to move it live (a static page has no kernel), and progress bars are off (TQDM_DISABLE).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from release import is_worked_solution  # noqa: E402  (one definition of the marker)

BUILD = ROOT / "build" / "book"
SRC = BUILD / "src"
HTML = BUILD / "html"
CACHE = BUILD / "jupyter_cache"
MATHJAX = Path(sys.prefix) / "npm" / "node_modules" / "mathjax" / "es5"  # `make book` installs it there


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def separate_display_math(text: str) -> str:
    """Markdown with a blank line before and after every `$$ ... $$` block that starts a line.

    Jupyter typesets a display formula written inside a paragraph; MyST parses it as display math
    only as a block of its own (otherwise its underscores become emphasis and the TeX shows raw).
    """
    out: list[str] = []
    inside = after_block = False
    for line in text.split("\n"):
        if after_block and line.strip():
            out.append("")  # a block just closed: separate it from the text that follows
        after_block = False
        if not inside and line.lstrip().startswith("$$"):
            if out and out[-1].strip():
                out.append("")
            inside = line.count("$$") % 2 == 1  # an even count opens and closes on this line
        elif inside and line.count("$$") % 2 == 1:
            inside = False
        else:
            out.append(line)
            continue
        out.append(line)
        after_block = not inside
    return "\n".join(out)


def prepare_notebook(nb: dict) -> dict:
    """The notebook as the book shows it: display math in blocks of its own, and every worked
    solution folded (code cells get MyST-NB's `hide-cell` tag, input and output behind one toggle;
    markdown cells are wrapped in an HTML <details>)."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = separate_display_math(source(cell))
        if not is_worked_solution(cell):
            continue
        if cell["cell_type"] == "code":
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "hide-cell" not in tags:
                tags.append("hide-cell")
        else:
            text = source(cell).strip()
            cell["source"] = ("<details class='worked-solution'><summary>Worked answer (click to reveal)"
                              "</summary>\n\n" + text + "\n\n</details>\n")
    return nb


def header(nb: dict) -> tuple[str, str, str]:
    """(title, first paragraph, run time) from a notebook's header cell."""
    text = source(nb["cells"][0])
    title = text.splitlines()[0].lstrip("# ").strip()
    paragraphs = [p.strip() for p in text.split("\n\n")[1:] if p.strip()]
    summary = " ".join(paragraphs[0].split()) if paragraphs else ""
    match = re.search(r"run time[^0-9]*(\d+[^.\n]*?s\b)", text, re.IGNORECASE)
    return title, summary, match.group(1) if match else ""


def landing_page(notebooks: list[Path]) -> str:
    rows = []
    for path in notebooks:
        title, summary, run_time = header(json.loads(path.read_text()))
        rows.append(f"| [{title}]({path.name}) | {summary} | {run_time} |")
    toctree = "\n".join(p.stem for p in notebooks)
    intro = (ROOT / "book" / "intro.md").read_text()
    return (intro.rstrip() + "\n\n| notebook | what it covers | run time |\n|---|---|---|\n"
            + "\n".join(rows) + "\n\n"
            + "```{toctree}\n:hidden:\n:maxdepth: 1\n:caption: The series\n\n" + toctree + "\n```\n\n"
            + "```{toctree}\n:hidden:\n:caption: Reference\n\nnotation\n```\n")


def helpers_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "helpers").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def prepare() -> list[Path]:
    if not (MATHJAX / "tex-mml-chtml.js").exists():
        sys.exit(f"MathJax is missing at {MATHJAX}: run `make book`, which installs it from npm")
    if SRC.exists():
        shutil.rmtree(SRC)
    SRC.mkdir(parents=True)
    for name in ("conf.py", "notation.md"):
        shutil.copy(ROOT / "book" / name, SRC / name)
    shutil.copytree(ROOT / "book" / "_static", SRC / "_static")
    shutil.copytree(MATHJAX, SRC / "_static" / "mathjax")
    notebooks = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    for path in notebooks:
        nb = prepare_notebook(json.loads(path.read_text()))
        (SRC / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    (SRC / "index.md").write_text(landing_page(notebooks))
    # the cache keys on the notebooks' code only: a change in helpers/ must re-execute everything
    stamp = CACHE / "helpers.sha256"
    fingerprint = helpers_fingerprint()
    if CACHE.exists() and (not stamp.exists() or stamp.read_text() != fingerprint):
        shutil.rmtree(CACHE)
    CACHE.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint)
    return notebooks


def build(jobs: str) -> None:
    env = {**os.environ, "NB_STATIC": "1", "TQDM_DISABLE": "1", "NB_SEED": "0",
           "NB_THREADS": os.environ.get("NB_THREADS", "1"), "JUPYTER_PLATFORM_DIRS": "1",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-j", jobs, "-W", "--keep-going", "-q",
           "-D", f"nb_execution_cache_path={CACHE}", "-d", str(BUILD / "doctrees"), str(SRC), str(HTML)]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="auto", help="Sphinx processes (notebooks execute in parallel)")
    args = parser.parse_args()
    notebooks = prepare()
    build(args.jobs)
    print(f"book: {len(notebooks)} notebooks -> {HTML / 'index.html'}")


if __name__ == "__main__":
    main()
