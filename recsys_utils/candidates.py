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

The per-user lists (:func:`recent_items`, :func:`top_genres`, :func:`top_items_by_genre`)
live in :mod:`recsys_utils.candidate_lists` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .candidate_lists import _index_array, recent_items, top_genres, top_items_by_genre
from .retrieval import top_k
from .validation import check_int

__all__ = [
    "combine_candidates_loop",
    "combine_candidates",
    "recent_items",
    "top_genres",
    "top_items_by_genre",
    "Retriever",
    "rank_candidates",
]


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
