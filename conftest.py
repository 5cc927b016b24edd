"""Repository-wide pytest hooks: a table of each notebook's run time at the end of a run."""

from collections import defaultdict
from pathlib import Path

_durations: dict[str, float] = defaultdict(float)
_failed: set[str] = set()


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _durations[path] += report.duration
        if report.failed:
            _failed.add(path)


def pytest_terminal_summary(terminalreporter):
    if not _durations:
        return
    tr = terminalreporter
    tr.section("notebook run times (kernel start included)")
    width = max(len(Path(p).name) for p in _durations)
    for path in sorted(_durations):
        status = "FAILED" if path in _failed else "ok"
        tr.write_line(f"{Path(path).name:<{width}}  {_durations[path]:7.1f} s  {status}")
    tr.write_line(f"{'total':<{width}}  {sum(_durations.values()):7.1f} s")
