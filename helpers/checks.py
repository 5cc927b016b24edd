"""Self-checks for the activities at the end of each notebook: right or wrong, and why.

Each check returns a CheckResult, which shows as a green or red line in a notebook and is truthy
when the answer is right, so a worked solution can `assert` its own check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import _validate, data, linreg


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return ("✔ right: " if self.ok else "✘ not yet: ") + self.message

    def _repr_html_(self) -> str:
        color, word = ("#1b7f3b", "✔ right") if self.ok else ("#b00020", "✘ not yet")
        return f"<p style='color:{color}'><b>{word}:</b> {self.message}</p>"


def check_number(answer, expected: float, *, rtol: float = 1e-6, atol: float = 0.0,
                 what: str = "the answer", hint: str = "") -> CheckResult:
    """Is `answer` within atol + rtol*|expected| of `expected`?"""
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"{what} should be a number, got {answer!r}")
    if not np.isfinite(value):
        return CheckResult(False, f"{what} is {value}; expected a finite number")
    if abs(value - expected) <= atol + rtol * abs(expected):
        return CheckResult(True, f"{what} = {value:.6g}")
    return CheckResult(False, f"{what} = {value:.6g}, expected {expected:.6g}. {hint}".strip())


def check_function(candidate: Callable, reference: Callable, cases: Sequence[tuple], *,
                   what: str = "your function", rtol: float = 1e-8, atol: float = 1e-10,
                   hint: str = "") -> CheckResult:
    """Call `candidate` and `reference` on each tuple of arguments in `cases` and compare outputs."""
    if not callable(candidate):
        return CheckResult(False, f"{what} should be a function, got {type(candidate).__name__}")
    for i, args in enumerate(cases):
        try:
            result = candidate(*args)
        except Exception as err:  # a student's code may fail in any way: report, don't crash
            return CheckResult(False, f"{what} raised {type(err).__name__}: {err} (test case {i})")
        if result is None:
            return CheckResult(False, f"{what} returned None: is a `return` missing?")
        try:
            got = np.asarray(result, dtype=float)
        except (TypeError, ValueError):
            return CheckResult(False, f"{what} returned {type(result).__name__}, not an array "
                                      f"of numbers (test case {i})")
        want = np.asarray(reference(*args), dtype=float)
        if got.shape != want.shape:
            return CheckResult(False, f"{what} returned shape {got.shape}, expected {want.shape} "
                                      f"(test case {i}). {hint}".strip())
        if not np.allclose(got, want, rtol=rtol, atol=atol):
            err = float(np.max(np.abs(got - want)))
            return CheckResult(False, f"{what} is off by up to {err:.3g} (test case {i}). "
                                      f"{hint}".strip())
    return CheckResult(True, f"{what} agrees with the reference on {len(cases)} test cases")


# ------------------------------------------------------------------ notebook 01 activities


def check_ols(fn: Callable) -> CheckResult:
    """Activity 01: `fn(Phi, y)` must return the least-squares parameters (compared with lstsq)."""
    rng = np.random.default_rng(2024)
    cases = []
    for n, d in [(20, 3), (50, 6), (200, 10)]:
        x = rng.uniform(0, 1, n)
        Phi = linreg.design_matrix(x, "fourier", d - 1)
        cases.append((Phi, Phi @ rng.normal(size=d) + 0.1 * rng.normal(size=n)))
    return check_function(fn, linreg.ols, cases, what="your least-squares solver", rtol=1e-6,
                          atol=1e-8, hint="With Phi = QR (np.linalg.qr), solve R theta = Q^T y "
                                          "with linalg.solve_triangular.")


def check_best_n_basis(answer, *, family: str, n_points: int, noise_std: float,
                       seed: int) -> CheckResult:
    """Activity 01: the number of basis functions with the lowest test error (near-ties accepted).

    An answer counts as right when its test error is within 5% of the best one, because two
    sizes whose errors differ by less than that are a tie for this data set.
    """
    _, errors = linreg.fit_errors(*data.sine_split(n_points, noise_std, seed), family=family)
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        return CheckResult(False, f"the answer should be a whole number, got {answer!r}")
    if not 1 <= answer <= len(errors):
        return CheckResult(False, f"the answer should lie between 1 and {len(errors)}")
    best = int(np.argmin(errors)) + 1
    mine = errors[answer - 1]
    if mine <= 1.05 * errors.min():
        return CheckResult(True, f"{answer} basis functions give test MSE {mine:.4f}; the best, "
                                 f"{best}, gives {errors.min():.4f}")
    side = "too few: the fit is too stiff (underfits)" if answer < best else \
        "too many: the fit chases the noise (overfits)"
    return CheckResult(False, f"{answer} basis functions give test MSE {mine:.4f}, but {best} give "
                              f"{errors.min():.4f}. Yours is {side}.")


# ------------------------------------------------------------------ notebook 05 activities


def check_kl_overweight(answer, *, n_points: int, batch_size: int) -> CheckResult:
    """Activity 05: the factor by which a plate sized to the minibatch (B points, likelihood not
    scaled up) over-weights the KL term relative to the correct minibatch ELBO over N points: N / B."""
    n_points = _validate.count("n_points", n_points, minimum=1)
    batch_size = _validate.count("batch_size", batch_size, minimum=1)
    if batch_size > n_points:
        raise ValueError(f"batch_size ({batch_size}) cannot exceed n_points ({n_points})")
    return check_number(answer, n_points / batch_size, rtol=1e-6, what="the over-weighting factor",
                        hint="The correct estimator multiplies the minibatch log-likelihood by N / B and "
                             "subtracts the KL once; the buggy one leaves the likelihood unscaled. "
                             "Multiply the buggy objective by N / B so its likelihood terms match: what "
                             "weight does its KL get then?")


def _lrt_reference(x, w_mu, w_sd, b_mu, b_sd, eps):
    return x @ w_mu + b_mu + eps * (x**2 @ w_sd**2 + b_sd**2).sqrt()


def check_lrt_preactivations(fn: Callable) -> CheckResult:
    """Activity 05: `fn(x, w_mu, w_sd, b_mu, b_sd, eps)` with x (B, n_in), weight means and sds
    (n_in, n_out), bias means and sds (n_out,), and standard-normal eps (B, n_out) must return the
    locally reparameterized pre-activations x w_mu + b_mu + eps sqrt(x^2 w_sd^2 + b_sd^2), (B, n_out)."""
    import torch

    gen = torch.Generator().manual_seed(5)
    cases = []
    for batch, n_in, n_out in [(4, 3, 2), (1, 5, 7), (6, 1, 1)]:
        def draw(*shape, positive=False):
            t = torch.randn(*shape, generator=gen, dtype=torch.float64)
            return t.exp() if positive else t
        cases.append((draw(batch, n_in), draw(n_in, n_out), draw(n_in, n_out, positive=True),
                      draw(n_out), draw(n_out, positive=True), draw(batch, n_out)))

    def candidate(*args):
        out = fn(*args)
        return out.detach() if isinstance(out, torch.Tensor) else out

    return check_function(candidate, _lrt_reference, cases, what="your pre-activations", rtol=1e-6,
                          atol=1e-9,
                          hint="Each pre-activation z_j = sum_i x_i w_ij + b_j is Gaussian with mean "
                               "x w_mu + b_mu and variance x^2 w_sd^2 + b_sd^2 (squares of x and of the "
                               "sds, not of their product's sum); scale eps by the sd, not the variance.")


def _linear_prior_variance_reference(x, weight_std, bias_std):
    x = np.asarray(x, dtype=np.float64)
    return bias_std**2 + weight_std**2 * (weight_std**2 * x**2 + bias_std**2)


def check_linear_prior_variance(fn: Callable) -> CheckResult:
    """Activity 05: `fn(x, weight_std, bias_std)` must return Var f(x) (array shaped like x) under the
    prior of a one-hidden-layer network without nonlinearity and with fan-in-scaled weights
    (input weights N(0, weight_std^2), output weights N(0, weight_std^2 / H), biases N(0, bias_std^2))."""
    x = np.linspace(-3.0, 3.0, 13)
    cases = [(x, 1.0, 1.0), (x, 2.0, 0.5), (x, 0.5, 0.0), (np.array([0.0]), 1.5, 2.0)]
    return check_function(fn, _linear_prior_variance_reference, cases, what="your prior variance",
                          rtol=1e-8, atol=1e-10,
                          hint="f(x) = c + sum_j v_j (w_j x + b_j): the terms are independent with mean 0, "
                               "so their variances add; H hidden units each contribute "
                               "(weight_std^2 / H) (weight_std^2 x^2 + bias_std^2). The answer does not "
                               "depend on H.")


# ------------------------------------------------------------------ notebook 05b activities


def _ece_reference(confidences: np.ndarray, correct: np.ndarray, n_bins: int) -> float:
    idx = np.clip(np.ceil(confidences * n_bins).astype(int) - 1, 0, n_bins - 1)  # bins (b/n, (b+1)/n]
    total = 0.0
    for b in np.unique(idx):
        members = idx == b
        total += members.mean() * abs(correct[members].mean() - confidences[members].mean())
    return float(total)


def check_ece_by_hand(answer, *, confidences, correct, n_bins: int) -> CheckResult:
    """Activity 05b: the expected calibration error of predictions with top-class `confidences`
    (N,) in [0, 1] and `correct` (N,) 0/1 flags, with `n_bins` equal-width bins (b/n, (b+1)/n]."""
    confidences = _validate.as_vector("confidences", confidences)
    correct = _validate.as_vector("correct", correct, length=confidences.shape[0])
    n_bins = _validate.count("n_bins", n_bins, minimum=1)
    if confidences.min() < 0 or confidences.max() > 1:
        raise ValueError("confidences must lie in [0, 1]")
    if not np.all((correct == 0) | (correct == 1)):
        raise ValueError("correct must hold 0 (wrong) or 1 (right) for each prediction")
    return check_number(answer, _ece_reference(confidences, correct, n_bins), rtol=1e-3, atol=1e-4,
                        what="your ECE",
                        hint="Per used bin: |fraction correct - mean confidence|, weighted by the share "
                             "of predictions in the bin (n_b / N), then summed. A confidence on a bin "
                             "edge, e.g. 0.6, belongs to the lower bin (0.4, 0.6].")


def _temperature_reference(probs, T):
    logits = np.log(np.clip(probs, 1e-300, None)) / T
    logits = logits - logits.max(axis=-1, keepdims=True)
    scaled = np.exp(logits)
    return scaled / scaled.sum(axis=-1, keepdims=True)


def _probability_tables(seed: int, *shapes) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.dirichlet(np.full(shape[-1], 0.7), size=shape[:-1]) for shape in shapes]


def check_temperature_scale(fn: Callable) -> CheckResult:
    """Activity 05b: `fn(probs, T)` with probabilities (N, K) and a temperature T > 0 must return
    p^(1/T) renormalized over the classes, (N, K)."""
    tables = _probability_tables(51, (6, 5), (3, 2), (4, 10))
    cases = [(tables[0], 1.0), (tables[0], 0.5), (tables[1], 2.5), (tables[2], 0.2)]
    return check_function(fn, _temperature_reference, cases, what="your temperature scaling",
                          rtol=1e-6, atol=1e-9,
                          hint="Divide the log-probabilities by T, then apply a softmax over the classes "
                               "(the last axis); T = 1 must give the probabilities back.")


def _mutual_information_reference(prob_draws):
    def entropy(p):
        return -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0), axis=-1)

    return entropy(prob_draws.mean(axis=0)) - entropy(prob_draws).mean(axis=0)


def check_mutual_information(fn: Callable) -> CheckResult:
    """Activity 05b: `fn(prob_draws)` with class probabilities of S posterior draws (S, N, K) must
    return the mutual information H[mean_s p_s] - mean_s H[p_s] of each input in nats, (N,)."""
    agree = np.tile(_probability_tables(52, (1, 4, 3))[0], (5, 1, 1))  # all draws equal: MI = 0
    one_hot = np.eye(3)[np.array([[0, 1], [1, 1], [2, 1]])]  # (3 draws, 2 inputs, 3 classes)
    cases = [(_probability_tables(53, (8, 6, 5))[0],), (agree,), (one_hot,)]
    return check_function(fn, _mutual_information_reference, cases, what="your mutual information",
                          rtol=1e-6, atol=1e-9,
                          hint="Average the draws first (axis 0) and take that entropy; subtract the mean "
                               "over draws of each draw's entropy. Treat 0 log 0 as 0 (one-hot draws).")


def _temperature_nll(probs: np.ndarray, labels: np.ndarray, T: float) -> float:
    scaled = _temperature_reference(probs, T)
    return float(-np.mean(np.log(np.clip(scaled[np.arange(labels.size), labels], 1e-300, None))))


def check_fitted_temperature(answer, *, probs, labels) -> CheckResult:
    """Activity 05b: a temperature T fitted by the NLL on a calibration set with class probabilities
    `probs` (N, K) and integer `labels` (N,). Judged by the objective, not by T itself: right if the
    mean NLL at `answer` is within 1% (or 2e-4 nats) of its minimum over T in [0.01, 100], so a
    flat minimum accepts every T that fits equally well. A set without any mistake has no minimum
    (the NLL falls as T -> 0): then every T <= 0.1, the lower edge of a grid, is accepted."""
    probs = _validate.as_matrix("probs", probs)
    labels = np.asarray(labels)
    if labels.shape != (probs.shape[0],) or not np.issubdtype(labels.dtype, np.integer) \
            or labels.min() < 0 or labels.max() >= probs.shape[1]:
        raise ValueError(f"labels must be {probs.shape[0]} integer classes in [0, {probs.shape[1] - 1}]")
    if np.any(probs < 0) or not np.allclose(probs.sum(axis=1), 1.0, atol=1e-5):
        raise ValueError("probs must be class probabilities (non-negative rows summing to 1)")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"your temperature should be a number, got {answer!r}")
    if not np.isfinite(value) or value <= 0:
        return CheckResult(False, f"a temperature must be a positive number, got {value}")
    grid = np.geomspace(0.01, 100, 801)  # steps of 1.2% in T
    nll = np.array([_temperature_nll(probs, labels, T) for T in grid])
    best = int(np.argmin(nll))
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]
    fine = np.geomspace(lo, hi, 201)
    fine_nll = np.array([_temperature_nll(probs, labels, T) for T in fine])
    t_best, nll_best = float(fine[np.argmin(fine_nll)]), float(fine_nll.min())
    nll_answer = _temperature_nll(probs, labels, value)
    mistakes = int(np.sum(probs.argmax(axis=1) != labels))
    edge = " (the smallest T searched: with no mistake in the set, sharper is always better)" \
        if best == 0 else ""
    if mistakes == 0 and value <= 0.1:
        # no mistake: the NLL falls all the way to T -> 0 and has no minimum, so a fit runs to the lower
        # edge of its grid (0.05 in the notebook). Judging by the NLL at 0.01 would reject that edge
        # whenever one right answer has a close runner-up (its NLL at T = 0.05 is far above 2e-4)
        return CheckResult(True, f"T = {value:.3g}: with no mistake among these {labels.size} images the NLL "
                                 f"keeps falling as T -> 0 and has no minimum, so a fit runs to the lower "
                                 f"edge of its grid; sharper is always better here")
    if nll_answer <= nll_best + max(0.01 * nll_best, 2e-4):
        return CheckResult(True, f"T = {value:.3g} gives a mean NLL of {nll_answer:.4f} nats, the minimum "
                                 f"is {nll_best:.4f} at T = {t_best:.3g}{edge}; the {mistakes} mistake(s) "
                                 f"among these {labels.size} images decide it")
    return CheckResult(False, f"T = {value:.3g} gives a mean NLL of {nll_answer:.4f} nats, but T = "
                              f"{t_best:.3g} reaches {nll_best:.4f}{edge}. Scan T on a grid (e.g. "
                              f"np.geomspace(0.05, 3, 200)), temperature-scale the calibration "
                              f"probabilities and keep the T with the smallest mean NLL.")


# ------------------------------------------------------------------ notebook 06 activities


def _gaussian_kl_reference(loc, scale):
    """KL( N(loc, diag(scale^2)) || N(0, I) ) per row: 0.5 sum(loc^2 + scale^2 - 1 - 2 log scale)."""
    import torch

    return 0.5 * torch.sum(loc**2 + scale**2 - 1 - 2 * torch.log(scale), dim=-1)


def check_gaussian_kl(fn: Callable) -> CheckResult:
    """Activity 06: `fn(loc, scale)` with tensors (B, d) must return the KL divergence of each row's
    diagonal Gaussian N(loc, diag(scale^2)) from the prior N(0, I), a tensor (B,) in nats."""
    import torch

    gen = torch.Generator().manual_seed(6)
    cases = [(torch.zeros(3, 2, dtype=torch.float64), torch.ones(3, 2, dtype=torch.float64))]
    for batch, dim in [(5, 2), (4, 8), (1, 1)]:
        loc = torch.randn(batch, dim, generator=gen, dtype=torch.float64)
        scale = torch.exp(0.7 * torch.randn(batch, dim, generator=gen, dtype=torch.float64))
        cases.append((loc, scale))

    def candidate(loc, scale):
        out = fn(loc, scale)
        return out.detach() if isinstance(out, torch.Tensor) else out

    return check_function(candidate, _gaussian_kl_reference, cases, what="your KL divergence",
                          rtol=1e-6, atol=1e-9,
                          hint="Per dimension: 0.5 (mu^2 + sigma^2 - 1 - log sigma^2); sum over the "
                               "latent dimensions (the last axis), one value per row. `scale` is "
                               "sigma, not sigma^2.")


def check_exponential_sampler(fn: Callable) -> CheckResult:
    """Activity 06: `fn(rate, u)` must turn uniforms u in (0, 1) into Exponential(rate) draws by the
    inverse CDF, z = -log(1 - u) / rate, so that gradients flow to `rate` (a reparameterization)."""
    import torch

    gen = torch.Generator().manual_seed(60)
    u = torch.rand(1000, generator=gen, dtype=torch.float64).clamp(1e-12, 1 - 1e-12)
    for rate_value in (0.5, 2.0):
        rate = torch.tensor(rate_value, dtype=torch.float64, requires_grad=True)
        try:
            z = fn(rate, u)
        except Exception as err:  # a student's code may fail in any way: report, don't crash
            return CheckResult(False, f"your sampler raised {type(err).__name__}: {err}")
        if not isinstance(z, torch.Tensor) or z.shape != u.shape:
            return CheckResult(False, f"your sampler should return a tensor shaped like u {tuple(u.shape)}, "
                                      f"got {getattr(z, 'shape', type(z).__name__)}")
        want = -torch.log1p(-u) / rate_value
        if not torch.allclose(z.detach(), want, rtol=1e-6, atol=1e-9):
            return CheckResult(False, "your draws differ from the inverse CDF -log(1 - u) / rate "
                                      f"(at rate {rate_value}); transform u itself, do not draw anew")
        if not z.requires_grad:
            return CheckResult(False, "the draws carry no gradient to `rate`: compute them with torch "
                                      "operations on `rate` (no .item(), NumPy or detach)")
        (grad,) = torch.autograd.grad(z.sum(), rate)
        expected = float(torch.sum(torch.log1p(-u)) / rate_value**2)
        if not np.isclose(float(grad), expected, rtol=1e-6):
            return CheckResult(False, f"d(sum z)/d rate = {float(grad):.6g}, expected {expected:.6g}")
    return CheckResult(True, "inverse-CDF draws match -log(1 - u) / rate, and d z / d rate = -z / rate "
                             "flows back to the rate")


# ------------------------------------------------------------------ notebook 02 activities


def check_weight_decay(answer, *, noise_std: float, prior_std: float, n_points: int,
                       reduction: str = "mean") -> CheckResult:
    """Activity 02: the `weight_decay` that makes SGD/Adam on an MSE loss the MAP estimate.

    With lambda = noise_std^2 / prior_std^2, the loss ||r||^2 ('sum') + wd/2 ||theta||^2 is ridge with
    lambda = wd/2; the mean loss ||r||^2 / N gives lambda = N wd / 2. Common slips are recognized.
    """
    if reduction not in {"sum", "mean"}:
        raise ValueError(f"reduction must be 'sum' or 'mean', got {reduction!r}")
    lam = _validate.positive("noise_std", noise_std) ** 2 / _validate.positive("prior_std", prior_std) ** 2
    n = _validate.count("n_points", n_points, minimum=1)
    expected = 2 * lam if reduction == "sum" else 2 * lam / n
    result = check_number(answer, expected, rtol=1e-6, what="weight_decay")
    if result or "should be a number" in result.message or "finite" in result.message:
        return result
    value = float(answer)
    slips = {lam: "that is lambda itself; weight_decay adds wd * theta to the gradient, the gradient "
                  "of (wd/2)|theta|^2, so wd = 2 lambda for a summed loss",
             lam / n: "the factor 2 is missing: wd * theta is the gradient of (wd/2)|theta|^2",
             2 * lam: "that is the recipe for reduction='sum'; the mean loss divides the likelihood "
                      "by N but not the decay, so divide by N too",
             2 * lam / n: "that is the recipe for reduction='mean', but the loss is summed",
             1 / prior_std**2: "the prior precision alone leaves out the noise: lambda = "
                               "sigma_eps^2 / sigma_theta^2"}
    for slip, why in slips.items():
        if abs(value - slip) <= 1e-6 * abs(slip):
            return CheckResult(False, f"weight_decay = {value:.6g}: {why}.")
    return result


def check_best_log_lambda(answer, *, degree: int, noise_std: float, n_points: int,
                          seed: int) -> CheckResult:
    """Activity 02: log10 lambda with the lowest validation MSE for a ridge fit of the sine data.

    Uses `data.sine_split(n_points, noise_std, seed)` and a rescaled polynomial of `degree`. Right
    when the answer's validation MSE is within 5% of the best on a grid of 201 values in [-8, 2].
    """
    x, y, x_val, y_val = data.sine_split(n_points, noise_std, seed)
    Phi = linreg.design_matrix(x, "polynomial", degree)
    Phi_val = linreg.design_matrix(x_val, "polynomial", degree)

    def val_mse(log_lam):
        return float(np.mean((Phi_val @ linreg.ridge(Phi, y, 10.0**log_lam) - y_val) ** 2))

    try:
        value = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"the answer should be a number (log10 lambda), got {answer!r}")
    if not -8 <= value <= 2:
        return CheckResult(False, f"log10 lambda = {value:g} is outside the range [-8, 2] we search")
    grid = np.linspace(-8, 2, 201)
    errors = np.array([val_mse(k) for k in grid])
    best = float(grid[np.argmin(errors)])
    mine = val_mse(value)
    if mine <= 1.05 * errors.min():
        return CheckResult(True, f"log10 lambda = {value:.2f} gives validation MSE {mine:.4f}; the "
                                 f"best on the grid, {best:.2f}, gives {errors.min():.4f}")
    side = ("too small: the prior is too weak and the fit chases the noise" if value < best else
            "too large: the prior is too strong and flattens the fit")
    return CheckResult(False, f"log10 lambda = {value:.2f} gives validation MSE {mine:.4f}, but {best:.2f} "
                              f"gives {errors.min():.4f}. Yours is {side}.")


def _ridge_free_bias_reference(Phi, y, lam):
    penalty = lam * np.eye(Phi.shape[1])
    penalty[0, 0] = 0.0
    return np.linalg.solve(Phi.T @ Phi + penalty, Phi.T @ y)


def check_ridge_free_bias(fn: Callable) -> CheckResult:
    """Activity 02: `fn(Phi, y, lam)` must minimize ||y - Phi theta||^2 + lam * sum_{d>=1} theta_d^2."""
    rng = np.random.default_rng(2025)
    cases = []
    for n, d, lam in [(30, 4, 0.1), (50, 8, 1.0), (20, 13, 10.0)]:
        Phi = linreg.design_matrix(rng.uniform(0, 1, n), "polynomial", d - 1)
        cases.append((Phi, 3.0 + Phi @ rng.normal(size=d) + 0.1 * rng.normal(size=n), lam))
    result = check_function(fn, _ridge_free_bias_reference, cases, what="your ridge with a free bias",
                            rtol=1e-6, atol=1e-8)
    if not result and "off by" in result.message:
        if all(np.allclose(np.asarray(fn(*c), dtype=float), linreg.ridge(*c), rtol=1e-6) for c in cases):
            return CheckResult(False, "your function penalizes the bias too: set the penalty's [0, 0] "
                                      "entry to zero")
    return result


# ------------------------------------------------------------------ notebook 03 activities


def check_posterior_update(fn: Callable) -> CheckResult:
    """Activity 03: `fn(mean, cov, phi, y, noise_std)` -> (new_mean, new_cov), the posterior after
    one observation y = phi^T theta + N(0, noise_std^2) given the prior N(mean, cov)."""
    if not callable(fn):
        return CheckResult(False, f"your update should be a function, got {type(fn).__name__}")
    rng = np.random.default_rng(2026)
    for i, d in enumerate((2, 5, 9)):
        A = rng.normal(size=(d, d))
        cov = A @ A.T + 0.3 * np.eye(d)
        mean, phi = rng.normal(size=d), rng.normal(size=d)
        y, noise_std = float(rng.normal()), float(rng.uniform(0.2, 2.0))
        want_mean, want_cov = linreg.posterior(phi[None, :], np.array([y]), noise_std, mean, cov)
        try:
            got = fn(mean.copy(), cov.copy(), phi.copy(), y, noise_std)
            got_mean, got_cov = (np.asarray(g, dtype=float) for g in got)
        except Exception as err:  # a student's code may fail in any way: report, don't crash
            return CheckResult(False, f"your update raised or returned something unexpected "
                                      f"({type(err).__name__}: {err}); return (new_mean, new_cov)")
        if got_mean.shape != (d,) or got_cov.shape != (d, d):
            return CheckResult(False, f"shapes {got_mean.shape} and {got_cov.shape}, expected ({d},) "
                                      f"and ({d}, {d}) (test case {i})")
        if not np.allclose(got_cov, want_cov, rtol=1e-7, atol=1e-10):
            err = np.max(np.abs(got_cov - want_cov))
            return CheckResult(False, f"the covariance is off by up to {err:.3g} "
                                      f"(test case {i}). Gain k = S phi / (sigma^2 + phi^T S phi); "
                                      f"new S = S - k phi^T S.")
        if not np.allclose(got_mean, want_mean, rtol=1e-7, atol=1e-10):
            return CheckResult(False, f"the mean is off by up to {np.max(np.abs(got_mean - want_mean)):.3g} "
                                      f"(test case {i}). New mean = m + k (y - phi^T m).")
    return CheckResult(True, "your one-point update agrees with the batch posterior on 3 test cases")


def check_worked_example_prediction(mean, sd) -> CheckResult:
    """Activity 03: predictive mean and standard deviation of a new y at x = 4 in the worked example
    (prior N(0, 5^2 I) on (bias, slope), sigma_eps = 1, observations (2, 0) and (-2, -2))."""
    Phi = np.array([[1.0, 2.0], [1.0, -2.0]])
    post_mean, post_cov = linreg.posterior(Phi, np.array([0.0, -2.0]), 1.0, np.zeros(2), 25.0 * np.eye(2))
    want_mean, want_var = linreg.predictive(np.array([[1.0, 4.0]]), post_mean, post_cov, 1.0)
    want_sd = float(np.sqrt(want_var[0]))
    result_mean = check_number(mean, float(want_mean[0]), rtol=1e-3, what="the predictive mean")
    if not result_mean:
        return result_mean
    try:
        value = float(sd)
    except (TypeError, ValueError):
        return CheckResult(False, f"the standard deviation should be a number, got {sd!r}")
    model_only = float(np.sqrt(want_var[0] - 1.0))
    if abs(value - model_only) <= 1e-3 * model_only:
        return CheckResult(False, f"sd = {value:.4g} is the uncertainty of the line f(4) only; a new y "
                                  f"also carries the noise: add sigma_eps^2 = 1 to the variance")
    if abs(value - want_sd**2) <= 1e-3 * want_sd**2:
        return CheckResult(False, f"{value:.4g} is the variance; take its square root")
    result_sd = check_number(value, want_sd, rtol=1e-3, what="the predictive sd")
    if result_sd:
        return CheckResult(True, f"mean {float(mean):.4f}, sd {value:.4f}: the line is uncertain at x = 4, "
                                 f"twice as far from the origin as the data")
    return result_sd


def check_evidence_prior_std(answer, *, degree: int, noise_std: float, n_points: int,
                             seed: int) -> CheckResult:
    """Activity 03: the prior scale sigma_0 that maximizes the model evidence (type-II maximum likelihood).

    Data `data.sine_data(n_points, 0.2, seed)`, rescaled polynomial of `degree`, prior N(0, sigma_0^2 I),
    assumed noise `noise_std`. Right when the answer's log evidence is within 0.5 nats of the best on a
    grid of sigma_0 from 0.01 to 100 (a difference of 0.5 nats is a likelihood ratio of 1.6: weak).
    """
    x, y = data.sine_data(n_points, 0.2, seed)
    Phi = linreg.design_matrix(x, "polynomial", degree)

    def log_ev(s):
        return linreg.log_evidence(Phi, y, noise_std, np.zeros(degree + 1), s**2 * np.eye(degree + 1))

    try:
        value = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"the answer should be a number (sigma_0), got {answer!r}")
    if not 0.01 <= value <= 100:
        return CheckResult(False, f"sigma_0 = {value:g} is outside the range [0.01, 100] we search")
    grid = np.geomspace(0.01, 100, 401)
    evidence = np.array([log_ev(s) for s in grid])
    best, mine = float(grid[np.argmax(evidence)]), log_ev(value)
    if mine >= evidence.max() - 0.5:
        return CheckResult(True, f"sigma_0 = {value:.3g}: log evidence {mine:.2f}; the best on the grid, "
                                 f"{best:.3g}, gives {evidence.max():.2f}")
    side = "too narrow: it rules out the functions the data need" if value < best else \
        "too wide: it spreads belief over wild functions the data do not need"
    return CheckResult(False, f"sigma_0 = {value:.3g}: log evidence {mine:.2f}, but {best:.3g} gives "
                              f"{evidence.max():.2f}. Your prior is {side}.")


# ------------------------------------------------------------------ notebook 04 activities


def _gaussian_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    """(mean, cov) pairs for the notebook 04 checks: a correlated 2-D case, a 3-D and a 6-D one."""
    rng = np.random.default_rng(404)
    rho = -0.9
    cases = [(np.array([1.0, -2.0]), np.array([[4.0, rho * 2 * 0.5], [rho * 2 * 0.5, 0.25]]))]
    for d in (3, 6):
        a = rng.normal(size=(d, d))
        cases.append((rng.normal(size=d), a @ a.T + 0.1 * np.eye(d)))
    return cases


def check_mean_field_sd(fn: Callable) -> CheckResult:
    """Activity 04: `fn(cov)` must return the (D,) standard deviations of the KL(q || p)-optimal
    mean-field Gaussian for p = N(0, cov), i.e. sqrt(1 / Lambda_ii) with Lambda = cov^-1."""
    from . import gaussians

    def reference(cov):
        return np.sqrt(np.diag(gaussians.mean_field_optimum(np.zeros(len(cov)), cov)[1]))

    cases = [(cov,) for _, cov in _gaussian_cases()]
    result = check_function(fn, reference, cases, what="your mean-field standard deviations",
                            rtol=1e-6, atol=1e-9,
                            hint="Invert the covariance to get the precision Lambda; the optimal "
                                 "variance of theta_i is 1 / Lambda_ii, not Sigma_ii.")
    if not result.ok:
        try:  # a common slip: returning the marginal standard deviations themselves
            if np.allclose(np.asarray(fn(cases[0][0]), dtype=float), np.sqrt(np.diag(cases[0][0]))):
                return CheckResult(False, "you returned the marginal standard deviations sqrt(Sigma_ii); "
                                          "mean-field VI gives the conditional ones, sqrt(1 / Lambda_ii)")
        except Exception:  # noqa: BLE001  (the generic message already reports the error)
            pass
    return result


def check_kl_between_gaussians(fn: Callable) -> CheckResult:
    """Activity 04: `fn(mean_q, cov_q, mean_p, cov_p)` must return KL(q || p) in nats."""
    from . import gaussians

    gauss = _gaussian_cases()
    cases = [(gauss[0][0], gauss[0][1], np.zeros(2), np.eye(2)),
             (gauss[1][0], gauss[1][1], np.ones(3), 2.0 * np.eye(3)),
             (np.zeros(6), np.eye(6), gauss[2][0], gauss[2][1]),
             (gauss[1][0], gauss[1][1], gauss[1][0], gauss[1][1])]
    result = check_function(fn, gaussians.kl_divergence, cases, what="your KL divergence", rtol=1e-6,
                            atol=1e-9, hint="KL(q||p) = 1/2 [tr(S_p^-1 S_q) + (m_p - m_q)^T S_p^-1 "
                                            "(m_p - m_q) - D + log det S_p - log det S_q].")
    if not result.ok:
        try:  # a common slip: the arguments the other way round
            swapped = fn(cases[0][2], cases[0][3], cases[0][0], cases[0][1])
            if np.isclose(float(fn(*cases[0])), gaussians.kl_divergence(*cases[0][2:], *cases[0][:2])) or \
                    np.isclose(float(swapped), gaussians.kl_divergence(*cases[0])):
                return CheckResult(False, "your function computes KL(p || q); the ELBO's gap is KL(q || p): "
                                          "swap the roles of q and p")
        except Exception:  # noqa: BLE001
            pass
    return result


def _reference_log_joint(features, y, bias, weight, noise_std):
    """log p(y, theta) of the notebook 04 model, per particle: bias (K,), weight (K, D), noise_std (K,)."""
    import torch
    from torch.distributions import HalfNormal, Normal

    prior = (Normal(0.0, 2.0).log_prob(bias) + Normal(0.0, 2.0).log_prob(weight).sum(-1)
             + HalfNormal(1.0).log_prob(noise_std))
    mean = bias[:, None] + weight @ features.T                                          # (K, N)
    return prior + Normal(mean, noise_std[:, None]).log_prob(torch.as_tensor(y)).sum(-1)


def check_pyro_regression_model(fn: Callable) -> CheckResult:
    """Activity 04: `fn(features, y=None)` must be the Bayesian polynomial model as a Pyro program.

    Sites "bias" ~ N(0, 2^2), "weight" ~ N(0, 2^2) per feature (one site, event dim 1), "noise_std" ~
    HalfNormal(1), and an observed "y" inside a plate "data" of size N. The check runs the model under a
    plate of K = 3 particles (as vectorize_particles does) with the latent values fixed, and compares its
    log density, particle by particle, with the correct one.
    """
    import pyro
    import torch

    if not callable(fn):
        return CheckResult(False, f"my_model should be a function, got {type(fn).__name__}")
    gen = torch.Generator().manual_seed(404)
    n, d, k = 7, 3, 3
    features = torch.rand(n, d, generator=gen) * 2 - 1
    y = torch.randn(n, generator=gen)
    values = {"bias": torch.randn(k, 1, generator=gen), "weight": torch.randn(k, 1, d, generator=gen),
              "noise_std": torch.rand(k, 1, generator=gen) + 0.2}
    try:
        with pyro.plate("particles", k, dim=-2):
            trace = pyro.poutine.trace(pyro.poutine.condition(fn, data=values)).get_trace(features, y)
        trace.compute_log_prob()
    except Exception as err:  # a student's code may fail in any way: report, don't crash
        return CheckResult(False, "running my_model under 3 vectorized particles raised "
                                  f"{type(err).__name__}: {err}. Sample the globals before the plate and "
                                  "let shapes broadcast: mean = bias + (features * weight).sum(-1)")
    sites = {name for name, node in trace.nodes.items() if node["type"] == "sample"}
    missing = {"bias", "weight", "noise_std", "y"} - sites - {"particles"}
    if missing:
        return CheckResult(False, f"the model has no sample site(s) {sorted(missing)}; its sites are "
                                  f"{sorted(sites - {'particles'})}")
    node = trace.nodes["y"]
    if not node["is_observed"]:
        return CheckResult(False, 'site "y" is not observed: pass obs=y')
    plates = [f for f in node["cond_indep_stack"] if f.name == "data"]
    if not plates or plates[0].size != n:
        return CheckResult(False, 'site "y" must sit inside pyro.plate("data", N) with N = features.shape[0]')
    if trace.nodes["weight"]["fn"].event_shape != (d,):
        return CheckResult(False, 'site "weight" must be one vector site of event shape (D,): use '
                                  'dist.Normal(0., 2.).expand([D]).to_event(1)')
    got = torch.zeros(k)
    for name in ("bias", "weight", "noise_std", "y"):
        lp = trace.nodes[name]["log_prob"]
        expected = (k, n) if name == "y" else (k, 1)
        if tuple(lp.shape) != expected:
            return CheckResult(False, f'site "{name}" has log-density shape {tuple(lp.shape)} under 3 '
                                      f"particles, expected {expected}: draws are being broadcast against "
                                      "each other (section 7), or a global site sits inside the data plate")
        got = got + lp.sum(-1)
    want = _reference_log_joint(features, y, values["bias"][:, 0], values["weight"][:, 0],
                                values["noise_std"][:, 0])
    if not torch.allclose(got, want, rtol=1e-4, atol=1e-3):
        parts = []
        for name, dist_name in (("bias", "Normal(0, 2)"), ("noise_std", "HalfNormal(1)")):
            lp = trace.nodes[name]["log_prob"].reshape(-1)
            ref = (torch.distributions.Normal(0.0, 2.0).log_prob(values["bias"].reshape(-1)) if name == "bias"
                   else torch.distributions.HalfNormal(1.0).log_prob(values["noise_std"].reshape(-1)))
            if not torch.allclose(lp.expand(k), ref, rtol=1e-4, atol=1e-4):
                parts.append(f'the prior of "{name}" is not {dist_name}')
        hint = "; ".join(parts) or ("check the weight prior N(0, 2^2) and the likelihood "
                                    "N(bias + w . phi, sigma^2)")
        return CheckResult(False, f"the log density differs from the model's by up to "
                                  f"{float((got - want).abs().max()):.3g} nats: {hint}")
    return CheckResult(True, "your model has the right sites, priors, likelihood and plate, and it is safe "
                             "under vectorized particles")


# ------------------------------------------------------------------ notebook 07 activities


def check_midpoint_step(fn: Callable) -> CheckResult:
    """Activity 07: `fn(f, t, y, h)` must return one explicit midpoint step
    y + h f(t + h/2, y + h/2 f(t, y)), and so converge with order 2 on the linear spiral."""
    from . import odes

    def field(s, z):  # the +s term makes a slip in the time argument show
        return odes.linear_spiral(s, z) + s

    def reference(t, y, h):  # one step from t: the helper starts at 0, so shift the field's clock
        return odes.fixed_step_solve(lambda s, z: field(t + s, z), y, h, 1, "midpoint")[1][-1]

    def candidate(t, y, h):
        return fn(field, t, y, h)

    # t != 0 in every case, so that f(h/2, ...) in place of f(t + h/2, ...) is caught
    cases = [(0.7, np.array([2.0, 0.0]), 0.1), (-1.5, np.array([-1.0, 0.5]), 0.5),
             (3.0, np.array([0.3, -2.0]), 1.0)]
    result = check_function(candidate, reference, cases, what="your midpoint step", rtol=1e-10, atol=1e-12,
                            hint="k1 = f(t, y); k2 = f(t + h/2, y + h/2 k1); return y + h k2.")
    if not result:
        return result
    steps = 2 ** np.arange(2, 9)
    exact = odes.linear_spiral_exact(2.0)[0]
    errors = []
    for n in steps:
        h, y = 2.0 / n, odes.SPIRAL_Y0.copy()
        for i in range(n):
            y = np.asarray(fn(odes.linear_spiral, i * h, y, h), dtype=float)
        errors.append(np.linalg.norm(y - exact))
    order = odes.observed_order(2.0 / steps, errors)
    return CheckResult(True, f"your midpoint step matches the reference; observed order {order:.2f} "
                             "(theory: 2)")


def _rk4_error(n_steps: int) -> float:
    from . import odes

    _, ys = odes.fixed_step_solve(odes.linear_spiral, odes.SPIRAL_Y0, 10.0, n_steps, "rk4")
    return float(np.linalg.norm(ys[-1] - odes.linear_spiral_exact(10.0)[0]))


def check_rk4_steps(answer, *, tol: float = 1e-4) -> CheckResult:
    """Activity 07: the fewest RK4 steps on [0, 10] for the linear spiral whose error at t = 10
    is below `tol`. Answers up to 10% above the fewest count as right (the explorer's slider moves
    in steps of 5)."""
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        return CheckResult(False, f"the answer should be a whole number of steps, got {answer!r}")
    if answer < 1:
        return CheckResult(False, f"the number of steps must be at least 1, got {answer}")
    fewest = next(n for n in range(1, 5000) if _rk4_error(n) < tol)
    error = _rk4_error(int(answer))
    if error >= tol:
        return CheckResult(False, f"with {answer} steps the error is {error:.2e}, not below {tol:g}: "
                                  "take more steps")
    if answer > 1.1 * fewest:
        return CheckResult(False, f"{answer} steps reach error {error:.2e}, but fewer steps do too: "
                                  "look for the smallest number")
    return CheckResult(True, f"{answer} steps give error {error:.2e} < {tol:g} (the fewest: {fewest})")


# ------------------------------------------------------------------ notebook 07b activities


def _interpolation_reference(values, step, t):
    values, t = np.asarray(values, dtype=float), np.asarray(t, dtype=float)
    grid = step * np.arange(values.shape[1])
    return np.stack([np.interp(t_row, grid, v_row) for t_row, v_row in zip(t, values, strict=True)])


def check_grid_interpolation(fn: Callable) -> CheckResult:
    """Activity 07b: `fn(values, step, t)` with torch tensors `values` (B, G) on the grid 0, step,
    2 step, ... and times `t` (B, n) inside it must return the linear interpolation (B, n)."""
    import torch

    rng = np.random.default_rng(0)
    cases = []
    for batch, points, n, step in ((1, 5, 3, 0.5), (4, 41, 10, 0.2), (3, 11, 7, 1.0)):
        t = rng.uniform(0, step * (points - 1), (batch, n))
        t[0, 0], t[-1, -1] = 0.0, step * (points - 1)  # both ends of the grid
        cases.append((torch.as_tensor(rng.normal(size=(batch, points))), step, torch.as_tensor(t)))
    return check_function(fn, _interpolation_reference, cases, what="your interpolation", rtol=1e-9,
                          atol=1e-12, hint="index i = floor(t / step) (at most G - 2), weight "
                                           "w = t / step - i: (1 - w) values[i] + w values[i + 1].")


def _coverage_reference(draws, y, level):
    lower, upper = np.quantile(np.asarray(draws, dtype=float), [(1 - level) / 2, (1 + level) / 2], axis=0)
    y = np.asarray(y, dtype=float)
    return float(np.mean((y >= lower) & (y <= upper)))


def check_band_coverage(fn: Callable) -> CheckResult:
    """Activity 07b: `fn(draws, y, level)` with torch tensors `draws` (S, n) and `y` (n,) must return
    the fraction of y inside the central `level` band of the draws (a number in [0, 1])."""
    import torch

    draws = torch.linspace(0.0, 1.0, 1001, dtype=torch.float64)[:, None].expand(1001, 7)
    y = torch.tensor([0.01, 0.1, 0.5, 0.93, 0.97, 2.0, -1.0], dtype=torch.float64)
    shifted = draws + torch.arange(7, dtype=torch.float64)  # a different band for each column
    cases = [(draws, y, 0.9), (draws, y, 0.5), (shifted, y + torch.arange(7, dtype=torch.float64), 0.9)]
    return check_function(fn, _coverage_reference, cases, what="your coverage", rtol=1e-6, atol=1e-9,
                          hint="lower and upper quantiles of the draws along dim 0, then the mean of "
                               "(lower <= y) & (y <= upper).")


def check_first_observations_mse(answer, *, model, series_data, n_first: int) -> CheckResult:
    """Activity 07b: the extrapolation MSE of the latent ODE `model` (encode/decode as in
    explorers.latent_ode_posterior) on `series_data` when the encoder sees only the first
    `n_first` observations of each series, predicting with the mean of 50 decoded z0 samples.
    Answers within 15% count (the samples are random)."""
    import torch

    n_first = _validate.count("n_first", n_first, minimum=1)
    params = list(model.parameters())
    kw = {"dtype": params[0].dtype, "device": params[0].device}
    t, y = torch.as_tensor(series_data.t_obs, **kw), torch.as_tensor(series_data.y_obs, **kw)
    kept = torch.zeros_like(t, dtype=torch.bool)
    kept[:, :n_first] = True
    t_new, y_new = torch.as_tensor(series_data.t_extra, **kw), torch.as_tensor(series_data.y_extra, **kw)
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        mean, log_sd = model.encode(t, y, kept)
        z0 = mean + log_sd.exp() * torch.randn(50, *mean.shape, generator=gen).to(**kw)
        pred = model.decode(z0.flatten(0, 1), t_new.repeat(50, 1)).reshape(50, *t_new.shape).mean(0)
    expected = float((pred - y_new).pow(2).mean())
    return check_number(answer, expected, rtol=0.15, what="the MSE with the first "
                        f"{n_first} observations", hint="keep = the first n_first columns of the mask; "
                        "predict with the mean over samples, then average the squared error.")


# ------------------------------------------------------------------ notebook 08 activities


def _retained_accuracy_reference(correct, score, fraction):
    correct, score = np.asarray(correct, dtype=float), np.asarray(score, dtype=float)
    n_keep = correct.size - int(round(fraction * correct.size))
    keep = np.argsort(score, kind="stable")[:n_keep]
    return float(correct[keep].mean())


def check_retained_accuracy(fn: Callable) -> CheckResult:
    """Activity 08: `fn(correct, score, fraction)` with NumPy arrays `correct` (N,) booleans and
    `score` (N,) uncertainty scores (higher = less sure) must return the accuracy of the objects
    kept when the round(fraction * N) highest-scoring ones go to follow-up (fraction < 1)."""
    rng = np.random.default_rng(0)
    cases = []
    for n, fraction in ((10, 0.0), (10, 0.3), (101, 0.25), (500, 0.5), (7, 0.9)):
        score = rng.permutation(n).astype(float) + rng.uniform(0, 0.5, n)  # distinct scores
        correct = rng.uniform(size=n) < 1 / (1 + np.exp(score / n * 4 - 2))  # the uncertain err more
        cases.append((correct, score, fraction))
    return check_function(fn, _retained_accuracy_reference, cases, what="your retained accuracy",
                          rtol=1e-12, atol=1e-12,
                          hint="sort by score ascending (most certain first), keep the first "
                               "N - round(fraction * N), and average `correct` over them.")


def _chi2_reference(y, mu, e, kept, jitter):
    r2 = (np.asarray(y) - np.asarray(mu)) ** 2 / (np.asarray(e) ** 2 + jitter**2)
    kept = np.asarray(kept, dtype=float)
    return (r2 * kept).sum(axis=1) / kept.sum(axis=1)


def check_chi2_per_point(fn: Callable) -> CheckResult:
    """Activity 08: `fn(y, mu, e, kept, jitter)` with NumPy arrays (N, n) (kept boolean) must return
    each row's mean of (y - mu)^2 / (e^2 + jitter^2) over its kept points, shape (N,)."""
    rng = np.random.default_rng(1)
    cases = []
    for n_rows, n, jitter in ((1, 5, 0.0), (4, 12, 0.05), (20, 30, 0.3)):
        kept = rng.uniform(size=(n_rows, n)) < 0.6
        kept[:, 0] = True
        e = rng.uniform(0.05, 0.5, (n_rows, n))
        cases.append((rng.normal(size=(n_rows, n)), rng.normal(size=(n_rows, n)), e, kept, jitter))
    return check_function(fn, _chi2_reference, cases, what="your chi-square per point", rtol=1e-9,
                          atol=1e-12, hint="divide each squared residual by e^2 + jitter^2 (variances "
                                           "add), sum over the kept points only, divide by their count.")
