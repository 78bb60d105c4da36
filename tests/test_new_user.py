"""Tests for recsys_utils.new_user: the closed-form fit of a new user's w, b."""

from __future__ import annotations

import numpy as np
import pytest

from recsys_utils.cofi_cost import cofi_gradients
from recsys_utils.new_user import (
    fit_new_user,
    new_user_cost,
    predict_new_user,
    recommend_for_new_user,
)
from recsys_utils.normalization import normalize_ratings
from recsys_utils.toy import load_toy_features, load_toy_mean_normalization


def _problem(seed: int, n_movies: int = 12, n: int = 3, m: int = 7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_movies, n))
    mu = rng.uniform(2, 4, size=(n_movies, 1))
    idx = rng.choice(n_movies, size=m, replace=False)
    y = rng.uniform(0.5, 5, size=m)
    return X, mu, idx, y


def _lstsq_reference(X, mu, idx, y, lam, lam_b=0.0):
    """Minimise ½‖A θ − t‖² + λ/2 ‖w‖² + λ_b/2 b² as ordinary least squares on a stacked
    system: rows [A | t] for the data, rows [√λ I_n  0 | 0] for the penalty on w and the
    augmented row [0 … 0  √λ_b | 0] for the penalty on b (a zero row when λ_b = 0)."""
    n = X.shape[1]
    A = np.hstack([X[idx], np.ones((len(idx), 1))])
    P = np.diag(np.sqrt(np.r_[np.full(n, lam), lam_b]))
    theta = np.linalg.lstsq(
        np.vstack([A, P]), np.concatenate([y - mu[idx, 0], np.zeros(n + 1)]), rcond=None
    )[0]
    return theta[:n], theta[n]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("lam", [0.1, 1.0, 10.0])
