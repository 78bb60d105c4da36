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
    assert sorted(zip(test.userId, test.movieId, strict=True)) == [(7, 8), (9, 8)]
    assert sorted(zip(validation.userId, validation.movieId, strict=True)) == [(7, 3)]
    assert sorted(zip(train.userId, train.movieId, strict=True)) == [(7, 1), (9, 3)]


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
    df = pd.DataFrame(
        {"userId": [1, 1, 1, 2], "movieId": [1, 2, 3, 1], "rating": 3.0, "timestamp": [5, 5, 5, 9]}
    )
    train, _, test = split_by_time(df, n_test=1)
    # Ties broken by row order: the last row is the most recent. User 2 has one rating: kept.
    assert test.movieId.tolist() == [3]
    assert sorted(zip(train.userId, train.movieId, strict=True)) == [(1, 1), (1, 2), (2, 1)]
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


# --- time columns, a global split and item availability --------------------------------


def test_split_by_time_refuses_text_timestamps_and_accepts_datetimes():
    # As text, "10" sorts before "9": user 1's latest rating (time 10) would look like the oldest.
    df = pd.DataFrame(
        {"userId": [1, 1, 1], "movieId": [1, 2, 3], "rating": 4.0, "timestamp": ["9", "10", "8"]}
    )
    with pytest.raises(TypeError, match=r"timestamp must hold numbers.*pd.to_numeric"):
        split_by_time(df)
    assert len(df) == 3 and df["timestamp"].tolist() == ["9", "10", "8"]  # nothing lost or changed
    numeric = df.assign(timestamp=pd.to_numeric(df["timestamp"]))
    assert split_by_time(numeric).test["movieId"].tolist() == [2]  # time 10 is the latest
    dated = df.assign(timestamp=pd.to_datetime(numeric["timestamp"], unit="D"))
    assert split_by_time(dated).test["movieId"].tolist() == [2]


def test_split_global_time_by_hand_and_users_left():
    # times 1..10, 20 % held out -> times 9 and 10 (cut-off 9). User 1 rated at 1-3 and 5-8 (all
    # train), user 2 at 9 only (all test), user 3 at 4 and 10: only user 3 has a past and a future.
    df = pd.DataFrame(
        {
            "userId": [1, 1, 1, 1, 1, 1, 1, 2, 3, 3],
            "movieId": range(10),
            "rating": 3.0,
            "timestamp": [1, 2, 3, 5, 6, 7, 8, 9, 4, 10],
        }
    )
    s = splits_module.split_global_time(df, 0.2)
    assert s.cutoff == 9 and sorted(s.test["timestamp"]) == [9, 10] and s.validation.empty
    assert s.train["timestamp"].max() < s.cutoff <= s.test["timestamp"].min()
    assert s.n_users_evaluable == 1
    with pytest.raises(ValueError, match="test_fraction must be > 0"):
        splits_module.split_global_time(df, 0.0)


def _availability_loop(ratings, test, items, users):
    # The definition, one pair at a time.
    out = np.zeros((len(users), len(items)), dtype=bool)
    for j, u in enumerate(users):
        mine = test.loc[test["userId"] == u, "timestamp"]
        for k, i in enumerate(items):
            times = ratings.loc[ratings["movieId"] == i, "timestamp"]
            out[j, k] = len(times) > 0 and (mine.empty or times.min() < mine.min())
    return out


def test_item_availability_equals_the_definition_and_never_shows_the_future():
    rng = np.random.default_rng(3)
    n = 300
    df = pd.DataFrame(
        {
            "userId": rng.integers(0, 15, n),
            "movieId": rng.integers(0, 40, n),
            "rating": 3.0,
            "timestamp": rng.integers(0, 1000, n),
        }
    )
    _, _, test = split_by_time(df, test_fraction=0.3)
    items, users = np.arange(45), np.arange(16)  # items 40..44 and user 15 have no rating at all
    A = splits_module.item_availability(df, test, items, users)
    np.testing.assert_array_equal(A, _availability_loop(df, test, items, users))
    assert not A[:, 40:].any(), "a movie nobody rated is never available"
    first = df.groupby("movieId")["timestamp"].min()
    for u, g in test.groupby("userId"):
        shown = items[A[u]]
        assert (first.reindex(shown).to_numpy() < g["timestamp"].min()).all(), (
            "nothing from the user's future"
        )
    assert A.any(axis=1).all()


def test_item_availability_bad_input():
    df = pd.DataFrame({"userId": [1, 2], "movieId": [1, 2], "rating": 3.0, "timestamp": [1, 2]})
    with pytest.raises(ValueError, match="test has 1 user"):
        splits_module.item_availability(df, df, items=[1, 2], users=[1])
    with pytest.raises(ValueError, match="items lists an id more than once"):
        splits_module.item_availability(df, df, items=[1, 1], users=[1, 2])
    with pytest.raises(TypeError, match="timestamp must hold numbers"):
        splits_module.item_availability(
            df.assign(timestamp=["1", "2"]), df, items=[1, 2], users=[1, 2]
        )
