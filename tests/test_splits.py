"""The seeded splits: split_random and split_by_time."""

import doctest

import numpy as np
import pandas as pd
import pytest

from recsys_utils import splits as splits_module
from recsys_utils.splits import RatingSplit, split_by_time, split_random


# ------------------------------------------------------------------------------


def _grid(n_users=20, per_user=10):
    rng = np.random.default_rng(0)
    n = n_users * per_user
    return pd.DataFrame(
        {
            "userId": np.repeat(np.arange(n_users), per_user),
            "movieId": np.tile(np.arange(per_user), n_users),
            "rating": rng.integers(1, 11, n) / 2,
            "timestamp": rng.permutation(n),
        }
    )


def _assert_partition(split, ratings):
    parts = [split.train.index, split.validation.index, split.test.index]
    together = np.concatenate(parts)
    assert len(together) == len(set(together)) == len(ratings)  # disjoint and complete
    for part in split:
        assert part.index.is_monotonic_increasing  # original order kept


def test_split_random_sizes_and_seed():
    df = _grid()  # 200 rows
    split = split_random(df, 0.2, validation_fraction=0.1, seed=1)
    assert isinstance(split, RatingSplit)
    assert (len(split.train), len(split.validation), len(split.test)) == (140, 20, 40)
    _assert_partition(split, df)
    again = split_random(df, 0.2, validation_fraction=0.1, seed=1)
    assert split.test.index.equals(again.test.index)
    other = split_random(df, 0.2, validation_fraction=0.1, seed=2)
    assert not split.test.index.equals(other.test.index)
    train, validation, test = split_random(df)  # defaults: 20 % test, no validation, seed 0
    assert (len(train), len(validation), len(test)) == (160, 0, 40)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(test_fraction=1.0), ValueError),
        (dict(test_fraction=-0.1), ValueError),
        (dict(test_fraction=0.6, validation_fraction=0.5), ValueError),
        (dict(test_fraction="0.2"), TypeError),
    ],
)
def test_split_random_bad_fractions(kwargs, error):
    with pytest.raises(error, match="fraction"):
        split_random(_grid(), **kwargs)


def test_split_by_time_by_hand(small):
    # user 7: t=10 (movie 1), 50 (3), 60 (8) -> test movie 8, validation movie 3
    # user 9: t=100 (3), 200 (8)             -> test movie 8; no validation (keeps 1 in train)
    train, validation, test = split_by_time(small, n_test=1, n_validation=1)
    assert sorted(zip(test.userId, test.movieId)) == [(7, 8), (9, 8)]
    assert sorted(zip(validation.userId, validation.movieId)) == [(7, 3)]
    assert sorted(zip(train.userId, train.movieId)) == [(7, 1), (9, 3)]


def test_split_by_time_holds_out_the_latest():
    df = _grid()
    split = split_by_time(df, test_fraction=0.2, validation_fraction=0.1)
    _assert_partition(split, df)
    assert split.test.groupby("userId").size().eq(2).all()  # round(0.2 * 10)
    assert split.validation.groupby("userId").size().eq(1).all()
    latest_train = split.train.groupby("userId")["timestamp"].max()
    earliest_valid = split.validation.groupby("userId")["timestamp"].min()
    earliest_test = split.test.groupby("userId")["timestamp"].min()
    assert (latest_train < earliest_valid).all() and (earliest_valid < earliest_test).all()


def test_split_by_time_ties_and_min_train():
    df = pd.DataFrame({"userId": [1, 1, 1, 2], "movieId": [1, 2, 3, 1], "rating": 3.0,
                       "timestamp": [5, 5, 5, 9]})
    train, _, test = split_by_time(df, n_test=1)
    # Ties broken by row order: the last row is the most recent. User 2 has one rating: kept.
    assert test.movieId.tolist() == [3]
    assert sorted(zip(train.userId, train.movieId)) == [(1, 1), (1, 2), (2, 1)]
    _, _, test0 = split_by_time(df, n_test=5, min_train=0)
    assert len(test0) == 4


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_test=1, test_fraction=0.2), "not both"),
        (dict(n_test=-1), "n_test must be an integer >= 0"),
        (dict(n_validation=1.5), "n_validation must be an integer"),
        (dict(min_train=-1), "min_train"),
        (dict(time_col="when"), r"no column\(s\) \['when'\]"),
    ],
)
def test_split_by_time_bad_arguments(small, kwargs, match):
    with pytest.raises(ValueError, match=match):
        split_by_time(small, **kwargs)


def test_docstring_examples_run():
    result = doctest.testmod(splits_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
