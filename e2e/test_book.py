"""The rendered book (`make book`), built in a fresh clone with the network cut off, read in Chromium.

One build of a fresh clone, under `unshare --net` (a network namespace with loopback only), then
every page is opened from a server on 127.0.0.1: no console errors, no request that leaves the
machine, every image decoded, math typeset by the site's own MathJax, search finds a term of 05b,
and every link between pages resolves. A second build after a text edit must re-execute nothing.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def offline(cmd: list[str]) -> list[str]:
    """`cmd` in a new network namespace (loopback only), or a clear failure where none can be made."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "--net", "true"]).returncode:
        message = "cannot cut the network (`unshare --net` needs root or user namespaces)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # bring loopback up, so the kernels that MyST-NB starts can talk to it over 127.0.0.1
    return ["unshare", "--net", "sh", "-c", 'ip link set lo up 2>/dev/null; exec "$@"', "sh", *cmd]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """(html folder, seconds of the first build, seconds of a rebuild after a text edit)."""
    clone = tmp_path_factory.mktemp("book") / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    # the working tree as it is, uncommitted edits included: the test checks what is here
    for rel in subprocess.run(["git", "ls-files", "-m", "-o", "--exclude-standard"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.split():
        if (ROOT / rel).is_file():
            (clone / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / rel, clone / rel)
    env = {**os.environ, "PYTHONPATH": str(clone)}
    build = offline([sys.executable, str(clone / "tools" / "book.py")])
    start = time.monotonic()
    subprocess.run(build, check=True, env=env, cwd=clone)
    first = time.monotonic() - start
    # a text edit: one markdown cell of notebook 01 gains a sentence; nothing may be re-executed
    nb_path = clone / "notebooks" / NOTEBOOKS[0].name
    nb = json.loads(nb_path.read_text())
    markdown = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = "".join(markdown["source"]) + "\n\nA sentence added by the rebuild test.\n"
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False))
    start = time.monotonic()
    rebuilt = subprocess.run(build, check=True, env=env, cwd=clone, capture_output=True, text=True)
    second = time.monotonic() - start
    html = clone / "build" / "book" / "html"
    assert "A sentence added by the rebuild test." in (html / f"{NOTEBOOKS[0].stem}.html").read_text()
    return html, first, second, rebuilt.stdout + rebuilt.stderr


@pytest.fixture(scope="module")
def site(book):
    """Base URL of the built site, served from 127.0.0.1."""
    html = book[0]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(html))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@contextlib.contextmanager
def watched(browser, base):
    """A page that records console errors, page errors and every request that leaves 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(120_000)  # a page with 20 figures on a busy 2-core machine
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))

    def outside(route):
        problems.append(f"request off the machine: {route.request.url}")
        route.abort()

    page.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]|data:|blob:|about:).*"), outside)
    try:
        yield page, problems
    finally:
        context.close()


def test_a_rebuild_after_a_text_edit_executes_nothing(book):
    _, first, second, log = book
    assert "Executing" not in log, f"the rebuild re-executed notebooks:\n{log[-2000:]}"
    assert second < first / 3, f"rebuild took {second:.0f} s against {first:.0f} s for the first build"


def test_landing_page_lists_every_notebook_in_order_and_the_notation(browser, site):
    with watched(browser, site) as (page, problems):
        page.goto(f"{site}/index.html")
        hrefs = page.eval_on_selector_all("article a[href$='.html']",
                                          "els => els.map(e => e.getAttribute('href'))")
        listed = [h for h in hrefs if re.match(r"\d\d[a-z]?_", h)]
        order = list(dict.fromkeys(Path(h).stem for h in listed))
        assert order == [p.stem for p in NOTEBOOKS], f"notebooks listed {order}"
        assert page.locator("a[href='notation.html']").count() > 0, "no link to the notation page"
        assert "make lab" in page.inner_text("article") and not problems, problems


@pytest.mark.parametrize("stem", [p.stem for p in NOTEBOOKS] + ["notation"])
def test_page_loads_offline_with_figures_and_typeset_math(browser, site, stem):
    with watched(browser, site) as (page, problems):
        page.goto(f"{site}/{stem}.html")
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("MathJax.startup.promise")
        images = page.evaluate("""async () => Promise.all([...document.images].map(async img => {
            try { await img.decode(); } catch (e) { return [img.currentSrc.slice(0, 80), 0]; }
            return [img.currentSrc.slice(0, 80), img.naturalWidth]; }))""")
        broken = [src for src, width in images if not width]
        assert not broken, f"images that do not decode: {broken}"
        text = page.inner_text("article")
        assert "$$" not in text and "\\frac" not in text and "\\begin" not in text, "raw TeX on the page"
        assert page.locator("mjx-container").count() > 0, "no math typeset"
        if stem != "notation":
            assert len(images) >= 2, f"only {len(images)} images on the page"
            assert "Traceback" not in text, "an error traceback on the page"
            solutions = page.locator("details.worked-solution, details.hide.above-input, details.hide")
            assert solutions.count() > 0, "no folded worked solutions"
        assert not problems, "\n".join(problems)


def test_slider_panels_are_still_figures_with_a_note(browser, site):
    with watched(browser, site) as (page, problems):
        for stem in [p.stem for p in NOTEBOOKS if "widgets.panel(" in p.read_text()]:
            page.goto(f"{site}/{stem}.html")
            panels = page.locator(".static-panel")
            assert panels.count() >= 1, f"{stem}: no still image of its slider panel"
            assert "make lab" in panels.first.inner_text()
            assert "Loading widget" not in page.inner_text("article")
        assert not problems, problems


def test_search_finds_a_term_of_notebook_05b(browser, site):
    with watched(browser, site) as (page, problems):
        page.goto(f"{site}/search.html?q=reliability")
        page.wait_for_selector("#search-results li a", timeout=30_000)
        hits = page.eval_on_selector_all("#search-results li a",
                                         "els => els.map(e => e.getAttribute('href'))")
        assert any("05b_bnn_classification" in h for h in hits), f"search hits: {hits}"
        assert not problems, problems


def test_links_between_pages_resolve(book):
    html = book[0]
    pages = sorted(html.glob("*.html"))
    ids = {p.name: set(re.findall(r'id="([^"]+)"', p.read_text())) for p in pages}
    bad = []
    for page in pages:
        for href in re.findall(r'href="([^"]+)"', page.read_text()):
            url = urlparse(href)
            if url.scheme or href.startswith(("mailto:", "#", "_static/", "_sources/", "_images/")):
                continue
            target = (page.parent / unquote(url.path)).resolve()
            if not target.exists():
                bad.append(f"{page.name}: {href}")
            elif url.fragment and target.suffix == ".html" and url.fragment not in ids.get(target.name, ()):
                bad.append(f"{page.name}: {href} (no such anchor)")
    assert not bad, "links that do not resolve:\n" + "\n".join(bad)
