"""From a table of ratings to the series' matrices, seeded splits and binary labels.

A *ratings table* is a DataFrame with one row per rating, like MovieLens' ``ratings.csv``
(``userId``, ``movieId``, ``rating``, ``timestamp``; the column names are parameters).

- `ratings_to_matrices`: ``Y``, ``R`` of shape ``(n_movies, n_users)`` and the id <-> index
  maps (row ``i`` is movie ``item_ids[i]``, column ``j`` is user ``user_ids[j]``);
- `ratings_to_triples`: the same ratings as index arrays ``(item_idx, user_idx, ratings)``,
  for the observed-only path that scales to all of MovieLens;
- `binarize`: ratings to engagement labels 1/0 with a stated rule.

Rating scales are parameters: the lecture's toy tables use 0-5, MovieLens 0.5-5, binary
labels 0-1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from recsys_utils.validation import as_matrix, check_number, check_ratings_R, check_scale

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RatingMatrices",
    "RatingTriples",
    "ratings_to_matrices",
    "ratings_to_triples",
    "binarize",
]


@dataclass(frozen=True, eq=False)
class RatingTriples:
    """Observed ratings as index arrays: rating ``k`` is ``ratings[k]``, given by user
    ``user_ids[user_idx[k]]`` to movie ``item_ids[item_idx[k]]``.

    Attributes
    ----------
    item_idx, user_idx : numpy.ndarray, shape (n_ratings,), int32
        Row (movie) and column (user) index of each rating in ``Y`` / ``R``.
    ratings : numpy.ndarray, shape (n_ratings,), float64
    item_ids : numpy.ndarray, shape (n_movies,)
        The movie id of each row.
    user_ids : numpy.ndarray, shape (n_users,)
        The user id of each column.
    item_index, user_index : dict
        ``{movie id: row}`` and ``{user id: column}``, the inverse of ``item_ids`` / ``user_ids``.
    """

    item_idx: np.ndarray
    user_idx: np.ndarray
    ratings: np.ndarray
    item_ids: np.ndarray
    user_ids: np.ndarray
    item_index: dict
    user_index: dict

    def to_matrices(self) -> RatingMatrices:
        """Return the dense `RatingMatrices` with the same id <-> index maps."""
        shape = (len(self.item_ids), len(self.user_ids))
        Y, R = np.zeros(shape), np.zeros(shape)
        Y[self.item_idx, self.user_idx] = self.ratings
        R[self.item_idx, self.user_idx] = 1.0
        return RatingMatrices(Y, R, self.item_ids, self.user_ids, self.item_index, self.user_index)


@dataclass(frozen=True, eq=False)
class RatingMatrices:
    """Ratings as the matrices ``Y`` and ``R`` plus the id <-> index maps.

    Attributes
    ----------
    Y : numpy.ndarray, shape (n_movies, n_users), float64
        ``Y[i, j]`` is user ``user_ids[j]``'s rating of movie ``item_ids[i]``; 0 if unrated.
    R : numpy.ndarray, shape (n_movies, n_users), float64
        ``R[i, j] == 1`` iff that rating exists, else 0.
    item_ids, user_ids, item_index, user_index
        As in `RatingTriples`.
    """

    Y: np.ndarray
    R: np.ndarray
    item_ids: np.ndarray
    user_ids: np.ndarray
    item_index: dict
    user_index: dict


def _check_table(ratings: Any, name: str, columns: tuple[str, ...]) -> None:
    import pandas as pd

    if not isinstance(ratings, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(ratings).__name__}")
    missing = [c for c in columns if c not in ratings.columns]
    if missing:
        raise ValueError(
            f"{name} has no column(s) {missing}; its columns are {list(ratings.columns)}. "
            "Pass the right names, e.g. user_col=..., item_col=..., rating_col=..."
        )
    if len(ratings) == 0:
        raise ValueError(f"{name} is empty; it needs at least one rating")
    for col in columns:
        na = ratings[col].isna().to_numpy()
        if na.any():
            raise ValueError(
                f"{name}[{col!r}] has {int(na.sum())} missing value(s) (NaN), the first in "
                f"row {ratings.index[np.argmax(na)]!r}; drop or fill them first"
            )


def _cell(table: pd.DataFrame, position: int, col: str) -> Any:
    """The value at row ``position`` of ``col`` as a plain Python object, for messages."""
    value = table[col].iloc[position]
    return value.item() if isinstance(value, np.generic) else value


def _scale_pair(scale: Any) -> tuple[float, float] | None:
    if scale is None:
        return None
    try:
        low, high = (float(s) for s in scale)
    except (TypeError, ValueError):
        raise ValueError(
            f"scale must be a pair (low, high) of numbers or None, got {scale!r}"
        ) from None
    if not low < high:
        raise ValueError(f"scale must be (low, high) with low < high, got {scale!r}")
    return low, high


def _ids_and_codes(
    values: np.ndarray, given: Any, name: str, col: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return (ids, codes): ``ids[codes] == values``; ids sorted unless ``given``."""
    import pandas as pd

    if given is None:
        ids = np.unique(values)
    else:
        if isinstance(given, pd.DataFrame):
            given = given[col]
        ids = np.asarray(given)
        if ids.ndim != 1 or len(ids) == 0:
            raise ValueError(f"{name} must be a non-empty 1-D list of ids, got shape {ids.shape}")
        if len(pd.unique(ids)) != len(ids):
            raise ValueError(f"{name} lists some ids more than once; each id needs one row/column")
    codes = pd.Index(ids).get_indexer(values)
    if (codes < 0).any():
        unknown = pd.unique(values[codes < 0])
        raise ValueError(
            f"the ratings have {len(unknown)} {col} value(s) that are not in {name}, "
            f"e.g. {unknown[:3].tolist()}; pass {name} that include every rated id"
        )
    return ids, codes.astype(np.int32)


