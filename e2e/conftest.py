"""Fixtures for the browser tests: a throwaway JupyterLab server and headless Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import labdriver as lab_ui
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def browser_available():
    if lab_ui.browser_installed():
        return lab_ui.CHROMIUM
    message = f"no Chromium at {lab_ui.CHROMIUM} (Debian package 'chromium'; .ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)  # in CI a missing browser is a failure, not a skip
    pytest.skip(message)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """(base_url, token, notebook_dir) of a JupyterLab server on a copy of the notebooks."""
    with lab_ui.jupyterlab(ROOT / "notebooks", tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="session")
def browser(browser_available):
    with lab_ui.chromium(browser_available) as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()
