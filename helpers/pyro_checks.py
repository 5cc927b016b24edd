"""Reading Pyro guides and models for validation against exact answers (notebook 04).

Pyro's `AutoContinuous` guides (`AutoMultivariateNormal`, `AutoDiagonalNormal`,
`AutoLowRankMultivariateNormal`) keep one flat latent vector whose blocks follow the order in which
the model *first samples* its sites; that order is an accident of how `forward` is written (reading
`self.weight` before `self.bias` puts the weight first). Everything here therefore selects blocks BY
SITE NAME, never by position. This module imports Pyro but no plotting or widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from . import _validate as v


def _latent_blocks(guide) -> dict[str, slice]:
    shapes = getattr(guide, "_unconstrained_shapes", None)
    if shapes is None:
        raise ValueError("guide has no latent layout yet: run it (or fit it) once before reading it, "
                         "and pass an AutoContinuous guide such as AutoMultivariateNormal")
    blocks, start = {}, 0
    for name, shape in shapes.items():
        size = int(np.prod(shape))
        blocks[name] = slice(start, start + size)
        start += size
    return blocks


def site_order(guide) -> list[str]:
    """Names of the guide's latent sites in the order they occupy its flat latent vector."""
    return list(_latent_blocks(guide))


def guide_gaussian(guide, sites: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(mean (P,), cov (P, P)) in float64 of a Gaussian AutoContinuous guide over the named sites.

    The blocks are concatenated in the order of `sites` (e.g. ("bias", "weight") gives
    theta = (b, w_1..w_D) as in `linreg`), whatever order the model sampled them in. Values are in the
    guide's unconstrained space, which equals the parameter space for real-valued sites.
    """
    blocks = _latent_blocks(guide)
    if isinstance(sites, str) or len(sites) == 0:
        raise ValueError("sites must be a non-empty sequence of site names, e.g. ('bias', 'weight')")
    missing = [name for name in sites if name not in blocks]
    if missing:
        raise ValueError(f"unknown site(s) {missing}; the guide has {list(blocks)}")
    with torch.no_grad():
        q = guide.get_posterior()
        mean = q.mean.double()
        if hasattr(q, "scale_tril") and not hasattr(q, "cov_factor"):
            chol = q.scale_tril.double()                    # float64 before squaring: exactly symmetric
            cov = chol @ chol.T
        elif hasattr(q, "covariance_matrix"):
            cov = q.covariance_matrix.double()
        else:
            cov = torch.diag(q.variance.double())
    index = np.concatenate([np.arange(blocks[name].start, blocks[name].stop) for name in sites])
    mean, cov = mean.cpu().numpy(), cov.cpu().numpy()
    return mean[index], cov[np.ix_(index, index)]


def matches_exact(summary: dict, mean_tol: float, sd_tol: float, kl_tol: float = np.inf) -> bool:
    """True when every |z| <= mean_tol, every |sd ratio - 1| <= sd_tol and KL <= kl_tol.

    `summary` is the dict of `gaussians.compare` (keys "z", "sd_ratio", "kl").
    """
    for name, value in (("mean_tol", mean_tol), ("sd_tol", sd_tol), ("kl_tol", kl_tol)):
        if not value > 0:
            raise ValueError(f"{name} must be positive, got {value}")
    return bool(np.all(np.abs(summary["z"]) <= mean_tol)
                and np.all(np.abs(summary["sd_ratio"] - 1) <= sd_tol)
                and summary["kl"] <= kl_tol)


def subsample_estimates(model: Callable, values: dict, args: tuple, *, num_traces: int = 400,
                        site: str = "y", **kwargs) -> np.ndarray:
    """log-likelihood estimates of `site` from `num_traces` runs of `model(*args, **kwargs)`.

    The latent sites are fixed to `values` (a dict name -> tensor) with `poutine.condition`, so each
    trace differs only in the subsample its plate draws. A correct minibatch model gives estimates
    whose average is the full-data log-likelihood (the plate scales a subsample of B by N/B).
    """
    import pyro

    num_traces = v.count("num_traces", num_traces, minimum=2)
    conditioned = pyro.poutine.condition(model, data=values)
    out = np.empty(num_traces)
    with torch.no_grad():
        for k in range(num_traces):
            trace = pyro.poutine.trace(conditioned).get_trace(*args, **kwargs)
            if site not in trace.nodes:
                raise ValueError(f"the model has no site {site!r}")
            node = trace.nodes[site]
            out[k] = (node["fn"].log_prob(node["value"]) * node["scale"]).sum().item()
    return out
