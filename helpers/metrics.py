"""Scores for predictions: squared error, calibration, entropy. NumPy float64 in, floats out."""

from __future__ import annotations

import numpy as np

from . import _validate as v


def mse(y, y_pred) -> float:
    """Mean squared error between two (N,) arrays."""
    y = v.as_vector("y", y)
    y_pred = v.as_vector("y_pred", y_pred, length=y.shape[0])
    return float(np.mean((y - y_pred) ** 2))


def _check_probs(probs, labels=None):
    probs = v.as_matrix("probs", probs)
    n, k = probs.shape
    if n == 0 or k < 2:
        raise ValueError(f"probs must have at least one row and two classes, got shape {probs.shape}")
    if np.any(probs < 0):
        raise ValueError("probs must be non-negative")
    sums = probs.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-5):
        worst = int(np.argmax(np.abs(sums - 1)))
        raise ValueError(f"each row of probs must sum to 1 (row {worst} sums to {sums[worst]:.6g})")
    if labels is None:
        return probs, None
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise ValueError(f"labels must have shape ({n},) to match probs, got {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        if not (np.all(np.isfinite(labels)) and np.all(labels == np.round(labels))):
            raise ValueError("labels must be whole-number class indices")
        labels = labels.astype(np.int64)
    if labels.min() < 0 or labels.max() >= k:
        raise ValueError(f"labels must lie in [0, {k - 1}], got values from {labels.min()} to {labels.max()}")
    return probs, labels


def reliability_bins(probs, labels, n_bins: int = 15) -> dict[str, np.ndarray]:
    """Per-bin statistics of a reliability diagram with `n_bins` equal-width confidence bins.

    Confidence is the top class probability; bin b holds confidences in (b/n, (b+1)/n] (the first
    bin also holds 0). Returns arrays of length n_bins: `edges` (n_bins + 1), `count`,
    `confidence` (mean confidence, NaN where empty) and `accuracy` (NaN where empty).
    """
    probs, labels = _check_probs(probs, labels)
    n_bins = v.count("n_bins", n_bins, minimum=1)
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.clip(np.ceil(conf * n_bins).astype(int) - 1, 0, n_bins - 1)
    count = np.bincount(idx, minlength=n_bins).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = np.bincount(idx, weights=conf, minlength=n_bins) / count
        accuracy = np.bincount(idx, weights=correct, minlength=n_bins) / count
    return {"edges": edges, "count": count, "confidence": confidence, "accuracy": accuracy}


def expected_calibration_error(probs, labels, n_bins: int = 15) -> float:
    """ECE = sum_b (n_b / N) |accuracy_b - confidence_b| over equal-width confidence bins.

    `probs` is (N, K) class probabilities (rows sum to 1), `labels` (N,) integer classes.
    0 is perfect calibration; the largest possible value is 1.
    """
    bins = reliability_bins(probs, labels, n_bins)
    used = bins["count"] > 0
    weights = bins["count"][used] / bins["count"].sum()
    return float(np.sum(weights * np.abs(bins["accuracy"][used] - bins["confidence"][used])))


def predictive_entropy(probs) -> np.ndarray:
    """Entropy -sum_k p_k log p_k of each row of (N, K) probabilities, in nats, shape (N,)."""
    probs, _ = _check_probs(probs)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(probs > 0, probs * np.log(probs), 0.0)
    return -terms.sum(axis=1)
