"""helpers.checks for notebooks 02 and 03: right answers pass, typical slips are named."""

import numpy as np
import pytest

from helpers import checks, data, linreg

# ------------------------------------------------------------------------- notebook 02


def test_check_weight_decay_accepts_the_mean_and_sum_recipes():
    lam, setting = 0.1**2 / 0.5**2, {"noise_std": 0.1, "prior_std": 0.5, "n_points": 50}
    assert checks.check_weight_decay(2 * lam / 50, **setting, reduction="mean")
    assert checks.check_weight_decay(2 * lam, **setting, reduction="sum")


@pytest.mark.parametrize("answer, reduction, phrase", [
    (0.04, "mean", "lambda itself"),
    (0.04 / 50, "mean", "factor 2"),
    (0.08, "mean", "reduction='sum'"),
    (0.08 / 50, "sum", "reduction='mean'"),
    (4.0, "mean", "prior precision"),
])
def test_check_weight_decay_names_the_usual_slips(answer, reduction, phrase):
    result = checks.check_weight_decay(answer, noise_std=0.1, prior_std=0.5, n_points=50, reduction=reduction)
    assert not result and phrase in result.message


def test_check_weight_decay_refuses_non_numbers_and_bad_settings():
    assert "number" in checks.check_weight_decay(None, noise_std=0.1, prior_std=0.5, n_points=50).message
    with pytest.raises(ValueError, match="reduction"):
        checks.check_weight_decay(0.1, noise_std=0.1, prior_std=0.5, n_points=50, reduction="max")
    with pytest.raises(ValueError, match="noise_std"):
        checks.check_weight_decay(0.1, noise_std=-0.1, prior_std=0.5, n_points=50)


def test_check_best_log_lambda_accepts_the_validation_minimum_and_says_which_side_a_miss_is_on():
    setting = {"degree": 12, "noise_std": 0.2, "n_points": 30, "seed": 3}
    x, y, x_val, y_val = data.sine_split(30, 0.2, 3)
    Phi, Phi_val = (linreg.design_matrix(v, "polynomial", 12) for v in (x, x_val))
    grid = np.linspace(-8, 2, 201)
    errors = [np.mean((Phi_val @ linreg.ridge(Phi, y, 10.0**k) - y_val) ** 2) for k in grid]
    best = float(grid[np.argmin(errors)])
    assert checks.check_best_log_lambda(best, **setting)
    assert "too large" in checks.check_best_log_lambda(2.0, **setting).message
    assert not checks.check_best_log_lambda(None, **setting)
    assert "outside" in checks.check_best_log_lambda(5.0, **setting).message


@pytest.mark.parametrize("seed", range(5))
def test_best_log_lambda_is_an_interior_optimum_for_every_seed(seed):
    # the activity only makes sense if both too little and too much regularization are worse
    x, y, x_val, y_val = data.sine_split(30, 0.2, seed)
    Phi, Phi_val = (linreg.design_matrix(v, "polynomial", 12) for v in (x, x_val))
    errors = [np.mean((Phi_val @ linreg.ridge(Phi, y, 10.0**k) - y_val) ** 2) for k in np.linspace(-8, 2, 41)]
    best = int(np.argmin(errors))
    assert 0 < best < 40 and errors[0] > 1.05 * errors[best] and errors[-1] > 1.05 * errors[best]


def test_check_ridge_free_bias_accepts_the_unpenalized_bias_and_spots_a_penalized_one():
    def free_bias(Phi, y, lam):
        penalty = lam * np.eye(Phi.shape[1])
        penalty[0, 0] = 0.0
        return np.linalg.solve(Phi.T @ Phi + penalty, Phi.T @ y)

    assert checks.check_ridge_free_bias(free_bias)
    penalized = checks.check_ridge_free_bias(linreg.ridge)
    assert not penalized and "penalizes the bias" in penalized.message
    assert not checks.check_ridge_free_bias(lambda Phi, y, lam: None)


# ------------------------------------------------------------------------- notebook 03


def kalman_update(mean, cov, phi, y, noise_std):
    s_phi = cov @ phi
    gain = s_phi / (noise_std**2 + phi @ s_phi)
    return mean + gain * (y - phi @ mean), cov - np.outer(gain, s_phi)


def test_check_posterior_update_accepts_the_kalman_update():
    assert checks.check_posterior_update(kalman_update)


def test_check_posterior_update_explains_wrong_means_covariances_and_returns():
    def forgets_noise(mean, cov, phi, y, noise_std):
        return kalman_update(mean, cov, phi, y, 1e-12)

    def wrong_mean(mean, cov, phi, y, noise_std):
        new_mean, new_cov = kalman_update(mean, cov, phi, y, noise_std)
        return new_mean + 0.1, new_cov

    assert "covariance is off" in checks.check_posterior_update(forgets_noise).message
    assert "mean is off" in checks.check_posterior_update(wrong_mean).message
    assert "return (new_mean, new_cov)" in checks.check_posterior_update(lambda *a: None).message
    assert "shapes" in checks.check_posterior_update(lambda m, c, *a: (m[:1], c)).message
    assert not checks.check_posterior_update(42)


def test_check_worked_example_prediction_knows_the_hand_computed_answer():
    mean = -2 / 2.04 + 16 / 8.04
    var = 1 + 1 / 2.04 + 16 / 8.04
    assert checks.check_worked_example_prediction(mean, np.sqrt(var))
    assert "noise" in checks.check_worked_example_prediction(mean, np.sqrt(var - 1)).message
    assert "variance" in checks.check_worked_example_prediction(mean, var).message
    line_through_points = 0.5 * 4 - 1
    assert not checks.check_worked_example_prediction(line_through_points, np.sqrt(var))
    assert not checks.check_worked_example_prediction(None, None)


def test_check_evidence_prior_std_accepts_the_maximum_and_says_which_side_a_miss_is_on():
    setting = {"degree": 9, "noise_std": 0.2, "n_points": 100, "seed": 1}
    x, y = data.sine_data(100, 0.2, 1)
    Phi = linreg.design_matrix(x, "polynomial", 9)
    scales = np.geomspace(0.01, 100, 401)
    evidence = [linreg.log_evidence(Phi, y, 0.2, np.zeros(10), s**2 * np.eye(10)) for s in scales]
    best = float(scales[np.argmax(evidence)])
    assert checks.check_evidence_prior_std(best, **setting)
    assert "too narrow" in checks.check_evidence_prior_std(0.01, **setting).message
    assert "too wide" in checks.check_evidence_prior_std(100.0, **setting).message
    assert "outside" in checks.check_evidence_prior_std(1000.0, **setting).message
    assert not checks.check_evidence_prior_std("big", **setting)
