"""Notebook 05 helpers: the toy regression curve of Blundell et al. and the activity self-checks."""

import numpy as np
import pytest
import torch

from helpers import checks, data, explorers

# ------------------------------------------------------------------------- data.bnn_toy_data


def test_bnn_toy_data_has_sorted_inputs_in_the_training_range_and_the_papers_noise_model():
    x, y = data.bnn_toy_data(500, seed=3)
    assert x.shape == y.shape == (500,)
    assert np.all(np.diff(x) >= 0) and x.min() >= 0.0 and x.max() <= 0.5
    # e enters inside the sines and outside: recover e from the same streams and rebuild y
    x_rng, noise_rng = data.rng_from(3).spawn(2)
    x_raw = x_rng.uniform(0.0, 0.5, 500)
    e = 0.02 * noise_rng.standard_normal(500)
    order = np.argsort(x_raw)
    expected = x_raw + 0.3 * np.sin(2 * np.pi * (x_raw + e)) + 0.3 * np.sin(4 * np.pi * (x_raw + e)) + e
    np.testing.assert_allclose(y, expected[order])


def test_bnn_toy_data_without_noise_lies_on_the_curve_and_larger_sets_extend_smaller_ones():
    x, y = data.bnn_toy_data(50, noise_std=0.0, seed=1)
    np.testing.assert_allclose(y, data.bnn_toy_function(x), atol=1e-12)
    x_small, _ = data.bnn_toy_data(20, seed=1)
    x_big, _ = data.bnn_toy_data(40, seed=1)
    assert set(x_small) <= set(x_big)


def test_bnn_toy_data_residual_spread_is_a_few_noise_sds():
    x, y = data.bnn_toy_data(4000, seed=0)
    resid = y - data.bnn_toy_function(x)
    # slope of f is up to ~1 + 0.6 pi + 1.2 pi ~ 7.9, so the spread lies between sigma and ~8 sigma
    assert 0.02 < resid.std() < 0.16


@pytest.mark.parametrize("kwargs, message", [({"n_points": 0}, "n_points"),
                                             ({"noise_std": -1.0}, "noise_std")])
def test_bnn_toy_data_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.bnn_toy_data(**kwargs)


# ------------------------------------------------------------------------- checks, notebook 05


def test_check_kl_overweight_accepts_n_over_b_only():
    assert checks.check_kl_overweight(4, n_points=100, batch_size=25)
    assert not checks.check_kl_overweight(0.25, n_points=100, batch_size=25)
    assert not checks.check_kl_overweight(None, n_points=100, batch_size=25)
    with pytest.raises(ValueError, match="batch_size"):
        checks.check_kl_overweight(1, n_points=10, batch_size=20)


def test_check_lrt_preactivations_accepts_the_gaussian_preactivation_and_rejects_mistakes():
    def right(x, w_mu, w_sd, b_mu, b_sd, eps):
        return x @ w_mu + b_mu + eps * torch.sqrt(x**2 @ w_sd**2 + b_sd**2)

    def variance_not_sd(x, w_mu, w_sd, b_mu, b_sd, eps):
        return x @ w_mu + b_mu + eps * (x**2 @ w_sd**2 + b_sd**2)

    def square_after_sum(x, w_mu, w_sd, b_mu, b_sd, eps):
        return x @ w_mu + b_mu + eps * torch.sqrt((x @ w_sd) ** 2 + b_sd**2)

    assert checks.check_lrt_preactivations(right)
    assert not checks.check_lrt_preactivations(variance_not_sd)
    assert not checks.check_lrt_preactivations(square_after_sum)
    assert "raised" in checks.check_lrt_preactivations(lambda *a: 1 / 0).message


def test_lrt_preactivations_have_the_distribution_of_sampled_weights():
    # the reference the check uses is what sampling whole weight matrices gives, in distribution
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(1, 3, generator=gen, dtype=torch.float64)
    w_mu, w_sd = torch.randn(3, 2, generator=gen, dtype=torch.float64), torch.rand(3, 2, generator=gen,
                                                                                     dtype=torch.float64)
    b_mu, b_sd = torch.zeros(2, dtype=torch.float64), 0.5 * torch.ones(2, dtype=torch.float64)
    W = w_mu + w_sd * torch.randn(200_000, 3, 2, generator=gen, dtype=torch.float64)
    b = b_mu + b_sd * torch.randn(200_000, 2, generator=gen, dtype=torch.float64)
    sampled = (x @ W)[:, 0] + b
    mean = checks._lrt_reference(x, w_mu, w_sd, b_mu, b_sd, torch.zeros(1, 2, dtype=torch.float64))
    sd = checks._lrt_reference(x, w_mu, w_sd, b_mu, b_sd, torch.ones(1, 2, dtype=torch.float64)) - mean
    torch.testing.assert_close(sampled.mean(0), mean[0], atol=0.02, rtol=0)
    torch.testing.assert_close(sampled.std(0), sd[0], atol=0.02, rtol=0.01)


def test_check_linear_prior_variance_matches_sampled_linear_networks():
    # Monte Carlo over many networks with activation "none" agrees with the closed form it checks
    x = np.linspace(-2, 2, 5)
    f = np.concatenate([explorers.prior_function_samples(x, 100, 1.5, 0.5, "none", 1, seed=s)
                        for s in range(200)])
    expected = checks._linear_prior_variance_reference(x, 1.5, 0.5)
    np.testing.assert_allclose(f.var(axis=0), expected, rtol=0.2)
    assert checks.check_linear_prior_variance(checks._linear_prior_variance_reference)
    assert not checks.check_linear_prior_variance(lambda x, w, b: b**2 + w**2 * x**2 + b**2)
