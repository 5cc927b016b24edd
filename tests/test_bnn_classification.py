"""Notebook 05b helpers: the self-checks of its activities (ECE by hand, temperature scaling,
mutual information), tested against independent computations and typical wrong answers."""

import numpy as np
import pytest

from helpers import checks, metrics

EXAMPLE = {"confidences": [0.95, 0.9, 0.85, 0.7, 0.65, 0.55], "correct": [1, 1, 0, 1, 0, 0], "n_bins": 5}


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _entropy(p):
    return -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0), axis=-1)

# ------------------------------------------------------------------------- check_ece_by_hand


def test_check_ece_by_hand_accepts_the_worked_example_and_rejects_the_unweighted_mean_gap():
    assert checks.check_ece_by_hand(0.5 * 0.7 / 3 + 0.175 / 3 + 0.55 / 6, **EXAMPLE)  # 0.2667
    assert not checks.check_ece_by_hand((0.7 / 3 + 0.175 + 0.55) / 3, **EXAMPLE)  # bins not weighted
    assert not checks.check_ece_by_hand(None, **EXAMPLE)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_check_ece_by_hand_agrees_with_metrics_expected_calibration_error(seed):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.full(4, 0.5), size=200)
    labels = rng.integers(0, 4, size=200)
    ece = metrics.expected_calibration_error(probs, labels, n_bins=15)
    correct = (probs.argmax(1) == labels).astype(float)
    assert checks.check_ece_by_hand(ece, confidences=probs.max(1), correct=correct, n_bins=15)


def test_check_ece_by_hand_puts_a_confidence_on_a_bin_edge_in_the_lower_bin():
    # 0.6 lies in (0.4, 0.6] with 0.5; in the upper bin it would join 0.7 and change the ECE
    result = checks.check_ece_by_hand(0.5 * 0.05 + 0.5 * 0.3, confidences=[0.5, 0.6, 0.7, 0.7],
                                      correct=[1, 0, 1, 1], n_bins=5)
    assert result, result.message


@pytest.mark.parametrize("kwargs, message", [
    ({"confidences": [0.5, 1.2], "correct": [1, 0]}, "confidences"),
    ({"correct": [1, 0, 1]}, "correct"),
    ({"correct": [1, 0, 2, 1, 0, 0]}, "0 \\(wrong\\) or 1"),
    ({"n_bins": 0}, "n_bins"),
])
def test_check_ece_by_hand_rejects_inputs_that_are_not_predictions(kwargs, message):
    with pytest.raises(ValueError, match=message):
        checks.check_ece_by_hand(0.1, **{**EXAMPLE, **kwargs})

# ------------------------------------------------------------------------- check_temperature_scale


def test_check_temperature_scale_accepts_a_softmax_of_log_probabilities_over_t():
    def right(probs, T):
        return _softmax(np.log(probs) / T)

    assert checks.check_temperature_scale(right)


@pytest.mark.parametrize("wrong", [
    lambda probs, T: probs,                                      # ignores T
    lambda probs, T: _softmax(np.log(probs) * T),                # multiplies by T
    lambda probs, T: probs ** (1 / T),                           # forgets to renormalize
    lambda probs, T: _softmax(np.log(probs.T) / T).T,            # normalizes over the wrong axis
    lambda probs, T: None,
])
def test_check_temperature_scale_rejects_typical_mistakes(wrong):
    assert not checks.check_temperature_scale(wrong)

# ------------------------------------------------------------------------- check_mutual_information


def test_check_mutual_information_accepts_entropy_of_mean_minus_mean_entropy():
    def right(draws):
        return _entropy(draws.mean(0)) - _entropy(draws).mean(0)

    assert checks.check_mutual_information(right)