@pytest.mark.parametrize("lam_b", [0.0, 0.5, 4.0])
def test_fit_matches_lstsq_reference(seed, lam, lam_b):
    X, mu, idx, y = _problem(seed)
    w, b = fit_new_user(X, mu, idx, y, lam, lambda_b=lam_b)
    w_ref, b_ref = _lstsq_reference(X, mu, idx, y, lam, lam_b)
    np.testing.assert_allclose(w, w_ref, rtol=1e-9, atol=1e-12)
    assert b == pytest.approx(b_ref, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", [3, 4])
@pytest.mark.parametrize("lam_b", [0.0, 3.0])
def test_fit_is_the_minimum_of_the_loop_cost(seed, lam_b):
    # Brute force: no random nearby (w, b) has a lower cost than the solve's answer.
    X, mu, idx, y = _problem(seed, m=4)
    w, b = fit_new_user(X, mu, idx, y, 2.0, lambda_b=lam_b)
    best = new_user_cost(w, b, X, mu, idx, y, 2.0, lambda_b=lam_b)
    rng = np.random.default_rng(seed)
    for scale in (1e-3, 1e-1, 1.0):
        for _ in range(50):
            dw, db = rng.normal(scale=scale, size=w.shape), rng.normal(scale=scale)
            assert new_user_cost(w + dw, b + db, X, mu, idx, y, 2.0, lambda_b=lam_b) >= best - 1e-12


def test_default_lambda_b_is_the_unregularized_bias():
    X, mu, idx, y = _problem(0)
    w, b = fit_new_user(X, mu, idx, y, 2.0)
    w0, b0 = fit_new_user(X, mu, idx, y, 2.0, lambda_b=0.0)
    np.testing.assert_array_equal(w, w0)
    assert b == b0
    assert new_user_cost(w, b, X, mu, idx, y, 2.0) == new_user_cost(
        w, b, X, mu, idx, y, 2.0, lambda_b=0.0
    )


def test_penalized_bias_by_hand():
    # No features (a zero column), one rating 1 star above the mean: J = ½(b - 1)² + λ_b/2 b²,
    # so b = 1 / (1 + λ_b) = 0.25 with λ_b = 3 (and the full star, 1, with λ_b = 0).
    Z, mu3 = np.zeros((2, 1)), np.full((2, 1), 3.0)
    w, b = fit_new_user(Z, mu3, [0], [4.0], 1.0, lambda_b=3.0)
    assert b == pytest.approx(0.25) and w.tolist() == [0.0]
    assert fit_new_user(Z, mu3, [0], [4.0], 1.0)[1] == pytest.approx(1.0)
    # Two ratings with residuals +1 and +2, λ_b = 1: (2 + λ_b) b = 3 -> b = 1.
    assert fit_new_user(Z, mu3, [0, 1], [4.0, 5.0], 1.0, lambda_b=1.0)[1] == pytest.approx(1.0)
    # With a feature: x = [1, -1], mu = 3, ratings 5 and 3 -> t = [2, 0], A = [[1, 1], [-1, 1]],
    # A^T A = diag(2, 2), A^T t = [2, 2]. λ = λ_b = 2: diag(4, 4) θ = [2, 2] -> w = 0.5, b = 0.5;
    # λ_b = 0: diag(4, 2) θ = [2, 2] -> w = 0.5, b = 1.
    X1 = np.array([[1.0], [-1.0]])
    w, b = fit_new_user(X1, mu3, [0, 1], [5.0, 3.0], 2.0, lambda_b=2.0)
    np.testing.assert_allclose([w[0], b], [0.5, 0.5])
    w, b = fit_new_user(X1, mu3, [0, 1], [5.0, 3.0], 2.0)
    np.testing.assert_allclose([w[0], b], [0.5, 1.0])
    # The loop cost there: residuals 0.5 + 0.5 - 2 = -1 and -0.5 + 0.5 - 0 = 0,
    # J = ½(1 + 0) + 2/2 · 0.25 + 2/2 · 0.25 = 1.
    assert new_user_cost(
        [0.5], 0.5, X1, mu3, [0, 1], [5.0, 3.0], 2.0, lambda_b=2.0
    ) == pytest.approx(1.0)


@pytest.mark.parametrize("seed", [2, 3])
def test_lambda_zero_with_penalized_bias_matches_the_stacked_reference(seed):
    # λ = 0 takes the least-squares branch and still penalizes b; with 2 ratings for
    # 3 features the fit is underdetermined in w, and lstsq's minimum-norm answer is returned.
    for m in (5, 2):
        X, mu, idx, y = _problem(seed, m=m)
        w, b = fit_new_user(X, mu, idx, y, 0.0, lambda_b=4.0)
        w_ref, b_ref = _lstsq_reference(X, mu, idx, y, 0.0, 4.0)
        np.testing.assert_allclose(np.r_[w, b], np.r_[w_ref, b_ref], rtol=1e-9, atol=1e-12)


def test_eve_with_penalized_bias_gets_mu():
    X, mu, _, _ = _problem(0)
    w, b = fit_new_user(X, mu, [], [], 1.0, lambda_b=3.0)
    assert w.tolist() == [0.0, 0.0, 0.0] and b == 0.0


def test_loop_cost_by_hand():
    # X rows x(0) = [1, 0], x(1) = [0, 2]; mu = [3, 2]; she rated movie 0: 4, movie 1: 1.
    # w = [1, 1], b = 0.5: residuals (1 + 0.5 - (4 - 3)) = 0.5 and (2 + 0.5 - (1 - 2)) = 3.5
    # J = ½(0.25 + 12.25) + λ/2 (1 + 1) = 6.25 + 2 (λ = 2) = 8.25
    X = np.array([[1.0, 0.0], [0.0, 2.0]])
    mu = np.array([[3.0], [2.0]])
    assert new_user_cost([1.0, 1.0], 0.5, X, mu, [0, 1], [4.0, 1.0], 2.0) == pytest.approx(8.25)


def test_one_rating_by_hand():
    # One feature, x = 2, mu = 3, she rated it 5: t = 2. Normal equations
    # [[x² + λ, x], [x, 1]] [w, b] = [x t, t] -> [[4 + λ, 2], [2, 1]] [w, b] = [4, 2];
    # subtract 2 x row 2 from row 1: λ w = 0 -> w = 0, b = 2 (b takes it all: it is free).
    w, b = fit_new_user(np.array([[2.0]]), np.array([[3.0]]), [0], [5.0], 1.0)
    np.testing.assert_allclose(w, [0.0], atol=1e-12)
    assert b == pytest.approx(2.0)


def test_eve_gets_mu():
    # The lecture's Eve: no ratings -> w = [0, 0], b = 0
    # -> predicted mu = [2.5, 2.5, 2, 2.25, 1.25].
    Y, R, _, _ = load_toy_mean_normalization()
    _, mu = normalize_ratings(Y, R)
    X = load_toy_features().X
    w, b = fit_new_user(X, mu, [], [], 1.0)
    np.testing.assert_array_equal(w, [0.0, 0.0])
    assert b == 0.0
    pred = predict_new_user(X, mu, w, b)
    np.testing.assert_allclose(pred, [2.5, 2.5, 2.0, 2.25, 1.25])
    assert pred[0] == 2.5  # "Love at last": 0 + 0 + mu_1 = 2.5 exactly
    top, scores = recommend_for_new_user(X, mu, [], [], 1.0, k=2)
    np.testing.assert_array_equal(top, [0, 1])  # tie 2.5 = 2.5 broken by the lower row
    np.testing.assert_allclose(scores, [2.5, 2.5])


def test_block_of_the_full_cost():
    # Fitting every toy user with X fixed makes dJ/dW and dJ/db of the combined cost vanish:
    # the new-user problem is exactly user j's block of J(w, b, x).
    Y, R, _, _ = load_toy_mean_normalization()
    Ynorm, mu = normalize_ratings(Y, R)
    X = load_toy_features().X
    lam = 1.5
    W = np.zeros((Y.shape[1], X.shape[1]))
    b = np.zeros((1, Y.shape[1]))
    for j in range(Y.shape[1]):
        rated = np.flatnonzero(R[:, j])
        W[j], b[0, j] = fit_new_user(X, mu, rated, Y[rated, j], lam)
    _, dW, db = cofi_gradients(X, W, b, Ynorm, R, lam)
    np.testing.assert_allclose(dW, 0.0, atol=1e-10)
    np.testing.assert_allclose(db, 0.0, atol=1e-10)


def test_lambda_zero_underdetermined_gives_min_norm():
    # λ = 0 and 2 ratings for 3 features + b: many exact fits; the minimum-norm one is returned.
    X, mu, idx, y = _problem(5, n=3, m=2)
    w, b = fit_new_user(X, mu, idx, y, 0.0)
    A = np.hstack([X[idx], np.ones((2, 1))])
    np.testing.assert_allclose(A @ np.append(w, b), y - mu[idx, 0], atol=1e-9)
    np.testing.assert_allclose(np.append(w, b), np.linalg.pinv(A) @ (y - mu[idx, 0]), atol=1e-9)


def test_recommend_excludes_rated_and_respects_candidates():
    X, mu, idx, y = _problem(6, n_movies=10, m=3)
    top, scores = recommend_for_new_user(X, mu, idx, y, 1.0, k=20)
    assert len(top) == 7 and not set(top) & set(idx)
    assert np.all(np.diff(scores) <= 0)
    w, b = fit_new_user(X, mu, idx, y, 1.0)
    np.testing.assert_allclose(scores, (X @ w + b + mu[:, 0])[top])
    allowed = np.zeros(10, dtype=bool)
    allowed[[0, 1, 2, 3]] = True
    top2, _ = recommend_for_new_user(X, mu, idx, y, 1.0, k=10, candidates=allowed)
    assert set(top2) == {0, 1, 2, 3} - set(idx)


def test_speed_is_not_retraining():
    # A 9,742 x 10 catalogue: one 11 x 11 solve; well under a second even on a busy machine.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(9742, 10))
    mu = rng.uniform(1, 5, size=(9742, 1))
    top, _ = recommend_for_new_user(X, mu, [1, 2, 3], [5.0, 4.0, 1.0], 10.0, k=10)
    assert top.shape == (10,)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"mu": np.zeros(5)}, ValueError, r"mu has shape \(5,\).*\(5, 1\)"),
        ({"mu": np.zeros((4, 1))}, ValueError, r"mu has shape \(4, 1\) but X has shape \(5, 2\)"),
        (
            {"item_idx": [0, 9], "ratings": [1.0, 2.0]},
            ValueError,
            r"item_idx must lie in \[0, 5\) \(the rows of X\), got 9",
        ),
        (
            {"item_idx": [0, -1], "ratings": [1.0, 2.0]},
            ValueError,
            "got -1 at position 1; negative indices do not wrap",
        ),
        ({"item_idx": [1, 1], "ratings": [1.0, 2.0]}, ValueError, "more than once"),
        ({"item_idx": [0.5], "ratings": [1.0]}, TypeError, "integer"),
        (
            {"item_idx": [[0, 1]], "ratings": [1.0, 2.0]},
            ValueError,
            "item_idx must be 1-dimensional",
        ),
        ({"ratings": [1.0]}, ValueError, r"ratings has shape \(1,\) but item_idx has shape \(2,\)"),
        ({"ratings": [1.0, np.nan]}, ValueError, "NaN"),
        ({"lambda_": -1.0}, ValueError, "lambda_"),
        ({"lambda_b": -2.0}, ValueError, "lambda_b must be"),
        ({"lambda_b": np.nan}, ValueError, "lambda_b must be"),
        ({"lambda_b": "3"}, TypeError, "lambda_b must be a number"),
        ({"X": np.zeros(5)}, ValueError, "X must be 2-dimensional"),
    ],
)
def test_bad_input(kwargs, error, match):
    args = {
        "X": np.ones((5, 2)),
        "mu": np.zeros((5, 1)),
        "item_idx": [0, 1],
        "ratings": [4.0, 2.0],
        "lambda_": 1.0,
        **kwargs,
    }
    with pytest.raises(error, match=match):
        fit_new_user(**args)