def ratings_to_triples(
    ratings: pd.DataFrame,
    *,
    scale: tuple[float, float] | None = (0.5, 5.0),
    user_col: str = "userId",
    item_col: str = "movieId",
    rating_col: str = "rating",
    movies: Any = None,
    users: Any = None,
) -> RatingTriples:
    """Turn a ratings table into index arrays over the rows/columns of ``Y``.

    Parameters
    ----------
    ratings : pandas.DataFrame, shape (n_ratings, >= 3)
        One row per (user, movie) pair, with columns ``user_col``, ``item_col``, ``rating_col``.
    scale : (low, high) or None, default (0.5, 5.0)
        Allowed rating range (MovieLens 0.5-5; toy tables ``(0, 5)``; binary ``(0, 1)``).
    movies : DataFrame with column ``item_col``, or 1-D array of ids, optional
        Give every one of these movies a row, in this order, rated or not (e.g.
        ``movies=ml.movies`` for all 9,742 movies, or ``movies=full.item_ids`` to reuse the
        rows of an earlier call). Default: the rated movies, sorted by id.
    users : 1-D array of ids, optional
        Likewise for the columns. Default: the users in ``ratings``, sorted by id.

    Returns
    -------
    RatingTriples
        ``item_idx``, ``user_idx`` (int32), ``ratings`` (float64) and the id <-> index maps.

    Raises
    ------
    TypeError
        If ``ratings`` is not a DataFrame or its rating column is not numeric.
    ValueError
        Missing columns, no rows, NaN, a rating outside ``scale``, a (user, movie) pair rated
        twice, or an id not in ``movies`` / ``users``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"userId": [7, 7, 9], "movieId": [3, 1, 3], "rating": [4.0, 5.0, 0.5]})
    >>> t = ratings_to_triples(df)
    >>> t.item_idx, t.user_idx, t.item_ids, t.user_ids
    (array([1, 0, 1], dtype=int32), array([0, 0, 1], dtype=int32), array([1, 3]), array([7, 9]))
    """
    _check_table(ratings, "ratings", (user_col, item_col, rating_col))
    values = ratings[rating_col].to_numpy()
    if not np.issubdtype(values.dtype, np.number) or values.dtype == bool:
        raise TypeError(f"ratings[{rating_col!r}] must be numeric, got dtype {values.dtype}")
    values = as_matrix(f"ratings[{rating_col!r}]", values, ndim=1)
    pair = _scale_pair(scale)
    try:
        check_scale(values[:, None], np.ones((len(values), 1)), pair)
    except ValueError:
        bad = np.flatnonzero((values < pair[0]) | (values > pair[1]))
        user, item = _cell(ratings, bad[0], user_col), _cell(ratings, bad[0], item_col)
        raise ValueError(
            f"ratings[{rating_col!r}] has {len(bad)} value(s) outside the scale "
            f"[{pair[0]:g}, {pair[1]:g}], the first {values[bad[0]]:g} by {user_col}="
            f"{user!r} for {item_col}={item!r}; pass the scale of your data "
            "(toy tables scale=(0, 5), MovieLens (0.5, 5), binary labels (0, 1))"
        ) from None
    dup = ratings.duplicated([user_col, item_col], keep=False).to_numpy()
    if dup.any():
        first = int(np.argmax(dup))
        user, item = _cell(ratings, first, user_col), _cell(ratings, first, item_col)
        raise ValueError(
            f"ratings has {int(dup.sum())} rows for repeated ({user_col}, {item_col}) pairs, "
            f"e.g. ({user!r}, {item!r}); keep one rating per pair, e.g. "
            f"ratings.drop_duplicates([{user_col!r}, {item_col!r}], keep='last')"
        )
    item_ids, item_idx = _ids_and_codes(ratings[item_col].to_numpy(), movies, "movies", item_col)
    user_ids, user_idx = _ids_and_codes(ratings[user_col].to_numpy(), users, "users", user_col)
    return RatingTriples(
        item_idx=item_idx,
        user_idx=user_idx,
        ratings=values.copy(),
        item_ids=item_ids,
        user_ids=user_ids,
        item_index={k: i for i, k in enumerate(item_ids.tolist())},
        user_index={k: j for j, k in enumerate(user_ids.tolist())},
    )


