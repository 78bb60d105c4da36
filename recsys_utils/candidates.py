"""Retrieval, then ranking (lecture: "Two steps: Retrieval & Ranking", "Retrieval step").

Scoring every item for every user is affordable for 9,742 movies, not for millions of items
with a heavy ranking model. So recommendation happens in two steps:

1. **Retrieval** generates a list of plausible candidates (~100s) cheaply, by combining a few
   simple lists — the lecture's recipe, for user *j*:

   * for each of the last 10 movies the user watched, the 10 most similar movies
     (smallest :math:`\\|v_m^{(k)} - v_m^{(i)}\\|^2`, precomputed);
   * for the user's 3 most viewed genres, the top 10 movies of each;
   * the top 20 movies in the user's country (MovieLens has no country: overall top 20);

   then removes duplicates and the items the user has already watched
   (:func:`combine_candidates`).
2. **Ranking** scores only those candidates with the learned model and keeps the best
   (:func:`rank_candidates`).

:class:`Retriever` holds the precomputed tables (nearest neighbours, genre charts, overall
chart, each user's recent movies, top genres and seen movies) and produces one user's
candidates in microseconds. The list sizes are parameters, so an offline experiment can vary
how many candidates are retrieved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .retrieval import top_k
from .validation import as_matrix, check_int

__all__ = [
    "combine_candidates_loop",
    "combine_candidates",
    "recent_items",
    "top_genres",
    "top_items_by_genre",
    "Retriever",
    "rank_candidates",
]


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


def combine_candidates_loop(lists: Sequence[Any], exclude: Any = ()) -> np.ndarray:
    """Concatenate ``lists`` in order, keeping each item's first occurrence, without ``exclude``.

    The readable reference for :func:`combine_candidates`.

    Parameters
    ----------
    lists : sequence of 1-D int arrays
        Item indices from each retrieval source, best first within each list.
    exclude : 1-D int array, optional
        Items the user has already watched/purchased.

    Returns
    -------
    ndarray of int64, shape (n_candidates,)

    Examples
    --------
    >>> combine_candidates_loop([[3, 1, 4], [1, 5], [9, 2, 6]], exclude=[9])
    array([3, 1, 4, 5, 2, 6])
    """
    skip = set(_index_array("exclude", exclude).tolist())
    out: list[int] = []
    seen: set[int] = set()
    for k, items in enumerate(lists):
        for i in _index_array(f"lists[{k}]", items).tolist():
            if i not in seen and i not in skip:
                seen.add(i)
                out.append(i)
    return np.array(out, dtype=np.int64)


def combine_candidates(lists: Sequence[Any], exclude: Any = ()) -> np.ndarray:
    """Vectorized :func:`combine_candidates_loop`: same result, same order.

    Notes
    -----
    ``np.unique(..., return_index=True)`` finds each item's first position in the
    concatenation; sorting those positions restores the retrieval order, and ``np.isin``
    drops the excluded items.

    Examples
    --------
    >>> combine_candidates([[3, 1, 4], [1, 5], [9, 2, 6]], exclude=[9])
    array([3, 1, 4, 5, 2, 6])
    """
    if isinstance(lists, np.ndarray) and lists.ndim == 1:
        raise TypeError(
            "lists must be a sequence of index arrays (one per source), not one flat array"
        )
    parts = [_index_array(f"lists[{k}]", items) for k, items in enumerate(lists)]
    if not parts:
        return np.zeros(0, dtype=np.int64)
    allc = np.concatenate(parts)
    _, first = np.unique(allc, return_index=True)
    ordered = allc[np.sort(first)]
    exclude = _index_array("exclude", exclude)
    return ordered[~np.isin(ordered, exclude)] if exclude.size else ordered


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


@dataclass(frozen=True, eq=False)
class Retriever:
    """Precomputed tables for the lecture's retrieval recipe.

    Attributes
    ----------
    neighbours : int array, shape (n_items, K)
        Row ``i``: the items nearest to item ``i`` (e.g. `recsys_utils.retrieval.related_items`
        on :math:`v_m`), nearest first. ``n_similar`` may not exceed ``K``.
    recent : list of int arrays, one per user
        Each user's last watched items, most recent first (:func:`recent_items`).
    genres : int array, shape (n_users, n_top_genres)
        Each user's most viewed genres (:func:`top_genres`).
    genre_charts : list of int arrays, one per genre
        Each genre's top items, best first (:func:`top_items_by_genre`).
    chart : int array
        The overall top items, best first ("top movies in the country").
    seen : list of int arrays, one per user
        Items each user has already watched: never returned.
    """

    neighbours: np.ndarray
    recent: list
    genres: np.ndarray
    genre_charts: list
    chart: np.ndarray
    seen: list

    def __post_init__(self) -> None:
        n_users = len(self.recent)
        if np.ndim(self.neighbours) != 2:
            raise ValueError(
                f"neighbours must be (n_items, K), got shape {np.shape(self.neighbours)}"
            )
        for name in ("genres", "seen"):
            if len(getattr(self, name)) != n_users:
                raise ValueError(
                    f"recent has {n_users} users but {name} has {len(getattr(self, name))}"
                )

    @property
    def n_users(self) -> int:
        return len(self.recent)

    def sources(
        self,
        user: int,
        n_recent: int = 10,
        n_similar: int = 10,
        n_genres: int = 3,
        n_genre: int = 10,
        n_top: int = 20,
    ) -> dict[str, np.ndarray]:
        """The three lists before combining: ``"similar"``, ``"genre"``, ``"top"``."""
        if not (0 <= int(user) < self.n_users):
            raise ValueError(f"user must be in [0, {self.n_users}), got {user!r}")
        for name, size in (
            ("n_recent", n_recent),
            ("n_similar", n_similar),
            ("n_genres", n_genres),
            ("n_genre", n_genre),
            ("n_top", n_top),
        ):
            check_int(name, size, minimum=0)
        if n_similar > self.neighbours.shape[1]:
            raise ValueError(
                f"n_similar = {n_similar} but only {self.neighbours.shape[1]} neighbours "
                "per item were precomputed"
            )
        if n_genres > self.genres.shape[1]:
            raise ValueError(
                f"n_genres = {n_genres} but only {self.genres.shape[1]} genres per user "
                "were computed"
            )
        recent = self.recent[user][:n_recent]
        return {
            "similar": self.neighbours[recent, :n_similar].ravel(),
            "genre": (
                np.concatenate(
                    [self.genre_charts[g][:n_genre] for g in self.genres[user, :n_genres]]
                )
                if n_genres
                else np.zeros(0, dtype=np.int64)
            ),
            "top": self.chart[:n_top],
        }

    def candidates(
        self,
        user: int,
        n_recent: int = 10,
        n_similar: int = 10,
        n_genres: int = 3,
        n_genre: int = 10,
        n_top: int = 20,
    ) -> np.ndarray:
        """One user's candidates: the lecture's three lists combined, no duplicates or seen items.

        Defaults are the lecture's: 10 similar movies for each of the last 10 watched, the top
        10 of each of the 3 most viewed genres, the top 20 overall — at most 150 candidates.

        Returns
        -------
        ndarray of int64, shape (n_candidates,), in retrieval order.
        """
        lists = self.sources(user, n_recent, n_similar, n_genres, n_genre, n_top)
        return combine_candidates(list(lists.values()), exclude=self.seen[user])


def rank_candidates(query: Any, item_vectors: Any, candidates: Any, k: int = 10) -> np.ndarray:
    """Ranking: the ``k`` candidates with the largest :math:`v_u \\cdot v_m`, best first.

    Parameters
    ----------
    query : array, shape (n_features,)
        The user's vector :math:`v_u^{(j)}`.
    item_vectors : array, shape (n_items, n_features)
        :math:`v_m` of every item (precomputed).
    candidates : int array, shape (n_candidates,)
        Item indices from retrieval.
    k : int
        At most ``len(candidates)``; fewer candidates return them all, ranked.

    Returns
    -------
    ndarray of int64, shape (min(k, n_candidates),)
        Item indices (into ``item_vectors``); equal scores in order of item index.

    Raises
    ------
    ValueError
        If a candidate is listed twice (it would take two of the ``k`` slots): combine the
        lists with :func:`combine_candidates` first.

    Examples
    --------
    >>> rank_candidates([1.0, 0.0], [[0.5, 0], [0.9, 0], [0.1, 0], [0.7, 0]], [0, 2, 3], k=2)
    array([3, 0])
    """
    k = check_int("k", k)
    candidates = _index_array("candidates", candidates)
    n_items = np.shape(item_vectors)[0] if np.ndim(item_vectors) == 2 else None
    if n_items is None:
        raise ValueError(
            f"item_vectors must be (n_items, n_features), got shape {np.shape(item_vectors)}"
        )
    if candidates.size == 0:
        return candidates
    if candidates.min() < 0 or candidates.max() >= n_items:
        raise ValueError(
            f"candidates hold indices from {candidates.min()} to {candidates.max()} but "
            f"item_vectors has {n_items} rows"
        )
    cands = np.sort(candidates)  # ties -> the smaller item index, as in top_k
    dup = cands[1:][cands[1:] == cands[:-1]]
    if dup.size:
        raise ValueError(
            f"candidates list item {dup[0]} more than once ({np.unique(dup).size} duplicated "
            "item(s)); remove duplicates first, e.g. with combine_candidates"
        )
    best = top_k(query, np.asarray(item_vectors)[cands], min(k, cands.size), metric="dot")
    return cands[best.indices]
