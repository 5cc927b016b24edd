"""helpers.pyro_checks: guides read by site name, the exact-match check, minibatch unbiasedness."""

import numpy as np
import pyro
import pyro.distributions as dist
import pytest
import torch
from pyro.infer import SVI, Trace_ELBO
from pyro.infer.autoguide import AutoDiagonalNormal, AutoMultivariateNormal
from pyro.optim import ClippedAdam

from helpers import gaussians, linreg, pyro_checks

NOISE, PRIOR = 0.2, 2.0


def make_data(n=30, degree=2, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, n)
    y = x * np.sin(10 * x) + NOISE * rng.normal(size=n)
    Phi = linreg.design_matrix(x, "polynomial", degree)
    return Phi, y, torch.tensor(Phi[:, 1:], dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def bias_first(features, y=None):
    bias = pyro.sample("bias", dist.Normal(0.0, PRIOR))
    weight = pyro.sample("weight", dist.Normal(0.0, PRIOR).expand([features.shape[-1]]).to_event(1))
    with pyro.plate("data", features.shape[0]):
        return pyro.sample("y", dist.Normal(bias + (features * weight).sum(-1), NOISE), obs=y)


def weight_first(features, y=None):          # correct too, but the guide stores weight before bias
    weight = pyro.sample("weight", dist.Normal(0.0, PRIOR).expand([features.shape[-1]]).to_event(1))
    bias = pyro.sample("bias", dist.Normal(0.0, PRIOR))
    with pyro.plate("data", features.shape[0]):
        return pyro.sample("y", dist.Normal((features * weight).sum(-1) + bias, NOISE), obs=y)


def misbroadcast(features, y=None):          # notebook 04 section 7: (K, 1, N) + (K, 1) -> (K, K, N)
    weight = pyro.sample("weight", dist.Normal(0.0, PRIOR).expand([features.shape[-1]]).to_event(1))
    bias = pyro.sample("bias", dist.Normal(0.0, PRIOR))
    mean = (features @ weight.unsqueeze(-1)).squeeze(-1) + bias
    with pyro.plate("data", features.shape[0]):
        return pyro.sample("y", dist.Normal(mean, NOISE), obs=y)


def fitted_summary(model, steps=400, particles=16, seed=0):
    Phi, y, features, targets = make_data()
    P = Phi.shape[1]
    mu, Sigma = linreg.posterior(Phi, y, NOISE, np.zeros(P), PRIOR**2 * np.eye(P))
    pyro.clear_param_store()
    pyro.set_rng_seed(seed)
    guide = AutoMultivariateNormal(model, init_scale=0.1)
    svi = SVI(model, guide, ClippedAdam({"lr": 0.3, "lrd": 0.03 ** (1 / steps), "betas": (0.9, 0.99)}),
              Trace_ELBO(num_particles=particles, vectorize_particles=True, max_plate_nesting=1))
    for _ in range(steps):
        svi.step(features, targets)
    return guide, gaussians.compare(*pyro_checks.guide_gaussian(guide, ("bias", "weight")), mu, Sigma)


def test_guide_gaussian_reads_blocks_by_site_name_not_position():
    _, _, features, targets = make_data()
    guide = AutoMultivariateNormal(weight_first)
    guide(features, targets)                                     # builds the prototype trace
    assert pyro_checks.site_order(guide) == ["weight", "bias"]
    params = dict(guide.named_parameters())
    with torch.no_grad():
        params["loc"].copy_(torch.arange(3.0))      # (w1, w2, b) = (0, 1, 2)
        params["scale_tril_unconstrained"].normal_()             # some correlation to permute
    mean, cov = pyro_checks.guide_gaussian(guide, ("bias", "weight"))
    np.testing.assert_allclose(mean, [2.0, 0.0, 1.0])
    chol = guide.get_posterior().scale_tril.detach().double().numpy()
    order = [2, 0, 1]                                            # bias, then the weights
    np.testing.assert_allclose(cov, (chol @ chol.T)[np.ix_(order, order)], rtol=1e-6, atol=1e-9)


def test_guide_gaussian_works_for_the_diagonal_guide_and_rejects_bad_sites():
    _, _, features, targets = make_data()
    guide = AutoDiagonalNormal(bias_first)
    with pytest.raises(ValueError, match="run it"):
        pyro_checks.guide_gaussian(guide, ("bias",))
    guide(features, targets)
    mean, cov = pyro_checks.guide_gaussian(guide, ("weight",))
    assert mean.shape == (2,) and cov.shape == (2, 2) and np.count_nonzero(cov - np.diag(np.diag(cov))) == 0
    with pytest.raises(ValueError, match="unknown site"):
        pyro_checks.guide_gaussian(guide, ("noise_std",))
    with pytest.raises(ValueError, match="sequence"):
        pyro_checks.guide_gaussian(guide, "bias")


def test_a_correct_model_passes_in_either_sampling_order_and_the_misbroadcast_one_fails():
    for model in (bias_first, weight_first):
        _, summary = fitted_summary(model)
        # a short fit: means within 0.3 sds (measured 0.19), sds within 15%, KL <= 0.1 (measured 0.05)
        assert pyro_checks.matches_exact(summary, mean_tol=0.3, sd_tol=0.15, kl_tol=0.1), model.__name__
    _, summary = fitted_summary(misbroadcast)
    assert not pyro_checks.matches_exact(summary, mean_tol=0.3, sd_tol=0.15, kl_tol=0.1)
    assert summary["sd_ratio"].max() < 0.5                      # 16 particles: each sees the data 16 times


def test_matches_exact_applies_each_tolerance_and_validates_them():
    good = {"z": np.array([0.05, -0.05]), "sd_ratio": np.array([0.95, 1.05]), "kl": 0.01}
    assert pyro_checks.matches_exact(good, 0.1, 0.1, 0.1)
    assert not pyro_checks.matches_exact(good | {"z": np.array([0.2, 0.0])}, 0.1, 0.1)
    assert not pyro_checks.matches_exact(good | {"sd_ratio": np.array([0.8, 1.0])}, 0.1, 0.1)
    assert not pyro_checks.matches_exact(good | {"kl": 0.5}, 0.1, 0.1, 0.1)
    with pytest.raises(ValueError, match="sd_tol"):
        pyro_checks.matches_exact(good, 0.1, 0.0)


def minibatch(features, y=None, batch_size=None):
    bias = pyro.sample("bias", dist.Normal(0.0, PRIOR))
    weight = pyro.sample("weight", dist.Normal(0.0, PRIOR).expand([features.shape[-1]]).to_event(1))
    with pyro.plate("data", features.shape[0], subsample_size=batch_size) as idx:
        return pyro.sample("y", dist.Normal(bias + (features[idx] * weight).sum(-1), NOISE), obs=y[idx])


def plate_of_size_b(features, y=None, batch_size=None):
    bias = pyro.sample("bias", dist.Normal(0.0, PRIOR))
    weight = pyro.sample("weight", dist.Normal(0.0, PRIOR).expand([features.shape[-1]]).to_event(1))
    idx = torch.randperm(features.shape[0])[:batch_size]
    with pyro.plate("data", batch_size):
        return pyro.sample("y", dist.Normal(bias + (features[idx] * weight).sum(-1), NOISE), obs=y[idx])


def features_not_indexed(features, y=None, batch_size=None):
    bias = pyro.sample("bias", dist.Normal(0.0, PRIOR))
    weight = pyro.sample("weight", dist.Normal(0.0, PRIOR).expand([features.shape[-1]]).to_event(1))
    with pyro.plate("data", features.shape[0], subsample_size=batch_size) as idx:
        mean = bias + (features[:batch_size] * weight).sum(-1)
        return pyro.sample("y", dist.Normal(mean, NOISE), obs=y[idx])


def test_subsample_estimates_are_unbiased_only_for_the_correct_minibatch_model():
    Phi, y, features, targets = make_data()
    theta = linreg.ols(Phi, y)
    values = {"bias": torch.tensor(theta[0], dtype=torch.float32),
              "weight": torch.tensor(theta[1:], dtype=torch.float32)}
    full = dist.Normal(torch.tensor(Phi @ theta, dtype=torch.float32), NOISE).log_prob(targets).sum().item()
    pyro.set_rng_seed(1)
    for model, unbiased in ((minibatch, True), (plate_of_size_b, False), (features_not_indexed, False)):
        est = pyro_checks.subsample_estimates(model, values, (features, targets), num_traces=300,
                                              batch_size=6)
        se = est.std(ddof=1) / np.sqrt(len(est))
        assert (abs(est.mean() - full) < 4 * se) == unbiased, (model.__name__, est.mean(), full, se)
    with pytest.raises(ValueError, match="no site"):
        pyro_checks.subsample_estimates(minibatch, values, (features, targets), num_traces=2, site="z",
                                        batch_size=6)
