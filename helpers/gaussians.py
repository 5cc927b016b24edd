"""Multivariate Gaussian arithmetic for validating approximate posteriors against exact ones.

Shapes: a mean is (D,), a covariance (D, D) symmetric positive definite, samples (S, D). Everything is
float64 NumPy in and out; bad arguments raise ValueError. Used by notebook 04 to compare variational
guides and MCMC samples with the conjugate posterior of `linreg.posterior`.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from . import _validate as v


def _gaussian(name: str, mean, cov):
    mean = v.as_vector(f"{name} mean", mean)
    d = mean.shape[0]
    if d == 0:
        raise ValueError(f"{name} mean must have at least one entry")
    cov = v.as_matrix(f"{name} cov", cov, rows=d, cols=d)
    chol = v.covariance_cholesky(f"{name} cov", cov)
    return mean, cov, chol


def kl_divergence(mean_q, cov_q, mean_p, cov_p) -> float:
    """KL(q || p) in nats between q = N(mean_q, cov_q) and p = N(mean_p, cov_p), both D-dimensional.

    KL = 1/2 [ tr(S_p^-1 S_q) + (m_p - m_q)^T S_p^-1 (m_p - m_q) - D + log det S_p - log det S_q ],
    computed with Cholesky factors (no inverse). It is >= 0, zero only when q = p, and not symmetric.
    """
    mean_q, cov_q, chol_q = _gaussian("q", mean_q, cov_q)
    mean_p, cov_p, chol_p = _gaussian("p", mean_p, cov_p)
    if mean_q.shape != mean_p.shape:
        raise ValueError(f"q and p must have the same dimension, got {mean_q.shape[0]} and {mean_p.shape[0]}")
    d = mean_q.shape[0]
    a = linalg.solve_triangular(chol_p, chol_q, lower=True)  # L_p^-1 L_q: tr(S_p^-1 S_q) = ||a||_F^2
    z = linalg.solve_triangular(chol_p, mean_p - mean_q, lower=True)
    logdet = 2 * (np.sum(np.log(np.diag(chol_p))) - np.sum(np.log(np.diag(chol_q))))
    return float(max(0.5 * (np.sum(a**2) + z @ z - d + logdet), 0.0))


def sample_moments(samples) -> tuple[np.ndarray, np.ndarray]:
    """Mean (D,) and unbiased covariance (D, D) of samples (S, D) with S >= 2 rows, one draw per row."""
    samples = v.as_matrix("samples", samples)
    if samples.shape[0] < 2:
        raise ValueError(f"need at least 2 samples (rows) to estimate a covariance, got {samples.shape[0]}")
    return samples.mean(axis=0), np.atleast_2d(np.cov(samples, rowvar=False))


def correlation(cov) -> np.ndarray:
    """Correlation matrix rho_ij = S_ij / sqrt(S_ii S_jj) of a covariance (D, D)."""
    cov = v.as_matrix("cov", cov)
    v.covariance_cholesky("cov", cov)
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


def mean_field_optimum(mean, cov) -> tuple[np.ndarray, np.ndarray]:
    """The factorized Gaussian q = prod_i N(m_i, s_i^2) closest to p = N(mean, cov) in KL(q || p).

    Minimizing KL(q || p) over a diagonal q gives m = mean and s_i^2 = 1 / Lambda_ii, where
    Lambda = cov^-1 is the precision: each marginal variance is the *conditional* variance of theta_i
    given all the others, never more than the true marginal variance cov_ii. Returns (mean (D,),
    diagonal covariance (D, D)). In two dimensions s_i^2 = cov_ii (1 - rho^2).
    """
    mean, cov, chol = _gaussian("target", mean, cov)
    precision = linalg.cho_solve((chol, True), np.eye(mean.shape[0]))
    return mean.copy(), np.diag(1.0 / np.diag(precision))


def compare(mean, cov, ref_mean, ref_cov) -> dict:
    """How an approximation N(mean, cov) differs from a reference Gaussian N(ref_mean, ref_cov).

    Returns a dict:
        "z"         (D,) mean errors in reference standard deviations, (mean - ref_mean) / ref_sd
        "sd_ratio"  (D,) marginal standard deviations divided by the reference ones
        "kl"        KL(approximation || reference) in nats
    """
    mean, cov, _ = _gaussian("approximation", mean, cov)
    ref_mean, ref_cov, _ = _gaussian("reference", ref_mean, ref_cov)
    if mean.shape != ref_mean.shape:
        raise ValueError(f"approximation and reference must have the same dimension, got "
                         f"{mean.shape[0]} and {ref_mean.shape[0]}")
    ref_sd = np.sqrt(np.diag(ref_cov))
    return {"z": (mean - ref_mean) / ref_sd, "sd_ratio": np.sqrt(np.diag(cov)) / ref_sd,
            "kl": kl_divergence(mean, cov, ref_mean, ref_cov)}
