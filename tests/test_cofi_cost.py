"""Tests for recsys_utils.cofi_cost: the lecture's numbers, loop == vectorized, bad input."""

import numpy as np
import pytest

from recsys_utils.cofi_cost import (
    cofi_cost,
    cofi_cost_loop,
    cofi_gradients,
    cofi_gradients_loop,
    movie_features_cost,
    predict,
    predict_all,
    user_cost,
)
from recsys_utils.toy import load_toy_features, load_toy_ratings

# The "Problem motivation" parameters: Alice and Bob like romance, Carol and Dave action.
W_LECTURE = np.array([[5.0, 0.0], [5.0, 0.0], [0.0, 5.0], [0.0, 5.0]])
B_ZERO = np.zeros((1, 4))


@pytest.fixture
def toy():
    ratings = load_toy_ratings()
    X = load_toy_features().X
    return X, ratings.Y, ratings.R


def random_problem(seed, n_movies=7, n_users=5, n_features=3, density=0.6):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_movies, n_features))
    W = rng.normal(size=(n_users, n_features))
    b = rng.normal(size=(1, n_users))
    R = (rng.random((n_movies, n_users)) < density).astype(float)
    Y = np.round(rng.uniform(0, 5, size=(n_movies, n_users)) * 2) / 2 * R
    return X, W, b, Y, R


def test_lecture_prediction_is_4_95():
    # w(1) . x(3) + b(1) = [5, 0] . [0.99, 0] + 0 = 5 * 0.99 = 4.95
    # (the slide's x(3) = [0.9, 0] is a typo)
    assert predict([5, 0], [0.99, 0], 0.0) == pytest.approx(4.95)


def test_lecture_prediction_from_the_toy_table(toy):
    X, Y, R = toy
    P = predict_all(X, W_LECTURE, B_ZERO)
    assert P.shape == (5, 4)
    assert P[2, 0] == pytest.approx(4.95)  # Alice on "Cute puppies of love"


def test_user_cost_alice_with_and_without_averaging(toy):
    X, Y, R = toy
    # Alice rated movies 1, 2, 4, 5; predictions 5*x1 = 4.5, 5, 0.5, 0 against 5, 5, 0, 0:
    # squared errors 0.25 + 0 + 0.25 + 0 = 0.5, m(1) = 4.
    assert user_cost([5, 0], 0, X, Y[:, 0], R[:, 0], 0.0) == pytest.approx(0.5 / 8)
    assert user_cost([5, 0], 0, X, Y[:, 0], R[:, 0], 0.0, average=False) == pytest.approx(0.25)
    # lambda = 1 adds (1 / (2 m)) * (25 + 0) = 25 / 8.
    assert user_cost([5, 0], 0, X, Y[:, 0], R[:, 0], 1.0) == pytest.approx((0.5 + 25) / 8)


def test_user_cost_of_a_user_with_no_ratings_needs_average_false(toy):
    X, Y, _ = toy
    r = np.zeros(5)
    with pytest.raises(ValueError, match="rated no movie"):
        user_cost([1, 1], 0, X, Y[:, 0], r, 1.0)
    assert user_cost([1, 1], 0, X, Y[:, 0], r, 1.0, average=False) == pytest.approx(1.0)


def test_combined_cost_on_the_toy_table(toy):
    X, Y, R = toy
    # Squared errors per user (see test_user_cost_alice...): Alice 0.5, Bob 1.4025
    # (0.25 + 0.95^2 + 0.25), Carol 0.25 (0.5^2 on Swords), Dave 1.0025 (0.05^2 + 1^2).
    sq = 0.5 + 1.4025 + 0.25 + 1.0025  # = 3.155
    assert cofi_cost(X, W_LECTURE, B_ZERO, Y, R, 0.0) == pytest.approx(sq / 2)  # 1.5775
    # lambda = 1: + 1/2 * sum W^2 (= 100) + 1/2 * sum X^2 (= 4.6102)
    expected = sq / 2 + 50 + 4.6102 / 2  # 53.8826
    assert cofi_cost(X, W_LECTURE, B_ZERO, Y, R, 1.0) == pytest.approx(expected)
    assert cofi_cost_loop(X, W_LECTURE, B_ZERO, Y, R, 1.0) == pytest.approx(expected)


