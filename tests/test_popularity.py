"""Tests for recsys_utils.popularity: the non-personalized baselines."""

from __future__ import annotations

import numpy as np
import pytest

from recsys_utils.popularity import item_popularity, smoothed_item_mean


def test_popularity_counts_and_likes():
    # Movie 0 rated twice (labels 1, 0), movie 1 never, movie 2 three times (1, 1, 0).
    idx = [0, 2, 0, 2, 2]
    y = [1, 1, 0, 1, 0]
    np.testing.assert_array_equal(item_popularity(idx, 3), [2, 0, 3])
    np.testing.assert_array_equal(item_popularity(idx, 3, y=y), [1, 0, 2])


def test_smoothed_mean_by_hand():
    # Labels as above; global like rate 3/5 = 0.6. strength 2:
    # movie 0: (1 + 2·0.6) / (2 + 2) = 2.2 / 4 = 0.55; movie 1: the prior 0.6;
    # movie 2: (2 + 1.2) / (3 + 2) = 3.2 / 5 = 0.64.
    got = smoothed_item_mean([0, 2, 0, 2, 2], [1, 1, 0, 1, 0], 3, strength=2.0)
    np.testing.assert_allclose(got, [0.55, 0.6, 0.64])


def test_smoothed_mean_limits():
    idx, y = [0, 0, 1], [4.0, 2.0, 5.0]
    # strength 0: the raw means 3 and 5; the unrated movie 2 gets the global mean 11/3.
    np.testing.assert_allclose(smoothed_item_mean(idx, y, 3, strength=0.0), [3.0, 5.0, 11 / 3])
    # a huge strength: everything collapses to the prior.
    np.testing.assert_allclose(smoothed_item_mean(idx, y, 3, strength=1e12, prior=2.5), 2.5)


def test_smoothed_mean_of_an_unrated_movie_is_exactly_the_prior():
    # (0 + a p) / (0 + a) can round away from p; the unrated movie gets p itself.
    p = 3.3663275929465444  # 3 * p / 3 rounds to 3.366327592946545
    got = smoothed_item_mean([0], [1.0], 3, strength=3.0, prior=p)
    assert got[1] == p and got[2] == p
    # With a prior, no ratings at all is fine (a brand-new catalogue: everything at the prior).
    np.testing.assert_array_equal(
        smoothed_item_mean([], [], 2, strength=5.0, prior=3.5), [3.5, 3.5]
    )
    with pytest.raises(ValueError, match="non-empty"):  # without one, the global mean is undefined
        smoothed_item_mean([], [], 2)


def test_smoothed_matches_loop():
    rng = np.random.default_rng(0)
    idx = rng.integers(0, 8, size=40)
    y = rng.uniform(0.5, 5, size=40)
    got = smoothed_item_mean(idx, y, 10, strength=3.0)
    p = y.mean()
    for i in range(10):
        mine = y[idx == i]
        assert got[i] == pytest.approx((mine.sum() + 3.0 * p) / (len(mine) + 3.0))


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (([0, 5], 3), {}, ValueError, r"item_idx must lie in \[0, 3\) .*, got 5 at position 1"),
        (([0, -1], 3), {}, ValueError, r"item_idx must lie in \[0, 3\) .*, got -1 at position 1"),
        (([0], np.int64(0)), {}, ValueError, "n_movies must be a positive integer, got 0"),
        (([0], 2.0), {}, TypeError, "n_movies must be a positive integer, got float 2.0"),
        (([0.0, 1.0], 3), {}, TypeError, "integer"),
        (([], 3), {}, ValueError, "non-empty"),
        (([0], 0), {}, ValueError, "n_movies"),
        (([0, 1], 3), {"y": [1.0]}, ValueError, r"y has shape \(1,\)"),
        (([0, 1], 3), {"y": [1.0, np.nan]}, ValueError, "NaN"),
    ],
)
def test_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        item_popularity(*args, **kwargs)


def test_bad_strength():
    with pytest.raises(ValueError, match="strength"):
        smoothed_item_mean([0], [1.0], 1, strength=-1.0)


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"prior": "3"}, TypeError, "prior must be a finite number, got str '3'"),
        (
            {"prior": None, "strength": np.nan},
            ValueError,
            "strength must be a number >= 0, got nan",
        ),
        ({"prior": [3.0]}, TypeError, "prior must be a finite number, got list"),
    ],
)
def test_smoothed_mean_settings_follow_the_one_rule(kwargs, error, match):
    # prior="3" was silently read as 3.0, prior=None with no check, a list gave float()'s words
    with pytest.raises(error, match=match):
        smoothed_item_mean([0, 1], [4.0, 2.0], 2, **kwargs)
    # NumPy scalars are numbers: (4 + 1 * 3) / 2 = 3.5 for movie 0
    assert (
        smoothed_item_mean([0, 1], [4.0, 2.0], 2, strength=np.float32(1), prior=np.float64(3))[0]
        == 3.5
    )
