"""The repository keeps its promises: exact pins, one environment for pip and conda, the README."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([0-9][^\s;#]*)$")


def requirement_lines(name="requirements.txt"):
    lines = (ROOT / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_every_requirement_is_pinned_exactly_or_is_this_project():
    for line in requirement_lines():
        assert line == "-e ." or PIN.match(line), f"not an exact pin: {line!r}"
    assert "-e ." in requirement_lines(), "the helpers package must be installed into the environment"


def test_browser_test_requirements_are_pinned_exactly():
    lines = requirement_lines("requirements-e2e.txt")
    assert lines and all(PIN.match(line) for line in lines), lines
    assert any(line.startswith("playwright==") for line in lines)


def test_core_stack_is_pinned_and_torch_is_the_version_on_disk():
    names = {PIN.match(line).group(1).lower().replace("_", "-"): PIN.match(line).group(2)
             for line in requirement_lines() if PIN.match(line)}
    for package in ("jupyterlab", "ipywidgets", "jupyterlab-widgets", "numpy", "matplotlib",
                    "torch", "pyro-ppl", "scikit-learn", "torchdiffeq", "tqdm", "nbval",
                    "pytest", "pytest-xdist", "ruff"):
        assert package in names, f"{package} is not pinned"
    assert names["torch"] == "2.13.0"


def test_environment_yml_builds_the_same_set():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    conda = [d for d in deps if isinstance(d, str)]
    pip_sections = [d["pip"] for d in deps if isinstance(d, dict)]
    assert "python=3.11" in conda and "pip" in conda
    assert set(conda) <= {"python=3.11", "pip"}, "conda packages would shadow the pinned pip set"
    assert pip_sections == [["-r requirements.txt"]]


def test_python_version_agrees_between_pyproject_and_environment():
    assert 'requires-python = ">=3.11"' in (ROOT / "pyproject.toml").read_text()


def test_readme_lists_every_notebook_and_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert nb.name in readme, f"README's table misses {nb.name}"


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test-e2e" in (ROOT / ".ci" / "run").read_text()
    assert "make hub-test" in (ROOT / ".ci" / "run").read_text()


def test_book_requirements_are_pinned_exactly_and_agree_with_the_main_set():
    book = {PIN.match(line).group(1).lower(): PIN.match(line).group(2)
            for line in requirement_lines("requirements-book.txt")}
    assert all(PIN.match(line) for line in requirement_lines("requirements-book.txt"))
    assert {"sphinx", "myst-nb", "sphinx-book-theme"} <= set(book)
    main = {PIN.match(line).group(1).lower(): PIN.match(line).group(2)
            for line in requirement_lines() if PIN.match(line)}
    clashes = {name: (main[name], book[name]) for name in set(main) & set(book) if main[name] != book[name]}
    assert not clashes, f"requirements-book.txt pins another version than requirements.txt: {clashes}"


def test_hub_requirements_are_pinned_exactly_and_agree_with_the_other_sets():
    hub = {PIN.match(line).group(1).lower().replace("_", "-"): PIN.match(line).group(2)
           for line in requirement_lines("requirements-hub.txt") if PIN.match(line)}
    assert all(PIN.match(line) for line in requirement_lines("requirements-hub.txt"))
    assert {"jupyterhub", "nbgitpuller"} <= set(hub)
    for other in ("requirements.txt", "requirements-book.txt", "requirements-e2e.txt"):
        pins = {PIN.match(line).group(1).lower().replace("_", "-"): PIN.match(line).group(2)
                for line in requirement_lines(other) if PIN.match(line)}
        clashes = {name: (pins[name], hub[name]) for name in set(pins) & set(hub) if pins[name] != hub[name]}
        assert not clashes, f"requirements-hub.txt pins another version than {other}: {clashes}"
    # The hub set adds to the main set: nothing it lists is already pinned there
    main = {PIN.match(line).group(1).lower().replace("_", "-")
            for line in requirement_lines() if PIN.match(line)}
    assert not set(hub) & main, f"requirements-hub.txt repeats requirements.txt: {set(hub) & main}"


def test_hub_config_is_the_one_the_hub_test_loads():
    config = (ROOT / "deploy" / "jupyterhub_config.py").read_text()
    compile(config, "jupyterhub_config.py", "exec")
    assert 'c.Spawner.environment = {"NB_THREADS": "1"}' in config
    driver = (ROOT / "e2e" / "hubdriver.py").read_text()
    assert 'DEPLOY_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"' in driver
    assert "load_subconfig(" in driver
    values = yaml.safe_load((ROOT / "deploy" / "z2jh-values.yaml").read_text())
    user = values["singleuser"]
    assert user["extraEnv"]["NB_THREADS"] == "1" and user["defaultUrl"] == "/lab"
    # The course server and the Kubernetes deployment give a student the same limits
    for line in (f'c.Spawner.mem_limit = "{user["memory"]["limit"]}"',
                 f'c.Spawner.mem_guarantee = "{user["memory"]["guarantee"]}"',
                 f'c.Spawner.cpu_limit = {float(user["cpu"]["limit"])}',
                 f'c.Spawner.cpu_guarantee = {float(user["cpu"]["guarantee"])}'):
        assert line in config, f"deploy/jupyterhub_config.py lacks {line!r} (the Helm values' limit)"


def test_jupyterlab_opens_clean_with_the_settings_shipped_with_the_environment():
    import json
    import sys

    overrides = json.loads((ROOT / "jupyter" / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {
        "fetchNews": "false", "checkForUpdates": False}
    assert overrides["@jupyterlab/notebook-extension:tracker"]["autoStartDefaultKernel"] is True
    # make install and Binder's postBuild put it where JupyterLab reads overrides
    assert "jupyter/overrides.json" in (ROOT / "postBuild").read_text()
    installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    if Path(sys.prefix).resolve() == (ROOT / ".venv").resolve():
        assert installed.exists() and json.loads(installed.read_text()) == overrides, \
            f"{installed} is missing or stale: run make install"
