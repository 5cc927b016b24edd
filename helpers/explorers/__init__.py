"""The update functions behind the notebooks' sliders: parameters in, Figure out.

Each draws from the math modules and `plotting`; what it shows depends on its arguments alone.
For speed (the budget is 100 ms per update, drawing included) it redraws into a figure kept by
`plotting.slider_figure` and caches computations that some sliders do not change. It raises
ValueError for parameters it cannot draw (the panel shows the message). Tests and benchmarks call
them directly; notebooks wire them to sliders with `helpers.widgets.panel`.

One module for each group of notebooks: `linear` (01-03), `bnn` (05a, 05b), `vae` (06) and `odes`
(07a, 07b), `capstone` (08). Their public functions are re-exported here, so notebooks call
`explorers.ols_fit`.
"""

from .bnn import (
    PRIOR_ACTIVATIONS,
    SCALE_RANGE,
    SCALE_SOURCES,
    prior_function_samples,
    prior_functions,
    scaled_digit_probabilities,
)
from .capstone import EARLY_DAYS, early_classification
from .linear import bayes_predictive, ols_fit, ridge_fit
from .odes import latent_ode_posterior, ode_solver
from .vae import latent_decoder, latent_interpolation

__all__ = [
    "EARLY_DAYS", "PRIOR_ACTIVATIONS", "SCALE_RANGE", "SCALE_SOURCES", "bayes_predictive",
    "early_classification", "latent_decoder", "latent_interpolation", "latent_ode_posterior", "ode_solver",
    "ols_fit", "prior_function_samples", "prior_functions", "ridge_fit", "scaled_digit_probabilities",
]