def test_recommend_bad_k_and_candidates():
    X, mu = np.ones((5, 2)), np.zeros((5, 1))
    with pytest.raises(ValueError, match="k must be a positive integer"):
        recommend_for_new_user(X, mu, [], [], 1.0, k=0)
    with pytest.raises(ValueError, match="boolean mask of shape"):
        recommend_for_new_user(X, mu, [], [], 1.0, candidates=np.ones(4, dtype=bool))
    with pytest.raises(ValueError, match=r"w has shape \(3,\)"):
        predict_new_user(X, mu, np.zeros(3), 0.0)


@pytest.mark.parametrize("b,error", [(np.nan, ValueError), (np.inf, ValueError), ("1", TypeError)])
def test_a_bad_bias_is_refused_not_passed_through(b, error):
    # new_user_cost and predict_new_user returned NaN/inf predictions for a NaN/inf b.
    X, mu = np.ones((3, 2)), np.full((3, 1), 3.0)
    with pytest.raises(error, match="b must be a finite number, got"):
        new_user_cost([0.0, 0.0], b, X, mu, [0], [4.0], 1.0)
    with pytest.raises(error, match="b must be a finite number, got"):
        predict_new_user(X, mu, [0.0, 0.0], b)
    # and a NumPy scalar is a number: w = 0, b = 1 predicts mu + 1 = 4 everywhere
    np.testing.assert_allclose(predict_new_user(X, mu, [0.0, 0.0], np.float32(1.0)), 4.0)
