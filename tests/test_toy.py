"""The toy tables, checked cell by cell against the lecture notes.

Expected values are copied from the lecture's tables by hand (``?`` -> R = 0); indices in
comments are the lecture's 1-based ``(movie i, user j)``, in code they are 0-based.
"""

import doctest

import numpy as np
import pytest

from recsys_utils import toy
from recsys_utils.toy import (
    load_toy_binary,
    load_toy_features,
    load_toy_mean_normalization,
    load_toy_ratings,
)

MOVIES = (
    "Love at last",
    "Romance forever",
    "Cute puppies of love",
    "Nonstop car chases",
    "Swords vs. karate",
)
USERS = ("Alice", "Bob", "Carol", "Dave")
nan = np.nan
# The lecture's first table, "?" written as NaN.
LECTURE_RATINGS = [
    [5, 5, 0, 0],
    [5, nan, nan, 0],
    [nan, 4, 0, nan],
    [0, 0, 5, 4],
    [0, 0, 5, nan],
]
LECTURE_BINARY = [
    [1, 1, 0, 0],
    [1, nan, nan, 0],
    [nan, 1, 0, nan],
    [0, 0, 1, 1],
    [0, 0, 1, nan],
]


def _as_table(Y, R):
    """Y with NaN where R == 0: the lecture's way of writing the table."""
    return np.where(R == 1, Y, np.nan)


def test_ratings_table_cell_by_cell():
    Y, R, movies, users = load_toy_ratings()
    assert Y.shape == R.shape == (5, 4)
    assert Y.dtype == R.dtype == np.float64
    assert movies == MOVIES
    assert users == USERS
    np.testing.assert_array_equal(_as_table(Y, R), LECTURE_RATINGS)
    # Unrated entries hold 0 in Y (a finite placeholder, never NaN).
    assert np.all(Y[R == 0] == 0)


def test_ratings_lecture_notation():
    Y, R, _, _ = load_toy_ratings()
    # n_u = 4, n_m = 5
    assert R.shape == (5, 4)
    # y(3,2) = 4: Bob rated "Cute puppies of love" 4.
    assert Y[2, 1] == 4 and R[2, 1] == 1
    # r(3,1) = 0: Alice has not rated "Cute puppies of love".
    assert R[2, 0] == 0
    # "r(1,1) = 5" on the slide means r(1,1) = 1 and y(1,1) = 5.
    assert R[0, 0] == 1 and Y[0, 0] == 5
    # Count of rated cells: 4 + 2 + 2 + 4 + 3 = 15.
    assert R.sum() == 15
    # m^(j), movies rated per user: Alice 4, Bob 4, Carol 4, Dave 3.
    np.testing.assert_array_equal(R.sum(axis=0), [4, 4, 4, 3])


def test_features_table():
    X, features, movies = load_toy_features()
    assert X.shape == (5, 2) and X.dtype == np.float64
    assert features == ("romance", "action")
    assert movies == MOVIES
    np.testing.assert_array_equal(X, [[0.9, 0], [1.0, 0.01], [0.99, 0], [0.1, 1.0], [0, 0.9]])


def test_features_give_the_lecture_prediction_4_95():
    # w^(1) = [5, 0], b^(1) = 0, x^(3) = [0.99, 0] (the table; the slide misprints 0.9):
    # w . x + b = 5 * 0.99 + 0 * 0 + 0 = 4.95
    X, _, _ = load_toy_features()
    np.testing.assert_array_equal(X[2], [0.99, 0.0])
    w1, b1 = np.array([5.0, 0.0]), 0.0
    assert w1 @ X[2] + b1 == pytest.approx(4.95)
    # x^(1) = [0.9, 0] as printed on the slide.
    np.testing.assert_array_equal(X[0], [0.9, 0.0])


def test_binary_table_cell_by_cell():
    Y, R, movies, users = load_toy_binary()
    assert Y.shape == R.shape == (5, 4)
    assert (movies, users) == (MOVIES, USERS)
    np.testing.assert_array_equal(_as_table(Y, R), LECTURE_BINARY)
    assert set(np.unique(Y)) <= {0.0, 1.0}
    # "?" = not yet shown: the same cells as in the rating table.
    np.testing.assert_array_equal(R, load_toy_ratings().R)
    # Labels that are 1: 2 + 1 + 1 + 2 + 1 = 7.
    assert Y.sum() == 7


def test_binary_table_is_ratings_at_least_4():
    # Stated rule: rating >= 4 -> 1, else 0 (5, 5, 4, 5, 4, 5 are the only ratings >= 4).
    ratings, binary = load_toy_ratings(), load_toy_binary()
    expected = np.where(ratings.R == 1, (ratings.Y >= 4).astype(float), 0.0)
    np.testing.assert_array_equal(binary.Y, expected)


def test_mean_normalization_table():
    Y, R, movies, users = load_toy_mean_normalization()
    assert Y.shape == R.shape == (5, 5)
    assert movies == MOVIES
    assert users == USERS + ("Eve",)
    expected = [row + [nan] for row in LECTURE_RATINGS]
    expected[4][3] = 0  # Dave's "Swords vs. karate" is 0 in this matrix
    np.testing.assert_array_equal(_as_table(Y, R), expected)
    # Eve has rated nothing.
    np.testing.assert_array_equal(R[:, 4], 0)
    assert R.sum() == 16


def test_mean_normalization_mu():
    # mu_i = mean of the rated entries of row i:
    # (5+5+0+0)/4 = 2.5, (5+0)/2 = 2.5, (4+0)/2 = 2, (0+0+5+4)/4 = 2.25, (0+0+5+0)/4 = 1.25
    Y, R, _, _ = load_toy_mean_normalization()
    mu = (Y * R).sum(axis=1) / R.sum(axis=1)
    np.testing.assert_allclose(mu, [2.5, 2.5, 2.0, 2.25, 1.25])


def test_loaders_return_fresh_arrays():
    first = load_toy_ratings()
    first.Y[0, 0] = 99.0
    assert load_toy_ratings().Y[0, 0] == 5.0


def test_docstring_examples_run():
    result = doctest.testmod(toy, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
