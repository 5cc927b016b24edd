"""Small ODE utilities for notebook 07: fixed-step solvers, a test problem with a known solution,
the observed order of convergence, and a count of the bytes autograd saves for backward.

NumPy (and torch for the memory count) only; no plotting.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import _validate

# The linear spiral dy/dt = A y: a damped rotation whose solution is known in closed form.
SPIRAL_A = np.array([[-0.1, 2.0], [-2.0, -0.1]])
SPIRAL_Y0 = np.array([2.0, 0.0])
FIXED_METHODS = ("euler", "midpoint", "rk4")


def linear_spiral(t, y):
    """Right-hand side of dy/dt = A y with A = SPIRAL_A; `y` has shape (2,) or (..., 2)."""
    return np.asarray(y) @ SPIRAL_A.T


def linear_spiral_exact(t) -> np.ndarray:
    """Exact solution of dy/dt = A y, y(0) = (2, 0) at times `t` (shape (T,)): shape (T, 2).

    y(t) = 2 e^{-0.1 t} (cos 2t, -sin 2t)."""
    t = np.atleast_1d(np.asarray(t, dtype=np.float64))
    decay = 2.0 * np.exp(-0.1 * t)
    return np.column_stack([decay * np.cos(2 * t), -decay * np.sin(2 * t)])


def fixed_step_solve(f: Callable, y0, t_end: float, n_steps: int, method: str = "rk4"):
    """Integrate dy/dt = f(t, y) from t = 0 to `t_end` in `n_steps` equal steps.

    `method` is "euler" (order 1), "midpoint" (order 2) or "rk4" (classical Runge-Kutta, order 4).
    `y0` has shape (D,). Returns (t, y): times of shape (n_steps + 1,) and states (n_steps + 1, D).
    A float32 `y0` is integrated in float32 (step size and times too; `f` must then return float32,
    or a ValueError says that the solve would silently run in float64); anything else in float64.
    """
    _validate.choice("method", method, FIXED_METHODS)
    n_steps = _validate.count("n_steps", n_steps, minimum=1)
    t_end = _validate.positive("t_end", t_end)
    dtype = np.float32 if np.asarray(y0).dtype == np.float32 else np.float64
    y = _validate.as_vector("y0", y0).astype(dtype)
    # NumPy 2 (NEP 50): a float64 scalar h would promote a float32 state, so h takes the state's type
    h = dtype(t_end / n_steps)
    ts = np.linspace(0.0, t_end, n_steps + 1).astype(dtype)
    out = np.empty((n_steps + 1, y.size), dtype=dtype)
    out[0] = y
    for i, t in enumerate(ts[:-1]):
        if method == "euler":
            y = y + h * f(t, y)
        elif method == "midpoint":
            y = y + h * f(t + h / 2, y + h / 2 * f(t, y))
        else:
            k1 = f(t, y)
            k2 = f(t + h / 2, y + h / 2 * k1)
            k3 = f(t + h / 2, y + h / 2 * k2)
            k4 = f(t + h, y + h * k3)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if y.dtype != dtype:
            raise ValueError(f"f returned {np.asarray(f(t, out[i])).dtype} for a {np.dtype(dtype)} state: "
                             f"the solve would silently run in {y.dtype}; make f keep the state's dtype")
        out[i + 1] = y
    return ts, out


def observed_order(step_sizes, errors) -> float:
    """Slope of log(error) against log(step size) by least squares: the observed order p in
    error ≈ C h^p. Both arguments have shape (K,), K >= 2, positive values."""
    h = _validate.as_vector("step_sizes", step_sizes)
    err = _validate.as_vector("errors", errors, length=h.size)
    if h.size < 2:
        raise ValueError("need at least two step sizes to fit an order")
    if np.any(h <= 0) or np.any(err <= 0):
        raise ValueError("step sizes and errors must be positive (take abs() of the errors)")
    if np.ptp(np.log(h)) == 0:
        raise ValueError("step sizes must not all be equal")
    return float(np.polyfit(np.log(h), np.log(err), 1)[0])


def saved_tensor_bytes(fn: Callable[[], object]) -> tuple[object, int]:
    """Run `fn()` and count the bytes of the tensors autograd saves for the backward pass.

    Uses `torch.autograd.graph.saved_tensors_hooks`; a tensor saved twice (same storage, offset
    and shape) counts once. Returns (fn's result, bytes). This measures what backpropagation must
    keep in memory, unlike a process's peak RSS, which only ever shows the first peak.
    """
    import torch

    if not callable(fn):
        raise ValueError(f"fn must be callable, got {type(fn).__name__}")
    seen: dict[tuple, int] = {}

    def pack(tensor):
        key = (tensor.untyped_storage().data_ptr(), tensor.storage_offset(), tuple(tensor.shape),
               tensor.dtype)
        seen[key] = tensor.numel() * tensor.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        result = fn()
    return result, int(sum(seen.values()))
