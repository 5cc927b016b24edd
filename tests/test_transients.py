"""Unit tests of the capstone's helpers: the survey, the encoder-decoder, the ensemble, the explorer,
the self-checks, and the error-reading option of 07b's GRU encoder."""

import numpy as np
import pytest
import torch

from helpers import checks, data, explorers, plotting, transients
from helpers.latent_ode import GRUEncoder


@pytest.fixture(scope="module")
def survey():
    return data.transient_survey(n_per_class=20, n_novel=10, n_obs=16, seed=3)


def test_survey_has_the_asked_shapes_classes_and_is_seeded(survey):
    assert survey.t.shape == survey.flux.shape == survey.err.shape == (90, 16)
    assert np.bincount(survey.label).tolist() == [20, 20, 20, 20, 10]
    assert survey.classes == data.TRANSIENT_CLASSES
    again = data.transient_survey(n_per_class=20, n_novel=10, n_obs=16, seed=3)
    assert np.array_equal(again.flux, survey.flux)
    assert not np.array_equal(data.transient_survey(n_per_class=20, n_novel=10, n_obs=16, seed=4).flux,
                              survey.flux)
    assert data.transient_survey(n_per_class=5, seed=0).classes == data.TRANSIENT_CLASSES[:4]


def test_survey_times_are_sorted_in_the_window_and_avoid_one_seasonal_gap(survey):
    assert np.all(np.diff(survey.t, axis=1) >= 0)
    assert survey.t.min() >= 0 and survey.t.max() <= 200
    # the largest gap between consecutive points is at least the 60-day season gap
    assert np.all(np.diff(survey.t, axis=1).max(axis=1) >= 60)


def test_survey_errors_are_positive_heteroscedastic_and_match_the_noise():
    big = data.transient_survey(n_per_class=200, n_obs=24, seed=1)
    assert np.all(big.err > 0)
    assert np.std(big.err / big.err.mean(axis=1, keepdims=True)) > 0.1  # not one error per curve
    # before any event (SN Ia at t < peak - 40 d) the flux is pure noise: standardized residuals ~ N(0, 1)
    early = (big.label == 0)[:, None] & (big.t < big.peak[:, None] - 40)
    z = big.flux[early] / big.err[early]
    assert abs(z.mean()) < 0.1 and 0.9 < z.std() < 1.1


def test_microlensing_is_symmetric_about_its_peak():
    s = data.transient_survey(n_per_class=1, n_novel=400, n_obs=24, seed=2)
    m = s.label == 4
    dt = s.t[m] - s.peak[m][:, None]
    before = s.flux[m][(dt > -15) & (dt < -5)].mean()
    after = s.flux[m][(dt > 5) & (dt < 15)].mean()
    assert abs(before - after) < 0.15 * (before + after) / 2
    sn = s.label == 0
    assert sn.sum() == 1  # SN Ia rise fast and fall slowly (checked on a bigger set below)
    ia = data.transient_survey(n_per_class=400, n_obs=24, seed=2)
    m = ia.label == 0
    dt = ia.t[m] - ia.peak[m][:, None]
    assert ia.flux[m][(dt > 5) & (dt < 15)].mean() > 2 * ia.flux[m][(dt > -15) & (dt < -5)].mean()


@pytest.mark.parametrize("kwargs", [{"n_per_class": 0}, {"n_obs": 1}, {"window": -1.0},
                                    {"season_gap": 150.0}, {"n_novel": -1}, {"n_per_class": 2.5}])
def test_survey_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        data.transient_survey(**kwargs)


def test_kept_until_and_prepare_normalize_by_what_was_seen(survey):
    kept = transients.kept_until(survey.t, survey.detection + 10)
    assert kept.shape == survey.t.shape and kept.dtype == bool
    x = transients.prepare(survey.t, survey.flux, survey.err, kept)
    scale = np.maximum(1, np.where(kept, np.abs(survey.flux), 0).max(axis=1))
    assert np.allclose(x["scale"].numpy(), scale, rtol=1e-6)
    assert np.allclose(x["y"].numpy() * scale[:, None], survey.flux, rtol=1e-5, atol=1e-4)
    first = np.where(kept, survey.t, np.inf).min(axis=1)
    assert np.allclose(x["t_rel"].numpy()[kept], ((survey.t - first[:, None]) / 100)[kept], atol=1e-6)
    assert transients.kept_until(survey.t, np.inf).all()


def test_prepare_rejects_bad_input(survey):
    kept = np.ones_like(survey.t, dtype=bool)
    with pytest.raises(ValueError, match="shape"):
        transients.prepare(survey.t[:, :3], survey.flux, survey.err, kept)
    with pytest.raises(ValueError, match="boolean"):
        transients.prepare(survey.t, survey.flux, survey.err, kept.astype(int))
    with pytest.raises(ValueError, match="at least one"):
        transients.prepare(survey.t, survey.flux, survey.err, np.zeros_like(kept))
    with pytest.raises(ValueError, match="positive"):
        transients.prepare(survey.t, survey.flux, -survey.err, kept)
    with pytest.raises(ValueError, match="NaN"):
        transients.kept_until(survey.t, np.nan)


