"""The simple lists that retrieval combines, built from each user's history.

Lecture: "Retrieval step" — for user *j*, the 10 most similar movies to each of the last 10
they watched, the top 10 movies of their 3 most viewed genres, and an overall top 20.

* :func:`recent_items` — each user's most recently rated items;
* :func:`top_genres` — each user's most viewed genres;
* :func:`top_items_by_genre` — each genre's top items by a score.

NumPy only; all three are also importable from :mod:`recsys_utils.candidates`, which combines
the lists (:func:`~recsys_utils.candidates.combine_candidates`) and ranks the candidates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import as_matrix, check_int

__all__ = ["recent_items", "top_genres", "top_items_by_genre"]


def _index_array(name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{name} must be a 1-D array of item indices (int), "
            f"got dtype {arr.dtype} shape {arr.shape}"
        )
    if arr.min() < 0:
        raise ValueError(
            f"{name} holds the negative index {arr.min()}; indices count rows from 0 "
            "(a negative one would silently mean a row counted from the end)"
        )
    return arr.astype(np.int64, copy=False)


def _check_pairs(user_idx: Any, item_idx: Any, n_users: Any) -> tuple[np.ndarray, np.ndarray, int]:
    check_int("n_users", n_users)
    u, i = _index_array("user_idx", user_idx), _index_array("item_idx", item_idx)
    if u.shape != i.shape:
        raise ValueError(
            f"user_idx has shape {u.shape} but item_idx has shape {i.shape}; one entry per rating"
        )
    if u.size and (u.min() < 0 or u.max() >= n_users):
        raise ValueError(
            f"user_idx holds indices from {u.min()} to {u.max()} but n_users is {n_users}"
        )
    return u, i, int(n_users)


def _check_n(n: Any) -> int:
    return check_int("n", n)


def recent_items(
    user_idx: Any, item_idx: Any, timestamps: Any, n_users: int, n: int = 10
) -> list[np.ndarray]:
    """Each user's ``n`` most recently rated items, most recent first.

    Parameters
    ----------
    user_idx, item_idx : int arrays, shape (n_ratings,)
    timestamps : array, shape (n_ratings,)
        Equal times are broken by position: a later rating counts as more recent (as in
        `recsys_utils.splits.split_by_time`).
    n_users : int
    n : int, default 10

    Returns
    -------
    list of n_users int64 arrays (shorter than ``n`` for a user with fewer ratings)

    Examples
    --------
    >>> recent_items([0, 0, 1, 0], [7, 8, 9, 6], [30, 10, 5, 30], n_users=2, n=2)
    [array([6, 7]), array([9])]
    """
    u, i, n_users = _check_pairs(user_idx, item_idx, n_users)
    n = _check_n(n)
    t = as_matrix("timestamps", timestamps, ndim=1)
    if t.shape != u.shape:
        raise ValueError(f"timestamps has shape {t.shape} but user_idx has shape {u.shape}")
    order = np.lexsort(
        (-np.arange(len(u)), -t, u)
    )  # by user, then newest first, then later row first
    starts = np.searchsorted(u[order], np.arange(n_users + 1))
    return [i[order[starts[j] : min(starts[j] + n, starts[j + 1])]] for j in range(n_users)]


def top_genres(user_idx: Any, item_idx: Any, G: Any, n_users: int, n: int = 3) -> np.ndarray:
    """Each user's ``n`` most viewed genres: the genres with the most rated movies.

    Parameters
    ----------
    user_idx, item_idx : int arrays, shape (n_ratings,)
    G : array, shape (n_items, n_genres)
        One-hot genres (`recsys_utils.features.genre_matrix`).
    n_users : int
    n : int, default 3

    Returns
    -------
    ndarray of int64, shape (n_users, n)
        Genre (column) indices, most viewed first; ties go to the smaller genre index.

    Notes
    -----
    :math:`\\text{views}_{jg} = \\sum_{i: r(i,j)=1} G_{ig}`.

    Examples
    --------
    >>> G = [[1, 0, 0], [1, 1, 0], [0, 0, 1]]
    >>> top_genres([0, 0, 1], [0, 1, 2], G, n_users=2, n=2)
    array([[0, 1],
           [2, 0]])
    """
    u, i, n_users = _check_pairs(user_idx, item_idx, n_users)
    n = _check_n(n)
    G = as_matrix("G", G)
    if i.size and i.max() >= G.shape[0]:
        raise ValueError(f"item_idx holds {i.max()} but G has only {G.shape[0]} rows (items)")
    if n > G.shape[1]:
        raise ValueError(f"n = {n} but there are only {G.shape[1]} genres")
    views = np.zeros((n_users, G.shape[1]))
    np.add.at(views, u, G[i])
    return np.argsort(-views, axis=1, kind="stable")[:, :n]


def top_items_by_genre(G: Any, scores: Any, n: int = 10) -> list[np.ndarray]:
    """The ``n`` best-scored items of each genre (e.g. the most popular), best first.

    Parameters
    ----------
    G : array, shape (n_items, n_genres)
    scores : array, shape (n_items,)
        Higher is better, e.g. the number of training ratings; ties go to the smaller index.
    n : int, default 10

    Returns
    -------
    list of n_genres int64 arrays, each of length min(n, items in the genre)

    Examples
    --------
    >>> top_items_by_genre([[1, 0], [1, 1], [0, 1], [1, 0]], [5.0, 9.0, 1.0, 7.0], n=2)
    [array([1, 3]), array([1, 2])]
    """
    G = as_matrix("G", G)
    scores = as_matrix("scores", scores, ndim=1)
    n = _check_n(n)
    if scores.shape[0] != G.shape[0]:
        raise ValueError(
            f"scores has {scores.shape[0]} entries but G has {G.shape[0]} rows (items)"
        )
    order = np.argsort(-scores, kind="stable")
    return [order[G[order, g] > 0][:n].astype(np.int64) for g in range(G.shape[1])]
