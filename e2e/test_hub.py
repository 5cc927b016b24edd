"""A class on JupyterHub (`make hub-test`): a real hub on 127.0.0.1, four students at once.

The tests run in file order and build on each other (one hub for the module, as a lecture has):
log in and start servers, pull the series with nbgitpuller, run notebook 01 alone and then all
together, keep one student's edit out of another's copy, pull an upstream change over a student's
edit, survive a student's server killed mid-run, and open a notebook through the hub in Chromium.
At the end, nothing the hub started is still running. Prints each student's run time against the
solo run.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import hubdriver
import labdriver as lab_ui
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "01_linear_regression.ipynb"
TARGET = "bayesian-dl"                    # the folder nbgitpuller pulls into, in each home
NB_PATH = f"{TARGET}/notebooks/{NOTEBOOK}"
NOTEBOOK_2 = "02_ridge_map.ipynb"
NB_PATH_2 = f"{TARGET}/notebooks/{NOTEBOOK_2}"
BRANCH = "course"
NAMES = ["ada", "bo", "cy", "di"]
EDIT = "ada's own note: the noise level matters more than I thought."
UPSTREAM_NOTE = "Errata (upstream): the data are re-drawn for every NB_SEED."
REPORT: dict[str, object] = {}


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def upstream(tmp_path_factory) -> Path:
    """The course repository the students pull from: a clone of this one, on branch `course`."""
    repo = tmp_path_factory.mktemp("upstream") / "bayesian-dl"
    git("clone", "--quiet", str(ROOT), str(repo), cwd=ROOT)
    git("checkout", "--quiet", "-B", BRANCH, cwd=repo)
    git("config", "user.name", "Lecturer", cwd=repo)
    git("config", "user.email", "lecturer@example.org", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    with hubdriver.jupyterhub(tmp_path_factory.mktemp("hub")) as running:
        yield running
    REPORT["left running"] = running.processes()


@pytest.fixture(scope="module")
def students(hub) -> dict[str, hubdriver.Student]:
    hubdriver.request(f"{hub.api}/users", "POST", hub.teacher_token, body={"usernames": NAMES})
    return {name: hubdriver.Student(hub, name) for name in NAMES}


def at_once(function, items):
    """Call function(item) for every item in parallel threads; results in order."""
    with ThreadPoolExecutor(len(items)) as pool:
        return list(pool.map(function, items))


def solution_checks(notebook: dict) -> int:
    """How many cells check a worked solution and show the result (`assert result` raises on a
    wrong answer; a last line `result` displays '✔ right: ...')."""
    sources = ["".join(c["source"]).strip() for c in notebook["cells"] if c["cell_type"] == "code"]
    return sum(1 for s in sources if "assert result" in s and s.endswith("\nresult"))


def code_cells(notebook: dict) -> int:
    return sum(1 for c in notebook["cells"] if c["cell_type"] == "code")


def assert_checks_pass(run: hubdriver.Run, notebook: dict, who: str) -> None:
    assert not run.errors, f"{who}: the notebook raised: {run.errors}"
    count = code_cells(notebook)
    assert len(run.outputs) == count, f"{who}: ran {len(run.outputs)} of {count} code cells"
    expected = solution_checks(notebook)
    passed = run.text().count("✔ right")
    assert expected > 0 and passed == expected, \
        f"{who}: {passed} of the {expected} worked-solution checks displayed '✔ right'"


def test_students_log_in_and_start_their_servers_at_once(hub, students):
    def log_in_and_start(student):
        student.log_in()
        student.start_server()
        return hubdriver.request(f"{hub.api}/user", token=student.token)[1]["name"]

    assert at_once(log_in_and_start, list(students.values())) == NAMES
    # Each server answers its own student's token, and refuses another student's
    ada, bo = students["ada"], students["bo"]
    assert hubdriver.request(f"{ada.server}/api/status", token=ada.token)[0] == 200
    with pytest.raises(hubdriver.HTTPFailure) as refused:
        hubdriver.request(f"{ada.server}/api/status", token=bo.token)
    assert refused.value.status == 403, f"bo's token on ada's server gave HTTP {refused.value.status}"
    REPORT["spawn s"] = {n: round(s.timings["spawn"], 1) for n, s in students.items()}


def test_each_student_pulls_the_series_with_nbgitpuller(hub, students, upstream):
    events = at_once(lambda s: s.pull(str(upstream), BRANCH, TARGET), list(students.values()))
    for name, stream in zip(NAMES, events, strict=True):
        assert stream and stream[-1].get("phase") == "finished", f"{name}'s pull: {stream[-3:]}"
        copy = hub.home(name) / TARGET
        assert (copy / "notebooks" / NOTEBOOK).exists(), f"{name} has no {NOTEBOOK} in {copy}"
        assert git("rev-parse", "HEAD", cwd=copy) == git("rev-parse", "HEAD", cwd=upstream)
    homes = {(hub.home(n) / TARGET).resolve() for n in NAMES}
    assert len(homes) == len(NAMES), "two students share one copy of the series"


def test_notebook_01_alone_through_the_hub(students):
    ada = students["ada"]
    notebook = ada.read_notebook(NB_PATH)
    run = ada.run_notebook(NB_PATH)
    assert_checks_pass(run, notebook, "ada (alone)")
    REPORT["solo s"] = run.seconds


def test_notebook_01_by_the_whole_class_at_once(hub, students):
    notebook = students["ada"].read_notebook(NB_PATH)
    peaks: dict[str, int] = {}
    sampling = threading.Event()

    def sample_memory():  # peak resident memory of each student's server and kernel, while running
        while not sampling.is_set():
            for name in NAMES:
                for pid in hub.processes(JUPYTERHUB_USER=name):
                    try:
                        kib = hubdriver.memory_kib(pid)["VmHWM"]
                        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
                    except (OSError, KeyError):
                        continue
                    kind = "kernel" if b"ipykernel" in cmd else "server"
                    peaks[f"{name} {kind}"] = max(peaks.get(f"{name} {kind}", 0), kib)
            time.sleep(0.5)

    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    try:
        runs = at_once(lambda name: students[name].run_notebook(NB_PATH), NAMES)
    finally:
        sampling.set()
        sampler.join()
    for name, run in zip(NAMES, runs, strict=True):
        assert_checks_pass(run, notebook, f"{name} (class of {len(NAMES)})")
    REPORT["class s"] = {name: run.seconds for name, run in zip(NAMES, runs, strict=True)}
    REPORT["peak MiB"] = {key: round(kib / 1024) for key, kib in sorted(peaks.items())}


def test_one_students_edit_stays_in_their_own_copy(students):
    ada, bo = students["ada"], students["bo"]
    notebook = ada.read_notebook(NB_PATH)
    notebook["cells"][0]["source"] = "".join(notebook["cells"][0]["source"]) + "\n\n" + EDIT
    ada.save_notebook(NB_PATH, notebook)
    assert EDIT in json.dumps(ada.read_notebook(NB_PATH)), "ada's edit was not saved"
    for other in NAMES[1:]:
        assert EDIT not in json.dumps(students[other].read_notebook(NB_PATH)), \
            f"ada's edit shows in {other}'s copy"
    assert EDIT not in json.dumps(bo.read_notebook(NB_PATH))


def test_second_pull_brings_upstream_changes_and_keeps_the_students_edit(hub, students, upstream):
    # After the students pulled, the lecturer adds a note to notebooks 01 and 02 and a new file
    for name in (NOTEBOOK, NOTEBOOK_2):
        path = upstream / "notebooks" / name
        notebook = nbformat.read(path, as_version=4)
        notebook.cells[-1].source += "\n\n" + UPSTREAM_NOTE
        nbformat.write(notebook, path)  # the repository's layout, which is also JupyterLab's
    (upstream / "ERRATA.md").write_text(UPSTREAM_NOTE + "\n")
    git("add", "-A", cwd=upstream)
    git("commit", "--quiet", "-m", "Errata for notebooks 01 and 02", cwd=upstream)

    for name in ("ada", "bo"):  # ada edited notebook 01 (the test above), bo did not
        student = students[name]
        stream = student.pull(str(upstream), BRANCH, TARGET)
        assert stream[-1].get("phase") == "finished", f"{name}'s second pull: {stream[-3:]}"
        assert (hub.home(name) / TARGET / "ERRATA.md").exists(), f"{name}: the new file did not arrive"
        assert UPSTREAM_NOTE in json.dumps(student.read_notebook(NB_PATH_2), ensure_ascii=False), \
            f"{name}'s {NOTEBOOK_2} lacks the upstream change"
        first = json.dumps(student.read_notebook(NB_PATH), ensure_ascii=False)
        if name == "ada":  # her edit stays, and the lecturer's fix elsewhere in the notebook arrives
            assert EDIT in first, f"ada's edit of {NOTEBOOK} was lost on the second pull"
            assert UPSTREAM_NOTE in first, (
                f"the lecturer's fix to {NOTEBOOK} did not reach ada, who had saved it: is the committed "
                "notebook in the layout JupyterLab saves (tests/test_notebooks.py)?")
        else:
            assert UPSTREAM_NOTE in first and EDIT not in first, f"bo's {NOTEBOOK} after the second pull"


def test_hub_survives_a_students_server_killed_mid_run(hub, students):
    cy = students["cy"]
    notebook = cy.read_notebook(NB_PATH)
    mid_run = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        doomed = pool.submit(cy.run_notebook, NB_PATH, mid_run)
        assert mid_run.wait(120), "cy's notebook did not get going"
        servers = [pid for pid in hub.processes(JUPYTERHUB_USER="cy")
                   if b"ipykernel" not in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert servers, "cy's server process not found"
        hubdriver.kill_all(servers)
        try:
            run = doomed.result(timeout=120)
            interrupted = bool(run.errors) or len(run.outputs) < code_cells(notebook)
        except Exception:  # the websocket or the session request fails: the server is gone
            interrupted = True
    assert interrupted, "cy's run finished although its server was killed"
    assert hub.alive(), "the hub died with a student's server"
    deadline = time.monotonic() + 60
    while cy.server_running():
        assert time.monotonic() < deadline, "the hub did not notice cy's server had died"
        time.sleep(1)
    # The others are unaffected, and cy restarts and carries on
    assert students["di"].server_running()
    assert hubdriver.request(f"{students['di'].server}/api/status", token=students["di"].token)[0] == 200
    cy.start_server()
    run = cy.run_notebook(NB_PATH)
    assert_checks_pass(run, notebook, "cy after the restart")
    REPORT["restart s"] = cy.timings["spawn"]


def wait_for_one_settled_kernel(student, timeout_s: float = 90, settle_s: float = 3) -> None:
    """Through the hub, JupyterLab may start a kernel for the opened notebook and replace it about two
    seconds later (a second session; the first kernel shut down). Cells sent before the switch go to
    the dying kernel and never finish. Wait until the notebook has one session whose kernel has not
    changed for `settle_s` seconds."""
    deadline, last, since = time.monotonic() + timeout_s, None, time.monotonic()
    while time.monotonic() < deadline:
        _, sessions = hubdriver.request(f"{student.server}/api/sessions", token=student.token)
        kernels = [s["kernel"]["id"] for s in sessions if s.get("path", "").endswith(NOTEBOOK)]
        current = kernels[0] if len(kernels) == 1 else None
        if current is None or current != last:
            last, since = current, time.monotonic()
        elif time.monotonic() - since >= settle_s:
            return
        time.sleep(0.5)
    raise AssertionError(f"{student.name}'s notebook did not settle on one kernel: sessions {sessions}")


def test_slider_panel_renders_and_updates_through_the_hub(hub, students, browser_available):
    di = students["di"]
    with lab_ui.chromium(browser_available) as browser:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.goto(f"{hub.url}/hub/login")
        page.fill("input[name=username]", "di")
        page.fill("input[name=password]", "any password")
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url("**/user/di/**", timeout=60_000)
        page.goto(f"{di.server}/lab/tree/{NB_PATH}?reset")
        page.wait_for_selector(".jp-NotebookPanel", timeout=90_000)
        wait_for_one_settled_kernel(di)
        lab_ui.wait_idle(page, 90)
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
        lab_ui.run_all(page)
        assert lab_ui.problems(page) == []
        panels = page.locator(lab_ui.ACTIVE).locator(lab_ui.PANEL)
        assert panels.count() > 0, "no slider panel rendered through the hub"
        ms = lab_ui.move_slider(page, panel_index=0)
        assert ms > 0
        REPORT["browser round trip ms"] = round(ms)
        page.context.close()


def test_report_and_nothing_left_running(hub):
    # Stop the hub here (the fixture's own stop finds nothing more to do) and look for leftovers
    hubdriver.stop(hub)
    left = hub.processes()
    solo = REPORT.get("solo s")
    print("\n\nhub-test report (notebook 01 through the hub's proxy, kernel over the websocket)")
    if solo:
        print(f"  solo run: {solo:.1f} s")
        for name, seconds in REPORT.get("class s", {}).items():
            print(f"  {name}, {len(NAMES)} at once: {seconds:.1f} s = {seconds / solo:.2f} x solo")
    for key in ("spawn s", "restart s", "peak MiB", "browser round trip ms"):
        if key in REPORT:
            print(f"  {key}: {REPORT[key]}")
    assert not left, f"processes left running after the hub stopped: {left}"
