"""helpers.linreg against independent float64 computations, and its argument checks."""

import numpy as np
import pytest
from scipy import stats

from helpers import linreg


def random_problem(rng, n=30, d=4):
    Phi = rng.normal(size=(n, d))
    y = Phi @ rng.normal(size=d) + 0.3 * rng.normal(size=n)
    A = rng.normal(size=(d, d))
    prior_cov = A @ A.T + 0.5 * np.eye(d)
    prior_mean = rng.normal(size=d)
    noise_std = rng.uniform(0.2, 2.0)
    return Phi, y, noise_std, prior_mean, prior_cov


# ------------------------------------------------------------------------------ bases

@pytest.mark.parametrize("family", sorted(linreg.BASES))
def test_design_matrix_has_bias_column_and_requested_width(family):
    x = np.linspace(0, 1, 17)
    Phi = linreg.design_matrix(x, family, 5)
    assert Phi.shape == (17, 6)
    assert np.all(Phi[:, 0] == 1.0)
    assert linreg.design_matrix(x, family, 5, bias=False).shape == (17, 5)
    assert linreg.design_matrix(x, family, 0).shape == (17, 1)


@pytest.mark.parametrize("family", ["polynomial", "fourier"])
def test_polynomial_and_fourier_bases_are_nested(family):
    x = np.linspace(0, 1, 23)
    small, large = linreg.design_matrix(x, family, 4), linreg.design_matrix(x, family, 7)
    np.testing.assert_array_equal(large[:, :5], small)


def test_polynomial_maps_domain_to_minus_one_one_and_raw_powers_without_domain():
    x = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(linreg.polynomial_features(x, 2), [[-1, 1], [0, 0], [1, 1]])
    np.testing.assert_allclose(linreg.polynomial_features(x, 2, domain=None),
                               [[0, 0], [0.5, 0.25], [1, 1]])


def test_fourier_lowest_frequency_spans_half_a_period_over_the_domain():
    x = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(linreg.fourier_features(x, 2), [[0, 1], [1, 0], [0, -1]], atol=1e-15)


def test_rbf_peaks_at_evenly_spaced_centres():
    centres = np.linspace(0, 1, 5)
    Phi = linreg.rbf_features(centres, 5)
    np.testing.assert_allclose(np.diag(Phi), 1.0)
    np.testing.assert_allclose(Phi[0, 1], np.exp(-0.5))  # width = spacing by default


@pytest.mark.parametrize("call, message", [
    (lambda: linreg.design_matrix([0.1, 0.2], "spline", 3), "family must be one of"),
    (lambda: linreg.design_matrix([0.1, 0.2], "rbf", -1), "n_basis"),
    (lambda: linreg.design_matrix([0.1, 0.2], "rbf", 2.5), "n_basis"),
    (lambda: linreg.design_matrix([[0.1, 0.2]], "rbf", 2), "x must be 1-D"),
    (lambda: linreg.design_matrix([0.1, np.nan], "fourier", 2), "NaN"),
    (lambda: linreg.design_matrix([0.1, 0.2], "fourier", 2, domain=(1, 0)), "domain"),
    (lambda: linreg.rbf_features([0.1], 2, width=0.0), "width"),
])
def test_bad_basis_arguments_raise_clear_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------------- point estimates

def test_ols_solves_the_normal_equations(rng):
    Phi, y, *_ = random_problem(rng)
    theta = linreg.ols(Phi, y)
    np.testing.assert_allclose(Phi.T @ Phi @ theta, Phi.T @ y, rtol=1e-10, atol=1e-10)


def test_ridge_matches_closed_form_and_tends_to_ols(rng):
    Phi, y, *_ = random_problem(rng)
    lam = 2.5
    closed = np.linalg.solve(Phi.T @ Phi + lam * np.eye(Phi.shape[1]), Phi.T @ y)
    np.testing.assert_allclose(linreg.ridge(Phi, y, lam), closed, rtol=1e-10)
    np.testing.assert_allclose(linreg.ridge(Phi, y, 0.0), linreg.ols(Phi, y), rtol=1e-10)
    np.testing.assert_allclose(linreg.ridge(Phi, y, 1e-9), linreg.ols(Phi, y), rtol=1e-6)


def test_ridge_norm_shrinks_as_lambda_grows(rng):
    Phi, y, *_ = random_problem(rng)
    norms = [np.linalg.norm(linreg.ridge(Phi, y, lam)) for lam in np.logspace(-3, 3, 13)]
    assert np.all(np.diff(norms) < 0)


def test_training_error_never_increases_with_nested_bases():
    x_tr = np.linspace(0, 1, 40)
    y_tr = np.sin(7 * x_tr)
    for family in ("polynomial", "fourier"):
        train, _ = linreg.fit_errors(x_tr, y_tr, x_tr, y_tr, family=family, max_basis=20)
        assert np.all(np.diff(train) <= 1e-12), family


