"""helpers.checks for notebook 04: right answers pass, common slips get a specific explanation."""

import numpy as np

from helpers import checks, gaussians


def mean_field_sd(cov):
    return 1 / np.sqrt(np.diag(np.linalg.inv(cov)))


def kl_by_inverse(mq, Sq, mp, Sp):
    Lp = np.linalg.inv(Sp)
    dm = mp - mq
    return 0.5 * (np.trace(Lp @ Sq) + dm @ Lp @ dm - len(mq) + np.linalg.slogdet(Sp)[1]
                  - np.linalg.slogdet(Sq)[1])


def test_check_mean_field_sd_accepts_the_inverse_precision_diagonal():
    assert checks.check_mean_field_sd(mean_field_sd)


def test_check_mean_field_sd_explains_returning_the_marginal_sd():
    result = checks.check_mean_field_sd(lambda cov: np.sqrt(np.diag(cov)))
    assert not result and "marginal" in result.message


def test_check_mean_field_sd_rejects_placeholders_and_errors():
    assert not checks.check_mean_field_sd(None)
    assert not checks.check_mean_field_sd(lambda cov: ...)
    assert "raised" in checks.check_mean_field_sd(lambda cov: 1 / 0).message


def test_check_kl_between_gaussians_accepts_a_correct_formula():
    assert checks.check_kl_between_gaussians(kl_by_inverse)
    assert checks.check_kl_between_gaussians(gaussians.kl_divergence)


def test_check_kl_between_gaussians_explains_swapped_arguments():
    result = checks.check_kl_between_gaussians(lambda mq, Sq, mp, Sp: kl_by_inverse(mp, Sp, mq, Sq))
    assert not result and "KL(p || q)" in result.message


def test_check_kl_between_gaussians_rejects_a_missing_term():
    def no_logdet(mq, Sq, mp, Sp):
        Lp = np.linalg.inv(Sp)
        dm = mp - mq
        return 0.5 * (np.trace(Lp @ Sq) + dm @ Lp @ dm - len(mq))

    assert not checks.check_kl_between_gaussians(no_logdet)
    assert not checks.check_kl_between_gaussians(None)


def test_check_pyro_regression_model_accepts_a_batch_safe_model():
    import pyro
    import pyro.distributions as dist

    def my_model(features, y=None):
        bias = pyro.sample("bias", dist.Normal(0.0, 2.0))
        weight = pyro.sample("weight", dist.Normal(0.0, 2.0).expand([features.shape[-1]]).to_event(1))
        noise_std = pyro.sample("noise_std", dist.HalfNormal(1.0))
        with pyro.plate("data", features.shape[0]):
            return pyro.sample("y", dist.Normal(bias + (features * weight).sum(-1), noise_std), obs=y)

    assert checks.check_pyro_regression_model(my_model)


def _model(mean_fn=None, bias_scale=2.0, plate=True, scale_fn=lambda s: s):
    import pyro
    import pyro.distributions as dist

    def model(features, y=None):
        bias = pyro.sample("bias", dist.Normal(0.0, bias_scale))
        weight = pyro.sample("weight", dist.Normal(0.0, 2.0).expand([features.shape[-1]]).to_event(1))
        noise_std = pyro.sample("noise_std", dist.HalfNormal(1.0))
        mean = (mean_fn or (lambda f, b, w: b + (f * w).sum(-1)))(features, bias, weight)
        if not plate:
            return pyro.sample("y", dist.Normal(mean, scale_fn(noise_std)).to_event(1), obs=y)
        with pyro.plate("data", features.shape[0]):
            return pyro.sample("y", dist.Normal(mean, scale_fn(noise_std)), obs=y)

    return model


def test_check_pyro_regression_model_rejects_the_broadcasting_bug():
    bug = _model(mean_fn=lambda f, b, w: (f @ w.unsqueeze(-1)).squeeze(-1) + b)
    result = checks.check_pyro_regression_model(bug)
    assert not result and "broadcast" in result.message


def test_check_pyro_regression_model_names_a_wrong_prior_a_missing_plate_and_a_wrong_likelihood():
    result = checks.check_pyro_regression_model(_model(bias_scale=1.0))
    assert not result and '"bias"' in result.message
    result = checks.check_pyro_regression_model(_model(plate=False))
    assert not result and "plate" in result.message
    result = checks.check_pyro_regression_model(_model(scale_fn=lambda s: s**2))
    assert not result and "likelihood" in result.message
    assert not checks.check_pyro_regression_model(None)
    assert not checks.check_pyro_regression_model(lambda features, y=None: ...)
