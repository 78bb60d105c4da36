"""Seeded train / validation / test splits of a ratings table.

- `split_random`: rows drawn at random (a seed fixes which);
- `split_by_time`: each user's most recent ratings held out, the way a deployed recommender
  meets the future.

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

__all__ = ["RatingSplit", "split_random", "split_by_time"]


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
    times = ratings[time_col].to_numpy()
    order = np.lexsort((np.arange(len(ratings)), times, codes))
    rank = np.empty(len(ratings), dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    position = np.arange(len(ratings)) - np.repeat(starts, counts)
    rank[order] = np.repeat(counts, counts) - 1 - position
    is_test = rank < k_test[codes]
    is_val = ~is_test & (rank < (k_test + k_val)[codes])
    return RatingSplit(ratings[~is_test & ~is_val], ratings[is_val], ratings[is_test])
