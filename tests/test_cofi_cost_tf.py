"""TensorFlow costs equal the NumPy ones; tf.GradientTape equals the analytic gradients;
the observed-ratings-only path equals the dense formula."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from test_cofi_cost import random_problem  # noqa: E402

from recsys_utils.cofi_cost import cofi_cost, cofi_gradients  # noqa: E402
from recsys_utils.cofi_cost_tf import (  # noqa: E402
    cofi_cost_observed,
    cofi_cost_observed_tf,
    cofi_cost_tf,
    observed_from_matrices,
)

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
    for got, want, name in zip(tape, cofi_gradients(X, W, b, Y, R, 0.4), "XWb", strict=False):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=f"d{name}")


@pytest.mark.parametrize("seed,shape", SHAPES)
def test_observed_only_equals_dense_cost_and_gradients(seed, shape):
    X, W, b, Y, R = random_problem(seed, *shape)
    i, u, y = observed_from_matrices(Y, R)
    assert len(y) == R.sum()
    dense = cofi_cost(X, W, b, Y, R, 0.9)
    assert cofi_cost_observed(X, W, b, i, u, y, 0.9) == pytest.approx(dense, rel=1e-12)
    J, grads = tape_gradients(
        lambda Xv, Wv, bv: cofi_cost_observed_tf(Xv, Wv, bv, i, u, y, 0.9), X, W, b
    )
    assert float(J) == pytest.approx(dense, rel=1e-12)
    for got, want, name in zip(grads, cofi_gradients(X, W, b, Y, R, 0.9), "XWb", strict=False):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=f"d{name}")


def test_float32_variables_give_a_float32_cost():
    X, W, b, Y, R = random_problem(0)
    J = cofi_cost_tf(
        tf.Variable(X, dtype=tf.float32),
        tf.Variable(W, dtype=tf.float32),
        tf.Variable(b, dtype=tf.float32),
        Y,
        R,
        1.0,
    )
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
    with pytest.raises(
        ValueError, match=r"user_idx must lie in \[0, 5\) \(the rows of W\), got 99 at position 0"
    ):
        cofi_cost_observed(X, W, b, i, u, y, 1.0)
    with pytest.raises(ValueError, match="one entry per rating"):
        cofi_cost_observed_tf(X, W, b, i[:-1], u[:-1], y, 1.0)


def test_tf_costs_take_the_lists_their_docstrings_allow():
    # "X : tf.Variable or array_like": lists gave AttributeError 'list' has no attribute 'shape'.
    from recsys_utils.binary_labels import binary_cost, binary_cost_tf

    X, W, b, Y, R = random_problem(3)
    got = cofi_cost_tf(X.tolist(), W.tolist(), b.tolist(), Y.tolist(), R.tolist(), 0.5)
    np.testing.assert_allclose(float(got), cofi_cost(X, W, b, Y, R, 0.5), rtol=1e-12)
    got = binary_cost_tf(X.tolist(), W.tolist(), b.tolist(), R, R, 0.5)
    np.testing.assert_allclose(float(got), binary_cost(X, W, b, R, R, 0.5), rtol=1e-12)
    i, u, y = observed_from_matrices(Y, R)
    got = cofi_cost_observed_tf(X.tolist(), W.tolist(), b.tolist(), i.tolist(), u.tolist(), y, 0.5)
    np.testing.assert_allclose(float(got), cofi_cost(X, W, b, Y, R, 0.5), rtol=1e-12)


@pytest.mark.parametrize("name", ["X", "W", "b"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_tf_costs_refuse_non_finite_parameters_like_numpy(name, bad):
    # cofi_cost raised on a NaN parameter while cofi_cost_tf returned NaN.
    X, W, b, Y, R = random_problem(4)
    params = {"X": X, "W": W, "b": b}
    params[name] = params[name].copy()
    params[name][0, 0] = bad
    for as_variable in (False, True):
        p = {k: tf.Variable(v) if as_variable else v for k, v in params.items()}
        with pytest.raises(ValueError, match=f"{name} contains 1 NaN/infinite value"):
            cofi_cost_tf(p["X"], p["W"], p["b"], Y, R, 1.0)
        i, u, y = observed_from_matrices(Y, R)
        with pytest.raises(ValueError, match=f"{name} contains 1 NaN/infinite value"):
            cofi_cost_observed_tf(p["X"], p["W"], p["b"], i, u, y, 1.0)


def test_mixed_float32_float64_variables_get_the_packages_words():
    X, W, b, Y, R = random_problem(5)
    with pytest.raises(
        TypeError, match=r"X, W and b must have one dtype, got X is float32, W is float64"
    ):
        cofi_cost_tf(tf.Variable(X, dtype=tf.float32), tf.Variable(W), tf.Variable(b), Y, R, 1.0)
    # A float32 X with list W and b: the lists follow X.
    J = cofi_cost_tf(tf.Variable(X, dtype=tf.float32), W.tolist(), b, Y, R, 1.0)
    assert J.dtype == tf.float32
    with pytest.raises(TypeError, match="X must be numeric"):
        cofi_cost_tf("X", W, b, Y, R, 1.0)
    with pytest.raises(TypeError, match="W is None"):
        cofi_cost_tf(X, None, b, Y, R, 1.0)


def test_observed_costs_refuse_a_rating_listed_twice():
    # The same (movie, user) rating twice was counted twice without a word.
    X, W, b, Y, R = random_problem(6)
    i, u, y = observed_from_matrices(Y, R)
    i2, u2, y2 = np.r_[i, i[:1]], np.r_[u, u[:1]], np.r_[y, y[:1]]
    for fn in (cofi_cost_observed, cofi_cost_observed_tf):
        with pytest.raises(
            ValueError, match=r"each \(movie, user\) pair once, got 1 duplicated pair"
        ):
            fn(X, W, b, i2, u2, y2, 1.0)


def test_the_tf_cost_formula_exists_once():
    # cofi_cost_tf, binary_cost_tf and both training paths build their cost from the one
    # formula in cofi_cost_tf (dense_cost_tf / observed_cost_tf); no module spells it again.
    import inspect

    import recsys_utils.binary_labels as bl
    import recsys_utils.training as tr

    for module in (bl, tr):
        source = inspect.getsource(module)
        assert "sigmoid_cross_entropy_with_logits(" not in source.replace("``tf.nn.sigmoid", "")
        assert "reduce_sum(W**2)" not in source and "linalg.matmul" not in source
