"""The performance figures of the series, measured on this machine: `make bench`.

1. Slider update latency: every slider's update function, drawing and encoding included
   (tools/bench_sliders.py); budget 100 ms for notebooks 01-03, 250 ms for the others.
2. Each notebook's execution time, top to bottom in a fresh kernel; budget 90 s.
3. The in-browser slider round trip (key press to new figure) in JupyterLab in headless Chromium,
   for each notebook with sliders, against a trivial one-slider notebook measured in the same run;
   budget 1.5x the trivial one. Skipped, with a note, when Chromium or Playwright is missing.

Writes build/bench.md and the README's performance section (between the bench markers).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "e2e")]

import bench_sliders  # noqa: E402
import labdriver  # noqa: E402

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
NOTEBOOK_BUDGET_S, ROUND_TRIP_RATIO = 90, 1.5


def notebook_times(names: list[str]) -> list[str]:
    """Execute each notebook in a fresh kernel (as `make test` does); a markdown table."""
    import nbformat
    from nbclient import NotebookClient

    os.environ.update(NB_THREADS="1", NB_STRICT_WARNINGS="1", JUPYTER_PLATFORM_DIRS="1",
                      PYDEVD_DISABLE_FILE_VALIDATION="1")
    rows = ["| notebook | run time s | budget s |", "|---|---|---|"]
    for name in names:
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        start = time.monotonic()
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
        seconds = time.monotonic() - start
        flag = "" if seconds <= NOTEBOOK_BUDGET_S else " ⚠"
        rows.append(f"| {name} | {seconds:.0f} | {NOTEBOOK_BUDGET_S}{flag} |")
        print(rows[-1], flush=True)
    return rows


def round_trips(moves: int) -> list[str]:
    """Median key-press-to-new-figure time per slider notebook, against the trivial notebook."""
    if not labdriver.browser_installed():
        return [f"_In-browser round trips not measured: no Chromium at {labdriver.CHROMIUM}._"]
    keys = ["ArrowRight", "ArrowLeft"]  # back and forth: stays inside the slider's range
    results = {}
    with tempfile.TemporaryDirectory() as work, \
            labdriver.jupyterlab(ROOT / "notebooks", Path(work)) as (base, token, folder), \
            labdriver.chromium() as browser:
        notebooks = labdriver.notebooks_with_sliders(folder)
        trivial = labdriver.write_trivial_notebook(folder)
        for name in [trivial, *notebooks]:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            labdriver.open_notebook(page, base, token, name)
            labdriver.run_all(page)
            panels = page.locator(labdriver.ACTIVE).locator(labdriver.PANEL).count()
            times = [labdriver.move_slider(page, panel_index=p, key=keys[i % 2])
                     for p in range(panels) for i in range(moves)]
            results[name] = statistics.median(times)
            print(f"{name}: median round trip {results[name]:.0f} ms over {len(times)} moves", flush=True)
            page.context.close()
    baseline = results.pop(trivial)
    rows = ["| notebook | median round trip ms | vs trivial notebook | budget |", "|---|---|---|---|",
            f"| trivial one-slider notebook | {baseline:.0f} | 1.00 | |"]
    for name, ms in results.items():
        ratio = ms / baseline
        flag = "" if ratio <= ROUND_TRIP_RATIO else " ⚠"
        rows.append(f"| {name} | {ms:.0f} | {ratio:.2f} | ≤ {ROUND_TRIP_RATIO}x{flag} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="updates per slider (default 40)")
    parser.add_argument("--moves", type=int, default=12, help="browser slider moves per panel")
    parser.add_argument("--skip", nargs="*", default=[], choices=["sliders", "notebooks", "browser"])
    args = parser.parse_args()

    sections = [f"Measured {date.today()} on {platform.machine()}, {os.cpu_count()} cores, "
                "torch CPU, 1 torch thread, with `make bench`."]
    if "sliders" not in args.skip:
        table, _ = bench_sliders.measure(args.repeat)
        sections += ["**Slider updates** (update function, drawing and image encoding; median of "
                     f"{args.repeat} updates; budget 100 ms for notebooks 01-03, 250 ms for the others):",
                     table]
    if "notebooks" not in args.skip:
        names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
        sections += ["**Notebooks**, top to bottom in a fresh kernel (budget 90 s each, 6 min in all):",
                     "\n".join(notebook_times(names))]
    if "browser" not in args.skip:
        sections += ["**Sliders in the browser**: key press to new figure decoded, timed inside the page, in "
                     "JupyterLab (headless Chromium), against a trivial one-slider notebook in the same run:",
                     "\n".join(round_trips(args.moves))]
    text = "\n\n".join(sections) + "\n"
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "bench.md").write_text(text)
    readme = (ROOT / "README.md").read_text()
    if START in readme and END in readme and not args.skip:
        head, rest = readme.split(START, 1)
        readme = head + START + "\n" + text + rest[rest.index(END):]
        (ROOT / "README.md").write_text(readme)
        print("README.md performance section updated")
    print(text)


if __name__ == "__main__":
    main()
