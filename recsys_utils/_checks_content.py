"""Checks for notebooks 08 and 09's exercises: genre averages, the two-tower model, nearest
movies, combining retrieved lists and ranking candidates.

Public through :mod:`recsys_utils.checks`; the mistakes they name are in
:mod:`recsys_utils._check_mistakes_content`. pandas and Keras are imported only by the check
that needs them (genre averages, the two-tower model), when it runs.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from . import _check_mistakes_content as mc
from ._check_engine import Case, run_check
from ._check_mistakes import NOT_A_NUMBER, RETURNED_NONE
from .candidates import combine_candidates, rank_candidates
from .retrieval import related_items

__all__ = ["check_genre_average", "check_two_tower", "check_nearest_movies", "check_combine_candidates",
           "check_rank_candidates"]

#: A hand-made MovieLens: (movieId, genres) and (userId, movieId, rating).
GENRE_MOVIES = ((1, "Comedy|Romance"), (2, "Comedy"), (3, "Sci-Fi|Action"), (4, "Drama"),
                (5, "Comedy|Drama"), (6, "Film-Noir|Drama"), (7, "Sci-Fi"))
GENRE_RATINGS = ((1, 1, 4.0), (1, 2, 5.0), (1, 3, 2.0), (1, 4, 3.0), (1, 5, 4.5),
                 (2, 2, 1.0), (2, 3, 4.0), (2, 6, 5.0), (2, 7, 3.5),
                 (3, 1, 2.0), (3, 4, 5.0), (3, 5, 3.0), (3, 7, 4.0))


def _copying(fn: Callable, copy: Callable[[tuple], tuple]) -> Callable:
    """``fn`` called on copies of its arguments, so that a learner's function that changes them
    in place cannot change the next case."""
    if not callable(fn):
        return fn

    @functools.wraps(fn)
    def call(*args):
        return fn(*copy(args))

    return call


def _genre_reference(train: Any, movies: Any, user_id: int, genre: str, strength: float) -> float:
    from .features import user_features

    users = user_features(train, movies, strength=strength)
    return float(users.column(f"avg={genre}")[list(users.ids).index(user_id)])


def check_genre_average(fn: Callable) -> None:
    """Check ``fn(train, movies, user_id, genre, strength) -> float``, a user's shrunk genre average.

    ``train`` has columns ``userId``, ``movieId``, ``rating``; ``movies`` ``movieId``, ``genres``
    (``|``-separated). The result is :math:`(\\sum y + a \\bar y^{(j)}) / (n + a)` over the user's
    ratings of movies in the genre, :math:`a` = ``strength``, as the ``avg=<genre>`` column of
    :func:`recsys_utils.features.user_features`. The cases use a hand-made table of 7 movies
    and 3 users: user 1's mean is 18.5 / 5 = 3.7 and their Comedy ratings 4, 5, 4.5, so with
    strength 5 their Comedy average is (13.5 + 5 x 3.7) / (3 + 5) = 4.

    Diagnoses: NaN for a genre the user never rated, the plain average, shrunk towards the
    global mean or 0, divided by n instead of n + strength, genres matched exactly instead of
    split on ``|``, every user's ratings used, the strength argument ignored.
    """
    import pandas as pd

    movies = pd.DataFrame(GENRE_MOVIES, columns=["movieId", "genres"])
    movies.insert(1, "title", [f"Movie {m} (2000)" for m in movies["movieId"]])
    train = pd.DataFrame(GENRE_RATINGS, columns=["userId", "movieId", "rating"])
    cases = []
    for user_id, genre, strength in ((1, "Comedy", 5.0), (1, "Film-Noir", 5.0), (2, "Sci-Fi", 2.0),
                                     (3, "Drama", 1.0), (3, "Comedy", 10.0)):
        mine = train[train["userId"] == user_id]
        fields = {"user_id": user_id, "genre": genre, "strength": strength,
                  "user_mean": float(mine["rating"].mean()), "global_mean": float(train["rating"].mean())}
        cases.append(Case(f"the hand-made table, user {user_id} (mean {fields['user_mean']:.4g}), "
                          f"genre {genre!r}, strength={strength:g}", (train, movies, user_id, genre, strength),
                          fields))
    copy = _copying(fn, lambda a: (a[0].copy(), a[1].copy(), *a[2:]))
    run_check("genre_average", copy, _genre_reference, cases,
              [RETURNED_NONE, *mc.GENRE_AVERAGE, NOT_A_NUMBER], rtol=1e-6,
              hint="mine = train[train.userId == user_id]; in_genre = genre in the movie's genres.split('|'); "
                   "(sum of mine's ratings in the genre + strength * mine's mean) / (count + strength).")


def check_two_tower(fn: Callable) -> None:
    """Check ``fn(num_user_features, num_item_features) -> keras.Model``, the lecture's two towers.

    The model's weights are random, so the check compares its structure with the lecture's
    (:func:`recsys_utils.two_tower.build_two_tower` builds the same): two inputs of the given
    sizes, user first; output ``(None, 1)``; Dense layers of 256, 128 and 32 units in each tower,
    the first two ReLU; the number of weights; and predictions within [-1, 1] on inputs of size
    100 (both vectors normalized). Builds two small models (no training).

    Diagnoses: something other than a keras.Model returned, one input or the inputs swapped or
    of the wrong size, no Dot (output not one number), ReLU on the last layer or on none, other
    layer sizes, the vectors not normalized.
    """
    def build(n_user: int, n_item: int):
        return mc.model_summary(fn(n_user, n_item))

    cases = [Case(f"num_user_features={nu}, num_item_features={ni}", (nu, ni), {"n_user": nu, "n_item": ni})
             for nu, ni in ((5, 7), (12, 3))]
    run_check("two_tower", build if callable(fn) else fn, mc.two_tower_reference, cases,
              [RETURNED_NONE, *mc.TWO_TOWER], parts=mc.MODEL_PARTS,
              hint="each tower Dense(256, relu) -> Dense(128, relu) -> Dense(32), then "
                   "UnitNormalization(axis=1); output Dot(axes=1)([vu, vm]).")


def _nearest_reference(VM: np.ndarray, i: int, k: int) -> np.ndarray:
    return related_items(VM, i, k).indices


def check_nearest_movies(fn: Callable) -> None:
    """Check ``fn(VM, i, k) -> indices``, the ``k`` movies nearest to movie ``i``, nearest first.

    ``VM`` is ``(n_movies, n_features)``; the result has shape ``(k,)``, the movies with the
    smallest :math:`\\|v_m^{(k)} - v_m^{(i)}\\|^2` without ``i`` itself, as
    :func:`recsys_utils.retrieval.related_items` finds them. The vectors are seeded random ones,
    not of length 1, so ranking by dot product gives a different list.

    Diagnoses: movie i in its own list, farthest first, k - 1 or another number of movies,
    distances instead of indices, ranked by dot product, unsorted (argpartition).
    """
    VM = np.random.default_rng(0).normal(size=(40, 6)) * np.linspace(0.5, 2.0, 40)[:, None]
    cases = [Case(f"40 random vectors of 6 features, movie i={i}, k={k}", (VM, i, k),
                  {"i": i, "k": k, "k_minus_1": k - 1}) for i, k in ((0, 10), (17, 5), (39, 3))]
    run_check("nearest_movies", _copying(fn, lambda a: (a[0].copy(), *a[1:])), _nearest_reference, cases,
              [RETURNED_NONE, *mc.NEAREST], hint="d = np.sum((VM - VM[i]) ** 2, axis=1); d[i] = np.inf; "
                                                 "np.argsort(d)[:k].")


def check_combine_candidates(fn: Callable) -> None:
    """Check ``fn(lists, exclude) -> indices``: the retrieved lists concatenated in order, each movie
    once (where it first appears), without the movies in ``exclude``.

    ``lists`` is a list of 1-D int arrays, ``exclude`` a 1-D int array; the result may be a list
    or an array, as :func:`recsys_utils.candidates.combine_candidates` returns. Diagnoses:
    duplicates kept, watched movies kept, only the last list kept, sorted by index or otherwise
    out of order.
    """
    rng = np.random.default_rng(3)
    random_lists = [rng.choice(20, size=n, replace=False) for n in (6, 5, 0, 8)]
    raw = [("repeats within and across lists; 7 and 0 watched", [[4, 2, 4], [2, 7], [0, 9]], [7, 0]),
           ("an empty list, nothing watched", [[5, 1], [], [3, 1, 5]], []),
           ("everything watched", [[8]], [8]),
           ("random lists (seed 3) of 6, 5, 0 and 8 movies, 5 watched", random_lists, rng.choice(20, 5, replace=False))]
    cases = []
    for label, lists, exclude in raw:
        lists = [np.asarray(items, dtype=np.int64) for items in lists]
        text = label if label.startswith("random") else f"lists {[x.tolist() for x in lists]}, exclude {list(exclude)}: {label}"
        cases.append(Case(text, (lists, np.asarray(exclude, dtype=np.int64)), {"n_lists": len(lists)}))
    copy = _copying(fn, lambda a: ([x.copy() for x in a[0]], a[1].copy()))
    run_check("combine_candidates", copy, combine_candidates, cases, [RETURNED_NONE, *mc.COMBINE],
              hint="for each list, for each movie: keep it if it is neither in exclude nor already kept.")


def check_rank_candidates(fn: Callable) -> None:
    """Check ``fn(vu, VM, candidates, k) -> indices``, the ``k`` candidates with the largest
    ``vu · VM[i]``, best first, as movie indices (rows of ``VM``).

    ``vu`` is ``(n_features,)``, ``VM`` ``(n_movies, n_features)``, ``candidates`` a 1-D int array;
    the result has shape ``(min(k, n_candidates),)``, as
    :func:`recsys_utils.candidates.rank_candidates` returns. The first case is notebook 09's:
    movies 0..4 score 1, 0, 0.6, 0.8, -1 and candidates [4, 2, 1, 3] with k = 3 give [3, 2, 1].

    Diagnoses: positions in the candidate list returned, worst first, the whole catalogue
    ranked, not cut at k, scores instead of indices, other orders.
    """
    V = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.8, 0.6], [-1.0, 0.0]])
    cases = [Case("notebook 09's 5 movies, vu = [1, 0], candidates [4, 2, 1, 3], k=3",
                  (np.array([1.0, 0.0]), V, np.array([4, 2, 1, 3]), 3), {"k": 3})]
    for seed, n_movies, n_cand, k in ((1, 30, 12, 5), (2, 50, 25, 10), (3, 20, 4, 10)):
        rng = np.random.default_rng(seed)
        vu, VM = rng.normal(size=5), rng.normal(size=(n_movies, 5))
        cand = rng.choice(n_movies, n_cand, replace=False)
        cases.append(Case(f"random vectors (seed {seed}), {n_movies} movies, {n_cand} candidates, k={k}",
                          (vu, VM, cand, k), {"k": k}))
    run_check("rank_candidates", fn, rank_candidates, cases, [RETURNED_NONE, *mc.RANK],
              hint="scores = VM[candidates] @ vu; candidates[np.argsort(-scores)[:k]].")