@pytest.mark.parametrize("wrong", [
    lambda draws: _entropy(draws.mean(0)),                       # total entropy, not the disagreement
    lambda draws: _entropy(draws).mean(0),                       # expected entropy only
    lambda draws: _entropy(draws.mean(1)) - _entropy(draws).mean(1),  # averages over inputs
    lambda draws: -np.sum(draws.mean(0) * np.log(draws.mean(0)), -1)
    + np.mean(np.sum(draws * np.log(draws), -1), 0),             # 0 log 0 gives NaN on one-hot draws
])
def test_check_mutual_information_rejects_typical_mistakes(wrong):
    with np.errstate(divide="ignore", invalid="ignore"):
        assert not checks.check_mutual_information(wrong)


def test_mutual_information_reference_is_the_entropy_of_the_vote_for_one_hot_draws():
    # 3 one-hot draws voting 0, 1, 2 disagree completely: log 3; unanimous ones do not disagree: 0
    draws = np.eye(3)[np.array([[0, 1], [1, 1], [2, 1]])]  # (3 draws, 2 inputs, 3 classes)
    np.testing.assert_allclose(checks._mutual_information_reference(draws), [np.log(3), 0.0], atol=1e-12)

# ------------------------------------------------------------------------- check_fitted_temperature


def _underconfident_set(seed, n=400, k=5, sharpen=2.0):
    # labels drawn from softmax(z); the model reports softmax(z / sharpen): NLL-optimal T near 1 / sharpen
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, k)) * 3
    labels = np.array([rng.choice(k, p=p) for p in _softmax(z)])
    return _softmax(z / sharpen), labels


def test_check_fitted_temperature_accepts_the_nll_optimum_and_rejects_no_fit_or_the_inverse():
    probs, labels = _underconfident_set(1)
    grid = np.geomspace(0.05, 3, 200)
    nll = [metrics.negative_log_likelihood(_softmax(np.log(probs) / T), labels) for T in grid]
    t_best = grid[int(np.argmin(nll))]
    assert 0.35 < t_best < 0.7  # near 1 / 2
    assert checks.check_fitted_temperature(t_best, probs=probs, labels=labels)
    assert not checks.check_fitted_temperature(1.0, probs=probs, labels=labels)  # not fitted
    assert not checks.check_fitted_temperature(1 / t_best, probs=probs, labels=labels)  # T inverted
    assert not checks.check_fitted_temperature(None, probs=probs, labels=labels)
    assert not checks.check_fitted_temperature(-0.5, probs=probs, labels=labels)


def test_check_fitted_temperature_without_mistakes_accepts_any_very_small_t():
    probs = _softmax(np.array([[2.0, 0.0, 0.0], [0.0, 1.5, 0.0]]))
    labels = np.array([0, 1])
    assert checks.check_fitted_temperature(0.02, probs=probs, labels=labels)
    result = checks.check_fitted_temperature(0.5, probs=probs, labels=labels)
    assert not result and "no mistake" in result.message


def test_check_fitted_temperature_without_mistakes_accepts_the_grid_edge_despite_a_close_runner_up():
    # all right, but one digit's top two classes are close (0.45 vs 0.40): its NLL at T = 0.05 is still
    # 0.0008 nats per image, far above the 2e-4 tolerance at T = 0.01; the notebook's grid stops at 0.05
    probs = np.tile([0.96, 0.01, 0.01, 0.01, 0.01], (112, 1))
    probs[0] = [0.45, 0.40, 0.05, 0.05, 0.05]
    labels = np.zeros(112, dtype=int)
    assert checks.check_fitted_temperature(0.05, probs=probs, labels=labels)
    result = checks.check_fitted_temperature(0.5, probs=probs, labels=labels)
    assert not result and "no mistake" in result.message


def test_check_fitted_temperature_rejects_bad_tables():
    with pytest.raises(ValueError, match="labels"):
        checks.check_fitted_temperature(1.0, probs=np.full((2, 2), 0.5), labels=[0, 2])
    with pytest.raises(ValueError, match="probabilities"):
        checks.check_fitted_temperature(1.0, probs=np.full((2, 2), 0.6), labels=[0, 1])