def test_gru_encoder_reads_errors_only_when_built_to_and_ignores_unseen_points():
    torch.manual_seed(0)
    enc = GRUEncoder(latent=3, hidden=8, errors=True)
    t = torch.tensor([[0.1, 0.5, 0.9, 1.3]])
    y, e = torch.randn(1, 4), torch.rand(1, 4) + 0.1
    kept = torch.tensor([[True, True, False, True]])
    mean, log_sd = enc(t, y, kept, e)
    assert mean.shape == log_sd.shape == (1, 3)
    y2, e2 = y.clone(), e.clone()
    y2[0, 2], e2[0, 2] = 99.0, 99.0  # an unseen point changes nothing
    assert torch.allclose(enc(t, y2, kept, e2)[0], mean)
    e3 = e.clone()
    e3[0, 0] = 5.0  # a seen point's error does
    assert not torch.allclose(enc(t, y, kept, e3)[0], mean)
    with pytest.raises(ValueError, match="pass err"):
        enc(t, y, kept)
    with pytest.raises(ValueError, match="shape"):
        enc(t, y, kept, e[:, :2])
    with pytest.raises(ValueError, match="errors=True"):
        GRUEncoder(latent=3, hidden=8)(t, y, kept, e)


def test_curve_vae_shapes_elbo_and_that_training_lowers_it(survey):
    torch.manual_seed(0)
    vae = transients.CurveVAE(latent=4, hidden=8, width=16)
    kept = np.ones_like(survey.t, dtype=bool)
    x = transients.prepare(survey.t, survey.flux, survey.err, kept)
    assert vae.neg_elbo(x).shape == (90,)
    assert vae.chi2(x).shape == (90,) and np.all(vae.chi2(x) >= 0)
    assert transients.codes(vae, survey.t, survey.flux, survey.err, kept).shape == (90, 8)
    losses = transients.train_vae(vae, survey.t, survey.flux, survey.err, survey.detection, steps=60,
                                  batch_size=32, lr=0.01, seed=0)
    assert np.mean(losses[-10:]) < np.mean(losses[:10])
    with pytest.raises(ValueError):
        transients.CurveVAE(latent=0)
    with pytest.raises(ValueError):
        transients.train_vae(vae, survey.t, survey.flux, survey.err, survey.detection, steps=0)


def test_random_cuts_keep_whole_curves_or_cut_after_detection(survey):
    rng = np.random.default_rng(0)
    kept = transients.random_cuts(survey.t, survey.detection, rng, p_full=0.0, max_days=10.0)
    assert np.all(kept[survey.t <= survey.detection[:, None]])
    assert not np.any(kept[survey.t > survey.detection[:, None] + 10])
    assert transients.random_cuts(survey.t, survey.detection, rng, p_full=1.0).all()


def test_ensemble_members_differ_fit_separable_data_and_reject_bad_input():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = (X[:, 0] > 0).astype(int) + 2 * (X[:, 1] > 0)
    w = transients.train_ensemble(X, y, members=3, hidden=8, steps=300, lr=0.03, seed=0)
    p = transients.ensemble_probs(w, X)
    assert p.shape == (3, 300, 4) and np.allclose(p.sum(-1), 1)
    assert np.all((p.argmax(-1) == y).mean(axis=1) > 0.9)
    assert not np.allclose(p[0], p[1])
    with pytest.raises(ValueError):
        transients.train_ensemble(X, y[:10])
    with pytest.raises(ValueError):
        transients.train_ensemble(X, y, members=0)
    with pytest.raises(ValueError):
        transients.ensemble_probs({"W1": 1}, X)
    with pytest.raises(ValueError):
        transients.ensemble_probs(w, X[:, :1])


def _uniform_predict(t, flux, err, kept):
    # a stand-in classifier: the more points seen, the surer of class 0
    frac = kept.mean(axis=1)
    p = np.stack([0.25 + 0.5 * frac, *(3 * [0.25 - 0.5 * frac / 3])], axis=1)
    return np.stack([p, p])


def test_early_classification_explorer_draws_and_rejects_bad_settings(survey):
    plotting.use_style()
    fig = explorers.early_classification(3, 20.0, curves=survey, predict=_uniform_predict)
    assert fig.axes and "object 3" in fig.axes[0].get_title(loc="left")
    assert len(plotting.render(fig, "jpeg")) > 1000
    for bad in ({"obj": -1}, {"obj": 90}, {"obj": 1.5}, {"days": 151.0}, {"days": "x"}):
        with pytest.raises(ValueError):
            explorers.early_classification(**{"obj": 0, "days": 0.0, **bad}, curves=survey,
                                           predict=_uniform_predict)
    with pytest.raises(ValueError):
        explorers.early_classification(0, 0.0, curves=None, predict=_uniform_predict)
    with pytest.raises(ValueError):
        explorers.early_classification(0, 0.0, curves=survey, predict=lambda *a: np.ones((2, 3)))


def test_retained_accuracy_check_accepts_the_solution_and_rejects_wrong_ones():
    def right(correct, score, fraction):
        keep = np.argsort(score)[: len(score) - int(round(fraction * len(score)))]
        return float(np.mean(correct[keep]))

    def wrong_end(correct, score, fraction):  # defers the most certain instead
        keep = np.argsort(-score)[: len(score) - int(round(fraction * len(score)))]
        return float(np.mean(correct[keep]))

    assert checks.check_retained_accuracy(right)
    assert not checks.check_retained_accuracy(wrong_end)
    assert not checks.check_retained_accuracy(lambda c, s, f: None)


def test_chi2_check_accepts_the_solution_and_rejects_wrong_ones():
    def right(y, mu, e, kept, jitter):
        return ((y - mu) ** 2 / (e**2 + jitter**2) * kept).sum(1) / kept.sum(1)

    def all_points(y, mu, e, kept, jitter):  # averages over the unseen points too
        return ((y - mu) ** 2 / (e**2 + jitter**2)).mean(1)

    def std_add(y, mu, e, kept, jitter):  # adds standard deviations, not variances
        return ((y - mu) ** 2 / (e + jitter) ** 2 * kept).sum(1) / kept.sum(1)

    assert checks.check_chi2_per_point(right)
    assert not checks.check_chi2_per_point(all_points)
    assert not checks.check_chi2_per_point(std_add)
