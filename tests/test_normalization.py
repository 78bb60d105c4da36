"""Tests for recsys_utils.normalization: the lecture's mu, Eve, the unrated-movie fallback."""

import numpy as np
import pytest

from recsys_utils.normalization import denormalize, mean_ratings_loop, normalize_ratings
from recsys_utils.toy import load_toy_mean_normalization


def test_lecture_mu_and_normalized_matrix():
    toy = load_toy_mean_normalization()
    Ynorm, mu = normalize_ratings(toy.Y, toy.R)
    # Row means over rated entries: (5+5+0+0)/4, (5+0)/2, (4+0)/2, (0+0+5+4)/4, (0+0+5+0)/4
    np.testing.assert_allclose(mu, [[2.5], [2.5], [2.0], [2.25], [1.25]])
    expected = np.array(
        [
            [2.5, 2.5, -2.5, -2.5, 0],
            [2.5, 0, 0, -2.5, 0],
            [0, 2, -2, 0, 0],
            [-2.25, -2.25, 2.75, 1.75, 0],
            [-1.25, -1.25, 3.75, -1.25, 0],
        ]
    )
    np.testing.assert_allclose(Ynorm, expected)
    np.testing.assert_allclose(mean_ratings_loop(toy.Y, toy.R), mu)


def test_eve_gets_mu():
    # Eve: w(5) = [0, 0], b(5) = 0, so w . x(1) + b + mu_1 = 0 + 2.5 = 2.5
    toy = load_toy_mean_normalization()
    _, mu = normalize_ratings(toy.Y, toy.R)
    X = np.ones((5, 2))
    W = np.zeros((5, 2))
    P = denormalize(X @ W.T + np.zeros((1, 5)), mu)
    assert P[0, 4] == pytest.approx(2.5)
    np.testing.assert_allclose(P[:, 4], mu[:, 0])


def test_unrated_movie_falls_back_to_global_mean():
    Y = np.array([[4.0, 2.0], [0.0, 0.0], [3.0, 0.0]])
    R = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]])
    Ynorm, mu = normalize_ratings(Y, R)
    # global mean of rated entries (4 + 2 + 3) / 3 = 3
    np.testing.assert_allclose(mu, [[3.0], [3.0], [3.0]])
    assert np.isfinite(Ynorm).all()
    np.testing.assert_allclose(Ynorm[1], 0.0)
    np.testing.assert_allclose(mean_ratings_loop(Y, R), mu)


def test_loop_equals_vectorized_on_random_data():
    rng = np.random.default_rng(0)
    R = (rng.random((30, 12)) < 0.3).astype(float)
    Y = rng.uniform(0.5, 5, size=R.shape) * R
    np.testing.assert_allclose(mean_ratings_loop(Y, R), normalize_ratings(Y, R)[1], rtol=1e-12)


def test_no_ratings_at_all():
    with pytest.raises(ValueError, match="no rated entry"):
        normalize_ratings(np.zeros((3, 2)), np.zeros((3, 2)))


def test_bad_shapes():
    with pytest.raises(ValueError, match=r"R has shape \(3, 1\) but Y has shape \(3, 2\)"):
        normalize_ratings(np.zeros((3, 2)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"mu .*shape \(3,\)"):
        denormalize(np.zeros((3, 2)), np.zeros(3))
