"""helpers.odes and the notebook 07 checks: solvers converge at their order, counts are right."""

import numpy as np
import pytest
import torch

from helpers import checks, odes


def test_exact_linear_spiral_satisfies_the_ode():
    t = np.linspace(0, 3, 7)
    h = 1e-6
    slope = (odes.linear_spiral_exact(t + h) - odes.linear_spiral_exact(t - h)) / (2 * h)
    np.testing.assert_allclose(slope, odes.linear_spiral(t, odes.linear_spiral_exact(t)), atol=1e-6)


@pytest.mark.parametrize("method, order", [("euler", 1), ("midpoint", 2), ("rk4", 4)])
def test_fixed_step_solvers_converge_at_their_order(method, order):
    steps = 2 ** np.arange(4, 9)
    exact = odes.linear_spiral_exact(2.0)[0]
    errors = [np.linalg.norm(odes.fixed_step_solve(odes.linear_spiral, odes.SPIRAL_Y0, 2.0, n, method)[1][-1]
                             - exact) for n in steps]
    assert abs(odes.observed_order(2.0 / steps, errors) - order) < 0.2


def test_observed_order_recovers_a_power_law():
    h = np.geomspace(1e-3, 1e-1, 5)
    assert odes.observed_order(h, 3 * h**2.5) == pytest.approx(2.5)


@pytest.mark.parametrize("kwargs, message", [({"method": "rk45"}, "method"), ({"n_steps": 0}, "n_steps"),
                                             ({"t_end": -1.0}, "t_end")])
def test_fixed_step_solve_rejects_bad_arguments(kwargs, message):
    args = {"f": odes.linear_spiral, "y0": odes.SPIRAL_Y0, "t_end": 1.0, "n_steps": 4, **kwargs}
    with pytest.raises(ValueError, match=message):
        odes.fixed_step_solve(**args)


def test_observed_order_rejects_non_positive_errors():
    with pytest.raises(ValueError, match="positive"):
        odes.observed_order([0.1, 0.2], [0.0, 1.0])


def test_saved_tensor_bytes_counts_what_backward_keeps():
    x = torch.ones(1000, dtype=torch.float64, requires_grad=True)
    value, saved = odes.saved_tensor_bytes(lambda: (x * x).sum())
    assert value.item() == 1000.0
    assert saved == 8000  # x saved for d(x*x)/dx, counted once although saved twice
    _, nothing = odes.saved_tensor_bytes(lambda: x.sum())
    assert nothing == 0


def test_midpoint_check_accepts_midpoint_and_rejects_euler():
    assert checks.check_midpoint_step(lambda f, t, y, h: y + h * f(t + h / 2, y + h / 2 * f(t, y)))
    assert not checks.check_midpoint_step(lambda f, t, y, h: y + h * f(t, y))
    assert not checks.check_midpoint_step(lambda f, t, y, h: y + h * f(h / 2, y + h / 2 * f(t, y)))
    assert not checks.check_midpoint_step(lambda f, t, y, h: y + h * f(t + h / 2, y + h / 2 * f(0.0, y)))
    assert not checks.check_midpoint_step(lambda f, t, y, h: None)


def test_rk4_steps_check_accepts_only_the_fewest_steps_give_or_take_ten_percent():
    assert checks.check_rk4_steps(119) and checks.check_rk4_steps(130)
    assert not checks.check_rk4_steps(100) and not checks.check_rk4_steps(400)
    assert not checks.check_rk4_steps(None)


def test_fixed_step_solve_keeps_a_float32_state_in_float32():
    A32 = odes.SPIRAL_A.T.astype(np.float32)
    ts, ys = odes.fixed_step_solve(lambda t, y: y @ A32, odes.SPIRAL_Y0.astype(np.float32), 2.0, 128, "rk4")
    assert ys.dtype == np.float32 and ts.dtype == np.float32
    # float32 rounding, not truncation (about 5e-8 at 128 steps in float64), sets the error
    assert np.linalg.norm(ys[-1] - odes.linear_spiral_exact(2.0)[0]) > 1e-7
    assert odes.fixed_step_solve(odes.linear_spiral, [2, 0], 2.0, 8)[1].dtype == np.float64


def test_fixed_step_solve_rejects_a_field_that_promotes_a_float32_state():
    with pytest.raises(ValueError, match="float64"):
        odes.fixed_step_solve(odes.linear_spiral, odes.SPIRAL_Y0.astype(np.float32), 2.0, 8, "rk4")
