"""Data sets of the series: synthetic ones, and scikit-learn's bundled 8x8 digits (no download).

Each generator takes a seed or a NumPy Generator.
"""

from __future__ import annotations

from typing import NamedTuple

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


# ------------------------------------------------------------------------- notebook 05 (toy curve)

BNN_TOY_RANGE = (0.0, 0.5)  # where the toy curve of notebook 05 has training inputs


def bnn_toy_function(x) -> np.ndarray:
    """The noise-free toy curve of notebook 05: f(x) = x + 0.3 sin(2 pi x) + 0.3 sin(4 pi x)."""
    x = np.asarray(x, dtype=np.float64)
    return x + 0.3 * np.sin(2 * np.pi * x) + 0.3 * np.sin(4 * np.pi * x)


def bnn_toy_data(n_points: int = 100, noise_std: float = 0.02, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """The regression curve of Blundell et al. (2015): (x, y), each float64 of shape (n_points,).

    x is uniform on [0, 0.5] (sorted) and y = x + 0.3 sin(2 pi (x + e)) + 0.3 sin(4 pi (x + e)) + e
    with e ~ N(0, noise_std^2): the noise enters inside the sines too, so the spread of y around
    `bnn_toy_function(x)` is larger than noise_std where the curve is steep. As in `sine_data`,
    inputs and noise come from two streams, so a larger `n_points` extends a smaller data set.
    """
    n_points = v.count("n_points", n_points, minimum=1)
    noise_std = v.non_negative("noise_std", noise_std)
    x_rng, noise_rng = rng_from(seed).spawn(2)
    x = x_rng.uniform(*BNN_TOY_RANGE, n_points)
    e = noise_std * noise_rng.standard_normal(n_points)
    y = x + 0.3 * np.sin(2 * np.pi * (x + e)) + 0.3 * np.sin(4 * np.pi * (x + e)) + e
    order = np.argsort(x)
    return x[order], y[order]


# ------------------------------------------------------------------------- digits (05, 06)

DIGIT_LEVELS = 16  # scikit-learn's 8x8 digits store pixel intensities as whole numbers 0..16


def _load_digit_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The 1797 bundled 8x8 digits as (images (1797, 64) in 0..16, labels (1797,)); no download."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.data.astype(np.float64), bunch.target.astype(np.int64)


def digits(binarize_threshold: float | None = 7, train_classes=None, test_fraction: float = 0.25,
           seed=0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 digits, split into training and test sets stratified by class.

    Returns (X_train, y_train, X_test, y_test): X are float64 arrays of shape (n, 64), one
    flattened 8x8 image per row (row-major, reshape to (n, 8, 8) to draw); y are int64 labels 0..9.
    Pixels are binary 0/1 (`pixel > binarize_threshold`, intensities being whole numbers 0..16),
    or, with `binarize_threshold=None`, intensities scaled to [0, 1] (divided by 16).

    The split holds out round(test_fraction * n_c) images of each class c, chosen by `seed`
    (about 450 of the 1797 at 0.25). With `train_classes` (e.g. range(5)) the training set keeps
    only those classes while the test set keeps all ten, so held-out classes can serve as
    out-of-distribution inputs; the test set is the same with or without `train_classes`.
    """
    if binarize_threshold is not None:
        threshold = v.non_negative("binarize_threshold", binarize_threshold)
        if threshold >= DIGIT_LEVELS:
            raise ValueError(f"binarize_threshold must be below {DIGIT_LEVELS} (the brightest "
                             f"pixel value), got {threshold}: every pixel would be 0")
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, int | float) \
            or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction!r}")
    images, labels = _load_digit_arrays()
    keep = np.arange(10)
    if train_classes is not None:
        keep = np.unique(np.asarray(list(train_classes)))
        if keep.size == 0 or not np.issubdtype(keep.dtype, np.integer) or keep.min() < 0 \
                or keep.max() > 9:
            raise ValueError(f"train_classes must be a non-empty collection of digits 0..9, "
                             f"got {train_classes!r}")
    rng = rng_from(seed)
    test_idx, train_idx = [], []
    for c in range(10):
        members = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(test_fraction * members.size))
        test_idx.append(members[:n_test])
        if c in keep:
            train_idx.append(members[n_test:])
    test_idx, train_idx = np.sort(np.concatenate(test_idx)), np.sort(np.concatenate(train_idx))
    if binarize_threshold is None:
        pixels = images / DIGIT_LEVELS
    else:
        pixels = (images > threshold).astype(np.float64)
    return pixels[train_idx], labels[train_idx], pixels[test_idx], labels[test_idx]


# ------------------------------------------------------------------------- notebook 07b


class IrregularSeries(NamedTuple):
    """Irregularly sampled sine series (see `irregular_sines`); N series, n_obs + n_extra points each.

    t_obs, y_obs      (N, n_obs)    observation times (sorted per row) in [0, obs_end] and values
    t_extra, y_extra  (N, n_extra)  later times (sorted per row) in (obs_end, extra_end] and values
    amplitude, frequency, phase  (N,)  the noise-free curve a sin(2 pi f t + phase), f in cycles per
                                       unit time
    """

    t_obs: np.ndarray
    y_obs: np.ndarray
    t_extra: np.ndarray
    y_extra: np.ndarray
    amplitude: np.ndarray
    frequency: np.ndarray
    phase: np.ndarray

    def curve(self, t) -> np.ndarray:
        """The noise-free curves at times `t` (T,): an array (N, T)."""
        t = v.as_vector("t", t)
        return self.amplitude[:, None] * np.sin(2 * np.pi * self.frequency[:, None] * t
                                                + self.phase[:, None])


def irregular_sines(n_series: int = 800, n_obs: int = 30, n_extra: int = 10, obs_end: float = 5.0,
                    extra_end: float = 8.0, noise_std: float = 0.1, amplitude=(0.5, 1.5),
                    frequency=(0.2, 0.4), seed=0) -> IrregularSeries:
    """`n_series` sine waves a sin(2 pi f t + phase), each observed at its own random times.

    Per series: amplitude a ~ U(amplitude), frequency f ~ U(frequency) (cycles per unit time),
    phase ~ U(0, 2 pi); `n_obs` times uniform on the observation window [0, obs_end] and `n_extra`
    uniform on the extrapolation window (obs_end, extra_end], each sorted; values are the curve
    plus independent N(0, noise_std^2) noise. Returns an `IrregularSeries` of arrays (shapes there).
    The curves' parameters, the times and the noise come from separate streams of `seed`, so
    changing `noise_std` rescales the same noise draws.
    """
    n_series = v.count("n_series", n_series, minimum=1)
    n_obs = v.count("n_obs", n_obs, minimum=1)
    n_extra = v.count("n_extra", n_extra, minimum=1)
    obs_end = v.positive("obs_end", obs_end)
    extra_end = v.positive("extra_end", extra_end)
    if extra_end <= obs_end:
        raise ValueError(f"extra_end ({extra_end}) must be later than obs_end ({obs_end})")
    noise_std = v.non_negative("noise_std", noise_std)
    ranges = {}
    for name, value in (("amplitude", amplitude), ("frequency", frequency)):
        low, high = v.as_vector(name, value, length=2)
        if not 0 < low <= high:
            raise ValueError(f"{name} must be a range (low, high) with 0 < low <= high, got {value!r}")
        ranges[name] = (low, high)
    param_rng, time_rng, noise_rng = rng_from(seed).spawn(3)
    a = param_rng.uniform(*ranges["amplitude"], n_series)
    f = param_rng.uniform(*ranges["frequency"], n_series)
    phase = param_rng.uniform(0.0, 2 * np.pi, n_series)
    t_obs = np.sort(time_rng.uniform(0.0, obs_end, (n_series, n_obs)), axis=1)
    t_extra = np.sort(extra_end - time_rng.uniform(0.0, extra_end - obs_end, (n_series, n_extra)), axis=1)

    def values(t):
        clean = a[:, None] * np.sin(2 * np.pi * f[:, None] * t + phase[:, None])
        return clean + noise_std * noise_rng.standard_normal(t.shape)

    return IrregularSeries(t_obs, values(t_obs), t_extra, values(t_extra), a, f, phase)
