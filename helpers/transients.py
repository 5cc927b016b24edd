"""Models of the capstone (08): an encoder-decoder for irregular light curves and a batched ensemble.

- `prepare`: from a survey's arrays (`data.LightCurves`) and a mask of the points seen so far to the
  encoder's inputs: times since the first seen point in units of 100 days, fluxes and errors divided
  by the largest |flux| seen (so the scale, like the shape, comes only from what was observed).
- `CurveVAE`: a variational encoder-decoder. The encoder is 07b's `latent_ode.GRUEncoder` reading
  (value, time gap, error) at each point; the decoder maps (z, t) to the normalized flux at time t,
  so it can be evaluated at any time (continuous time, like 07b's decoder, without an ODE solve).
- `train_vae`: its ELBO with the quoted errors in the likelihood, on random cuts of the curves.
- `train_ensemble` / `ensemble_probs`: M softmax MLPs trained at once as one batched computation.

Torch and NumPy only: no plotting, no widgets.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from . import _validate as v
from .latent_ode import GRUEncoder

TIME_UNIT = 100.0  # days per unit of the encoder's time axis
ENCODER_TIME, ENCODER_ERR = 10.0, 5.0  # the encoder reads gaps in units of 10 days and errors times 5
JITTER = 0.05  # model error added in quadrature to the normalized errors in the likelihood


def _arrays(t, flux, err, kept):
    t, flux, err = (np.asarray(a, dtype=np.float64) for a in (t, flux, err))
    kept = np.asarray(kept)
    if t.ndim != 2 or not t.shape == flux.shape == err.shape == kept.shape:
        raise ValueError(f"t, flux, err and kept must share one (N, n) shape, got {t.shape}, {flux.shape}, "
                         f"{err.shape} and {kept.shape}")
    if kept.dtype != bool:
        raise ValueError(f"kept must be a boolean mask, got dtype {kept.dtype}")
    if not kept.any(axis=1).all():
        raise ValueError("every curve must keep at least one point")
    for name, a in (("t", t), ("flux", flux), ("err", err)):
        v.finite(name, a)
    if np.any(err <= 0):
        raise ValueError("err must be positive")
    return t, flux, err, kept


def kept_until(t, until) -> np.ndarray:
    """The mask of points observed by time `until` (a number or one per curve, (N,); inf keeps all)."""
    t = np.asarray(t, dtype=np.float64)
    if t.ndim != 2:
        raise ValueError(f"t must be (N, n), got shape {t.shape}")
    until = np.broadcast_to(np.asarray(until, dtype=np.float64), (t.shape[0],))
    if np.isnan(until).any():
        raise ValueError("until must not be NaN")
    return t <= until[:, None]


def prepare(t, flux, err, kept) -> dict[str, torch.Tensor]:
    """The encoder's inputs for curves seen only at the `kept` points, as float32 tensors (N, n).

    `t_rel` = (t - first kept t) / TIME_UNIT (clipped at 0 for earlier, unseen points), `y` = flux
    / scale and `e` = err / scale with scale = max(1, max |flux| over the kept points) per curve,
    `kept` the mask, `scale` (N,). Raises ValueError for mismatched shapes or non-finite values.
    """
    t, flux, err, kept = _arrays(t, flux, err, kept)
    first = np.where(kept, t, np.inf).min(axis=1)
    scale = np.maximum(1.0, np.where(kept, np.abs(flux), 0.0).max(axis=1))
    f32 = lambda a: torch.as_tensor(a, dtype=torch.float32)  # noqa: E731
    return {"t_rel": f32(np.clip(t - first[:, None], 0, None) / TIME_UNIT), "y": f32(flux / scale[:, None]),
            "e": f32(err / scale[:, None]), "kept": torch.as_tensor(kept), "scale": f32(scale)}


class CurveVAE(nn.Module):
    """q(z | points seen) by 07b's GRU encoder on (value, gap, error); p(y(t) | z) = N(decoder(z, t),
    e^2 + jitter^2) for each point, e its normalized quoted error.

    `encode(x)` takes a `prepare` dict and returns (mean, log_sd), each (N, latent); `decode(z, t_rel)`
    with z (N, latent) and t_rel (N, T) returns the normalized flux (N, T).
    """

    def __init__(self, latent: int = 8, hidden: int = 32, width: int = 64, n_classes: int = 4):
        super().__init__()
        sizes = (("latent", latent), ("hidden", hidden), ("width", width), ("n_classes", n_classes))
        for name, value in sizes:
            v.count(name, value, minimum=1)
        self.latent = latent
        self.head = nn.Linear(latent, n_classes)  # a linear read-out of the code, used only in training
        self.encoder = GRUEncoder(latent=latent, hidden=hidden, errors=True)
        self.decoder = nn.Sequential(nn.Linear(latent + 1, width), nn.Tanh(), nn.Linear(width, width),
                                     nn.Tanh(), nn.Linear(width, 1))

    def encode(self, x):
        # inputs of order one for the GRU: gaps in units of 10 days, errors times 5
        return self.encoder(ENCODER_TIME * x["t_rel"], x["y"], x["kept"], ENCODER_ERR * x["e"])

    def decode(self, z, t_rel):
        zt = torch.cat([z[:, None, :].expand(-1, t_rel.shape[1], -1), t_rel[..., None]], dim=-1)
        return self.decoder(zt)[..., 0]

    def neg_elbo(self, x, generator=None):
        """-ELBO per curve (N,): Gaussian log-likelihood of the kept points (errors e and the jitter
        in quadrature) under one reparameterized z draw, minus KL(q(z) || N(0, I))."""
        mean, log_sd = self.encode(x)
        eps = torch.randn(mean.shape, generator=generator)
        mu = self.decode(mean + log_sd.exp() * eps, x["t_rel"])
        var = x["e"] ** 2 + JITTER**2
        nll = 0.5 * ((x["y"] - mu) ** 2 / var + var.log() + math.log(2 * math.pi))
        kl = 0.5 * (mean**2 + (2 * log_sd).exp() - 1 - 2 * log_sd).sum(-1)
        return (nll * x["kept"]).sum(-1) + kl

    @torch.no_grad()
    def chi2(self, x) -> np.ndarray:
        """Mean squared standardized residual (y - decode(mean))^2 / (e^2 + jitter^2) over the kept
        points of each curve (N,): how well the decoder redraws it from its most likely code."""
        mean, _ = self.encode(x)
        mu = self.decode(mean, x["t_rel"])
        r2 = (x["y"] - mu) ** 2 / (x["e"] ** 2 + JITTER**2)
        return ((r2 * x["kept"]).sum(-1) / x["kept"].sum(-1)).double().numpy()


def random_cuts(t, detection, rng, p_full: float = 0.4, max_days: float = 120.0) -> np.ndarray:
    """Masks of training curves cut at a random time: kept whole with probability `p_full`, else seen
    up to detection + U(0, max_days) days. `rng` is a NumPy Generator."""
    t = np.asarray(t, dtype=np.float64)
    detection = v.as_vector("detection", detection, length=t.shape[0] if t.ndim == 2 else None)
    until = detection + rng.uniform(0, max_days, detection.shape)
    until = np.where(rng.uniform(size=detection.shape) < p_full, np.inf, until)
    return kept_until(t, until)


def train_vae(model: CurveVAE, t, flux, err, detection, *, labels=None, label_weight: float = 0.0,
              steps: int = 600, batch_size: int = 128, lr: float = 3e-3, seed: int = 0) -> list[float]:
    """Adam on the -ELBO per curve, each minibatch a fresh random cut (`random_cuts`) of random curves.
    Returns the loss of each step (mean -ELBO per curve); the learning rate decays to 10% (cosine)."""
    steps = v.count("steps", steps, minimum=1)
    batch_size = v.count("batch_size", batch_size, minimum=1)
    lr = v.positive("lr", lr)
    t, flux, err, _ = _arrays(t, flux, err, np.ones(np.shape(t), dtype=bool))
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps, eta_min=0.1 * lr)
    losses = []
    for _ in range(steps):
        idx = rng.integers(0, t.shape[0], batch_size)
        kept = random_cuts(t[idx], np.asarray(detection)[idx], rng)
        x = prepare(t[idx], flux[idx], err[idx], kept)
        loss = model.neg_elbo(x, gen).mean()
        if label_weight > 0:
            logits = model.head(model.encode(x)[0])
            loss = loss + label_weight * nn.functional.cross_entropy(logits, torch.as_tensor(labels[idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(float(loss.detach()))
    return losses


def codes(model: CurveVAE, t, flux, err, kept, batch_size: int = 2048) -> np.ndarray:
    """Features of curves seen at the `kept` points: [mean, log_sd] of q(z), shape (N, 2 latent)."""
    x = prepare(t, flux, err, kept)
    out = []
    with torch.no_grad():
        for s in range(0, x["y"].shape[0], batch_size):
            part = {k: a[s:s + batch_size] for k, a in x.items()}
            out.append(torch.cat(model.encode(part), dim=-1))
    return torch.cat(out).double().numpy()


# ------------------------------------------------------------------ a batched deep ensemble


def train_ensemble(X, y, *, members: int = 5, hidden: int = 32, n_classes: int | None = None,
                   steps: int = 400, lr: float = 0.01, weight_decay: float = 1e-3, seed: int = 0) -> dict:
    """`members` one-hidden-layer softmax MLPs trained together on (X, y), each from its own random
    initialization, full batch, Adam on the summed cross-entropies (the members share no parameter,
    so each one's gradient is that of its own loss). Returns the weights as tensors (M, ...)."""
    X = v.as_matrix("X", X)
    y = np.asarray(y)
    if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError(f"y must be ({X.shape[0]},) non-negative integer labels, got shape {y.shape}")
    members = v.count("members", members, minimum=1)
    hidden = v.count("hidden", hidden, minimum=1)
    steps = v.count("steps", steps, minimum=1)
    k = int(y.max()) + 1 if n_classes is None else v.count("n_classes", n_classes, minimum=int(y.max()) + 1)
    gen = torch.Generator().manual_seed(seed)
    d = X.shape[1]
    w = {"W1": torch.randn(members, d, hidden, generator=gen) / math.sqrt(d),
         "b1": torch.zeros(members, 1, hidden),
         "W2": torch.randn(members, hidden, k, generator=gen) / math.sqrt(hidden),
         "b2": torch.zeros(members, 1, k)}
    for p in w.values():
        p.requires_grad_(True)
    opt = torch.optim.Adam(w.values(), lr=v.positive("lr", lr), weight_decay=v.non_negative("weight_decay",
                                                                                            weight_decay))
    Xt, yt = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y).repeat(members)
    for _ in range(steps):
        logits = _ensemble_logits(w, Xt)
        loss = nn.functional.cross_entropy(logits.reshape(-1, k), yt, reduction="mean") * members
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {name: p.detach() for name, p in w.items()}


def _ensemble_logits(w, X):
    return torch.tanh(X @ w["W1"] + w["b1"]) @ w["W2"] + w["b2"]


def ensemble_probs(weights: dict, X) -> np.ndarray:
    """Class probabilities of each member, (M, N, K) float64."""
    if not isinstance(weights, dict) or set(weights) != {"W1", "b1", "W2", "b2"}:
        raise ValueError("weights must be the dict returned by train_ensemble")
    X = v.as_matrix("X", X, cols=weights["W1"].shape[1])
    with torch.no_grad():
        logits = _ensemble_logits(weights, torch.as_tensor(X, dtype=torch.float32))
    return torch.softmax(logits.double(), dim=-1).numpy()
