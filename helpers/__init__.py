"""Shared helpers of the Bayesian deep learning notebook series.

Modules, one concern each (math modules import no plotting or widget code):
    config     setup(): seed (NB_SEED), threads, device, plot style, projector mode
    data       synthetic data sets and scikit-learn's bundled digits
    linreg     bases, least squares, ridge, conjugate posterior, predictive, evidence
    metrics    squared error, calibration (ECE), entropy
    gaussians  KL divergence, moments and the mean-field optimum of Gaussians
    plotting   figure style and shared drawing pieces (matplotlib only)
    explorers  pure update functions behind the sliders (parameters in, Figure out)
    widgets    slider factory and panels wiring update functions to sliders
    checks     self-checks for the activities
"""

from .config import projector, setup

__all__ = ["setup", "projector"]