@pytest.mark.parametrize("call, message", [
    (lambda: linreg.ols(np.ones((5, 2)), np.ones(4)), "5 rows but y has 4"),
    (lambda: linreg.ols(np.ones(5), np.ones(5)), "Phi must be 2-D"),
    (lambda: linreg.ridge(np.ones((5, 2)), np.ones(5), -1.0), "lam"),
    (lambda: linreg.ridge(np.ones((5, 2)), np.full(5, np.inf), 1.0), "infinite"),
])
def test_bad_regression_arguments_raise_clear_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -------------------------------------------------------- conjugate posterior: contract

def test_posterior_matches_textbook_formula(rng):
    for _ in range(5):
        Phi, y, s, m0, S0 = random_problem(rng, n=int(rng.integers(1, 40)), d=int(rng.integers(1, 6)))
        S0_inv = np.linalg.inv(S0)
        SN = s**2 * np.linalg.inv(Phi.T @ Phi + s**2 * S0_inv)
        mN = SN @ (S0_inv @ m0 + Phi.T @ y / s**2)
        mean, cov = linreg.posterior(Phi=Phi, y=y, noise_std=s, prior_mean=m0, prior_cov=S0)
        np.testing.assert_allclose(mean, mN, rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(cov, SN, rtol=1e-9, atol=1e-11)
        np.testing.assert_array_equal(cov, cov.T)


def test_posterior_with_no_data_is_the_prior(rng):
    _, _, s, m0, S0 = random_problem(rng)
    mean, cov = linreg.posterior(np.empty((0, 4)), np.empty(0), s, m0, S0)
    np.testing.assert_allclose(mean, m0, rtol=1e-12)
    np.testing.assert_allclose(cov, S0, rtol=1e-12)


def test_sequential_one_point_updates_equal_the_batch_posterior(rng):
    Phi, y, s, m0, S0 = random_problem(rng, n=25, d=3)
    mean, cov = m0, S0
    for i in range(len(y)):
        mean, cov = linreg.posterior(Phi[i:i + 1], y[i:i + 1], s, mean, cov)
    batch_mean, batch_cov = linreg.posterior(Phi, y, s, m0, S0)
    np.testing.assert_allclose(mean, batch_mean, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(cov, batch_cov, rtol=1e-10, atol=1e-12)


def test_posterior_mean_is_ridge_for_a_zero_mean_isotropic_prior(rng):
    Phi, y, s, *_ = random_problem(rng)
    s0 = 1.7
    mean, _ = linreg.posterior(Phi, y, s, np.zeros(4), s0**2 * np.eye(4))
    np.testing.assert_allclose(mean, linreg.ridge(Phi, y, s**2 / s0**2), rtol=1e-9)


def test_predictive_matches_direct_formula_and_includes_noise(rng):
    Phi, y, s, m0, S0 = random_problem(rng)
    mean, cov = linreg.posterior(Phi, y, s, m0, S0)
    Phi_new = rng.normal(size=(11, 4))
    pred_mean, pred_var = linreg.predictive(Phi=Phi_new, mean=mean, cov=cov, noise_std=s)
    np.testing.assert_allclose(pred_mean, Phi_new @ mean, rtol=1e-12)
    direct = s**2 + np.einsum("nd,de,ne->n", Phi_new, cov, Phi_new)
    np.testing.assert_allclose(pred_var, direct, rtol=1e-10)
    assert np.all(pred_var >= s**2)


def test_log_evidence_matches_the_multivariate_normal_density(rng):
    for _ in range(5):
        Phi, y, s, m0, S0 = random_problem(rng, n=int(rng.integers(1, 40)), d=int(rng.integers(1, 6)))
        direct = stats.multivariate_normal(Phi @ m0, s**2 * np.eye(len(y)) + Phi @ S0 @ Phi.T).logpdf(y)
        got = linreg.log_evidence(Phi=Phi, y=y, noise_std=s, prior_mean=m0, prior_cov=S0)
        assert isinstance(got, float)
        np.testing.assert_allclose(got, direct, rtol=1e-9)


def test_log_evidence_chain_rule_equals_sum_of_one_step_predictives(rng):
    Phi, y, s, m0, S0 = random_problem(rng, n=12, d=3)
    total, mean, cov = 0.0, m0, S0
    for i in range(len(y)):
        mu, var = linreg.predictive(Phi[i:i + 1], mean, cov, s)
        total += stats.norm(mu[0], np.sqrt(var[0])).logpdf(y[i])
        mean, cov = linreg.posterior(Phi[i:i + 1], y[i:i + 1], s, mean, cov)
    np.testing.assert_allclose(linreg.log_evidence(Phi, y, s, m0, S0), total, rtol=1e-9)


BAD_CONTRACT_CALLS = {
    "mismatched y": (lambda P, y, s, m, S: linreg.posterior(P, y[:-1], s, m, S), "rows but y has"),
    "mismatched prior mean": (lambda P, y, s, m, S: linreg.posterior(P, y, s, m[:-1], S),
                              "prior_mean must have length"),
    "mismatched prior cov": (lambda P, y, s, m, S: linreg.log_evidence(P, y, s, m, S[:-1]),
                             "prior_cov must have"),
    "zero noise": (lambda P, y, s, m, S: linreg.posterior(P, y, 0.0, m, S),
                   "noise_std must be a positive number"),
    "negative noise": (lambda P, y, s, m, S: linreg.log_evidence(P, y, -1.0, m, S),
                       "noise_std must be a positive number"),
    "string noise": (lambda P, y, s, m, S: linreg.posterior(P, y, "1", m, S), "noise_std"),
    "indefinite prior": (lambda P, y, s, m, S: linreg.posterior(P, y, s, m, -S), "not positive definite"),
    "asymmetric prior": (lambda P, y, s, m, S: linreg.posterior(P, y, s, m, S + np.triu(S, 1)),
                         "symmetric"),
    "NaN in y": (lambda P, y, s, m, S: linreg.posterior(P, np.where(y > 0, np.nan, y), s, m, S), "NaN"),
    "NaN in Phi": (lambda P, y, s, m, S: linreg.log_evidence(P * np.nan, y, s, m, S), "NaN"),
    "predictive cov not PD": (lambda P, y, s, m, S: linreg.predictive(P, m, -S, s),
                              "not positive definite"),
    "predictive mean length": (lambda P, y, s, m, S: linreg.predictive(P, m[:2], S, s), "mean must"),
    "predictive zero noise": (lambda P, y, s, m, S: linreg.predictive(P, m, S, 0), "noise_std"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONTRACT_CALLS))
def test_contract_functions_reject_bad_arguments_with_clear_messages(case, rng):
    call, message = BAD_CONTRACT_CALLS[case]
    with pytest.raises(ValueError, match=message):
        call(*random_problem(rng))


# ------------------------------------------------------------------ evidence approximation


def test_fit_evidence_maximizes_log_evidence_like_a_direct_optimizer():
    from scipy import optimize

    from helpers import data
    for seed, degree in [(0, 9), (3, 4), (7, 15)]:
        x, y = data.sine_data(60, 0.2, seed)
        Phi = linreg.design_matrix(x, "polynomial", degree)
        d = degree + 1

        def neg(log_stds, Phi=Phi, y=y, d=d):
            s0, se = np.exp(log_stds)
            return -linreg.log_evidence(Phi, y, se, np.zeros(d), s0**2 * np.eye(d))

        prior_std, noise_std = linreg.fit_evidence(Phi, y, prior_std=1.0, noise_std=0.2)
        direct = optimize.minimize(neg, np.log([1.0, 0.2]), method="Nelder-Mead",
                                   options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 4000})
        np.testing.assert_allclose([prior_std, noise_std], np.exp(direct.x), rtol=1e-3)
        assert -neg(np.log([prior_std, noise_std])) >= -direct.fun - 1e-7


def test_fit_evidence_recovers_the_hyperparameters_of_data_drawn_from_the_model(rng):
    Phi = rng.normal(size=(4000, 6))
    theta = 2.0 * rng.normal(size=6)
    y = Phi @ theta + 0.5 * rng.normal(size=4000)
    prior_std, noise_std = linreg.fit_evidence(Phi, y)
    assert noise_std == pytest.approx(0.5, rel=0.05)
    assert prior_std == pytest.approx(np.linalg.norm(theta) / np.sqrt(6), rel=0.05)  # alpha = gamma / |m|^2


def test_fit_evidence_stays_inside_its_range_when_the_maximum_is_at_a_boundary():
    Phi = np.ones((5, 1))
    prior_std, noise_std = linreg.fit_evidence(Phi, np.array([0.1, -0.1, 0.2, -0.2, 0.0]))
    assert prior_std == pytest.approx(1e-4)  # the data need no weight: sigma_0 -> 0, kept at the bound
    for n in (1, 2, 3):                      # fewer points than parameters: still finite, inside the range
        Phi = linreg.design_matrix(np.linspace(0, 1, n), "polynomial", 9)
        stds = linreg.fit_evidence(Phi, np.sin(np.arange(n) + 1.0))
        assert all(1e-4 <= s <= 1e4 for s in stds), stds


@pytest.mark.parametrize("kwargs, message", [
    ({"prior_std": 0.0}, "prior_std"), ({"noise_std": -1.0}, "noise_std"),
    ({"std_range": (1.0, 0.5)}, "std_range"), ({"max_iter": -1}, "max_iter")])
def test_fit_evidence_rejects_bad_arguments(kwargs, message, rng):
    with pytest.raises(ValueError, match=message):
        linreg.fit_evidence(rng.normal(size=(10, 2)), rng.normal(size=10), **kwargs)
    with pytest.raises(ValueError, match="rows"):
        linreg.fit_evidence(rng.normal(size=(10, 2)), rng.normal(size=9))
