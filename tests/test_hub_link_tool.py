"""tools/hub_link.py: the nbgitpuller link a lecturer hands out."""

import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import hub_link  # noqa: E402


def test_link_goes_through_the_hub_to_the_students_own_git_pull_page():
    url = hub_link.link("https://hub.example.edu/", "https://github.com/org/bayesian-dl", "course",
                        open_path="notebooks/01_linear_regression.ipynb")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "https://hub.example.edu"
    assert parts.path == "/hub/user-redirect/git-pull"
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert query == {"repo": "https://github.com/org/bayesian-dl", "branch": "course",
                     "targetpath": "bayesian-dl",
                     "urlpath": "lab/tree/bayesian-dl/notebooks/01_linear_regression.ipynb"}


def test_open_picks_one_notebook_by_its_number():
    assert hub_link.notebook_path("05b") == "notebooks/05b_bnn_classification.ipynb"
    with pytest.raises(ValueError, match="matches 2 notebooks"):
        hub_link.notebook_path("05")
    with pytest.raises(ValueError, match="matches 0 notebooks"):
        hub_link.notebook_path("99")


@pytest.mark.parametrize("hub, repo, branch, target", [
    ("hub.example.edu", "https://github.com/org/r", "main", "bayesian-dl"),
    ("https://hub.example.edu", "git@github.com:org/r.git", "main", "bayesian-dl"),
    ("https://hub.example.edu", "https://github.com/org/r", "", "bayesian-dl"),
    ("https://hub.example.edu", "https://github.com/org/r", "main", "a/b"),
])
def test_bad_input_is_a_clear_value_error(hub, repo, branch, target):
    with pytest.raises(ValueError, match="must be"):
        hub_link.link(hub, repo, branch, target)


def test_command_line_prints_the_link(capsys):
    hub_link.main(["https://hub.example.edu", "https://github.com/org/r", "--open", "01"])
    out = capsys.readouterr().out.strip()
    assert out.startswith("https://hub.example.edu/hub/user-redirect/git-pull?repo=")
    assert "01_linear_regression.ipynb" in out
