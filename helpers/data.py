"""Synthetic data sets of the series. Each generator takes a seed or a NumPy Generator."""

from __future__ import annotations

import numpy as np

from . import _validate as v


def rng_from(seed) -> np.random.Generator:
    """A NumPy Generator from an int seed, a tuple of ints (independent streams), or a Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, tuple):
        return np.random.default_rng([v.count("seed", s) for s in seed])
    return np.random.default_rng(v.count("seed", seed))


def sine_function(x) -> np.ndarray:
    """The noise-free curve of notebooks 01-03: f(x) = x sin(10 x)."""
    x = np.asarray(x, dtype=np.float64)
    return x * np.sin(10.0 * x)


def sine_data(n_points: int = 100, noise_std: float = 0.2, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """`n_points` inputs uniform on [0, 1] (sorted) and targets x sin(10 x) + N(0, noise_std^2).

    For a fixed seed the data sets are nested and comparable: the inputs and the standard-normal
    noise draws come from two separate streams, so `n_points=50` holds the first 50 points of
    `n_points=100`, and changing `noise_std` rescales the same noise draws.
    """
    n_points = v.count("n_points", n_points, minimum=1)
    noise_std = v.non_negative("noise_std", noise_std)
    x_rng, noise_rng = rng_from(seed).spawn(2)
    x = x_rng.uniform(0.0, 1.0, n_points)
    y = sine_function(x) + noise_std * noise_rng.standard_normal(n_points)
    order = np.argsort(x)
    return x[order], y[order]


def sine_split(n_train: int = 100, noise_std: float = 0.2, seed: int = 0, n_test: int = 1000):
    """Training and test sets from the same distribution: (x_train, y_train, x_test, y_test).

    The training set is `sine_data(n_train, noise_std, seed)`; the test set comes from an
    independent stream of the same seed, so it does not change when `n_train` does.
    """
    x_train, y_train = sine_data(n_train, noise_std, seed)
    x_test, y_test = sine_data(n_test, noise_std, (v.count("seed", seed), 1))
    return x_train, y_train, x_test, y_test
