"""helpers.checks for notebook 06: the KL and reparameterized-sampler self-checks."""

import numpy as np
import torch

from helpers import checks


def test_check_gaussian_kl_accepts_the_closed_form_and_torchs_kl():
    def closed_form(loc, scale):
        return 0.5 * (loc**2 + scale**2 - 1 - 2 * torch.log(scale)).sum(-1)

    def via_torch(loc, scale):
        q = torch.distributions.Normal(loc, scale)
        return torch.distributions.kl_divergence(q, torch.distributions.Normal(0.0, 1.0)).sum(-1)

    assert checks.check_gaussian_kl(closed_form)
    assert checks.check_gaussian_kl(via_torch)


def test_check_gaussian_kl_explains_common_mistakes():
    no_sum = checks.check_gaussian_kl(lambda loc, scale: 0.5 * (loc**2 + scale**2 - 1 - 2 * torch.log(scale)))
    assert not no_sum and "shape" in no_sum.message
    variance_for_scale = checks.check_gaussian_kl(
        lambda loc, scale: 0.5 * (loc**2 + scale - 1 - torch.log(scale)).sum(-1))
    assert not variance_for_scale and "sigma" in variance_for_scale.message
    assert not checks.check_gaussian_kl(lambda loc, scale: None)
    assert "raised" in checks.check_gaussian_kl(lambda loc, scale: 1 / 0).message


def test_check_exponential_sampler_wants_inverse_cdf_draws_with_gradients():
    assert checks.check_exponential_sampler(lambda rate, u: -torch.log1p(-u) / rate)
    assert checks.check_exponential_sampler(lambda rate, u: -torch.log(1 - u) / rate)


def test_check_exponential_sampler_rejects_fresh_draws_detached_draws_and_wrong_formulas():
    fresh = checks.check_exponential_sampler(
        lambda rate, u: torch.distributions.Exponential(rate).rsample(u.shape))
    assert not fresh and "inverse CDF" in fresh.message
    detached = checks.check_exponential_sampler(lambda rate, u: -torch.log1p(-u) / rate.item())
    assert not detached and "gradient" in detached.message
    assert not checks.check_exponential_sampler(lambda rate, u: -torch.log(u) * rate)
    numpy_out = checks.check_exponential_sampler(lambda rate, u: -np.log1p(-u.numpy()) / 2)
    assert not numpy_out and "tensor" in numpy_out.message
    assert "raised" in checks.check_exponential_sampler(lambda rate, u: undefined_name).message  # noqa: F821