def test_movie_features_cost_regularises_only_x(toy):
    X, Y, R = toy
    assert movie_features_cost(X, W_LECTURE, B_ZERO, Y, R, 1.0) == pytest.approx(
        3.155 / 2 + 4.6102 / 2
    )


def test_learning_x1_from_the_users_parameters(toy):
    # With W, b given, x(1) = [1, 0] fits Alice and Bob (5) and Carol and Dave (0) exactly.
    X, Y, R = toy
    X1 = X.copy()
    X1[0] = [1.0, 0.0]
    assert movie_features_cost(X1, W_LECTURE, B_ZERO, Y, R, 0.0) < movie_features_cost(
        X, W_LECTURE, B_ZERO, Y, R, 0.0
    )
    err_movie1 = (X1[0] @ W_LECTURE.T - Y[0]) * R[0]
    np.testing.assert_allclose(err_movie1, 0.0)


@pytest.mark.parametrize(
    "seed,shape", [(0, (7, 5, 3)), (1, (1, 1, 1)), (2, (12, 9, 4)), (3, (3, 8, 10))]
)
@pytest.mark.parametrize("lambda_", [0.0, 1.5])
def test_loop_equals_vectorized(seed, shape, lambda_):
    X, W, b, Y, R = random_problem(seed, *shape)
    assert cofi_cost_loop(X, W, b, Y, R, lambda_) == pytest.approx(
        cofi_cost(X, W, b, Y, R, lambda_), rel=1e-12
    )
    for g_loop, g_vec in zip(
        cofi_gradients_loop(X, W, b, Y, R, lambda_),
        cofi_gradients(X, W, b, Y, R, lambda_),
        strict=True,
    ):
        np.testing.assert_allclose(g_loop, g_vec, rtol=1e-12, atol=1e-12)


def test_placeholders_in_unrated_cells_never_count():
    X, W, b, Y, R = random_problem(4)
    Y_junk = np.where(R == 1, Y, 1e6)
    assert cofi_cost(X, W, b, Y_junk, R, 1.0) == pytest.approx(cofi_cost(X, W, b, Y, R, 1.0))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_finite_differences(seed):
    X, W, b, Y, R = random_problem(seed)
    dX, dW, db = cofi_gradients(X, W, b, Y, R, 0.7)
    eps = 1e-6
    for name, param, grad in (("X", X, dX), ("W", W, dW), ("b", b, db)):
        num = np.zeros_like(param)
        for idx in np.ndindex(param.shape):
            plus, minus = param.copy(), param.copy()
            plus[idx] += eps
            minus[idx] -= eps
            args = {"X": X, "W": W, "b": b}
            args[name] = plus
            jp = cofi_cost(args["X"], args["W"], args["b"], Y, R, 0.7)
            args[name] = minus
            jm = cofi_cost(args["X"], args["W"], args["b"], Y, R, 0.7)
            num[idx] = (jp - jm) / (2 * eps)
        np.testing.assert_allclose(grad, num, rtol=1e-6, atol=1e-6, err_msg=f"d{name}")


# ---- bad input: ValueError/TypeError naming the argument and the shapes or values ----


def test_mismatched_R_shape(toy):
    X, Y, R = toy
    with pytest.raises(ValueError, match=r"R has shape \(5, 3\) but Y has shape \(5, 4\)"):
        cofi_cost(X, W_LECTURE, B_ZERO, Y, R[:, :3], 1.0)


