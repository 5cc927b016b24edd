"""Linear-in-the-parameters regression: bases, least squares, ridge, and the conjugate posterior.

Notation (kept across the series): `Phi` is the (N, D) design matrix, `y` the (N,) targets,
`theta` the (D,) parameters, `noise_std` is sigma_eps, `prior_mean`/`prior_cov` are mu_0/Sigma_0
and the posterior is (mu_N, Sigma_N). Everything is float64 NumPy in and out.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from . import _validate as v

# --------------------------------------------------------------------------------------- bases


def _unit_interval(x: np.ndarray, domain) -> np.ndarray:
    lo, hi = (float(d) for d in domain)
    if not hi > lo:
        raise ValueError(f"domain must be (low, high) with low < high, got {domain!r}")
    return (x - lo) / (hi - lo)


def polynomial_features(x, degree: int, *, domain=(0.0, 1.0)) -> np.ndarray:
    """Powers u, u^2, ..., u^degree of the input, shape (N, degree).

    With a `domain` (low, high) the input is first mapped to u in [-1, 1], which keeps the columns
    far from collinear (the design matrix stays well-conditioned); `domain=None` uses raw powers of x.
    """
    x = v.as_vector("x", x)
    degree = v.count("degree", degree)
    u = x if domain is None else 2.0 * _unit_interval(x, domain) - 1.0
    return u[:, None] ** np.arange(1, degree + 1)


def fourier_features(x, n_basis: int, *, domain=(0.0, 1.0)) -> np.ndarray:
    """sin(pi k u), cos(pi k u) for k = 1, 2, ... with u in [0, 1] over `domain`, shape (N, n_basis).

    The lowest frequency has period twice the domain, so the basis does not force the fitted
    function to take equal values at both ends. Columns alternate sin, cos; `n_basis` may be odd.
    """
    x = v.as_vector("x", x)
    n_basis = v.count("n_basis", n_basis)
    u = _unit_interval(x, domain)
    k = np.arange(n_basis) // 2 + 1
    phase = np.pi * k * u[:, None]
    return np.where(np.arange(n_basis) % 2 == 0, np.sin(phase), np.cos(phase))


def rbf_features(x, n_basis: int, *, domain=(0.0, 1.0), width: float | None = None) -> np.ndarray:
    """Gaussian bumps exp(-(x - c_d)^2 / (2 width^2)) at evenly spaced centres, shape (N, n_basis).

    The default width is the spacing between centres, so neighbouring bumps overlap smoothly.
    """
    x = v.as_vector("x", x)
    n_basis = v.count("n_basis", n_basis)
    lo, hi = (float(d) for d in domain)
    _unit_interval(x, domain)  # validates the domain
    centres = np.linspace(lo, hi, n_basis) if n_basis != 1 else np.array([(lo + hi) / 2])
    if width is None:
        width = (hi - lo) / max(n_basis - 1, 1)
    width = v.positive("width", width)
    return np.exp(-0.5 * ((x[:, None] - centres) / width) ** 2)


BASES = {"polynomial": polynomial_features, "fourier": fourier_features, "rbf": rbf_features}
NESTED_BASES = {"polynomial", "fourier"}  # D basis functions are the first D of D + 1


def design_matrix(x, family: str, n_basis: int, *, domain=(0.0, 1.0), bias: bool = True) -> np.ndarray:
    """Design matrix Phi = [1, phi_1(x), ..., phi_D(x)] of shape (N, n_basis + bias).

    `family` is one of "polynomial", "fourier", "rbf"; `domain` is the input range the basis is
    laid out on (see the feature functions).
    """
    v.choice("family", family, BASES)
    features = BASES[family](x, n_basis, domain=domain)
    if bias:
        features = np.hstack([np.ones((features.shape[0], 1)), features])
    return features


# ------------------------------------------------------------------------- point estimates


def _check_regression(Phi, y):
    Phi = v.as_matrix("Phi", Phi)
    y = v.as_vector("y", y)
    if y.shape[0] != Phi.shape[0]:
        raise ValueError(f"Phi has {Phi.shape[0]} rows but y has {y.shape[0]} entries")
    return Phi, y


def ols(Phi, y) -> np.ndarray:
    """Least-squares parameters argmin ||y - Phi theta||^2, shape (D,).

    Solved with an orthogonal factorization (`lstsq`), not by inverting Phi^T Phi, whose condition
    number is the square of Phi's. Where Phi has more columns than rank, the minimum-norm solution.
    """
    Phi, y = _check_regression(Phi, y)
    return np.linalg.lstsq(Phi, y, rcond=None)[0]


def ridge(Phi, y, lam: float) -> np.ndarray:
    """Ridge / MAP parameters (Phi^T Phi + lam I)^-1 Phi^T y, shape (D,). Every parameter is penalized.

    Solved as the least-squares problem [Phi; sqrt(lam) I] theta = [y; 0], which is numerically
    safer than forming Phi^T Phi. `lam = 0` gives OLS.
    """
    Phi, y = _check_regression(Phi, y)
    lam = v.non_negative("lam", lam)
    d = Phi.shape[1]
    A = np.vstack([Phi, np.sqrt(lam) * np.eye(d)])
    b = np.concatenate([y, np.zeros(d)])
    return np.linalg.lstsq(A, b, rcond=None)[0]


def fit_errors(x_train, y_train, x_test, y_test, *, family: str, max_basis: int = 30,
               domain=(0.0, 1.0)) -> tuple[np.ndarray, np.ndarray]:
    """Train and test MSE of OLS fits with 1, 2, ..., max_basis basis functions (plus a bias).

    Returns two (max_basis,) arrays; entry i belongs to i + 1 basis functions.
    """
    x_train, y_train = v.as_vector("x_train", x_train), v.as_vector("y_train", y_train)
    x_test, y_test = v.as_vector("x_test", x_test), v.as_vector("y_test", y_test)
    max_basis = v.count("max_basis", max_basis, minimum=1)
    train, test = np.empty(max_basis), np.empty(max_basis)
    nested = family in NESTED_BASES
    if nested:  # the D-column matrix is the first D + 1 columns of the largest one
        big_train = design_matrix(x_train, family, max_basis, domain=domain)
        big_test = design_matrix(x_test, family, max_basis, domain=domain)
    for i, d in enumerate(range(1, max_basis + 1)):
        if nested:
            Phi_train, Phi_test = big_train[:, :d + 1], big_test[:, :d + 1]
        else:
            Phi_train = design_matrix(x_train, family, d, domain=domain)
            Phi_test = design_matrix(x_test, family, d, domain=domain)
        theta = ols(Phi_train, y_train)
        train[i] = np.mean((Phi_train @ theta - y_train) ** 2)
        test[i] = np.mean((Phi_test @ theta - y_test) ** 2)
    return train, test


# ------------------------------------------------------------------ conjugate Bayesian model


def _check_prior(Phi, prior_mean, prior_cov):
    d = Phi.shape[1]
    prior_mean = v.as_vector("prior_mean", prior_mean, length=d)
    prior_cov = v.as_matrix("prior_cov", prior_cov, rows=d, cols=d)
    chol = v.covariance_cholesky("prior_cov", prior_cov)
    return prior_mean, prior_cov, chol


def _posterior_precision(Phi, noise_std, prior_chol):
    """Sigma_N^-1 = Sigma_0^-1 + Phi^T Phi / sigma^2 and its Cholesky factor."""
    d = Phi.shape[1]
    prior_prec = linalg.cho_solve((prior_chol, True), np.eye(d))
    precision = prior_prec + Phi.T @ Phi / noise_std**2
    precision = (precision + precision.T) / 2
    return prior_prec, precision, np.linalg.cholesky(precision)


def posterior(Phi, y, noise_std, prior_mean, prior_cov) -> tuple[np.ndarray, np.ndarray]:
    """Conjugate posterior N(mu_N, Sigma_N) of theta for y = Phi theta + N(0, noise_std^2) noise.

    Sigma_N = (Sigma_0^-1 + Phi^T Phi / sigma^2)^-1 and mu_N = Sigma_N (Sigma_0^-1 mu_0 + Phi^T y / sigma^2).
    Shapes: Phi (N, D), y (N,), prior_mean (D,), prior_cov (D, D) -> mean (D,), cov (D, D).
    With N = 0 rows the posterior is the prior.
    """
    Phi, y = _check_regression(Phi, y)
    noise_std = v.positive("noise_std", noise_std)
    prior_mean, _, prior_chol = _check_prior(Phi, prior_mean, prior_cov)
    prior_prec, _, chol = _posterior_precision(Phi, noise_std, prior_chol)
    cov = linalg.cho_solve((chol, True), np.eye(Phi.shape[1]))
    cov = (cov + cov.T) / 2
    mean = cov @ (prior_prec @ prior_mean + Phi.T @ y / noise_std**2)
    return mean, cov


def predictive(Phi, mean, cov, noise_std) -> tuple[np.ndarray, np.ndarray]:
    """Posterior predictive N(phi(x)^T mu_N, sigma^2 + phi(x)^T Sigma_N phi(x)) at each row of Phi.

    Returns (pred_mean, pred_var), both (N,); pred_var includes the noise variance sigma^2.
    The model part phi^T Sigma_N phi is computed as ||L^T phi||^2 with Sigma_N = L L^T.
    """
    Phi = v.as_matrix("Phi", Phi)
    d = Phi.shape[1]
    mean = v.as_vector("mean", mean, length=d)
    cov = v.as_matrix("cov", cov, rows=d, cols=d)
    noise_std = v.positive("noise_std", noise_std)
    chol = v.covariance_cholesky("cov", cov)
    model_var = np.sum((Phi @ chol) ** 2, axis=1)
    return Phi @ mean, noise_std**2 + model_var


def log_evidence(Phi, y, noise_std, prior_mean, prior_cov) -> float:
    """log p(y | Phi) = log N(y; Phi mu_0, sigma^2 I + Phi Sigma_0 Phi^T), the marginal likelihood.

    Computed in D dimensions (matrix determinant lemma and Woodbury identity), so it stays cheap for
    many data points: O(N D^2 + D^3) instead of O(N^3).
    """
    Phi, y = _check_regression(Phi, y)
    noise_std = v.positive("noise_std", noise_std)
    prior_mean, _, prior_chol = _check_prior(Phi, prior_mean, prior_cov)
    _, _, chol = _posterior_precision(Phi, noise_std, prior_chol)
    n = Phi.shape[0]
    var = noise_std**2
    r = y - Phi @ prior_mean
    b = Phi.T @ r / var
    z = linalg.solve_triangular(chol, b, lower=True)
    quad = r @ r / var - z @ z
    logdet = (
        n * np.log(var)
        + 2 * np.sum(np.log(np.diag(prior_chol)))
        + 2 * np.sum(np.log(np.diag(chol)))
    )
    return float(-0.5 * (quad + logdet + n * np.log(2 * np.pi)))


def fit_evidence(Phi, y, *, prior_std: float = 1.0, noise_std: float = 1.0, max_iter: int = 1000,
                 rtol: float = 1e-9, std_range=(1e-4, 1e4)) -> tuple[float, float]:
    """Type-II maximum likelihood: the (prior_std, noise_std) of an isotropic prior N(0, prior_std^2 I)
    that maximize `log_evidence`, by the fixed point of Bishop's PRML (3.92) and (3.95).

    With alpha = 1/prior_std^2, beta = 1/noise_std^2 and lambda_i the eigenvalues of beta Phi^T Phi,
    gamma = sum lambda_i / (alpha + lambda_i) (the effective number of parameters) and the updates are
    alpha = gamma / mu_N^T mu_N and 1/beta = ||y - Phi mu_N||^2 / (N - gamma). One SVD of Phi (N, D)
    makes each iteration O(N D). `prior_std` and `noise_std` are the starting values; both results are
    kept inside `std_range` (the evidence can be maximal at a boundary, e.g. prior_std -> 0 when the data
    need no weights, or noise_std -> 0 when N <= D). Returns (prior_std, noise_std) as floats.
    """
    Phi, y = _check_regression(Phi, y)
    if Phi.shape[0] < 1:
        raise ValueError("fit_evidence needs at least one data point")
    prior_std = v.positive("prior_std", prior_std)
    noise_std = v.positive("noise_std", noise_std)
    max_iter = v.count("max_iter", max_iter, minimum=1)
    lo, hi = (v.positive("std_range", s) for s in std_range)
    if not hi > lo:
        raise ValueError(f"std_range must be (low, high) with low < high, got {std_range!r}")
    n = Phi.shape[0]
    U, s, _ = np.linalg.svd(Phi, full_matrices=False)
    Uty = U.T @ y
    alpha, beta = prior_std**-2, noise_std**-2
    for _ in range(max_iter):
        lam = beta * s**2
        m = beta * s * Uty / (alpha + lam)               # mu_N in the right singular basis (same norm)
        gamma = np.sum(lam / (alpha + lam))
        sq_err = np.sum((y - U @ (s * m)) ** 2)
        new_alpha = np.clip(gamma / max(m @ m, 1e-300), hi**-2, lo**-2)
        new_beta = np.clip((n - gamma) / max(sq_err, 1e-300), hi**-2, lo**-2)
        step = max(abs(np.log(new_alpha / alpha)), abs(np.log(new_beta / beta)))
        alpha, beta = new_alpha, new_beta
        if step < rtol:
            break
    return float(alpha**-0.5), float(beta**-0.5)
