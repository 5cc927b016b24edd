"""Self-checks for the activities at the end of each notebook: right or wrong, and why.

Each check returns a CheckResult, which shows as a green or red line in a notebook and is truthy
when the answer is right, so a worked solution can `assert` its own check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import data, linreg


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return ("✔ right: " if self.ok else "✘ not yet: ") + self.message

    def _repr_html_(self) -> str:
        color, word = ("#1b7f3b", "✔ right") if self.ok else ("#b00020", "✘ not yet")
        return f"<p style='color:{color}'><b>{word}:</b> {self.message}</p>"


def check_number(answer, expected: float, *, rtol: float = 1e-6, atol: float = 0.0,
                 what: str = "the answer", hint: str = "") -> CheckResult:
    """Is `answer` within atol + rtol*|expected| of `expected`?"""
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"{what} should be a number, got {answer!r}")
    if not np.isfinite(value):
        return CheckResult(False, f"{what} is {value}; expected a finite number")
    if abs(value - expected) <= atol + rtol * abs(expected):
        return CheckResult(True, f"{what} = {value:.6g}")
    return CheckResult(False, f"{what} = {value:.6g}, expected {expected:.6g}. {hint}".strip())


def check_function(candidate: Callable, reference: Callable, cases: Sequence[tuple], *,
                   what: str = "your function", rtol: float = 1e-8, atol: float = 1e-10,
                   hint: str = "") -> CheckResult:
    """Call `candidate` and `reference` on each tuple of arguments in `cases` and compare outputs."""
    if not callable(candidate):
        return CheckResult(False, f"{what} should be a function, got {type(candidate).__name__}")
    for i, args in enumerate(cases):
        try:
            result = candidate(*args)
        except Exception as err:  # a student's code may fail in any way: report, don't crash
            return CheckResult(False, f"{what} raised {type(err).__name__}: {err} (test case {i})")
        if result is None:
            return CheckResult(False, f"{what} returned None: is a `return` missing?")
        try:
            got = np.asarray(result, dtype=float)
        except (TypeError, ValueError):
            return CheckResult(False, f"{what} returned {type(result).__name__}, not an array "
                                      f"of numbers (test case {i})")
        want = np.asarray(reference(*args), dtype=float)
        if got.shape != want.shape:
            return CheckResult(False, f"{what} returned shape {got.shape}, expected {want.shape} "
                                      f"(test case {i}). {hint}".strip())
        if not np.allclose(got, want, rtol=rtol, atol=atol):
            err = float(np.max(np.abs(got - want)))
            return CheckResult(False, f"{what} is off by up to {err:.3g} (test case {i}). "
                                      f"{hint}".strip())
    return CheckResult(True, f"{what} agrees with the reference on {len(cases)} test cases")


# ------------------------------------------------------------------ notebook 01 activities


def check_ols(fn: Callable) -> CheckResult:
    """Activity 01: `fn(Phi, y)` must return the least-squares parameters (compared with lstsq)."""
    rng = np.random.default_rng(2024)
    cases = []
    for n, d in [(20, 3), (50, 6), (200, 10)]:
        x = rng.uniform(0, 1, n)
        Phi = linreg.design_matrix(x, "fourier", d - 1)
        cases.append((Phi, Phi @ rng.normal(size=d) + 0.1 * rng.normal(size=n)))
    return check_function(fn, linreg.ols, cases, what="your least-squares solver", rtol=1e-6,
                          atol=1e-8, hint="With Phi = QR (np.linalg.qr), solve R theta = Q^T y "
                                          "with linalg.solve_triangular.")


def check_best_n_basis(answer, *, family: str, n_points: int, noise_std: float,
                       seed: int) -> CheckResult:
    """Activity 01: the number of basis functions with the lowest test error (near-ties accepted).

    An answer counts as right when its test error is within 5% of the best one, because two
    sizes whose errors differ by less than that are a tie for this data set.
    """
    _, errors = linreg.fit_errors(*data.sine_split(n_points, noise_std, seed), family=family)
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        return CheckResult(False, f"the answer should be a whole number, got {answer!r}")
    if not 1 <= answer <= len(errors):
        return CheckResult(False, f"the answer should lie between 1 and {len(errors)}")
    best = int(np.argmin(errors)) + 1
    mine = errors[answer - 1]
    if mine <= 1.05 * errors.min():
        return CheckResult(True, f"{answer} basis functions give test MSE {mine:.4f}; the best, "
                                 f"{best}, gives {errors.min():.4f}")
    side = "too few: the fit is too stiff (underfits)" if answer < best else \
        "too many: the fit chases the noise (overfits)"
    return CheckResult(False, f"{answer} basis functions give test MSE {mine:.4f}, but {best} give "
                              f"{errors.min():.4f}. Yours is {side}.")
