"""Tests for recsys_utils.binary_labels: stable sigmoid and log loss, loop == vectorized == TF."""

import numpy as np
import pytest
from test_cofi_cost import random_problem

from recsys_utils.binary_labels import (
    binary_cost,
    binary_cost_loop,
    binary_cost_tf,
    binary_gradients,
    binary_loss,
    sigmoid,
)
from recsys_utils.toy import load_toy_binary


def binary_problem(seed, *shape):
    X, W, b, Y, R = random_problem(seed, *shape)
    return X, W, b, (Y >= 2.5).astype(float) * R, R


def test_sigmoid_values_and_no_overflow():
    assert sigmoid(0.0) == 0.5
    np.testing.assert_allclose(sigmoid([-1000.0, 1000.0]), [0.0, 1.0])
    np.testing.assert_allclose(sigmoid(np.log(3.0)), 0.75)


def test_single_example_loss():
    # y = 1, z = 0: -log(0.5) = log 2; y = 0, z = log 3: -log(1 - 0.75) = log 4
    assert binary_loss(0.0, 1) == pytest.approx(np.log(2))
    assert binary_loss(np.log(3.0), 0) == pytest.approx(np.log(4))
    # stable from logits: finite where -y log g(z) would be -log(0)
    assert binary_loss(-1000.0, 1) == pytest.approx(1000.0)
    assert binary_loss(1000.0, 0) == pytest.approx(1000.0)


def test_toy_binary_cost_with_all_logits_zero():
    # every prediction is g(0) = 0.5, so each of the 15 labelled pairs (4+2+2+4+3) costs log 2
    toy = load_toy_binary()
    n_movies, n_users = toy.Y.shape
    X, W, b = np.zeros((n_movies, 2)), np.zeros((n_users, 2)), np.zeros((1, n_users))
    assert toy.R.sum() == 15
    assert binary_cost(X, W, b, toy.Y, toy.R, 1.0) == pytest.approx(15 * np.log(2))


@pytest.mark.parametrize("seed,shape", [(0, (7, 5, 3)), (1, (1, 1, 1)), (2, (15, 9, 4))])
def test_loop_vectorized_tf_agree(seed, shape):
    import tensorflow as tf

    X, W, b, Y, R = binary_problem(seed, *shape)
    ref = binary_cost_loop(X, W, b, Y, R, 0.8)
    assert binary_cost(X, W, b, Y, R, 0.8) == pytest.approx(ref, rel=1e-12)
    Xv, Wv, bv = (tf.Variable(v) for v in (X, W, b))
    with tf.GradientTape() as tape:
        J = binary_cost_tf(Xv, Wv, bv, Y, R, 0.8)
    assert float(J) == pytest.approx(ref, rel=1e-12)
    grads = tape.gradient(J, [Xv, Wv, bv])
    for got, want in zip(grads, binary_gradients(X, W, b, Y, R, 0.8), strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)


def test_gradients_match_finite_differences():
    X, W, b, Y, R = binary_problem(3)
    dX, _, db = binary_gradients(X, W, b, Y, R, 0.5)
    eps = 1e-6
    for idx in [(0, 0), (2, 1), (6, 2)]:
        Xp, Xm = X.copy(), X.copy()
        Xp[idx] += eps
        Xm[idx] -= eps
        num = (binary_cost(Xp, W, b, Y, R, 0.5) - binary_cost(Xm, W, b, Y, R, 0.5)) / (2 * eps)
        assert dX[idx] == pytest.approx(num, rel=1e-6, abs=1e-8)
    bp, bm = b.copy(), b.copy()
    bp[0, 1] += eps
    bm[0, 1] -= eps
    num = (binary_cost(X, W, bp, Y, R, 0.5) - binary_cost(X, W, bm, Y, R, 0.5)) / (2 * eps)
    assert db[0, 1] == pytest.approx(num, rel=1e-6, abs=1e-8)


def test_large_parameters_stay_finite():
    X, W, b, Y, R = binary_problem(0)
    assert np.isfinite(binary_cost(X * 100, W * 100, b, Y, R, 0.0))


def test_ratings_instead_of_labels_are_refused():
    X, W, b, Y, R = random_problem(0)
    with pytest.raises(ValueError, match="binary labels 0 or 1"):
        binary_cost(X, W, b, Y + R, R, 1.0)
