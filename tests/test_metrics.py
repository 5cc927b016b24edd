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


# ------------------------------------------------------------- 05b: scores of classifiers and draws


def test_brier_score_known_answers():
    # certain and right: 0; certain and wrong: 2; uniform over K: 1 - 1/K
    assert metrics.brier_score(np.array([[1.0, 0.0, 0.0]]), np.array([0])) == pytest.approx(0.0)
    assert metrics.brier_score(np.array([[1.0, 0.0, 0.0]]), np.array([1])) == pytest.approx(2.0)
    assert metrics.brier_score(np.full((3, 4), 0.25), np.array([0, 1, 3])) == pytest.approx(0.75)
    # (0.7, 0.2, 0.1), label 0: 0.09 + 0.04 + 0.01
    assert metrics.brier_score(np.array([[0.7, 0.2, 0.1]]), np.array([0])) == pytest.approx(0.14)


def test_brier_score_is_proper_the_true_probabilities_minimize_it(rng):
    # labels drawn from q: the expected Brier score of predicting q is below that of any other p
    q = np.array([0.6, 0.3, 0.1])
    labels = rng.choice(3, size=20000, p=q)
    at_q = metrics.brier_score(np.tile(q, (labels.size, 1)), labels)
    for p in ([0.8, 0.15, 0.05], [1 / 3] * 3, [0.5, 0.4, 0.1]):
        assert metrics.brier_score(np.tile(p, (labels.size, 1)), labels) > at_q


def test_negative_log_likelihood_known_answer():
    probs = np.array([[0.5, 0.5], [0.9, 0.1]])
    assert metrics.negative_log_likelihood(probs, [0, 1]) == pytest.approx(-(np.log(0.5) + np.log(0.1)) / 2)


def test_mutual_information_is_zero_when_draws_agree_and_log_k_when_one_hot_draws_split_evenly():
    agree = np.tile(np.array([[0.2, 0.3, 0.5]]), (7, 1, 1))
    assert metrics.mutual_information(agree) == pytest.approx([0.0], abs=1e-12)
    split = np.eye(3)[np.array([[0], [1], [2]])]  # three one-hot draws, one per class: MI = log 3
    assert metrics.mutual_information(split) == pytest.approx([np.log(3)])


def test_mutual_information_is_total_minus_expected_entropy(rng):
    draws = rng.dirichlet(np.ones(4), size=(10, 6))  # (S, N, K)
    expected = metrics.predictive_entropy(draws.mean(0)) - np.mean(
        [metrics.predictive_entropy(d) for d in draws], axis=0)
    assert metrics.mutual_information(draws) == pytest.approx(expected, rel=1e-12)
    assert np.all(metrics.mutual_information(draws) >= 0)


def test_auroc_known_answers():
    assert metrics.auroc([0.1, 0.2], [0.3, 0.4]) == pytest.approx(1.0)  # perfectly separated
    assert metrics.auroc([0.3, 0.4], [0.1, 0.2]) == pytest.approx(0.0)  # perfectly reversed
    assert metrics.auroc([0.5, 0.5], [0.5]) == pytest.approx(0.5)  # all tied
    # positives 2 and 4 against negatives 1, 3: pairs (2>1), (2<3), (4>1), (4>3) -> 3/4
    assert metrics.auroc([1.0, 3.0], [2.0, 4.0]) == pytest.approx(0.75)
    # a tie counts one half: positive 3 against negatives 3, 1 -> (0.5 + 1) / 2
    assert metrics.auroc([3.0, 1.0], [3.0]) == pytest.approx(0.75)


def test_auroc_matches_sklearn_and_ignores_monotone_transforms(rng):
    from sklearn.metrics import roc_auc_score

    neg = np.round(rng.normal(size=300), 1)  # rounded: many ties
    pos = np.round(rng.normal(0.7, 1.0, size=200), 1)
    expected = roc_auc_score(np.r_[np.zeros(300), np.ones(200)], np.r_[neg, pos])
    assert metrics.auroc(neg, pos) == pytest.approx(expected, rel=1e-12)
    assert metrics.auroc(np.exp(neg), np.exp(pos)) == pytest.approx(expected, rel=1e-12)


def test_ece_floor_matches_the_ece_of_simulated_calibrated_outcomes():
    # every confidence 0.8 in one bin: ECE = |mean of N Bernoulli(0.8) - 0.8|, whose mean for N = 100
    # is close to sqrt(0.8 * 0.2 / 100) * sqrt(2 / pi) = 0.0319
    probs = np.tile([0.8, 0.2], (100, 1))
    floor = metrics.ece_floor(probs, n_sims=4000, seed=1)
    assert floor.shape == (4000,)
    assert floor.mean() == pytest.approx(np.sqrt(0.16 / 100) * np.sqrt(2 / np.pi), rel=0.05)


def test_ece_floor_values_are_the_binned_ece_of_each_simulated_outcome():
    # confidences spread over several bins: each simulated value is the ECE of that simulated outcome
    conf = np.linspace(0.5, 0.99, 60)
    probs = np.column_stack([conf, 1 - conf])
    floor = metrics.ece_floor(probs, n_bins=15, n_sims=5, seed=3)
    correct = np.random.default_rng(3).random((5, 60)) < conf
    for value, right in zip(floor, correct, strict=True):
        labels = np.where(right, 0, 1)
        assert value == pytest.approx(metrics.expected_calibration_error(probs, labels, n_bins=15), rel=1e-12)


def test_ece_floor_vanishes_for_certain_predictions_and_shrinks_with_n():
    assert np.all(metrics.ece_floor(np.tile([1.0, 0.0], (50, 1))) == 0.0)
    small = metrics.ece_floor(np.tile([0.7, 0.3], (50, 1)), seed=2).mean()
    large = metrics.ece_floor(np.tile([0.7, 0.3], (5000, 1)), seed=2).mean()
    assert large < small / 5  # ~ 1 / sqrt(N): a factor 10


@pytest.mark.parametrize("call, message", [
    (lambda: metrics.brier_score(np.array([[0.5, 0.6]]), [0]), "sum to 1"),
    (lambda: metrics.brier_score(np.array([[0.5, 0.5]]), [2]), "labels must lie"),
    (lambda: metrics.negative_log_likelihood(np.array([[0.5, 0.5]]), [0, 1]), "labels must have shape"),
    (lambda: metrics.mutual_information(np.full((3, 4), 0.25)), r"shape \(S, N, K\)"),
    (lambda: metrics.mutual_information(np.full((2, 3, 4), 0.3)), "sum to 1"),
    (lambda: metrics.auroc([], [1.0]), "at least one score"),
    (lambda: metrics.auroc([[0.1, 0.2]], [1.0]), "1-D"),
    (lambda: metrics.auroc([0.1, np.nan], [1.0]), "NaN"),
    (lambda: metrics.ece_floor(np.array([[0.5, 0.5]]), n_bins=0), "n_bins"),
    (lambda: metrics.ece_floor(np.array([[0.5, 0.5]]), n_sims=2.5), "n_sims"),
])
def test_score_helpers_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