def test_transposed_W_is_named(toy):
    X, Y, R = toy
    with pytest.raises(ValueError, match=r"W has shape \(2, 4\).*transpose"):
        cofi_cost(X, W_LECTURE.T, B_ZERO, Y, R, 1.0)


def test_transposed_X_is_named(toy):
    X, Y, R = toy
    with pytest.raises(ValueError, match=r"X has shape \(2, 5\).*transpose"):
        cofi_cost(X.T, W_LECTURE, B_ZERO, Y, R, 1.0)


def test_b_with_the_wrong_shape_is_refused_not_broadcast(toy):
    X, Y, R = toy
    with pytest.raises(ValueError, match=r"b has shape \(4,\)"):
        cofi_cost(X, W_LECTURE, np.zeros(4), Y, R, 1.0)
    with pytest.raises(ValueError, match=r"b has shape \(4, 1\).*\(1, 4\)"):
        cofi_cost(X, W_LECTURE, np.zeros((4, 1)), Y, R, 1.0)


def test_nan_in_Y_is_refused(toy):
    X, Y, R = toy
    Y = Y.copy()
    Y[1, 1] = np.nan
    with pytest.raises(ValueError, match=r"Y contains 1 NaN.*\(1, 1\)"):
        cofi_cost(X, W_LECTURE, B_ZERO, Y, R, 1.0)


def test_R_must_be_binary(toy):
    X, Y, R = toy
    with pytest.raises(ValueError, match=r"R must contain only 0 and 1.*5\.0.*\(0, 0\)"):
        cofi_cost(X, W_LECTURE, B_ZERO, Y, Y, 1.0)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), "1"])
def test_bad_lambda(toy, bad):
    X, Y, R = toy
    with pytest.raises((ValueError, TypeError), match="lambda_"):
        cofi_cost(X, W_LECTURE, B_ZERO, Y, R, bad)


def test_empty_input():
    with pytest.raises(ValueError, match="Y is empty"):
        cofi_cost(
            np.zeros((0, 2)),
            np.zeros((0, 2)),
            np.zeros((1, 0)),
            np.zeros((0, 0)),
            np.zeros((0, 0)),
            1.0,
        )


def test_strings_are_a_type_error(toy):
    X, Y, R = toy
    with pytest.raises(TypeError, match="X must be numeric"):
        cofi_cost(np.full((5, 2), "a"), W_LECTURE, B_ZERO, Y, R, 1.0)


def test_predict_shape_mismatch():
    with pytest.raises(ValueError, match=r"w has shape \(2,\) but x has shape \(3,\)"):
        predict([5, 0], [1, 2, 3], 0.0)


@pytest.mark.parametrize(
    "b,error,match",
    [
        (np.nan, ValueError, "b must be a finite number, got nan"),
        (np.inf, ValueError, "b must be a finite number, got inf"),
        ("0", TypeError, "b must be a finite number, got str '0'"),
        ([0.0, 1.0], TypeError, "b must be a finite number, got list"),
    ],
)
def test_a_bad_user_bias_is_refused_not_passed_through(b, error, match):
    # user_cost returned NaN/inf for a NaN/inf b (and a str b as if it were a number).
    X = load_toy_features().X
    Y, R, _, _ = load_toy_ratings()
    with pytest.raises(error, match=match):
        user_cost([5, 0], b, X, Y[:, 0], R[:, 0])
    with pytest.raises(error, match=match):
        predict([5, 0], [0.99, 0], b)


def test_a_numpy_scalar_bias_is_a_number():
    # Alice's worked prediction 5 * 0.99 + 0 = 4.95, with b a NumPy scalar
    assert predict([5, 0], [0.99, 0], np.float32(0.0)) == pytest.approx(4.95)
    X = load_toy_features().X
    Y, R, _, _ = load_toy_ratings()
    assert user_cost([5, 0], np.float64(0.0), X, Y[:, 0], R[:, 0]) == pytest.approx(0.0625)