def ratings_to_matrices(
    ratings: pd.DataFrame,
    *,
    scale: tuple[float, float] | None = (0.5, 5.0),
    user_col: str = "userId",
    item_col: str = "movieId",
    rating_col: str = "rating",
    movies: Any = None,
    users: Any = None,
) -> RatingMatrices:
    """Turn a ratings table into ``Y`` and ``R`` of shape ``(n_movies, n_users)``.

    Parameters and errors are those of `ratings_to_triples`.

    Returns
    -------
    RatingMatrices
        ``Y``, ``R`` (float64, ``Y == 0`` where ``R == 0``), ``item_ids``, ``user_ids``,
        ``item_index``, ``user_index``.

    Notes
    -----
    ``R[i, j] = 1`` iff user ``user_ids[j]`` rated movie ``item_ids[i]``, and then
    ``Y[i, j]`` is that rating. For MovieLens with ``movies=ml.movies``: shape (9742, 610),
    of which 100,836 entries (1.7 %) are rated.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"userId": [7, 7, 9], "movieId": [3, 1, 3], "rating": [4.0, 5.0, 0.5]})
    >>> m = ratings_to_matrices(df)
    >>> m.Y
    array([[5. , 0. ],
           [4. , 0.5]])
    >>> m.item_index[3], m.user_index[9]
    (1, 1)
    """
    return ratings_to_triples(
        ratings,
        scale=scale,
        user_col=user_col,
        item_col=item_col,
        rating_col=rating_col,
        movies=movies,
        users=users,
    ).to_matrices()


def binarize(
    ratings: Any, threshold: float = 4.0, *, R: Any = None, rating_col: str = "rating"
) -> Any:
    """Turn ratings into engagement labels: 1 if ``rating >= threshold``, else 0.

    The rule: every rated (user, movie) pair counts as "shown"; the user "engaged" (label 1)
    iff the rating is at least ``threshold``, otherwise the label is 0. Unrated pairs stay
    unrated (the lecture's ``?``; ``R`` is unchanged). On the toy table, ``threshold=4``
    gives exactly the lecture's binary-label table.

    Parameters
    ----------
    ratings : pandas.DataFrame or array of shape (n_movies, n_users)
        A ratings table (a copy is returned with ``rating_col`` replaced by 0.0/1.0), or a
        matrix ``Y`` (a float64 matrix of 0/1 labels is returned, 0 where ``R == 0``).
    threshold : float, default 4.0
    R : array of shape (n_movies, n_users), optional
        With a matrix ``Y``: which entries are rated.

    Examples
    --------
    >>> from recsys_utils.toy import load_toy_ratings
    >>> Y, R, _, _ = load_toy_ratings()
    >>> binarize(Y, 4, R=R)[:, 0]  # Alice: 5, 5, ?, 0, 0
    array([1., 1., 0., 0., 0.])
    """
    threshold = check_number(threshold, "threshold")
    import pandas as pd

    if isinstance(ratings, pd.DataFrame):
        if R is not None:
            raise ValueError("R is only for a matrix Y; a ratings table lists rated pairs only")
        _check_table(ratings, "ratings", (rating_col,))
        out = ratings.copy()
        out[rating_col] = (ratings[rating_col].to_numpy() >= threshold).astype(np.float64)
        return out
    if R is None:
        Y = as_matrix("ratings", ratings)
        return (Y >= threshold).astype(np.float64)
    Y, R = check_ratings_R(ratings, R)
    return np.where(R == 1, (Y >= threshold).astype(np.float64), 0.0)
