"""Tests for recsys_utils.cold_start: side-information priors and new-item fits.

(Genre features are tested in test_features.py, the new user's fit with a penalized bias in
test_new_user.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from recsys_utils.cold_start import (
    fit_new_item,
    fit_side_map,
    new_item_cost,
    shrunk_mean,
)
from recsys_utils.popularity import smoothed_item_mean

# ---------------------------------------------------------------- fit_side_map


def test_side_map_recovers_an_exact_linear_rule():
    # Targets t = 1 + 2 g0 - g1 and 3 g1 (two targets), no noise: lambda 0 recovers them.
    F = np.array([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0]], dtype=float)
    T = np.column_stack([1 + 2 * F[:, 0] - F[:, 1], 3 * F[:, 1]])
    m = fit_side_map(F, T, 0.0)
    np.testing.assert_allclose(m.coef, [[2, 0], [-1, 3]], atol=1e-12)
    np.testing.assert_allclose(m.intercept, [1, 0], atol=1e-12)
    np.testing.assert_allclose(m.predict([[1, 1]]), [[2, 3]], atol=1e-12)


def test_side_map_one_binary_feature_by_hand():
    # Feature f = [1, 1, 0, 0] (mean 0.5), target [4, 2, 1, 1] (mean 2): centred
    # fc = [.5, .5, -.5, -.5], tc = [2, 0, -1, -1]. A = sum(fc tc) / (sum(fc^2) + lambda)
    # = (1 + 0 + 0.5 + 0.5) / (1 + lambda) = 2 / (1 + lambda). lambda = 1: A = 1 and
    # intercept = mean(t) - mean(f) A = 2 - 0.5 = 1.5
    # (lambda = 0: A = 2, the gap 3 - 1 of the group means).
    m = fit_side_map([[1], [1], [0], [0]], [[4.0], [2.0], [1.0], [1.0]], 1.0)
    assert m.coef[0, 0] == pytest.approx(1.0)
    assert m.intercept[0] == pytest.approx(1.5)
    assert fit_side_map([[1], [1], [0], [0]], [[4.0], [2.0], [1.0], [1.0]], 0.0).coef[
        0, 0
    ] == pytest.approx(2.0)


def test_side_map_intercept_is_not_penalized():
    # A huge lambda shrinks the coefficients to 0 but leaves the mean of the targets.
    m = fit_side_map([[1, 0], [0, 1], [1, 1]], [[2.0], [4.0], [6.0]], 1e12)
    np.testing.assert_allclose(m.coef, 0, atol=1e-9)
    assert m.intercept[0] == pytest.approx(4.0)


def test_side_map_refuses_bad_shapes():
    with pytest.raises(ValueError, match="one row per item"):
        fit_side_map(np.ones((3, 2)), np.ones((4, 1)), 1.0)
    with pytest.raises(ValueError, match="2-D"):
        fit_side_map(np.ones((3, 2)), np.ones(3), 1.0)
    m = fit_side_map(np.eye(3), np.ones((3, 1)), 1.0)
    with pytest.raises(ValueError, match="fitted on 3"):
        m.predict(np.ones((2, 2)))


# ---------------------------------------------------------------- shrunk_mean


def test_shrunk_mean_by_hand():
    assert shrunk_mean([5.0], 3.5, 5.0) == pytest.approx(3.75)  # (5 + 17.5) / 6
    assert shrunk_mean([4.0, 2.0], 3.0, 0.0) == pytest.approx(3.0)  # plain mean
    assert shrunk_mean([], 3.2, 5.0) == 3.2  # no ratings: exactly the prior
    assert shrunk_mean([], 3.2, 0.0) == 3.2


def test_shrunk_mean_is_one_movie_of_smoothed_item_mean():
    y = np.random.default_rng(0).uniform(0.5, 5, size=7)
    for k in (0, 1, 7):
        expected = smoothed_item_mean(np.zeros(k, dtype=int), y[:k], 1, strength=5.0, prior=3.4)[0]
        assert shrunk_mean(y[:k], 3.4, 5.0) == expected
        assert isinstance(shrunk_mean(y[:k], 3.4, 5.0), float)


@pytest.mark.parametrize(
    "strength,error",
    [(-1.0, ValueError), (float("nan"), ValueError), (True, TypeError), ("5", TypeError)],
)
def test_shrunk_mean_refuses_bad_strength(strength, error):
    with pytest.raises(error, match="strength must be a number >= 0, got"):
        shrunk_mean([4.0], 3.0, strength)


@pytest.mark.parametrize(
    "prior,error", [("3.5", TypeError), (None, TypeError), (np.nan, ValueError)]
)
def test_shrunk_mean_refuses_bad_prior(prior, error):
    # prior="3.5" was read as 3.5 and None as the ratings' mean, without a word
    with pytest.raises(error, match="prior must be a finite number, got"):
        shrunk_mean([4.0], prior, 5.0)


def test_shrunk_mean_refuses_a_bad_prior_or_ratings():
    with pytest.raises(ValueError, match="prior"):
        shrunk_mean([4.0], float("nan"), 5.0)
    with pytest.raises(ValueError, match="NaN"):
        shrunk_mean([4.0, np.nan], 3.0, 5.0)
    with pytest.raises(ValueError, match="1-dimensional"):
        shrunk_mean([[4.0]], 3.0, 5.0)


# ---------------------------------------------------------------- fit_new_item


def _item_problem(seed, n_users=15, n=3, m=6):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(n_users, n))
    b = rng.normal(scale=0.3, size=(1, n_users))
    idx = rng.choice(n_users, size=m, replace=False)
    y = rng.uniform(0.5, 5, size=m)
    return W, b, idx, y


def test_fit_new_item_by_hand():
    # Users w = [1, 0] and [0, 2], b = 0, ratings 4 and 1, mu = 2: targets 2 and -1.
    # (W^T W + I) x = W^T t: diag(2, 5) x = [2, -2] -> x = [1, -0.4].
    x = fit_new_item([[1.0, 0.0], [0.0, 2.0]], [[0.0, 0.0]], [0, 1], [4.0, 1.0], 2.0, 1.0)
    np.testing.assert_allclose(x, [1.0, -0.4])
    # With the prior x0 = [1, 1]: diag(2, 5) x = [2 + 1, -2 + 1] -> x = [1.5, -0.2].
    x = fit_new_item(
        [[1.0, 0.0], [0.0, 2.0]], [[0.0, 0.0]], [0, 1], [4.0, 1.0], 2.0, 1.0, x_prior=[1.0, 1.0]
    )
    np.testing.assert_allclose(x, [1.5, -0.2])


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("with_prior", [False, True])
def test_fit_new_item_minimises_the_loop_cost(seed, with_prior):
    W, b, idx, y = _item_problem(seed)
    prior = np.random.default_rng(seed + 10).normal(size=W.shape[1]) if with_prior else None
    x = fit_new_item(W, b, idx, y, 3.1, 2.0, x_prior=prior)
    best = new_item_cost(x, W, b, idx, y, 3.1, 2.0, x_prior=prior)
    # Gradient of the cost, by central differences, vanishes at the solution.
    eps = 1e-6
    grad = [
        (
            new_item_cost(x + eps * e, W, b, idx, y, 3.1, 2.0, x_prior=prior)
            - new_item_cost(x - eps * e, W, b, idx, y, 3.1, 2.0, x_prior=prior)
        )
        / (2 * eps)
        for e in np.eye(W.shape[1])
    ]
    np.testing.assert_allclose(grad, 0, atol=1e-6)
    rng = np.random.default_rng(seed)
    for _ in range(30):
        assert (
            new_item_cost(
                x + rng.normal(scale=0.1, size=x.shape), W, b, idx, y, 3.1, 2.0, x_prior=prior
            )
            >= best - 1e-12
        )


def test_fit_new_item_solves_the_normal_equations():
    # With b = 0 for everyone and mu_i = 0 the targets are the ratings themselves:
    # x solves (W_r^T W_r + lambda I) x = W_r^T y (ridge regression of y on the raters' w).
    W, _, idx, y = _item_problem(5)
    x = fit_new_item(W, np.zeros((1, W.shape[0])), idx, y, 0.0, 1.5)
    Wr = W[idx]
    np.testing.assert_allclose(x, np.linalg.solve(Wr.T @ Wr + 1.5 * np.eye(3), Wr.T @ y))


def test_fit_new_item_without_ratings_returns_the_prior():
    W, b, _, _ = _item_problem(0)
    np.testing.assert_array_equal(fit_new_item(W, b, [], [], 3.0, 1.0), np.zeros(3))
    np.testing.assert_array_equal(
        fit_new_item(W, b, [], [], 3.0, 1.0, x_prior=[1, 2, 3]), [1, 2, 3]
    )


def test_fit_new_item_refuses_bad_input():
    W, b, idx, y = _item_problem(0)
    with pytest.raises(ValueError, match=r"b has shape \(15, 1\)"):
        fit_new_item(W, b.T, idx, y, 3.0, 1.0)
    with pytest.raises(ValueError, match="one rating per user"):
        fit_new_item(W, b, idx, y[:-1], 3.0, 1.0)
    with pytest.raises(ValueError, match="more than once"):
        fit_new_item(W, b, [0, 0], [3.0, 4.0], 3.0, 1.0)
    with pytest.raises(ValueError, match=r"user_idx must lie in \[0, \d+\) \(the rows of W\)"):
        fit_new_item(W, b, [15], [3.0], 3.0, 1.0)
    with pytest.raises(TypeError, match="integer indices into the rows of W"):
        fit_new_item(W, b, [0.0], [3.0], 3.0, 1.0)
    with pytest.raises(ValueError, match="user_idx must be 1-dimensional"):
        fit_new_item(W, b, [[0]], [3.0], 3.0, 1.0)
    with pytest.raises(ValueError, match="x_prior has shape"):
        fit_new_item(W, b, idx, y, 3.0, 1.0, x_prior=[0.0, 0.0])
    with pytest.raises(ValueError, match="lambda_"):
        fit_new_item(W, b, idx, y, 3.0, -1.0)
    with pytest.raises(ValueError, match="NaN"):
        fit_new_item(W, b, idx, np.full(y.shape, np.nan), 3.0, 1.0)
