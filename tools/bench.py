"""The performance figures of the series, measured on this machine: `make bench`.

1. Slider update latency: every slider's update function, drawing and encoding included
   (tools/bench_sliders.py); budget 100 ms for notebooks 01-03, 250 ms for the others.
2. Each notebook's execution time, top to bottom in a fresh kernel (kernel start to the last cell's
   output; the shutdown after it is reported apart); budget 90 s.
3. The in-browser slider round trip (key press to new figure) in JupyterLab in headless Chromium,
   for each notebook with sliders, against a trivial one-slider notebook measured in the same run;
   budget 1.5x the trivial one. Skipped, with a note, when Chromium or Playwright is missing.
4. A student's footprint, for sizing a JupyterHub: each notebook's kernel peak resident memory and
   CPU seconds top to bottom (kernel start-up included), the JupyterLab server's own memory, and
   the run-all time of notebooks run by 1, 2, 4 (and 8) students at once on this machine; written
   with a sizing table into the README's hub section (between the footprint markers).

Writes build/bench.md and the README's performance section (between the bench markers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
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
FOOT_START, FOOT_END = "<!-- footprint:start -->", "<!-- footprint:end -->"
NOTEBOOK_BUDGET_S, ROUND_TRIP_RATIO = 90, 1.5


def notebook_times(names: list[str]) -> list[str]:
    """Execute each notebook in a fresh kernel (as `make test` does); a markdown table.

    The clock runs from the kernel's start to the last cell's output: what a student waits for
    after opening the notebook and choosing Run All. The kernel's shutdown afterwards (2-3 s once
    torch is loaded: the interpreter tearing down its modules) keeps no one waiting and is
    reported in its own column."""
    import nbformat
    from nbclient import NotebookClient

    os.environ.update(NB_THREADS="1", NB_STRICT_WARNINGS="1", JUPYTER_PLATFORM_DIRS="1",
                      PYDEVD_DISABLE_FILE_VALIDATION="1")
    rows = ["| notebook | run time s | budget s | kernel shutdown s (not counted) |", "|---|---|---|---|"]
    seconds_by_name = {}
    for name in names:
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(ROOT / "notebooks")}})
        start = time.monotonic()
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            seconds = time.monotonic() - start
        shutdown = time.monotonic() - start - seconds
        seconds_by_name[name] = seconds
        flag = "" if seconds <= NOTEBOOK_BUDGET_S else " ⚠"
        rows.append(f"| {name} | {seconds:.0f} | {NOTEBOOK_BUDGET_S}{flag} | {shutdown:.1f} |")
        print(rows[-1], flush=True)
    core = [seconds for name, seconds in seconds_by_name.items() if name[:2] < "08"]
    if len(core) == 9:
        rows.append(f"| the nine core notebooks (01-07b) | {sum(core):.0f} | | |")
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


def footprint_one(name: str) -> dict:
    """Run one notebook top to bottom in a fresh kernel; its wall time, and the kernel's peak
    resident memory (VmHWM) and CPU seconds (user + system, start-up included) after the last cell."""
    import nbformat
    import psutil
    from nbclient import NotebookClient

    os.environ.update(NB_THREADS="1", JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    seen: dict = {}

    def after_cell(**_):
        process = psutil.Process(client.km.provisioner.pid)
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                seen["peak_mib"] = int(line.split()[1]) / 1024
        times = process.cpu_times()
        seen["cpu_s"] = times.user + times.system + times.children_user + times.children_system

    client = NotebookClient(nb, timeout=600, kernel_name="python3", on_cell_executed=after_cell,
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    start = time.monotonic()
    client.execute()
    return {"notebook": name, "wall_s": time.monotonic() - start, **seen}


def run_together(name: str, students: int) -> list[dict]:
    """`students` separate processes each run notebook `name` at the same moment: the class."""
    cmd = [sys.executable, __file__, "--footprint-one", name]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(students)]
    results = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"{name} failed in a class of {students}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def server_memory_mib() -> float:
    """Resident memory of an idle JupyterLab server after it served the page and a notebook."""
    import urllib.request

    import psutil

    with tempfile.TemporaryDirectory() as work, \
            labdriver.jupyterlab(ROOT / "notebooks", Path(work)) as (base, token, _):
        for path in ("lab", "api/contents/01_linear_regression.ipynb", "api/kernelspecs"):
            urllib.request.urlopen(f"{base}/{path}?token={token}", timeout=60).read()
        servers = [p for p in psutil.Process().children() if "jupyterlab" in " ".join(p.cmdline())]
        return servers[0].memory_info().rss / 2**20


NODE_GIB, NODE_CORES, RESERVE_GIB = 8, 2, 1.0  # the node of the sizing table; OS and hub keep 1 GiB


def footprint(names: list[str], class_sizes: list[int], class_notebooks: list[str]) -> str:
    """The footprint table, the measured class runs and the derived sizing table (markdown)."""
    server = server_memory_mib()
    solo = []
    for name in names:
        solo.append(footprint_one(name))
        print(f"{name}: peak {solo[-1]['peak_mib']:.0f} MiB, {solo[-1]['cpu_s']:.0f} CPU s", flush=True)
    rows = [f"JupyterLab server, idle after serving the page and a notebook: **{server:.0f} MiB** "
            "resident (the hub test reports it under use).", "",
            "| notebook | kernel peak MiB | kernel CPU s | solo run-all s | server + kernel MiB |",
            "|---|---|---|---|---|"]
    rows += [f"| {r['notebook']} | {r['peak_mib']:.0f} | {r['cpu_s']:.0f} | {r['wall_s']:.0f} | "
             f"{server + r['peak_mib']:.0f} |" for r in solo]
    by_name = {r["notebook"]: r for r in solo}
    heaviest = max(solo, key=lambda r: r["cpu_s"])["notebook"]
    measured = ["", f"**Measured class runs**: {', '.join(map(str, class_sizes))} processes running the "
                "same notebook at the same moment on this machine (each its own kernel, as students on "
                "one node); mean and slowest run-all time:", "",
                "| notebook | students at once | mean run-all s | slowest s | vs solo |",
                "|---|---|---|---|---|"]
    for name in class_notebooks or list(dict.fromkeys([names[0], heaviest])):
        for k in class_sizes:
            results = run_together(name, k)
            walls = [r["wall_s"] for r in results]
            mean = statistics.mean(walls)
            measured.append(f"| {name} | {k} | {mean:.0f} | {max(walls):.0f} | "
                            f"{mean / by_name[name]['wall_s']:.1f}x |")
            print(measured[-1], flush=True)
    usable_mib = (NODE_GIB - RESERVE_GIB) * 1024
    sizing = ["", f"**Sizing a {NODE_CORES}-core / {NODE_GIB} GB node** (derived from the footprint "
              f"above: {RESERVE_GIB:.0f} GiB kept for the system and the hub; memory per student = "
              "server + that notebook's kernel peak; run-all time when the class runs it together ≈ "
              f"students × kernel CPU s / {NODE_CORES} cores, never below the solo time):", "",
              "| notebook | students by memory | run-all s with 4 | with 8 | with 16 | "
              "students whose run-all ends within 60 s |", "|---|---|---|---|---|---|"]
    for r in solo:
        per_student = server + r["peak_mib"]
        by_memory = int(usable_mib // per_student)
        at = [max(r["wall_s"], n * r["cpu_s"] / NODE_CORES) for n in (4, 8, 16)]
        in_a_minute = int(60 * NODE_CORES // r["cpu_s"])
        sizing.append(f"| {r['notebook']} | {by_memory} | {at[0]:.0f} | {at[1]:.0f} | {at[2]:.0f} | "
                      f"{min(in_a_minute, by_memory)} |")
    return "\n".join(rows + measured + sizing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="updates per slider (default 40)")
    parser.add_argument("--moves", type=int, default=12, help="browser slider moves per panel")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["sliders", "notebooks", "browser", "footprint"])
    parser.add_argument("--only", nargs="*", default=[],
                        choices=["sliders", "notebooks", "browser", "footprint"],
                        help="run only these sections (README sections are rewritten only when measured)")
    parser.add_argument("--class-sizes", default="1,2,4,8", help="students at once (default 1,2,4,8)")
    parser.add_argument("--class-notebooks", nargs="*", default=[],
                        help="notebooks for the class runs (default: 01 and the one with most CPU s)")
    parser.add_argument("--footprint-one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.footprint_one:  # one student's run, in its own process (run_together)
        print(json.dumps(footprint_one(args.footprint_one)))
        return
    if args.only:
        args.skip = [s for s in ("sliders", "notebooks", "browser", "footprint") if s not in args.only]

    sections = [f"Measured {date.today()} on {platform.machine()}, {os.cpu_count()} cores, "
                "torch CPU, 1 torch thread, with `make bench`."]
    # The notebooks run first: measured after the slider section, while this process stayed busy
    # (about half a core), the nine core notebooks took 162 s against 127 s alone (2026-12-02).
    names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    notebook_rows = notebook_times(names) if "notebooks" not in args.skip else []
    if "sliders" not in args.skip:
        table, _ = bench_sliders.measure(args.repeat)
        sections += ["**Slider updates** (update function, drawing and image encoding; median of "
                     f"{args.repeat} updates; budget 100 ms for notebooks 01-03, 250 ms for the others):",
                     table]
    if notebook_rows:
        sections += ["**Notebooks**, top to bottom in a fresh kernel, from its start to the last cell's "
                     "output (budget 90 s each, 7.5 min for all ten):",
                     "\n".join(notebook_rows)]
    if "browser" not in args.skip:
        sections += ["**Sliders in the browser**: key press to new figure decoded, timed inside the page, in "
                     "JupyterLab (headless Chromium), against a trivial one-slider notebook in the same run:",
                     "\n".join(round_trips(args.moves))]
    foot = ""
    if "footprint" not in args.skip:
        sizes = [int(k) for k in args.class_sizes.split(",")]
        foot = (f"Measured {date.today()} on {platform.machine()}, {os.cpu_count()} cores, torch CPU, "
                "1 torch thread per kernel, with `make bench`.\n\n"
                + footprint(names, sizes, args.class_notebooks) + "\n")
        print(foot)
    (ROOT / "build").mkdir(exist_ok=True)
    if sections[1:]:
        text = "\n\n".join(sections) + "\n"
        (ROOT / "build" / "bench.md").write_text(text)
        print(text)
        if not {"sliders", "notebooks", "browser"} & set(args.skip):  # all three measured
            _replace_between(START, END, text)
    if foot:
        (ROOT / "build" / "footprint.md").write_text(foot)
        _replace_between(FOOT_START, FOOT_END, foot)


def _replace_between(start: str, end: str, text: str) -> None:
    readme = (ROOT / "README.md").read_text()
    if start in readme and end in readme:
        head, rest = readme.split(start, 1)
        (ROOT / "README.md").write_text(head + start + "\n" + text + rest[rest.index(end):])
        print(f"README.md updated between {start} and {end}")


if __name__ == "__main__":
    main()
