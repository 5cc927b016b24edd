"""Latency of every slider update in the series, as a reader feels it: compute + draw + encode.

    .venv/bin/python tools/bench_sliders.py [--repeat N]     (`make bench` runs it with the rest)

Each slider is swept over its range while the others keep their defaults; the update function is
called and its figure rendered exactly as the notebook panel does (`plotting.render(fig, "jpeg")`).
Reports the median and the 90th percentile per slider, in both figure styles, as a markdown table.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import time
from datetime import date

import numpy as np

from helpers import config, explorers, plotting

# (notebook, update function, {slider: values to sweep}, budget in ms)
SLIDERS = [
    ("01", explorers.ols_fit, {
        "family": ["polynomial", "fourier", "rbf"],
        "n_basis": list(range(1, 31)),
        "noise_std": list(np.round(np.linspace(0.0, 0.5, 11), 2)),
        "n_points": list(range(10, 201, 10)),
    }, 100),
    ("02", explorers.ridge_fit, {
        "log10_lambda": list(np.round(np.arange(-8.0, 2.01, 0.25), 2)),
        "degree": list(range(1, 21)),
        "noise_std": list(np.round(np.linspace(0.0, 0.5, 11), 2)),
    }, 100),
    ("03", explorers.bayes_predictive, {
        "n_seen": list(range(0, 101, 5)),
        "noise_std": list(np.round(np.linspace(0.05, 1.0, 20), 2)),
        "prior_std": list(np.round(np.geomspace(0.1, 10.0, 21), 3)),
        "degree": list(range(0, 21)),
    }, 100),
    ("05", explorers.prior_functions, {
        "hidden": list(range(1, 101, 5)),
        "weight_std": list(np.round(np.linspace(0.0, 5.0, 26), 1)),
        "bias_std": list(np.round(np.linspace(0.0, 5.0, 26), 1)),
        "activation": list(explorers.PRIOR_ACTIVATIONS),
        "depth": [1, 2, 3, 4],
        "scaled": [True, False],
    }, 250),
]


def _bnn_classification_explorers():
    """05b's explorer with stand-in NumPy models of the notebook's sizes (64-64-5, 200 posterior draws):
    the cost of a forward pass does not depend on the values of the weights."""
    import functools

    from helpers import data

    rng = np.random.default_rng(0)
    _, _, X_test, y_test = data.digits(binarize_threshold=None, train_classes=range(5), seed=0)

    def forward(x, w1, w2):
        logits = np.maximum(x @ w1, 0.0) @ w2
        logits -= logits.max(axis=-1, keepdims=True)
        return np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)

    w1, w2 = rng.normal(size=(64, 64)) / 8, rng.normal(size=(64, 5)) / 8
    w1_draws, w2_draws = w1 + 0.1 * rng.normal(size=(200, 64, 64)), w2 + 0.1 * rng.normal(size=(200, 64, 5))
    update = functools.update_wrapper(
        functools.partial(explorers.scaled_digit_probabilities, images=X_test, labels=y_test,
                          mlp=lambda x: forward(x, w1, w2), bnn=lambda x: forward(x, w1_draws, w2_draws)),
        explorers.scaled_digit_probabilities)
    return [("05b", update, {"scale": list(np.round(np.geomspace(1.0, 100.0, 21), 3)),
                             "index": list(range(0, 225, 15)), "source": ["in", "ood"]}, 250)]


def _vae_explorers():
    """06's explorers with a small untrained decoder (the decoder pass costs the same at any weights)."""
    import functools

    import torch

    from helpers import data

    torch.manual_seed(0)
    _, _, X_test, y_test = data.digits(seed=0)
    codes = np.random.default_rng(0).normal(size=(len(X_test), 2))
    decoder = torch.nn.Sequential(torch.nn.Linear(2, 256), torch.nn.ReLU(), torch.nn.Linear(256, 64))
    kwargs = {"decoder": decoder, "codes": codes, "labels": y_test}
    decode = functools.update_wrapper(functools.partial(explorers.latent_decoder, **kwargs),
                                      explorers.latent_decoder)
    interpolate = functools.update_wrapper(
        functools.partial(explorers.latent_interpolation, images=X_test, **kwargs),
        explorers.latent_interpolation)
    grid = list(np.round(np.linspace(-4.0, 4.0, 33), 2))
    return [
        ("06", decode, {"z1": grid, "z2": grid}, 250),
        ("06", interpolate, {"weight": list(np.round(np.linspace(0, 1, 21), 2)),
                             "first": list(range(0, 450, 15)), "second": list(range(1, 450, 15))}, 250),
    ]


SLIDERS += _bnn_classification_explorers()
SLIDERS += _vae_explorers()
SLIDERS.append(("07", explorers.ode_solver, {
    "method": ["euler", "rk4", "dopri5"],
    "n_steps": list(range(5, 501, 5)),
    "log10_tol": [float(k) for k in range(-10, -1)],
}, 250))


