"""helpers.metrics: known answers for calibration and entropy, and argument checks."""

import numpy as np
import pytest

from helpers import metrics


def test_ece_is_zero_when_confidence_equals_accuracy_in_every_bin():
    # 10 predictions at confidence 0.8, of which 8 are right
    probs = np.tile([0.8, 0.2], (10, 1))
    labels = np.array([0] * 8 + [1] * 2)
    assert metrics.expected_calibration_error(probs=probs, labels=labels, n_bins=15) == pytest.approx(0.0)


def test_ece_is_one_for_certain_and_always_wrong():
    probs = np.tile([1.0, 0.0, 0.0], (6, 1))
    assert metrics.expected_calibration_error(probs, np.full(6, 2)) == pytest.approx(1.0)


def test_ece_weights_bins_by_count():
    # bin of 0.95: 3 predictions, all right (gap 0.05); bin of 0.6: 1 prediction, wrong (gap 0.6)
    probs = np.array([[0.95, 0.05]] * 3 + [[0.6, 0.4]])
    labels = np.array([0, 0, 0, 1])
    expected = 3 / 4 * 0.05 + 1 / 4 * 0.6
    assert metrics.expected_calibration_error(probs, labels, n_bins=10) == pytest.approx(expected)


def test_ece_matches_a_loop_over_bins(rng):
    logits = rng.normal(size=(500, 5)) * 3
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    labels = rng.integers(0, 5, 500)
    conf, pred = probs.max(1), probs.argmax(1)
    ece = 0.0
    for lo, hi in zip(np.linspace(0, 1, 16)[:-1], np.linspace(0, 1, 16)[1:], strict=True):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            ece += inside.mean() * abs((pred[inside] == labels[inside]).mean() - conf[inside].mean())
    assert metrics.expected_calibration_error(probs, labels) == pytest.approx(ece, rel=1e-12)


def test_reliability_bins_count_every_prediction_once(rng):
    probs = rng.dirichlet(np.ones(4), size=200)
    bins = metrics.reliability_bins(probs, rng.integers(0, 4, 200), n_bins=15)
    assert bins["count"].sum() == 200
    assert bins["edges"].shape == (16,)
    assert np.all(np.isnan(bins["accuracy"][bins["count"] == 0]))


def test_predictive_entropy_of_uniform_and_certain_rows():
    h = metrics.predictive_entropy(np.array([[0.25] * 4, [1.0, 0, 0, 0]]))
    np.testing.assert_allclose(h, [np.log(4), 0.0], atol=1e-15)


def test_mse_known_answer():
    assert metrics.mse([0, 0, 0], [1, 2, 2]) == pytest.approx(3.0)


@pytest.mark.parametrize("probs, labels, message", [
    (np.ones((3, 2)) / 2, np.zeros(4, int), "labels must have shape"),
    (np.array([[0.7, 0.7], [0.5, 0.5]]), np.zeros(2, int), "sum to 1"),
    (np.array([[1.2, -0.2]]), np.zeros(1, int), "non-negative"),
    (np.ones((2, 2)) / 2, np.array([0, 2]), r"labels must lie in \[0, 1\]"),
    (np.ones((2, 2)) / 2, np.array([0.5, 1.0]), "whole-number"),
    (np.ones(4) / 4, np.zeros(1, int), "probs must be 2-D"),
    (np.full((2, 2), np.nan), np.zeros(2, int), "NaN"),
])
def test_ece_rejects_bad_arguments(probs, labels, message):
    with pytest.raises(ValueError, match=message):
        metrics.expected_calibration_error(probs, labels)


def test_ece_rejects_bad_bin_count():
    with pytest.raises(ValueError, match="n_bins"):
        metrics.expected_calibration_error(np.ones((2, 2)) / 2, np.zeros(2, int), n_bins=0)
