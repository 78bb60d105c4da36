"""Tests for recsys_utils.two_tower: shapes, unit range, unit-norm embeddings, seeds, a tiny fit."""

import doctest

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from recsys_utils import two_tower  # noqa: E402
from recsys_utils.two_tower import (  # noqa: E402
    build_two_tower,
    from_unit_range,
    to_unit_range,
    train_two_tower,
)


def test_doctests():
    assert doctest.testmod(two_tower).failed == 0


def _data(seed=0, n=256, nu=5, nm=4):
    rng = np.random.default_rng(seed)
    Xu, Xm = (
        rng.normal(size=(n, nu)).astype(np.float32),
        rng.normal(size=(n, nm)).astype(np.float32),
    )
    # A target the towers can learn: the cosine-like agreement of the first features.
    y = np.tanh(Xu[:, 0] * Xm[:, 0]).astype(np.float32)
    return Xu, Xm, y


def test_unit_range_by_hand():
    # MovieLens 0.5..5: 0.5 -> -1, 2.75 -> 0, 5 -> 1, 4 -> 2 * 3.5 / 4.5 - 1 = 5/9
    np.testing.assert_allclose(to_unit_range([0.5, 2.75, 5.0, 4.0]), [-1, 0, 1, 5 / 9])
    # the toy scale 0..5: 5 -> 1, 0 -> -1, 2.5 -> 0
    np.testing.assert_allclose(to_unit_range([0.0, 2.5, 5.0], scale=(0, 5)), [-1, 0, 1])
    y = np.array([0.5, 1.5, 3.0, 4.5])
    np.testing.assert_allclose(from_unit_range(to_unit_range(y)), y)
    assert from_unit_range(np.zeros((3, 1))).shape == (3, 1)


def test_shapes_and_parameter_counts():
    tt = build_two_tower(5, 3, seed=0)
    assert tuple(tt.model.output.shape) == (None, 1)
    assert tuple(tt.user_tower.output.shape) == (None, 32)
    assert tuple(tt.item_tower.output.shape) == (None, 32)
    # user tower: (5*256 + 256) + (256*128 + 128) + (128*32 + 32) = 1536 + 32896 + 4128 = 38560
    # item tower: (3*256 + 256) + 32896 + 4128 = 1024 + 37024 = 38048
    assert tt.user_tower.count_params() == 38_560
    assert tt.item_tower.count_params() == 38_048
    assert tt.model.count_params() == 38_560 + 38_048  # the towers share the model's weights
    small = build_two_tower(2, 2, layers=(8,), embedding_dim=4)
    assert small.user_tower.count_params() == (2 * 8 + 8) + (8 * 4 + 4)  # 24 + 36 = 60


def test_outputs_in_range_unit_norm_and_equal_to_the_dot_of_the_towers():
    Xu, Xm, _ = _data(n=64)
    tt = build_two_tower(5, 4, seed=3)
    vu = tt.user_tower.predict(Xu, verbose=0)
    vm = tt.item_tower.predict(Xm, verbose=0)
    np.testing.assert_allclose(np.linalg.norm(vu, axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(vm, axis=1), 1, rtol=1e-5)
    out = tt.model.predict([Xu, Xm], verbose=0)
    assert out.shape == (64, 1)
    assert np.all(np.abs(out) <= 1 + 1e-6)
    np.testing.assert_allclose(out[:, 0], np.sum(vu * vm, axis=1), atol=1e-6)


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = (
        build_two_tower(5, 4, seed=1),
        build_two_tower(5, 4, seed=1),
        build_two_tower(5, 4, seed=2),
    )
    for wa, wb in zip(a.model.get_weights(), b.model.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.model.get_weights()[0], c.model.get_weights()[0])


def test_regularization_adds_a_loss_per_kernel():
    assert len(build_two_tower(5, 4).model.losses) == 0
    assert len(build_two_tower(5, 4, l2=1e-3).model.losses) == 6  # 3 kernels per tower


def test_a_tiny_fit_reduces_the_loss_and_repeats_with_the_same_seed():
    Xu, Xm, y = _data()
    runs = []
    for _ in range(2):
        tt = build_two_tower(5, 4, layers=(16,), embedding_dim=8, seed=0)
        hist = train_two_tower(
            tt,
            Xu,
            Xm,
            y,
            validation=(Xu[:32], Xm[:32], y[:32]),
            epochs=15,
            batch_size=32,
            learning_rate=1e-2,
            seed=0,
        )
        runs.append((tt, hist))
    hist = runs[0][1]
    assert set(hist) == {"loss", "val_loss"} and len(hist["loss"]) == 15
    assert hist["loss"][-1] < 0.7 * hist["loss"][0], hist["loss"]
    assert runs[0][1] == runs[1][1], "same seed, same data: the same loss curve"
    for wa, wb in zip(runs[0][0].model.get_weights(), runs[1][0].model.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: build_two_tower(0, 3), ValueError, "n_user_features"),
        (lambda: build_two_tower(3, 3, layers=256), TypeError, "sequence of layer sizes"),
        (lambda: build_two_tower(3, 3, layers=(256, 0)), ValueError, "layers"),
        (lambda: build_two_tower(3, 3, embedding_dim=2.5), ValueError, "embedding_dim"),
        (lambda: build_two_tower(3, 3, l2=-1.0), ValueError, "l2"),
        (lambda: to_unit_range([6.0]), ValueError, "outside the scale"),
        (lambda: to_unit_range([1.0], scale=(5, 1)), ValueError, "low < high"),
        (lambda: from_unit_range([np.nan]), ValueError, "NaN"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_train_refuses_ratings_not_on_the_unit_range_and_mismatched_rows():
    Xu, Xm, y = _data(n=16)
    tt = build_two_tower(5, 4, layers=(4,), embedding_dim=2)
    with pytest.raises(ValueError, match="to_unit_range"):
        train_two_tower(tt, Xu, Xm, y * 0 + 4.0)
    with pytest.raises(ValueError, match="one row per rating"):
        train_two_tower(tt, Xu, Xm[:8], y)
    with pytest.raises(TypeError, match="TwoTower"):
        train_two_tower(tt.model, Xu, Xm, y)


def test_train_refuses_values_float32_cannot_hold():
    # issue #10: 1e39 passed the float64 checks, became inf in float32 and trained a NaN model
    Xu, Xm, y = _data(n=16)
    tt = build_two_tower(5, 4, layers=(4,), embedding_dim=2)
    before = [w.copy() for w in tt.model.get_weights()]
    big = Xu.astype(np.float64)
    big[3, 1] = 1e39
    with pytest.raises(
        ValueError, match=r"training user_X holds 1e\+39, beyond float32's largest.*standardize"
    ):
        train_two_tower(tt, big, Xm, y)
    assert all(np.array_equal(a, b) for a, b in zip(before, tt.model.get_weights(), strict=True)), (
        "nothing trained"
    )
