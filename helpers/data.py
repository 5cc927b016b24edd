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


# ------------------------------------------------------------------ notebook 08: a synthetic survey

TRANSIENT_CLASSES = ("SN Ia", "SN II-P", "SLSN", "AGN", "microlensing")
"""Class names of `transient_survey`, in label order; the last one is never used for training."""


class LightCurves(NamedTuple):
    """Light curves of a synthetic survey (`transient_survey`), one row per object, times in days.

    `t` (N, n) observation times, sorted, in [0, window]; `flux` (N, n) observed fluxes; `err` (N, n)
    the 1-sigma flux error quoted with each point (the noise was drawn with it); `label` (N,) class
    indices into `classes`; `peak` (N,) the time of the event (maximum light, or the lens's closest
    approach; for the AGN the middle of its season); `detection` (N,) the time of the first point
    with flux > 3 err (the first point if none is).
    """

    t: np.ndarray
    flux: np.ndarray
    err: np.ndarray
    label: np.ndarray
    peak: np.ndarray
    detection: np.ndarray
    classes: tuple


def _bazin(t, t0, rise, fall):
    """Bazin et al. (2009): exp(-(t - t0)/fall) / (1 + exp(-(t - t0)/rise)), peak-normalized to 1."""
    x = (t - t0[:, None])
    shape = np.exp(-x / fall[:, None] - np.logaddexp(0.0, -x / rise[:, None]))
    t_max = rise * np.log(fall / rise - 1.0)  # the maximum of the Bazin curve, relative to t0
    top = np.exp(-t_max / fall - np.logaddexp(0.0, -t_max / rise))
    return shape / top[:, None]


