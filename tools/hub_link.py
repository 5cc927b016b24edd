"""Print the nbgitpuller link that gives each student the series on a JupyterHub.

    python tools/hub_link.py https://hub.example.edu https://github.com/ORG/REPO
    python tools/hub_link.py https://hub.example.edu https://github.com/ORG/REPO --branch main --open 03

A student who clicks the link logs in, gets (or updates) their own copy of the repository in
~/bayesian-dl, and lands in JupyterLab on the chosen notebook. Clicking it again later pulls the
lecturer's new commits and keeps the student's own edits (nbgitpuller's automatic merging).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def notebook_path(prefix: str) -> str:
    """notebooks/<the notebook whose name starts with prefix>."""
    matches = sorted(p.name for p in NOTEBOOKS.glob(f"{prefix}*.ipynb"))
    if len(matches) != 1:
        names = ", ".join(p.stem.split("_")[0] for p in sorted(NOTEBOOKS.glob("*.ipynb")))
        raise ValueError(f"--open {prefix!r} matches {len(matches)} notebooks; use one of: {names}")
    return f"notebooks/{matches[0]}"


def link(hub: str, repo: str, branch: str = "main", target: str = "bayesian-dl",
         open_path: str = "notebooks") -> str:
    """The nbgitpuller link: hub's user-redirect to the student's own server's git-pull page."""
    for name, url in (("hub", hub), ("repo", repo)):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{name} must be an http(s) URL such as https://host/..., got {url!r}")
    if not branch or not target or "/" in target:
        raise ValueError(f"branch must be non-empty and target a folder name, got {branch!r}, {target!r}")
    query = urlencode({"repo": repo, "branch": branch, "targetpath": target,
                       "urlpath": f"lab/tree/{target}/{open_path}"})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hub", help="the hub's URL, e.g. https://hub.example.edu")
    parser.add_argument("repo", help="the course repository's clone URL")
    parser.add_argument("--branch", default="main", help="the branch students get (default main)")
    parser.add_argument("--target", default="bayesian-dl", help="folder in each home (default bayesian-dl)")
    parser.add_argument("--open", dest="notebook", default="", help="notebook to open, e.g. 01 or 05b")
    args = parser.parse_args(argv)
    try:
        path = notebook_path(args.notebook) if args.notebook else "notebooks"
        print(link(args.hub, args.repo, args.branch, args.target, path))
    except ValueError as err:
        parser.error(str(err))


if __name__ == "__main__":
    main(sys.argv[1:])