def _latent_ode_explorer():
    """07b's explorer with an untrained latent ODE of the notebook's sizes (GRU 32, z 6, dynamics
    MLP 32, midpoint steps of 0.2): the cost of encoding and solving does not depend on the weights."""
    import functools
    import math

    import torch
    from torchdiffeq import odeint

    from helpers import data

    class StandIn(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.gru, self.to_q = torch.nn.GRU(2, 32, batch_first=True), torch.nn.Linear(32, 12)
            self.dynamics = torch.nn.Sequential(torch.nn.Linear(6, 32), torch.nn.Tanh(),
                                                torch.nn.Linear(32, 6))
            self.readout = torch.nn.Linear(6, 1)

        def encode(self, t, y, kept):
            _, h = self.gru(torch.stack([torch.where(kept, y, 0.0), t], dim=-1).flip(1))
            return self.to_q(h[0]).chunk(2, dim=-1)

        def decode(self, z0, t):
            grid = 0.2 * torch.arange(math.ceil(float(t.max()) / 0.2) + 2)
            z = odeint(lambda s, z: self.dynamics(z), z0, grid, method="midpoint", options={"step_size": 0.2})
            return self.readout(z)[..., 0].T.gather(1, (t / 0.2).long())

    torch.manual_seed(0)
    update = functools.update_wrapper(
        functools.partial(explorers.latent_ode_posterior, model=StandIn(),
                          series_data=data.irregular_sines(n_series=100, seed=0)),
        explorers.latent_ode_posterior)
    return [("07b", update, {"n_kept": list(range(1, 31)), "series": list(range(0, 100, 5))}, 250)]


SLIDERS += _latent_ode_explorer()


def _capstone_explorer():
    """08's explorer with an untrained encoder and a stand-in Bayesian classifier of the notebook's
    sizes (GRU 32 reading (value, gap, error), code 8, a 16-32-4 network, 100 weight draws)."""
    import functools

    import torch

    from helpers import data, transients

    torch.manual_seed(0)
    vae = transients.CurveVAE(latent=8, hidden=32, width=64)
    curves = data.transient_survey(n_per_class=25, n_novel=25, n_obs=24, seed=0)
    gen = np.random.default_rng(0)
    W1, W2 = gen.normal(size=(100, 16, 32)) / 4, gen.normal(size=(100, 32, 4)) / 6

    def predict(t, flux, err, kept):
        X = transients.codes(vae, t, flux, err, kept)
        logits = np.tanh(X @ W1) @ W2
        p = np.exp(logits - logits.max(-1, keepdims=True))
        return p / p.sum(-1, keepdims=True)

    update = functools.update_wrapper(
        functools.partial(explorers.early_classification, curves=curves, predict=predict),
        explorers.early_classification)
    sliders = {"days": [float(d) for d in range(0, 151, 5)], "obj": list(range(0, 125, 5))}
    return [("08", update, sliders, 250)]


SLIDERS += _capstone_explorer()


def time_slider(update, name, values, repeat):
    """Median and 90th percentile (ms) of `repeat` updates cycling through `values`."""
    plotting.render(update(), "jpeg")  # the figure exists before the reader touches a slider
    cycle = itertools.cycle(values)
    times = []
    for _ in range(repeat):
        value = next(cycle)
        start = time.perf_counter()
        plotting.render(update(**{name: value}), "jpeg")
        times.append(1000 * (time.perf_counter() - start))
    return float(np.median(times)), float(np.percentile(times, 90))


def measure(repeat: int) -> tuple[str, float]:
    """Time every slider in SLIDERS in both figure styles: a markdown table, and the slowest
    slider's median as a fraction of its budget."""
    cfg = config.setup(verbose=False)
    rows = ["| notebook | update function | slider | median ms (screen) | p90 ms (screen) "
            "| median ms (projector) | budget ms |", "|---|---|---|---|---|---|---|"]
    worst = []
    for notebook, update, sliders, budget in SLIDERS:
        for name, values in sliders.items():
            results = []
            for projector in (False, True):
                config.projector(projector)
                results.append(time_slider(update, name, values, repeat))
            config.projector(cfg.projector)
            (med, p90), (med_proj, _) = results
            flag = "" if max(med, med_proj) <= budget else " ⚠"
            worst.append(max(med, med_proj) / budget)
            rows.append(f"| {notebook} | `{getattr(update, '__name__', update)}` | {name} | {med:.0f} "
                        f"| {p90:.0f} | {med_proj:.0f} | {budget}{flag} |")
    return "\n".join(rows), max(worst)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="updates per slider (default 40)")
    args = parser.parse_args()
    table, worst = measure(args.repeat)
    print(table + f"\n\nMeasured {date.today()} on {platform.machine()}, {args.repeat} updates per slider.")
    if worst > 1:
        print(f"\nslowest slider at {worst:.2f}x its budget")


if __name__ == "__main__":
    main()
