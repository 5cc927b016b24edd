"""helpers.gaussians: KL between Gaussians, sample moments, the mean-field optimum, comparisons."""

import numpy as np
import pytest

from helpers import gaussians


def random_gaussian(rng, d):
    a = rng.normal(size=(d, d))
    return rng.normal(size=d), a @ a.T + 0.5 * np.eye(d)


def test_kl_of_a_gaussian_with_itself_is_zero(rng):
    m, S = random_gaussian(rng, 4)
    assert gaussians.kl_divergence(m, S, m, S) == pytest.approx(0.0, abs=1e-12)


def test_kl_matches_the_one_dimensional_formula():
    mq, sq, mp, sp = 0.3, 0.5, -1.0, 2.0
    expected = np.log(sp / sq) + (sq**2 + (mq - mp) ** 2) / (2 * sp**2) - 0.5
    assert gaussians.kl_divergence([mq], [[sq**2]], [mp], [[sp**2]]) == pytest.approx(expected, rel=1e-12)


def test_kl_matches_a_monte_carlo_estimate_and_is_not_symmetric(rng):
    from scipy import stats

    mq, Sq = random_gaussian(rng, 3)
    mp, Sp = random_gaussian(rng, 3)
    z = rng.multivariate_normal(mq, Sq, size=200_000)
    mc = np.mean(stats.multivariate_normal(mq, Sq).logpdf(z) - stats.multivariate_normal(mp, Sp).logpdf(z))
    exact = gaussians.kl_divergence(mq, Sq, mp, Sp)
    assert exact == pytest.approx(mc, rel=0.02)
    assert abs(exact - gaussians.kl_divergence(mp, Sp, mq, Sq)) > 1e-3


def test_sample_moments_agree_with_numpy(rng):
    s = rng.normal(size=(50, 3))
    mean, cov = gaussians.sample_moments(s)
    assert np.allclose(mean, s.mean(0)) and np.allclose(cov, np.cov(s.T))
    _, cov1 = gaussians.sample_moments(s[:, :1])
    assert cov1.shape == (1, 1)


def test_correlation_has_unit_diagonal_and_the_right_off_diagonal():
    S = np.array([[4.0, -1.2], [-1.2, 1.0]])
    rho = gaussians.correlation(S)
    assert np.allclose(np.diag(rho), 1) and rho[0, 1] == pytest.approx(-0.6)


def test_mean_field_optimum_in_two_dimensions_shrinks_sd_by_sqrt_one_minus_rho_squared():
    rho = 0.9
    S = np.array([[4.0, rho * 2 * 0.5], [rho * 2 * 0.5, 0.25]])
    mean, diag_cov = gaussians.mean_field_optimum([1.0, 2.0], S)
    ratio = np.sqrt(np.diag(diag_cov) / np.diag(S))
    assert np.allclose(ratio, np.sqrt(1 - rho**2)) and np.allclose(mean, [1, 2])
    assert np.count_nonzero(diag_cov - np.diag(np.diag(diag_cov))) == 0


def test_mean_field_optimum_minimizes_kl_among_diagonal_gaussians(rng):
    m, S = random_gaussian(rng, 4)
    m_opt, D_opt = gaussians.mean_field_optimum(m, S)
    best = gaussians.kl_divergence(m_opt, D_opt, m, S)
    for _ in range(50):
        var = np.diag(D_opt) * np.exp(0.2 * rng.normal(size=4))
        shift = 0.1 * rng.normal(size=4)
        assert gaussians.kl_divergence(m_opt + shift, np.diag(var), m, S) > best


def test_mean_field_optimum_never_exceeds_the_marginal_variance(rng):
    m, S = random_gaussian(rng, 5)
    _, D = gaussians.mean_field_optimum(m, S)
    assert np.all(np.diag(D) <= np.diag(S) + 1e-12)


def test_compare_reports_standardized_mean_error_sd_ratio_and_kl():
    ref_m, ref_S = np.zeros(2), np.diag([4.0, 1.0])
    out = gaussians.compare([1.0, -0.5], np.diag([1.0, 1.0]), ref_m, ref_S)
    assert np.allclose(out["z"], [0.5, -0.5]) and np.allclose(out["sd_ratio"], [0.5, 1.0])
    assert out["kl"] == pytest.approx(gaussians.kl_divergence([1.0, -0.5], np.eye(2), ref_m, ref_S))


@pytest.mark.parametrize("args, message", [
    (([0.0, 0.0], np.eye(3), [0.0, 0.0], np.eye(2)), "must have 2 rows"),
    (([0.0, 0.0], np.eye(2), [0.0], np.eye(1)), "same dimension"),
    (([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]], [0.0, 0.0], np.eye(2)), "not positive definite"),
    (([0.0, 0.0], [[1.0, 0.5], [0.0, 1.0]], [0.0, 0.0], np.eye(2)), "symmetric"),
    (([np.nan, 0.0], np.eye(2), [0.0, 0.0], np.eye(2)), "NaN"),
    (([], np.zeros((0, 0)), [], np.zeros((0, 0))), "at least one"),
])
def test_kl_rejects_bad_arguments_with_a_clear_message(args, message):
    with pytest.raises(ValueError, match=message):
        gaussians.kl_divergence(*args)


def test_other_functions_reject_bad_arguments():
    with pytest.raises(ValueError, match="at least 2 samples"):
        gaussians.sample_moments(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="2-D"):
        gaussians.sample_moments(np.zeros(3))
    with pytest.raises(ValueError, match="not positive definite"):
        gaussians.mean_field_optimum([0.0, 0.0], [[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="same dimension"):
        gaussians.compare([0.0], np.eye(1), [0.0, 0.0], np.eye(2))
