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
