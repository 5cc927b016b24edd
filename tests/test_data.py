"""helpers.data: the x sin(10x) data sets are reproducible, nested and validated."""

import numpy as np
import pytest

from helpers import data


def test_sine_data_is_reproducible_sorted_and_on_the_unit_interval():
    x, y = data.sine_data(50, 0.1, seed=3)
    x2, y2 = data.sine_data(50, 0.1, seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert np.all(np.diff(x) >= 0) and x.min() >= 0 and x.max() <= 1


def test_more_points_extend_the_same_data_set():
    x_small, y_small = data.sine_data(30, 0.2, seed=1)
    x_big, y_big = data.sine_data(90, 0.2, seed=1)
    pairs = set(zip(x_big.round(12), y_big.round(12), strict=True))
    assert all(p in pairs for p in zip(x_small.round(12), y_small.round(12), strict=True))


def test_noise_level_rescales_the_same_noise_draws():
    x, y0 = data.sine_data(40, 0.0, seed=2)
    _, y1 = data.sine_data(40, 0.5, seed=2)
    _, y2 = data.sine_data(40, 1.0, seed=2)
    np.testing.assert_array_equal(y0, data.sine_function(x))
    np.testing.assert_allclose(y2 - y0, 2 * (y1 - y0), rtol=1e-12, atol=1e-15)


def test_noise_has_the_requested_spread():
    x, y = data.sine_data(20000, 0.3, seed=0)
    assert np.std(y - data.sine_function(x)) == pytest.approx(0.3, rel=0.03)


def test_split_test_set_does_not_depend_on_training_size():
    *_, xt1, yt1 = data.sine_split(10, 0.2, seed=4)
    *_, xt2, yt2 = data.sine_split(80, 0.2, seed=4)
    np.testing.assert_array_equal(xt1, xt2)
    np.testing.assert_array_equal(yt1, yt2)


@pytest.mark.parametrize("kwargs, message", [
    ({"n_points": 0}, "n_points"),
    ({"noise_std": -0.1}, "noise_std"),
    ({"seed": -1}, "seed"),
    ({"seed": 1.5}, "seed"),
])
def test_bad_arguments_raise_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.sine_data(**kwargs)
