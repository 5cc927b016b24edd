"""helpers.latent_ode: the two encoders of irregular series (GRU with time gaps, ODE-RNN)."""

import pytest
import torch

from helpers.latent_ode import GRUEncoder, ODERNNEncoder, reversed_kept

ENCODERS = [GRUEncoder, ODERNNEncoder]


def _batch(b=5, n=7, seed=0):
    g = torch.Generator().manual_seed(seed)
    t = torch.sort(5 * torch.rand(b, n, generator=g), dim=1).values
    y = torch.randn(b, n, generator=g)
    kept = torch.rand(b, n, generator=g) < 0.6
    kept[:, 0] = True  # at least one per row
    return t, y, kept


def test_reversed_kept_orders_latest_first_with_gaps_to_the_previous_kept_time():
    t = torch.tensor([[0.5, 1.0, 2.0, 3.5]])
    y = torch.tensor([[1.0, 2.0, 3.0, 4.0]])
    kept = torch.tensor([[True, False, True, True]])
    y_r, gaps, kept_r, n_kept = reversed_kept(t, y, kept)
    assert n_kept.tolist() == [3]
    assert y_r.tolist() == [[4.0, 3.0, 1.0, 0.0]]
    assert gaps.tolist() == [[1.5, 1.5, 0.5, 0.0]]  # 3.5-2, 2-0.5, 0.5-0, padding 0
    assert kept_r.tolist() == [[True, True, True, False]]


@pytest.mark.parametrize("encoder", ENCODERS)
def test_encoders_return_one_gaussian_per_series(encoder):
    t, y, kept = _batch()
    mean, log_sd = encoder(latent=3, hidden=8)(t, y, kept)
    assert mean.shape == log_sd.shape == (5, 3)
    assert torch.isfinite(mean).all() and torch.isfinite(log_sd).all()


@pytest.mark.parametrize("encoder", ENCODERS)
def test_dropped_points_are_never_read(encoder):
    torch.manual_seed(0)
    model = encoder(latent=3, hidden=8)
    t, y, kept = _batch()
    mean, log_sd = model(t, y, kept)
    # change the values and times of the dropped points: nothing moves
    y2 = torch.where(kept, y, y + 100.0)
    t2 = torch.where(kept, t, t + 1.0)
    mean2, log_sd2 = model(t2, y2, kept)
    torch.testing.assert_close(mean, mean2)
    torch.testing.assert_close(log_sd, log_sd2)
    # ... and a row encodes the same alone as in a padded batch with its dropped points removed
    row = 1
    alone = model(t[row, kept[row]][None], y[row, kept[row]][None], torch.ones(1, int(kept[row].sum()),
                                                                                dtype=torch.bool))
    torch.testing.assert_close(alone[0][0], mean[row], atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("encoder", ENCODERS)
def test_encoders_depend_on_the_kept_values_and_times(encoder):
    torch.manual_seed(1)
    model = encoder(latent=3, hidden=8)
    t, y, kept = _batch()
    mean = model(t, y, kept)[0]
    assert not torch.allclose(mean, model(t, torch.where(kept, y + 1.0, y), kept)[0])
    assert not torch.allclose(mean, model(t + 0.3, y, kept)[0])


def test_odernn_state_flows_over_the_gap_to_zero():
    torch.manual_seed(2)
    model = ODERNNEncoder(latent=2, hidden=4, max_step=0.25)
    y, kept = torch.ones(1, 1), torch.ones(1, 1, dtype=torch.bool)
    early, late = model(torch.tensor([[0.0]]), y, kept)[0], model(torch.tensor([[2.0]]), y, kept)[0]
    assert not torch.allclose(early, late)  # same value, later time: the ODE moved the state
    # the sub-stepped midpoint flow agrees with a much finer one (the solver converges)
    h = torch.randn(3, 4)
    gap = torch.tensor([0.1, 0.7, 2.0])
    fine = ODERNNEncoder(latent=2, hidden=4, max_step=0.01)
    fine.load_state_dict(model.state_dict())
    torch.testing.assert_close(model.evolve(h, gap), fine.evolve(h, gap), atol=5e-3, rtol=0)


@pytest.mark.parametrize("encoder", ENCODERS)
@pytest.mark.parametrize("mutate, message", [
    (lambda t, y, k: (t[:, :3], y, k), "share one"),
    (lambda t, y, k: (t, y, k.float()), "boolean"),
    (lambda t, y, k: (t, y, torch.zeros_like(k)), "at least one"),
    (lambda t, y, k: (t, torch.where(k, torch.nan, y), k), "finite"),
    (lambda t, y, k: (t - 10.0, y, k), ">= 0"),
    (lambda t, y, k: (t.numpy(), y, k), "torch tensors"),
])
def test_encoders_reject_bad_inputs(encoder, mutate, message):
    with pytest.raises(ValueError, match=message):
        encoder(latent=2, hidden=4)(*mutate(*_batch()))


def test_odernn_rejects_a_non_positive_step():
    with pytest.raises(ValueError, match="max_step"):
        ODERNNEncoder(max_step=0.0)
