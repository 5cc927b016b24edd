"""Drive JupyterLab in a browser the way a person does: open, Run All, move a slider.

Used by the browser tests (e2e/test_sliders_in_browser.py) and the benchmark (tools/bench.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags for a root, offline, headless Chromium: no sandbox (root), nothing phoning home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]

# The notebook on screen (other restored tabs stay in the page, hidden)
ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# A slider panel (helpers.widgets.Panel): a box holding the grid of controls and the figure
PANEL = ".widget-vbox:has(> .widget-gridbox):has(img)"
# What a failed or missing widget looks like on the page
WIDGET_FAILURES = ("Error displaying widget", "Panel(children=", "Loading widget...")


def notebooks_with_sliders(folder: Path) -> list[str]:
    """Names of the notebooks in `folder` that build a slider panel."""
    names = []
    for path in sorted(folder.glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        if any(c["cell_type"] == "code" and "widgets.panel(" in "".join(c["source"]) for c in cells):
            names.append(path.name)
    return names


def write_trivial_notebook(folder: Path) -> str:
    """A one-slider notebook: the baseline for the in-browser round trip of a slider."""
    source = ("from helpers import plotting, widgets\n\n"
              "def build(fig, ax):\n"
              "    (line,) = ax.plot([0, 1], [0, 1])\n"
              "    ax.set(xlim=(0, 1), ylim=(-2, 2))\n"
              "    return {'line': line}\n\n"
              "def trivial(slope=1.0):\n"
              "    fig, art = plotting.slider_figure(build)\n"
              "    art['line'].set_ydata([0, slope])\n"
              "    return fig\n\n"
              "widgets.panel(trivial, slope=widgets.slider('slope', -2.0, 2.0, value=1.0))")
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                     "source": source, "id": "trivial0"}],
          "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                      "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    (folder / "00_trivial_slider.ipynb").write_text(json.dumps(nb))
    return "00_trivial_slider.ipynb"


def open_notebook(page, base: str, token: str, name: str, timeout_s: float = 90) -> None:
    """Open a notebook and wait until its kernel is idle."""
    page.goto(f"{base}/lab/tree/{name}?token={token}&reset")  # reset: no tabs restored
    page.wait_for_selector(".jp-NotebookPanel", timeout=timeout_s * 1000)
    wait_idle(page, timeout_s)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=timeout_s * 1000)


def wait_idle(page, timeout_s: float) -> None:
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=timeout_s * 1000)


def run_all(page, timeout_s: float = 300) -> float:
    """Run All Cells from the Run menu and wait until every code cell ran, or one raised and the
    kernel went idle. Returns the seconds it took."""
    start = time.monotonic()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(
        """() => {
            const nb = document.querySelector('ACTIVE_SELECTOR');
            const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .map(p => p.textContent.trim()).filter(p => p !== '');  // '' = collapsed input
            const running = prompts.some(p => p.includes('*'));
            const allRan = prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
            const raised = [...nb.querySelectorAll('.jp-OutputArea-output')]
                .some(o => o.textContent.includes('Traceback'));
            const idle = document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
            return !running && idle && (allRan || raised);
        }""".replace("ACTIVE_SELECTOR", ACTIVE), timeout=timeout_s * 1000, polling=500)
    return time.monotonic() - start


def problems(page) -> list[str]:
    """Errors a reader would see: failed or unrendered widgets, tracebacks, cells left unrun."""
    found = []
    notebook = page.locator(ACTIVE)
    text = notebook.inner_text()
    found += [f"page shows {marker!r}" for marker in WIDGET_FAILURES if marker in text]
    stderr = "application/vnd.jupyter.stderr"
    for err in notebook.locator(f".jp-OutputArea-output[data-mime-type='{stderr}']").all():
        if "Traceback" in err.inner_text():
            found.append("a cell raised: " + err.inner_text().strip().splitlines()[-1][:200])
    unrun = [p.text_content() for p in notebook.locator(".jp-CodeCell .jp-InputPrompt").all()
             if p.text_content().strip() == "[ ]:"]
    if unrun:
        found.append(f"{len(unrun)} code cell(s) did not run")
    return found


def move_slider(page, panel_index: int = 0, slider_index: int = 0, key: str = "ArrowRight",
                timeout_s: float = 30) -> float:
    """Move one slider of a panel by one step with the keyboard, as a person would; wait until the
    panel shows a new figure. Returns the round trip in milliseconds, timed by the page itself:
    from the key press reaching the slider to the new image being decoded and shown (timing from
    Python would add the browser-automation protocol's own latency, tens of ms on a busy machine).
    """
    panel = page.locator(ACTIVE).locator(PANEL).nth(panel_index)
    image = panel.locator("img").first
    handle = panel.locator(".widget-slider .noUi-handle").nth(slider_index)
    handle.focus()
    image.evaluate(_WATCH_SLIDER, handle.element_handle())
    page.keyboard.press(key)
    page.wait_for_function("img => img._roundTrip !== undefined", arg=image.element_handle(),
                           timeout=timeout_s * 1000, polling=50)
    ms = image.evaluate("img => img._roundTrip")
    if ms is None or not ms >= 0:  # NaN: the figure changed, but not after our key press
        raise RuntimeError(f"the key press did not reach slider {slider_index} of panel {panel_index}")
    return ms


# Installed on the panel's image before a key press: note when the key reaches the slider, then
# when the image's source changes and the new image is loaded (its pixels can be painted).
_WATCH_SLIDER = """(img, handle) => {
    delete img._roundTrip;
    let pressed;
    handle.addEventListener('keydown', () => { pressed = performance.now(); },
                            {once: true, capture: true});
    const observer = new MutationObserver(() => {
        observer.disconnect();
        img.decode().catch(() => {}).then(() => { img._roundTrip = performance.now() - pressed; });
    });
    observer.observe(img, {attributes: true, attributeFilter: ['src']});
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(notebooks: Path, work: Path):
    """A JupyterLab server on 127.0.0.1 with a throwaway token, serving a copy of `notebooks` in
    `work` (the browser's autosaves must not write outputs into the repository).
    Yields (base_url, token, notebook_dir)."""
    folder = work / "notebooks"
    shutil.copytree(notebooks, folder)
    token, port = secrets.token_hex(16), _free_port()
    # Start the notebook's own kernel without asking (a fresh server has no remembered choice) and
    # stay offline. The windowing mode stays JupyterLab's default, as students have it: every cell
    # is in the page, off-screen ones are not rendered.
    settings = work / "settings" / "@jupyterlab"
    tracker = settings / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text('{"autoStartDefaultKernel": true}')
    notification = settings / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    env = {**os.environ, "NB_THREADS": "1", "JUPYTER_PLATFORM_DIRS": "1",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1", "JUPYTER_CONFIG_DIR": str(work / "config"),
           "JUPYTER_RUNTIME_DIR": str(work / "runtime")}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={folder}", f"--LabApp.workspaces_dir={work / 'workspaces'}",
           f"--LabApp.user_settings_dir={work / 'settings'}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--allow-root"]
    with open(work / "server.log", "w") as log:
        server = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"JupyterLab did not start; see {work / 'server.log'}") from None
                    time.sleep(0.5)
            yield base, token, folder
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


@contextlib.contextmanager
def chromium(executable: str = CHROMIUM):
    """Headless Chromium driven by Playwright (which never downloads a browser of its own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def browser_installed(executable: str = CHROMIUM) -> bool:
    return bool(shutil.which(executable)) or Path(executable).exists()
