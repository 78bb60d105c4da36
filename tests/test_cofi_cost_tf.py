"""TensorFlow costs equal the NumPy ones; tf.GradientTape equals the analytic gradients;
the observed-ratings-only path equals the dense formula."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from recsys_utils.cofi_cost import cofi_cost, cofi_gradients  # noqa: E402
from recsys_utils.cofi_cost_tf import (  # noqa: E402
    cofi_cost_observed,
    cofi_cost_observed_tf,
    cofi_cost_tf,
    observed_from_matrices,
)
from test_cofi_cost import random_problem  # noqa: E402

SHAPES = [(0, (7, 5, 3)), (1, (1, 1, 1)), (2, (40, 25, 6))]


def tape_gradients(cost_fn, X, W, b):
    Xv, Wv, bv = (tf.Variable(v, dtype=tf.float64) for v in (X, W, b))
    with tf.GradientTape() as tape:
        J = cost_fn(Xv, Wv, bv)
    return J, [g.numpy() for g in tape.gradient(J, [Xv, Wv, bv])]


@pytest.mark.parametrize("seed,shape", SHAPES)
def test_tf_cost_equals_numpy(seed, shape):
    X, W, b, Y, R = random_problem(seed, *shape)
    got = float(cofi_cost_tf(tf.constant(X), tf.constant(W), tf.constant(b), Y, R, 1.3))
    assert got == pytest.approx(cofi_cost(X, W, b, Y, R, 1.3), rel=1e-12)


@pytest.mark.parametrize("seed,shape", SHAPES)
def test_gradient_tape_equals_analytic(seed, shape):
    X, W, b, Y, R = random_problem(seed, *shape)
    _, tape = tape_gradients(lambda Xv, Wv, bv: cofi_cost_tf(Xv, Wv, bv, Y, R, 0.4), X, W, b)
    for got, want, name in zip(tape, cofi_gradients(X, W, b, Y, R, 0.4), "XWb"):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=f"d{name}")


@pytest.mark.parametrize("seed,shape", SHAPES)
def test_observed_only_equals_dense_cost_and_gradients(seed, shape):
    X, W, b, Y, R = random_problem(seed, *shape)
    i, u, y = observed_from_matrices(Y, R)
    assert len(y) == R.sum()
    dense = cofi_cost(X, W, b, Y, R, 0.9)
    assert cofi_cost_observed(X, W, b, i, u, y, 0.9) == pytest.approx(dense, rel=1e-12)
    J, grads = tape_gradients(lambda Xv, Wv, bv: cofi_cost_observed_tf(Xv, Wv, bv, i, u, y, 0.9), X, W, b)
    assert float(J) == pytest.approx(dense, rel=1e-12)
    for got, want, name in zip(grads, cofi_gradients(X, W, b, Y, R, 0.9), "XWb"):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=f"d{name}")


def test_float32_variables_give_a_float32_cost():
    X, W, b, Y, R = random_problem(0)
    J = cofi_cost_tf(tf.Variable(X, dtype=tf.float32), tf.Variable(W, dtype=tf.float32),
                     tf.Variable(b, dtype=tf.float32), Y, R, 1.0)
    assert J.dtype == tf.float32
    assert float(J) == pytest.approx(cofi_cost(X, W, b, Y, R, 1.0), rel=1e-5)


def test_tf_cost_refuses_transposed_W():
    X, W, b, Y, R = random_problem(0)
    with pytest.raises(ValueError, match=r"W has shape \(3, 5\).*transpose"):
        cofi_cost_tf(tf.Variable(X), tf.Variable(W.T), tf.Variable(b), Y, R, 1.0)


def test_observed_refuses_out_of_range_indices():
    X, W, b, Y, R = random_problem(0)
    i, u, y = observed_from_matrices(Y, R)
    u = u.copy()
    u[0] = 99
    with pytest.raises(ValueError, match=r"user_idx holds indices from .* to 99 but must lie in \[0, 5\)"):
        cofi_cost_observed(X, W, b, i, u, y, 1.0)
    with pytest.raises(ValueError, match="one entry per rating"):
        cofi_cost_observed_tf(X, W, b, i[:-1], u[:-1], y, 1.0)
