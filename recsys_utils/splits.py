"""Seeded train / validation / test splits of a ratings table.

- `split_random`: rows drawn at random (a seed fixes which);
- `split_by_time`: each user's most recent ratings held out, the way a deployed recommender
  meets the future — but one user's "future" can be another user's past;
- `split_global_time`: one cut-off time for everybody, so nothing after it is ever seen in
  training (on ml-latest-small it leaves few users with both a past and a future);
- `item_availability`: which movies existed (had been rated by someone) before each user's
  first held-out rating — the movies a per-user time split may recommend and count.

Both return a `RatingSplit` of ratings tables in the original row order and index; convert
each with `recsys_utils.ratings.ratings_to_triples(..., movies=..., users=...)` so that all
three share the same rows and columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from recsys_utils.ratings import _check_table
from recsys_utils.validation import check_int

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RatingSplit",
    "GlobalTimeSplit",
    "split_random",
    "split_by_time",
    "split_global_time",
    "item_availability",
]


class RatingSplit(NamedTuple):
    """Train, validation and test ratings tables (the validation table may be empty)."""

    train: pd.DataFrame
    validation: pd.DataFrame
    test: pd.DataFrame


def _check_fraction(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name} must be a number in [0, 1), got {value!r}")
    if not 0.0 <= float(value) < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return float(value)


def split_random(
    ratings: pd.DataFrame,
    test_fraction: float = 0.2,
    *,
    validation_fraction: float = 0.0,
    seed: int = 0,
) -> RatingSplit:
    """Split the rows of a ratings table at random into train / validation / test.

    ``round(test_fraction * n)`` rows go to test and ``round(validation_fraction * n)`` to
    validation, chosen with ``numpy.random.default_rng(seed)``; the rest is train. Each table
    keeps the original row order and index. A user or movie may end up with no training
    ratings (rare on MovieLens; use `split_by_time` to keep every user in train).

    Returns
    -------
    RatingSplit
        ``(train, validation, test)``; ``validation`` is empty when ``validation_fraction=0``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"userId": [1] * 10, "movieId": range(10), "rating": 3.0})
    >>> train, valid, test = split_random(df, 0.2, validation_fraction=0.1, seed=42)
    >>> len(train), len(valid), len(test)
    (7, 1, 2)
    """
    _check_table(ratings, "ratings", ())
    test_fraction = _check_fraction("test_fraction", test_fraction)
    validation_fraction = _check_fraction("validation_fraction", validation_fraction)
    n = len(ratings)
    n_test, n_val = round(test_fraction * n), round(validation_fraction * n)
    if n_test + n_val >= n:
        raise ValueError(
            f"test_fraction={test_fraction} and validation_fraction={validation_fraction} "
            f"leave no training rows out of {n}; make them smaller"
        )
    order = np.random.default_rng(seed).permutation(n)
    test, val, train = np.split(order, [n_test, n_test + n_val])
    take = lambda idx: ratings.iloc[np.sort(idx)]  # noqa: E731 - keep the original order
    return RatingSplit(take(train), take(val), take(test))


def _per_user(name: str, n: int | None, fraction: float | None, counts: np.ndarray) -> np.ndarray:
    if n is not None and fraction is not None:
        raise ValueError(f"give n_{name} or {name}_fraction, not both")
    if fraction is not None:
        f = _check_fraction(f"{name}_fraction", fraction)
        return np.where(f > 0, np.maximum(1, np.floor(f * counts + 0.5)), 0).astype(np.int64)
    check_int(f"n_{name}", n, minimum=0)
    return np.full(len(counts), n, dtype=np.int64)


def _times(table: pd.DataFrame, time_col: str) -> np.ndarray:
    """``table[time_col]`` as numbers that sort in time order; text is refused, not sorted."""
    values = table[time_col].to_numpy()
    if np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[ns]").astype(np.int64)
    if values.dtype == bool or not np.issubdtype(values.dtype, np.number):
        example = values[0]
        raise TypeError(
            f"{time_col} must hold numbers (e.g. Unix seconds) or datetimes, "
            f"got dtype {values.dtype} (first value {example!r}). "
            "Text would sort as text ('10' before '9'); convert it first "
            f"with pd.to_numeric(df[{time_col!r}]) or pd.to_datetime(df[{time_col!r}])"
        )
    if not np.isfinite(values.astype(np.float64)).all():
        raise ValueError(f"{time_col} holds NaN or infinite times; drop or fill those rows first")
    return values


def split_by_time(
    ratings: pd.DataFrame,
    n_test: int | None = None,
    *,
    test_fraction: float | None = None,
    n_validation: int | None = None,
    validation_fraction: float | None = None,
    user_col: str = "userId",
    time_col: str = "timestamp",
    min_train: int = 1,
) -> RatingSplit:
    """Hold out each user's most recent ratings: the latest go to test, the ones before to
    validation, the rest to train.

    Per user, ``n_test`` ratings (default 1) or ``max(1, round(test_fraction * count))`` go to
    test, likewise ``n_validation`` (default 0) / ``validation_fraction`` to validation. Every
    user keeps at least ``min_train`` ratings in train: for users with too few ratings the
    validation, then the test share is shortened. Ties in ``time_col`` are broken by row
    order (a later row counts as more recent), so the split is deterministic: no seed needed.

    Returns
    -------
    RatingSplit
        ``(train, validation, test)``, each in the original row order with the original index.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"userId": [1, 1, 1, 2, 2], "movieId": [1, 2, 3, 1, 2],
    ...                    "rating": 4.0, "timestamp": [30, 10, 20, 5, 6]})
    >>> split_by_time(df, n_test=1).test["movieId"].tolist()  # user 1's latest, user 2's latest
    [1, 2]
    """
    _check_table(ratings, "ratings", (user_col, time_col))
    times = _times(ratings, time_col)
    check_int("min_train", min_train, minimum=0)
    _, codes = np.unique(ratings[user_col].to_numpy(), return_inverse=True)
    counts = np.bincount(codes)
    if n_test is None and test_fraction is None:
        n_test = 1
    if n_validation is None and validation_fraction is None:
        n_validation = 0
    k_test = np.minimum(_per_user("test", n_test, test_fraction, counts), counts - min_train)
    k_test = np.maximum(k_test, 0)
    k_val = _per_user("validation", n_validation, validation_fraction, counts)
    k_val = np.maximum(np.minimum(k_val, counts - min_train - k_test), 0)
    # Sort by user, then time, then row position; rank 0 = a user's most recent rating.
    order = np.lexsort((np.arange(len(ratings)), times, codes))
    rank = np.empty(len(ratings), dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    position = np.arange(len(ratings)) - np.repeat(starts, counts)
    rank[order] = np.repeat(counts, counts) - 1 - position
    is_test = rank < k_test[codes]
    is_val = ~is_test & (rank < (k_test + k_val)[codes])
    return RatingSplit(ratings[~is_test & ~is_val], ratings[is_val], ratings[is_test])


class GlobalTimeSplit(NamedTuple):
    """A split at one cut-off time for every user.

    Attributes
    ----------
    train, validation, test : DataFrame
        Ratings before the cut-off, (empty), at or after it, in the original order.
    cutoff : number or datetime
        The first time that is held out.
    n_users_evaluable : int
        Users with at least one training *and* one held-out rating: the only users an
        offline experiment on this split can score.
    """

    train: pd.DataFrame
    validation: pd.DataFrame
    test: pd.DataFrame
    cutoff: Any
    n_users_evaluable: int


def split_global_time(
    ratings: pd.DataFrame,
    test_fraction: float = 0.2,
    *,
    user_col: str = "userId",
    time_col: str = "timestamp",
) -> GlobalTimeSplit:
    """Hold out every rating given at or after one cut-off: the ``1 - test_fraction`` time quantile.

    Nothing from after the cut-off reaches training, for anybody: the split a deployed system
    lives with. Its price on a small data set: most users rated everything in a short
    period, entirely before or entirely after the cut-off, so few users have both a past to learn
    from and a future to be judged on (``n_users_evaluable``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"userId": [1, 1, 2, 2, 3], "movieId": [1, 2, 1, 3, 2],
    ...                    "rating": 4.0, "timestamp": [1, 5, 2, 3, 9]})
    >>> s = split_global_time(df, 0.4)  # the latest 40 %: times 5 and 9
    >>> s.test["timestamp"].tolist(), s.cutoff, s.n_users_evaluable  # only user 1 has both
    ([5, 9], 5, 1)
    """
    _check_table(ratings, "ratings", (user_col, time_col))
    times = _times(ratings, time_col)
    f = _check_fraction("test_fraction", test_fraction)
    if f == 0:
        raise ValueError("test_fraction must be > 0 for a split that holds something out")
    n_test = max(1, round(f * len(ratings)))
    if n_test >= len(ratings):
        raise ValueError(
            f"test_fraction={test_fraction} holds out all {len(ratings)} ratings; make it smaller"
        )
    cutoff_value = np.sort(times)[len(ratings) - n_test]
    is_test = times >= cutoff_value
    if is_test.all():
        raise ValueError(
            f"every rating is at the cut-off time {cutoff_value!r}; nothing is left to train on"
        )
    users = ratings[user_col].to_numpy()
    evaluable = np.intersect1d(users[~is_test], users[is_test]).size
    cutoff = ratings[time_col].to_numpy()[np.flatnonzero(times == cutoff_value)[0]]
    cutoff = (
        cutoff.item()
        if isinstance(cutoff, np.generic) and not isinstance(cutoff, np.datetime64)
        else cutoff
    )
    return GlobalTimeSplit(
        ratings[~is_test], ratings.iloc[:0], ratings[is_test], cutoff, int(evaluable)
    )


def item_availability(
    ratings: pd.DataFrame,
    test: pd.DataFrame,
    items: Any,
    users: Any,
    *,
    user_col: str = "userId",
    item_col: str = "movieId",
    time_col: str = "timestamp",
) -> np.ndarray:
    """Which items each user could have been shown: those rated before their first held-out rating.

    A per-user time split trains on each user's past, but user A's held-out "future" may lie
    years before user B's training ratings; a movie first rated after A's held-out period
    began did not exist (for the data) when A was recommending. Offline, such a movie must be
    neither a candidate for A nor counted as relevant to A.

    Parameters
    ----------
    ratings : DataFrame
        All ratings (any split): a movie exists from its first rating on, by anybody.
    test : DataFrame
        The held-out ratings; a user's cut-off is the time of their first one.
    items : 1-D array of item ids, length n_items
        The columns of the result (e.g. ``movies["movieId"]``).
    users : 1-D array of user ids, length n_users
        The rows (e.g. ``user_features(...).ids``). A user without held-out ratings has no
        cut-off: every item rated at any time is available.

    Returns
    -------
    ndarray of bool, shape (n_users, n_items)
        ``A[j, i]`` is True iff some rating of item ``items[i]`` is strictly earlier than user
        ``users[j]``'s first held-out rating. An item nobody rated is never available.

    Notes
    -----
    :math:`A_{ji} = [\\min_{k} t_{ik} < \\min_{i'} t^{\\text{test}}_{i'j}]`.

    Examples
    --------
    >>> import pandas as pd
    >>> ratings = pd.DataFrame({"userId": [1, 1, 2, 2], "movieId": [10, 20, 10, 30],
    ...                         "rating": 4.0, "timestamp": [1, 4, 2, 6]})
    >>> test = ratings[ratings["timestamp"] >= 4]  # user 1 from t = 4, user 2 from t = 6
    >>> item_availability(ratings, test, items=[10, 20, 30], users=[1, 2])
    array([[ True, False, False],
           [ True,  True, False]])
    """
    import pandas as pd

    _check_table(ratings, "ratings", (item_col, time_col))
    _check_table(test, "test", (user_col, time_col))
    items = np.asarray(items)
    users = np.asarray(users)
    for name, ids in (("items", items), ("users", users)):
        if ids.ndim != 1:
            raise ValueError(f"{name} must be a 1-D array of ids, got shape {ids.shape}")
        if pd.Index(ids).has_duplicates:
            raise ValueError(f"{name} lists an id more than once; pass each id once")
    first = (
        pd.Series(_times(ratings, time_col), index=ratings[item_col].to_numpy())
        .groupby(level=0)
        .min()
    )
    rated = np.isin(items, first.index.to_numpy())
    t_item = first.reindex(items[rated]).to_numpy()
    cut = pd.Series(_times(test, time_col), index=test[user_col].to_numpy()).groupby(level=0).min()
    unknown = np.setdiff1d(cut.index.to_numpy(), users)
    if unknown.size:
        raise ValueError(
            f"test has {unknown.size} user(s) not in users, e.g. {unknown[0]!r}; "
            "pass every held-out user's id in users"
        )
    has_cut = np.isin(users, cut.index.to_numpy())
    t_user = cut.reindex(users[has_cut]).to_numpy()
    available = np.zeros((len(users), len(items)), dtype=bool)
    available[np.ix_(has_cut, rated)] = (
        t_item[None, :] < t_user[:, None]
    )  # exact: no float rounding
    available[np.ix_(~has_cut, rated)] = True
    return available
