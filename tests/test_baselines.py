"""Tests for recsys_utils.baselines: global mean, movie mean (shrunk), biases by ALS."""

import numpy as np
import pytest

from recsys_utils.baselines import biases_baseline, global_mean_baseline, movie_mean_baseline

# A tiny table, 3 movies x 2 users: movie 0 rated 5 (user 0) and 3 (user 1), movie 1 rated 1
# (user 0), movie 2 never rated (cold). Global mean (5 + 3 + 1) / 3 = 3.
ITEMS, USERS, Y = [0, 0, 1], [0, 1, 0], [5.0, 3.0, 1.0]
TINY = (ITEMS, USERS, Y, 3, 2)


def test_global_mean():
    model = global_mean_baseline(*TINY)
    assert model.global_mean == 3.0
    np.testing.assert_array_equal(model.predict([0, 1, 2, 2], [0, 0, 1, 0]), [3.0, 3.0, 3.0, 3.0])


def test_movie_mean_plain_and_cold_fallback():
    model = movie_mean_baseline(*TINY)
    # movie 0: (5 + 3) / 2 = 4; movie 1: 1 / 1 = 1; movie 2 cold: the global mean 3
    np.testing.assert_allclose(model.mu[:, 0], [4.0, 1.0, 3.0])
    np.testing.assert_array_equal(model.counts, [2, 1, 0])
    assert model.mu.shape == (3, 1)
    np.testing.assert_allclose(model.predict([2, 0, 1], [1, 1, 0]), [3.0, 4.0, 1.0])


@pytest.mark.parametrize(
    "k, expected",
    [
        # movie 0: (8 + k*3) / (2 + k); movie 1: (1 + k*3) / (1 + k); movie 2 stays at 3
        (1.0, [11 / 3, 2.0, 3.0]),
        (2.0, [14 / 4, 7 / 3, 3.0]),
    ],
)
def test_movie_mean_shrinkage(k, expected):
    np.testing.assert_allclose(movie_mean_baseline(*TINY, shrinkage=k).mu[:, 0], expected)


def test_movie_mean_is_the_smoothed_item_mean_towards_the_global_mean():
    from recsys_utils.popularity import smoothed_item_mean

    for k in (0, 1.0, 2.5):
        np.testing.assert_array_equal(
            movie_mean_baseline(*TINY, shrinkage=k).mu[:, 0],
            smoothed_item_mean(ITEMS, Y, 3, strength=k, prior=3.0),
        )


def test_movie_mean_huge_shrinkage_is_the_global_mean():
    np.testing.assert_allclose(movie_mean_baseline(*TINY, shrinkage=1e12).mu[:, 0], 3.0)


def test_biases_one_round_by_hand():
    model = biases_baseline(*TINY, lambda_=1.0, n_rounds=1)
    # movie step with b = 0:  c0 = ((5-3) + (3-3)) / (1 + 2) = 2/3,  c1 = (1-3) / (1 + 1) = -1,
    # c2 = 0 (no ratings).
    np.testing.assert_allclose(model.c[:, 0], [2 / 3, -1.0, 0.0])
    # user step:  b0 = ((5-3-2/3) + (1-3+1)) / (1 + 2) = (4/3 - 1) / 3 = 1/9,
    #             b1 = (3-3-2/3) / (1 + 1) = -1/3.
    np.testing.assert_allclose(model.b[0], [1 / 9, -1 / 3])
    assert model.b.shape == (1, 2) and model.c.shape == (3, 1)
    # predictions 3 + b + c:  (movie 0, user 0) = 3 + 1/9 + 2/3 = 34/9;  cold movie 2 for user 1
    # = 3 - 1/3 (the global mean plus the user's bias).
    np.testing.assert_allclose(model.predict([0, 2], [0, 1]), [34 / 9, 3 - 1 / 3])


def test_biases_converge_to_the_ridge_solution():
    rng = np.random.default_rng(0)
    n_movies, n_users, n = 7, 5, 20
    pairs = rng.choice(n_movies * n_users, size=n, replace=False)
    items, users = pairs // n_users, pairs % n_users
    y = rng.integers(1, 11, size=n) / 2.0
    lam = 2.0
    model = biases_baseline(items, users, y, n_movies, n_users, lambda_=lam, n_rounds=300)
    # The exact minimiser of J(b, c): (A^T A + lam I) theta = A^T (y - mean), A = [users | movies]
    A = np.zeros((n, n_users + n_movies))
    A[np.arange(n), users] = 1.0
    A[np.arange(n), n_users + items] = 1.0
    theta = np.linalg.solve(A.T @ A + lam * np.eye(n_users + n_movies), A.T @ (y - y.mean()))
    np.testing.assert_allclose(model.b[0], theta[:n_users], atol=1e-8)
    np.testing.assert_allclose(model.c[:, 0], theta[n_users:], atol=1e-8)
    # ALS never increases the cost
    assert np.all(np.diff(model.history) <= 1e-12)


