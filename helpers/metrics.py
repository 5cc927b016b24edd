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


# ---------------------------------------------------- scores of classifiers and of their draws (05b)


def _check_draws(prob_draws) -> np.ndarray:
    """(S, N, K) class probabilities of S draws (posterior samples, ensemble members, dropout masks)."""
    draws = np.asarray(prob_draws, dtype=np.float64)
    if draws.ndim != 3:
        raise ValueError(f"prob_draws must have shape (S, N, K): S draws of N rows of K class "
                         f"probabilities, got an array of shape {draws.shape}")
    s, n, k = draws.shape
    _check_probs(draws.reshape(s * n, k))
    return draws


def negative_log_likelihood(probs, labels) -> float:
    """Mean -log p(label) over the rows of (N, K) probabilities, in nats (inf if a label has p = 0)."""
    probs, labels = _check_probs(probs, labels)
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(probs[np.arange(labels.shape[0]), labels])))


def brier_score(probs, labels) -> float:
    """Multi-class Brier score: mean over rows of sum_k (p_k - [k = label])^2, in [0, 2].

    A proper scoring rule (its expectation is minimized by the true class probabilities) that, unlike
    the NLL, stays bounded for a confident mistake. `probs` (N, K), `labels` (N,) integer classes.
    """
    probs, labels = _check_probs(probs, labels)
    target = np.zeros_like(probs)
    target[np.arange(labels.shape[0]), labels] = 1.0
    return float(np.mean(np.sum((probs - target) ** 2, axis=1)))


def mutual_information(prob_draws) -> np.ndarray:
    """Mutual information between the label and the draw, per input, in nats, shape (N,).

    `prob_draws` (S, N, K) are the class probabilities of S equally weighted draws (posterior samples,
    ensemble members, dropout masks). MI = H[mean_s p_s] - mean_s H[p_s] >= 0: the part of the
    predictive entropy that comes from the draws disagreeing (0 when they all agree).
    """
    draws = _check_draws(prob_draws)
    s, n, k = draws.shape
    mean_entropy = predictive_entropy(draws.reshape(s * n, k)).reshape(s, n).mean(axis=0)
    return np.maximum(predictive_entropy(draws.mean(axis=0)) - mean_entropy, 0.0)  # clip rounding below 0


def auroc(scores_in, scores_out) -> float:
    """Area under the ROC curve for telling `scores_out` (positives) from `scores_in` (negatives).

    Equals the probability that a random positive scores higher than a random negative, ties
    counting one half (the Mann-Whitney statistic): 1 is a perfect ranking, 0.5 a coin flip. Only
    the ranking of the scores matters, so any increasing transformation leaves it unchanged. Both
    arguments are 1-D arrays of finite scores, e.g. predictive entropies of in- and
    out-of-distribution inputs.
    """
    neg, pos = v.as_vector("scores_in", scores_in), v.as_vector("scores_out", scores_out)
    if neg.size == 0 or pos.size == 0:
        raise ValueError("scores_in and scores_out must each hold at least one score")
    both = np.concatenate([neg, pos])
    # mid-ranks (1-based; tied scores share the mean of their ranks)
    order = np.argsort(both, kind="mergesort")
    sorted_scores = both[order]
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    ends = np.r_[starts[1:], both.size]
    ranks = np.empty(both.size)
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    rank_sum = ranks[neg.size:].sum()
    return float((rank_sum - pos.size * (pos.size + 1) / 2) / (pos.size * neg.size))


def ece_floor(probs, n_bins: int = 15, n_sims: int = 2000, seed: int = 0) -> np.ndarray:
    """ECEs of a perfectly calibrated model with the same confidences, by simulation, shape (n_sims,).

    The ECE of a finite test set is biased upwards: even a model whose every confidence c_n is the
    true probability of being right has accuracy != confidence in a bin by chance. Here each of
    `n_sims` simulations keeps the confidences c_n = max_k probs[n, k] of the (N, K) table `probs`
    and draws "correct" ~ Bernoulli(c_n) for each row, then computes the ECE with `n_bins`
    equal-width bins as `expected_calibration_error` does. Their mean and upper quantiles are the
    floor below which a model's measured ECE says nothing.
    """
    probs, _ = _check_probs(probs)
    n_bins = v.count("n_bins", n_bins, minimum=1)
    n_sims = v.count("n_sims", n_sims, minimum=1)
    conf = probs.max(axis=1)
    idx = np.clip(np.ceil(conf * n_bins).astype(int) - 1, 0, n_bins - 1)
    in_bin = np.zeros((conf.size, n_bins))
    in_bin[np.arange(conf.size), idx] = 1.0
    correct = (np.random.default_rng(seed).random((n_sims, conf.size)) < conf).astype(np.float64)
    # per bin |sum of correct - sum of confidences| / N, summed: the same as sum_b n_b/N |acc_b - conf_b|
    return np.abs(correct @ in_bin - conf @ in_bin).sum(axis=1) / conf.size