def transient_survey(n_per_class: int = 400, n_novel: int = 0, n_obs: int = 30, window: float = 200.0,
                     season_gap: float = 60.0, seed=0) -> LightCurves:
    """A seeded synthetic survey of `n_per_class` objects of each known class and `n_novel` of a new one.

    Classes (labels 0-4, names in TRANSIENT_CLASSES), fluxes in units where the noise floor is ~1:
    - 0 SN Ia: a Bazin (2009) curve, rise time U(1.5, 4) d, decline U(15, 35) d;
    - 1 SN II-P: a fast rise (U(2, 5) d) to a plateau that fades by 0-30% over U(70, 110) d, then a
      drop of a few days (width U(1.5, 3) d) to 5-15% of the plateau, fading further with 60-100 d;
    - 2 SLSN: a slow Bazin curve, rise U(15, 30) d, decline U(50, 90) d;
    - 3 AGN: a damped random walk (Ornstein-Uhlenbeck, time scale U(50, 200) d, rms U(0.15, 0.35)
      of the mean level) around a constant mean, exact at the irregular times;
    - 4 microlensing (only when n_novel > 0): the symmetric Paczynski (1986) magnification bump
      F (A(u) - 1), u(t)^2 = u0^2 + ((t - t0)/tE)^2, u0 ~ U(0.1, 1), tE ~ U(10, 40) d.
    Transients are difference fluxes (zero before the event), peak times U(0.15, 0.85) * window.
    Amplitudes (peak flux, or the AGN's mean level) are log-uniform on [8, 60]. Each object is observed
    `n_obs` times, uniform on [0, window] outside a seasonal gap of `season_gap` days that starts at a
    random time in [0.1, 0.9 - gap/window] * window (the field sets below the horizon). Errors are
    heteroscedastic: err = sqrt(s^2 + 0.05 |f|) with a per-point sky level s = exp(N(0, 0.35^2));
    the noise is N(0, err^2). Rows are shuffled. Returns a `LightCurves`.
    """
    n_per_class = v.count("n_per_class", n_per_class, minimum=1)
    n_novel = v.count("n_novel", n_novel, minimum=0)
    n_obs = v.count("n_obs", n_obs, minimum=2)
    window = v.positive("window", window)
    season_gap = v.non_negative("season_gap", season_gap)
    if season_gap > 0.5 * window:
        raise ValueError(f"season_gap ({season_gap}) must be at most half the window ({window})")
    shape_rng, time_rng, noise_rng = rng_from(seed).spawn(3)
    label = np.repeat(np.arange(5), [n_per_class] * 4 + [n_novel])
    label = label[shape_rng.permutation(label.size)]
    n = label.size
    # observation times: uniform outside the seasonal gap [g0, g0 + gap)
    g0 = time_rng.uniform(0.1 * window, (0.9 - season_gap / window) * window, n)
    u = time_rng.uniform(0.0, window - season_gap, (n, n_obs))
    t = np.sort(np.where(u < g0[:, None], u, u + season_gap), axis=1)
    peak = shape_rng.uniform(0.15 * window, 0.85 * window, n)
    amp = np.exp(shape_rng.uniform(np.log(8.0), np.log(60.0), n))
    unif = shape_rng.uniform(size=(n, 6))
    clean = np.zeros((n, n_obs))
    for k in range(5):
        m = label == k
        if not m.any():
            continue
        tk, t0, p = t[m], peak[m], unif[m]
        if k in (0, 2):
            rise = (1.5 + 2.5 * p[:, 0]) if k == 0 else (15 + 15 * p[:, 0])
            fall = (15 + 20 * p[:, 1]) if k == 0 else (50 + 40 * p[:, 1])
            f = _bazin(tk, t0 - rise * np.log(fall / rise - 1.0), rise, fall)  # maximum at t0
        elif k == 1:
            rise, length = 2 + 3 * p[:, 0], 70 + 40 * p[:, 1]
            fade, width = 0.3 * p[:, 2], 1.5 + 1.5 * p[:, 3]
            floor, tail = 0.05 + 0.1 * p[:, 4], 60 + 40 * p[:, 5]
            x = tk - t0[:, None]
            onset = 1.0 / (1.0 + np.exp(-np.clip(x / rise[:, None], -50, 50)))
            plateau = 1.0 - fade[:, None] * np.clip(x, 0, None) / length[:, None]
            after = np.clip(x - length[:, None], 0, None)
            drop = 1.0 / (1.0 + np.exp(np.clip((x - length[:, None]) / width[:, None], -50, 50)))
            f = onset * (plateau * drop + floor[:, None] * (1 - drop) * np.exp(-after / tail[:, None]))
        elif k == 3:
            tau, rms = 50 + 150 * p[:, 0], 0.15 + 0.2 * p[:, 1]
            f = np.empty_like(tk)
            f[:, 0] = rms * shape_rng.standard_normal(tk.shape[0])
            for j in range(1, n_obs):
                a = np.exp(-(tk[:, j] - tk[:, j - 1]) / tau)
                f[:, j] = a * f[:, j - 1] + rms * np.sqrt(1 - a**2) * shape_rng.standard_normal(tk.shape[0])
            f = 1.0 + f
        else:
            u0, t_e = 0.1 + 0.9 * p[:, 0], 10 + 30 * p[:, 1]
            u2 = u0[:, None] ** 2 + ((tk - t0[:, None]) / t_e[:, None]) ** 2
            mag = (u2 + 2) / np.sqrt(u2 * (u2 + 4))
            top = (u0**2 + 2) / (u0 * np.sqrt(u0**2 + 4))
            f = (mag - 1) / (top - 1)[:, None]
        clean[m] = f
    clean *= amp[:, None]
    sky = np.exp(0.35 * noise_rng.standard_normal((n, n_obs)))
    err = np.sqrt(sky**2 + 0.05 * np.abs(clean))
    flux = clean + err * noise_rng.standard_normal((n, n_obs))
    detected = flux > 3 * err
    first = np.where(detected.any(axis=1), detected.argmax(axis=1), 0)
    detection = t[np.arange(n), first]
    return LightCurves(t, flux, err, label, peak, detection, TRANSIENT_CLASSES[:5 if n_novel else 4])
