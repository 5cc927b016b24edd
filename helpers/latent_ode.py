"""Encoders for irregularly sampled series (notebook 07b; the capstone reuses them).

Both map observations of a batch of series, each at its own times, to the parameters of a diagonal
Gaussian q(z0) = N(mean, diag(exp(log_sd))^2) over a latent initial state at t = 0. They read the
observations **backwards in time** (latest first), so the final state summarizes the series as seen
from t = 0, and accept a boolean mask `kept` of which observations they may see: series with
different numbers of observations share one batch.

- `GRUEncoder`: a GRU over the pairs (y_i, gap_i), gap_i = t_i - t_(i-1) the time before the
  observation (the "RNN with time gaps as input" baseline of Rubanova et al. 2019).
- `ODERNNEncoder`: the ODE-RNN of Rubanova et al. (2019): between observations the hidden state
  evolves by an ODE dh/ds = g(h) over the gap, at each observation a GRU cell updates it with y_i.
  Time enters only through the ODE, not as an input.

Torch only: no plotting. Call signature of both: `encoder(t, y, kept) -> (mean, log_sd)` with
`t, y` float (B, n), `kept` bool (B, n), each row keeping at least one observation, and the
outputs (B, latent).
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


def reversed_kept(t: torch.Tensor, y: torch.Tensor, kept: torch.Tensor):
    """Sort each row's kept observations latest first, dropped ones after them (as padding).

    Returns `(y, gaps, kept, n_kept)`, all (B, n) except `n_kept` (B,): `gaps[:, j]` is the time
    between the j-th entry in this reversed order and the one after it (the previous observation in
    time), or t_i - 0 for the earliest kept one; dropped entries have y = 0 and gap = 0.
    Raises ValueError for shapes that do not match, a non-boolean mask, a row with nothing kept,
    negative or non-finite kept times or non-finite kept values.
    """
    if not (isinstance(t, torch.Tensor) and isinstance(y, torch.Tensor) and isinstance(kept, torch.Tensor)):
        raise ValueError("t, y and kept must be torch tensors")
    if t.ndim != 2 or t.shape != y.shape or t.shape != kept.shape:
        raise ValueError(f"t, y and kept must share one (batch, n) shape, got {tuple(t.shape)}, "
                         f"{tuple(y.shape)} and {tuple(kept.shape)}")
    if kept.dtype != torch.bool:
        raise ValueError(f"kept must be a boolean mask, got dtype {kept.dtype}")
    n_kept = kept.sum(1)
    if t.shape[1] == 0 or bool((n_kept == 0).any()):
        raise ValueError("every series must keep at least one observation")
    t_kept, y_kept = t[kept], y[kept]
    if not bool(torch.isfinite(t_kept).all() and torch.isfinite(y_kept).all()):
        raise ValueError("the kept times and values must be finite")
    if bool((t_kept < 0).any()):
        raise ValueError("observation times must be >= 0 (the latent state is at t = 0)")
    # sort by the key -t for kept observations and +inf for dropped ones: kept first, latest first
    order = torch.argsort(torch.where(kept, -t, math.inf), dim=1, stable=True)  # same order on every call
    t, y, kept = (a.gather(1, order) for a in (t, y, kept))
    t = torch.where(kept, t, 0.0)
    # in this order the next entry is the previous observation in time: gap = t_i - t_(i-1);
    # the earliest kept one is followed by a zeroed dropped entry or by the end: t_i - 0
    gaps = t - torch.cat([t[:, 1:], torch.zeros_like(t[:, :1])], dim=1)
    return torch.where(kept, y, 0.0), gaps, kept, n_kept


class GRUEncoder(nn.Module):
    """q(z0) from a GRU run backwards over (value, time gap) pairs; padded points are never read.

    With `errors=True` (the capstone, 08) each step reads (value, time gap, error): call it as
    `encoder(t, y, kept, err)` with `err` (B, n) the 1-sigma error of each value.
    """

    def __init__(self, latent: int = 6, hidden: int = 32, errors: bool = False):
        super().__init__()
        self.errors = bool(errors)
        self.gru = nn.GRU(3 if self.errors else 2, hidden, batch_first=True)
        self.to_q = nn.Linear(hidden, 2 * latent)

    def forward(self, t, y, kept, err=None):
        if self.errors != (err is not None):
            raise ValueError("this encoder reads (value, gap, error): pass err" if self.errors else
                             "this encoder reads (value, gap) only; build it with errors=True to pass err")
        y, gaps, _, n_kept = reversed_kept(t, y, kept)
        columns = [y, gaps]
        if err is not None:
            if not isinstance(err, torch.Tensor) or err.shape != t.shape:
                raise ValueError(f"err must be a tensor of shape {tuple(t.shape)}, like t")
            columns.append(reversed_kept(t, err, kept)[0])  # the same (stable) order as y
        packed = pack_padded_sequence(torch.stack(columns, dim=-1), n_kept.cpu(), batch_first=True,
                                      enforce_sorted=False)
        _, h = self.gru(packed)  # h: the state after each series' own last (earliest-in-time) entry
        mean, log_sd = self.to_q(h[0]).chunk(2, dim=-1)
        return mean, log_sd


class ODERNNEncoder(nn.Module):
    """q(z0) from an ODE-RNN run backwards in time (Rubanova et al. 2019).

    At each kept observation a GRU cell updates the state with the value; over the gap to the
    previous observation (or to t = 0) the state evolves by dh/ds = g(h), solved by the midpoint
    method in equal sub-steps no longer than `max_step`. A dropped entry has gap 0 and is not read,
    so it leaves the state unchanged.
    """

    def __init__(self, latent: int = 6, hidden: int = 32, max_step: float = 0.5):
        super().__init__()
        if not max_step > 0:
            raise ValueError(f"max_step must be positive, got {max_step!r}")
        self.hidden, self.max_step = hidden, float(max_step)
        self.cell = nn.GRUCell(1, hidden)
        self.ode = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, hidden))
        self.to_q = nn.Linear(hidden, 2 * latent)

    def evolve(self, h, gap):
        """The state after time `gap` (B,) of dh/ds = g(h): each series takes ceil(gap / max_step)
        equal midpoint sub-steps of its own (so its result does not depend on the rest of the batch)."""
        n_sub = torch.ceil(gap / self.max_step).clamp(min=1)
        step = (gap / n_sub)[:, None]
        for k in range(int(n_sub.max())):
            moved = h + step * self.ode(h + 0.5 * step * self.ode(h))
            h = moved if k == 0 else torch.where((k < n_sub)[:, None], moved, h)
        return h

    def forward(self, t, y, kept):
        y, gaps, kept, n_kept = reversed_kept(t, y, kept)
        h = y.new_zeros(len(y), self.hidden)
        for j in range(int(n_kept.max())):  # entries past a series' own count are padding
            h = torch.where(kept[:, j, None], self.cell(y[:, j, None], h), h)  # jump at the observation
            h = self.evolve(h, gaps[:, j])  # flow back to the previous observation (gap 0 if padding)
        mean, log_sd = self.to_q(h).chunk(2, dim=-1)
        return mean, log_sd
