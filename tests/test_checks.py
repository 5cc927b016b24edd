"""helpers.checks: self-checks say right for right answers and explain wrong ones."""

import numpy as np
import pytest

from helpers import checks, data, linreg


def test_check_number_accepts_within_tolerance_and_explains_misses():
    assert checks.check_number(3.14159, np.pi, rtol=1e-4)
    miss = checks.check_number(3.0, np.pi, rtol=1e-4, hint="Use more digits.")
    assert not miss and "expected 3.14159" in miss.message and "Use more digits." in miss.message
    assert not checks.check_number("three", np.pi)
    assert not checks.check_number(float("nan"), np.pi)


def test_check_result_shows_right_or_wrong():
    assert repr(checks.CheckResult(True, "fine")).startswith("✔")
    assert "✘" in checks.CheckResult(False, "no")._repr_html_()


def test_check_ols_accepts_correct_solvers_and_rejects_wrong_ones():
    def qr_solver(Phi, y):
        Q, R = np.linalg.qr(Phi)
        return np.linalg.solve(R, Q.T @ y)

    assert checks.check_ols(qr_solver)
    assert not checks.check_ols(lambda Phi, y: Phi.T @ y)
    assert "shape" in checks.check_ols(lambda Phi, y: np.zeros(2)).message
    assert "raised ZeroDivisionError" in checks.check_ols(lambda Phi, y: 1 / 0).message
    assert "return" in checks.check_ols(lambda Phi, y: None).message
    assert "not an array" in checks.check_ols(lambda Phi, y: "theta").message
    assert not checks.check_ols("not a function")


def test_check_best_n_basis_accepts_the_minimum_and_says_which_side_a_miss_is_on():
    setting = {"family": "rbf", "n_points": 30, "noise_std": 0.3, "seed": 0}
    _, test_err = linreg.fit_errors(*data.sine_split(30, 0.3, 0), family="rbf")
    best = int(np.argmin(test_err)) + 1
    assert checks.check_best_n_basis(best, **setting)
    assert "overfits" in checks.check_best_n_basis(30, **setting).message
    assert "underfits" in checks.check_best_n_basis(1, **setting).message
    assert not checks.check_best_n_basis(2.5, **setting)
    assert not checks.check_best_n_basis(0, **setting)


@pytest.mark.parametrize("seed", range(5))
def test_best_size_is_an_interior_optimum_for_every_seed(seed):
    # the activity only makes sense if both too few and too many basis functions are worse
    _, test_err = linreg.fit_errors(*data.sine_split(30, 0.3, seed), family="rbf")
    best = int(np.argmin(test_err))
    assert 0 < best < len(test_err) - 1
