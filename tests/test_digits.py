"""helpers.data.digits: the bundled 8x8 digits, binarized or scaled, split reproducibly by class."""

import numpy as np
import pytest

from helpers import data


def test_digits_split_has_all_images_once_with_flat_64_pixel_rows():
    X_tr, y_tr, X_te, y_te = data.digits(seed=0)
    assert X_tr.shape[1] == X_te.shape[1] == 64
    assert X_tr.shape[0] + X_te.shape[0] == 1797 and X_tr.shape[0] == y_tr.shape[0]
    assert 440 <= X_te.shape[0] <= 460  # a quarter of each class
    assert X_tr.dtype == np.float64 and y_tr.dtype == np.int64
    # no image is in both sets: compare the intensity images, which are nearly all distinct
    raw_tr, _, raw_te, _ = data.digits(binarize_threshold=None, seed=0)
    together = np.concatenate([raw_tr, raw_te])
    assert len(np.unique(together, axis=0)) == len(np.unique(data._load_digit_arrays()[0], axis=0))


def test_digits_binarizes_at_the_threshold_and_scales_otherwise():
    X_bin, _, _, _ = data.digits(binarize_threshold=7, seed=1)
    X_raw, _, _, _ = data.digits(binarize_threshold=None, seed=1)
    assert set(np.unique(X_bin)) == {0.0, 1.0}
    assert X_raw.min() == 0.0 and X_raw.max() == 1.0
    np.testing.assert_array_equal(X_bin, (X_raw * 16 > 7).astype(float))


def test_digits_split_is_stratified_and_reproducible_and_changes_with_the_seed():
    _, y_tr, X_te, y_te = data.digits(seed=3)
    _, _, X_te_again, _ = data.digits(seed=3)
    np.testing.assert_array_equal(X_te, X_te_again)
    counts = np.bincount(y_te, minlength=10) / np.bincount(np.concatenate([y_tr, y_te]), minlength=10)
    np.testing.assert_allclose(counts, 0.25, atol=0.01)
    _, _, X_other, _ = data.digits(seed=4)
    assert X_te.shape != X_other.shape or not np.array_equal(X_te, X_other)


def test_train_classes_restrict_training_only_and_keep_the_same_test_set():
    _, y_tr, X_te, y_te = data.digits(train_classes=range(5), seed=2)
    _, _, X_te_all, y_te_all = data.digits(seed=2)
    assert set(np.unique(y_tr)) == {0, 1, 2, 3, 4}
    assert set(np.unique(y_te)) == set(range(10))
    np.testing.assert_array_equal(X_te, X_te_all)
    np.testing.assert_array_equal(y_te, y_te_all)


@pytest.mark.parametrize("kwargs, message", [
    ({"binarize_threshold": -1}, "binarize_threshold"),
    ({"binarize_threshold": 16}, "binarize_threshold"),
    ({"binarize_threshold": "7"}, "binarize_threshold"),
    ({"test_fraction": 0.0}, "test_fraction"),
    ({"test_fraction": 1.5}, "test_fraction"),
    ({"train_classes": []}, "train_classes"),
    ({"train_classes": [3, 10]}, "train_classes"),
    ({"train_classes": [0.5]}, "train_classes"),
    ({"seed": -1}, "seed"),
])
def test_digits_rejects_bad_arguments_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.digits(**kwargs)
