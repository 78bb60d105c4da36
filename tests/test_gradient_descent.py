"""Tests for recsys_utils.gradient_descent: one step by hand, the loop, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from recsys_utils.cofi_cost import cofi_cost, cofi_gradients
from recsys_utils.gradient_descent import gradient_descent, gradient_descent_step
from recsys_utils.toy import load_toy_features, load_toy_ratings

# The lecture's users: w(1) = w(2) = [5, 0] (romance lovers), w(3) = w(4) = [0, 5], b = 0.
W_LECTURE = np.array([[5.0, 0.0], [5.0, 0.0], [0.0, 5.0], [0.0, 5.0]])
B0 = np.zeros((1, 4))


@pytest.fixture
def toy():
    Y, R, _, _ = load_toy_ratings()
    return load_toy_features().X, W_LECTURE.copy(), B0.copy(), Y, R


def test_one_step_by_hand_lambda_0(toy):
    X, W, b, Y, R = toy
    X1, W1, b1 = gradient_descent_step(X, W, b, Y, R, 0.0, 0.01)
    # "Love at last": Alice and Bob predict 5 * 0.9 = 4.5 for their 5, Carol and Dave 0 for 0.
    # dJ/dx(1) = (-0.5)[5, 0] + (-0.5)[5, 0] = [-5, 0]
    #   ->  x(1) = [0.9, 0] - 0.01 [-5, 0] = [0.95, 0]
    np.testing.assert_allclose(X1[0], [0.95, 0.0], atol=1e-12)
    # Alice's errors on the movies she rated: -0.5 (x = [0.9, 0]), 0 ([1, 0.01]: 5 - 5),
    # +0.5 ([0.1, 1]), 0 ([0, 0.9]).  dJ/dw(1) = -0.5 [0.9, 0] + 0.5 [0.1, 1] = [-0.4, 0.5]
    # -> w(1) = [5, 0] - 0.01 [-0.4, 0.5] = [5.004, -0.005]
    np.testing.assert_allclose(W1[0], [5.004, -0.005], atol=1e-12)
    # Bob's errors: -0.5 (movie 1), 4.95 - 4 = 0.95 (movie 3), 0.5 (movie 4), 0 (movie 5)
    # dJ/db(2) = 0.95  ->  b(2) = 0 - 0.01 * 0.95 = -0.0095
    np.testing.assert_allclose(b1[0, 1], -0.0095, atol=1e-12)


def test_one_step_by_hand_lambda_1(toy):
    X, W, b, Y, R = toy
    X1, W1, b1 = gradient_descent_step(X, W, b, Y, R, 1.0, 0.01)
    # λ adds λ x(1) = [0.9, 0] and λ w(1) = [5, 0] to the gradients, nothing to b's:
    # x(1) = [0.9, 0] - 0.01 [-4.1, 0] = [0.941, 0];
    # w(1) = [5, 0] - 0.01 [4.6, 0.5] = [4.954, -0.005]
    np.testing.assert_allclose(X1[0], [0.941, 0.0], atol=1e-12)
    np.testing.assert_allclose(W1[0], [4.954, -0.005], atol=1e-12)
    np.testing.assert_allclose(b1[0, 1], -0.0095, atol=1e-12)


def test_step_is_params_minus_alpha_gradients_and_leaves_inputs_alone(toy):
    X, W, b, Y, R = toy
    rng = np.random.default_rng(0)
    b = rng.normal(size=(1, 4))
    copies = [a.copy() for a in (X, W, b)]
    new = gradient_descent_step(X, W, b, Y, R, 0.7, 0.03)
    for p, g, q in zip((X, W, b), cofi_gradients(X, W, b, Y, R, 0.7), new, strict=False):
        np.testing.assert_allclose(q, p - 0.03 * g, rtol=1e-12)
    for a, c in zip((X, W, b), copies, strict=False):
        np.testing.assert_array_equal(a, c)


def test_loop_history_and_params(toy):
    X, W, b, Y, R = toy
    res = gradient_descent(X, W, b, Y, R, 0.0, 0.01, 1)
    # history[0] is the cost before the first step: the hand-derived 1.5775 (notebook 02)
    assert res.history.shape == (1,)
    assert res.history[0] == pytest.approx(1.5775, abs=1e-12)
    np.testing.assert_allclose(res.X[0], [0.95, 0.0], atol=1e-12)

    res = gradient_descent(X, W, b, Y, R, 1.0, 0.01, 3)
    assert res.history[0] == pytest.approx(53.8826, abs=1e-10)  # 1.5775 + (100 + 4.6102) / 2
    p = (X, W, b)
    for k in range(3):
        assert res.history[k] == pytest.approx(cofi_cost(*p, Y, R, 1.0), rel=1e-12)
        p = gradient_descent_step(*p, Y, R, 1.0, 0.01)
    for got, want in zip(res[:3], p, strict=False):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_small_alpha_never_increases_the_cost(toy):
    X, W, b, Y, R = toy
    res = gradient_descent(X, W, b, Y, R, 1.0, 0.01, 300)
    assert np.all(np.diff(res.history) <= 1e-12)
    assert cofi_cost(res.X, res.W, res.b, Y, R, 1.0) < res.history[0] / 2


def test_too_large_alpha_raises(toy):
    X, W, b, Y, R = toy
    # dJ/dx(1)_1 = 50 (x - 1) here, so alpha = 1 multiplies the distance to 1 by -49 per step.
    with pytest.raises(FloatingPointError, match="too large"):
        gradient_descent(X, W, b, Y, R, 0.0, 1.0, 500)


@pytest.mark.parametrize("alpha", [0, -0.1, float("nan"), float("inf")])
def test_bad_alpha(toy, alpha):
    with pytest.raises(ValueError, match="alpha"):
        gradient_descent_step(*toy, 1.0, alpha)
    with pytest.raises(ValueError, match="alpha"):
        gradient_descent(*toy, 1.0, alpha, 10)


def test_bad_alpha_type(toy):
    with pytest.raises(TypeError, match="alpha"):
        gradient_descent_step(*toy, 1.0, "0.1")


@pytest.mark.parametrize(
    "iterations,error", [(0, ValueError), (-1, ValueError), (2.5, TypeError), (True, TypeError)]
)
def test_bad_iterations(toy, iterations, error):
    with pytest.raises(error, match="iterations must be a positive integer"):
        gradient_descent(*toy, 1.0, 0.01, iterations)


def test_numpy_scalars_are_numbers(toy):
    # np.float32 alpha and np.int64 iterations are numbers (the one rule of validation)
    a = gradient_descent(*toy, 1.0, np.float32(0.01), np.int64(3))
    b = gradient_descent(*toy, 1.0, float(np.float32(0.01)), 3)
    np.testing.assert_array_equal(a.history, b.history)


def test_bad_shapes_name_the_argument(toy):
    X, W, b, Y, R = toy
    with pytest.raises(ValueError, match="W has shape"):
        gradient_descent_step(X, W.T, b, Y, R, 1.0, 0.01)
    with pytest.raises(ValueError, match="b has shape"):
        gradient_descent(X, W, b.ravel(), Y, R, 1.0, 0.01, 5)
    with pytest.raises(ValueError, match="lambda_"):
        gradient_descent(X, W, b, Y, R, -1.0, 0.01, 5)


def test_the_exercise_check_accepts_this_step():
    # Notebook 03's exercise is checked by ru.checks.check_gradient_descent_step; the package's
    # step must be what that check calls right.
    import types

    from recsys_utils.checks import check_gradient_descent_step

    # A copy, as a learner would write it: the check refuses the package's own function object.
    check_gradient_descent_step(
        types.FunctionType(gradient_descent_step.__code__, gradient_descent_step.__globals__)
    )


def test_a_non_finite_starting_cost_is_not_blamed_on_alpha(toy):
    X, W, b, Y, R = toy
    with pytest.raises(
        FloatingPointError, match="at the starting parameters, before any step"
    ) as info:
        gradient_descent(np.asarray(X) * 1e160, W, b, Y, R, 1.0, 0.01, 3)
    assert "too large (each step" not in str(info.value)