def test_biases_first_movie_step_is_the_shrunk_movie_mean():
    # With b = 0, c_i = sum(y - mean) / (lam + n_i): the movie mean shrunk with k = lam,
    # minus the mean
    model = biases_baseline(*TINY, lambda_=2.0, n_rounds=1)
    shrunk = movie_mean_baseline(*TINY, shrinkage=2.0)
    np.testing.assert_allclose(model.c[:, 0] + 3.0, shrunk.mu[:, 0])


def test_biases_lambda_zero_fits_a_consistent_table_exactly():
    # y = 3 + b + c exactly with b = [0.5, -0.5], c = [1, -1]: four ratings, no noise
    items, users = [0, 0, 1, 1], [0, 1, 0, 1]
    y = [4.5, 3.5, 2.5, 1.5]
    model = biases_baseline(items, users, y, 2, 2, lambda_=0.0, n_rounds=5)
    np.testing.assert_allclose(model.predict(items, users), y)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: global_mean_baseline([0, 1], [0], [4.0, 3.0], 2, 2),
            ValueError,
            "user_idx has shape",
        ),
        (
            lambda: global_mean_baseline([0, 5], [0, 1], [4.0, 3.0], 2, 2),
            ValueError,
            r"item_idx must lie in \[0, 2\) \(the rows of X\), got 5 at position 1",
        ),
        (lambda: global_mean_baseline([], [], [], 2, 2), ValueError, "y is empty"),
        (
            lambda: global_mean_baseline([0.0], [0], [4.0], 2, 2),
            TypeError,
            "item_idx must hold integer indices",
        ),
        (lambda: global_mean_baseline([0], [0], [np.nan], 2, 2), ValueError, "NaN"),
        (
            lambda: global_mean_baseline([0], [0], [4.0], 0, 2),
            ValueError,
            "n_movies must be a positive",
        ),
        (
            lambda: movie_mean_baseline(*TINY, shrinkage=-1),
            ValueError,
            "shrinkage must be a number >= 0, got -1",
        ),
        (
            lambda: movie_mean_baseline(*TINY, shrinkage="1"),
            TypeError,
            "shrinkage must be a number >= 0, got str '1'",
        ),
        (
            lambda: biases_baseline(*TINY, lambda_=-1),
            ValueError,
            "lambda_ must be a number >= 0, got -1",
        ),
        (
            lambda: biases_baseline(*TINY, n_rounds=0),
            ValueError,
            "n_rounds must be a positive integer",
        ),
        (
            lambda: biases_baseline(*TINY).predict([3], [0]),
            ValueError,
            r"item_idx must lie in \[0, 3\) \(the movies \(n_movies\)\), got 3",
        ),
        (
            lambda: movie_mean_baseline(*TINY).predict([0], [2]),
            ValueError,
            r"user_idx must lie in \[0, 2\) \(the users \(n_users\)\), got 2",
        ),
        (lambda: global_mean_baseline(*TINY).predict([0, 1], [0]), ValueError, "one entry per"),
        (
            lambda: movie_mean_baseline(*TINY, shrinkage=np.float32(1.5)).shrinkage == 1.5,
            None,
            None,
        ),
        # the same (movie, user) rating twice would be averaged in twice: refused
        (
            lambda: global_mean_baseline([0, 0], [1, 1], [4.0, 2.0], 2, 2),
            ValueError,
            r"got 1 duplicated pair\(s\), the first \(movie 0, user 1\) at positions \[0, 1\]",
        ),
    ],
)
def test_bad_input_is_refused_loudly(call, error, match):
    if error is None:  # a valid edge case (NumPy scalars are numbers)
        assert call()
        return
    with pytest.raises(error, match=match):
        call()


def test_on_movielens_each_baseline_beats_the_simpler_one(real_movielens_dir):
    from recsys_utils.movielens import load_movielens
    from recsys_utils.ratings import ratings_to_triples
    from recsys_utils.splits import split_random

    ml = load_movielens(real_movielens_dir)
    train, _, test = split_random(ml.ratings, 0.2, seed=42)
    users = np.unique(ml.ratings["userId"])
    tr = ratings_to_triples(train, movies=ml.movies, users=users)
    te = ratings_to_triples(test, movies=ml.movies, users=users)
    sizes = (len(tr.item_ids), len(tr.user_ids))

    def rmse(model):
        return np.sqrt(np.mean((model.predict(te.item_idx, te.user_idx) - te.ratings) ** 2))

    g = rmse(global_mean_baseline(tr.item_idx, tr.user_idx, tr.ratings, *sizes))
    m = rmse(movie_mean_baseline(tr.item_idx, tr.user_idx, tr.ratings, *sizes))
    b = rmse(biases_baseline(tr.item_idx, tr.user_idx, tr.ratings, *sizes, lambda_=3.0))
    # measured: global 1.046, movie mean 0.975, biases 0.864 (seed 42)
    assert b < m < g
    assert 0.84 < b < 0.89
