"""Notebook 07, related items and cold start: the nearest movies, and a same-genres mean.

The exercises, their references and the mistakes the checks name:

* ``related(X, i, k)``, the ``k`` movies nearest to movie ``i`` by squared distance
  (:func:`recsys_utils.retrieval.related_items`): :data:`NEAREST` (notebook 08's
  ``nearest_movies`` is checked the same way, on its vectors ``v_m``);
* ``same_genres_mean(genres, values, known)``, each movie's mean of ``values`` over the known
  movies with the same genre string, else over all known movies: :data:`SAME_GENRES_MEAN`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from ..retrieval import related_items, top_k, top_k_loop
from .engine import Case, Mistake, copying, run_check
from .mistakes import RETURNED_NONE, not_indices, same_set_other_order

__all__ = ["check_related", "check_same_genres_mean", "NEAREST", "SAME_GENRES_MEAN", "EXERCISES",
           "nearest_cases", "nearest_reference"]

#: The notebook's function names -> the exercise they answer.
EXERCISES = {"related": "Exercise 1", "same_genres_mean": "Exercise 2"}


# ----------------------------------------------------------------------------- nearest movies
def _nearest(VM, i, k, *, keep_self=False, far=False, skip_first=False, dot=False):
    """The k nearest with one knob turned; ``far``: farthest first (i itself left out)."""
    d = -(VM @ VM[i]) if dot else np.sum((VM - VM[i]) ** 2, axis=1)
    if not (keep_self or skip_first):
        d[i] = np.inf
    order = np.argsort(-d if far else d, kind="stable")
    if far:
        order = order[order != i]
    return order[1:k] if skip_first else order[:k]


NEAREST = [
    Mistake("you returned k - 1 = {k_minus_1} movies: after leaving movie {i} out, take the first "
            "k",
            partial(_nearest, skip_first=True)),
    Mistake(lambda t: f"return k = {t.case.fields['k']} movie indices; yours has shape "
                      f"{np.shape(t.got)}",
            when=lambda t: np.shape(t.got) != np.shape(t.expected)),
    Mistake("return movie indices (np.argsort), not distances", when=not_indices),
    Mistake("movie {i} is in its own list (its distance to itself is 0): set d[i] = np.inf before "
            "sorting", partial(_nearest, keep_self=True)),
    Mistake("farthest first: sort by increasing distance, np.argsort(d), so the nearest comes "
            "first",
            partial(_nearest, far=True)),
    Mistake("you ranked by the largest dot product {vec}(k) · {vec}(i): the exercise asks for the "
            "smallest squared distance ||{vec}(k) - {vec}(i)||² (the two orders agree only for "
            "vectors of length 1)", partial(_nearest, dot=True)),
    Mistake("the right movies in the wrong order: nearest first (np.argsort sorts; np.argpartition "
            "does not)", when=same_set_other_order),
]


def nearest_reference(VM: np.ndarray, i: int, k: int) -> np.ndarray:
    """The package's k nearest rows to row i, nearest first."""
    return related_items(VM, i, k).indices


def nearest_cases(vec: str) -> list[Case]:
    """40 seeded vectors of 6 features, not of length 1 (so the dot product ranks differently),
    and three (i, k); ``vec`` names the vectors in the messages ("x" or "v_m")."""
    VM = np.random.default_rng(0).normal(size=(40, 6)) * np.linspace(0.5, 2.0, 40)[:, None]
    return [Case(f"40 random vectors of 6 features, movie i={i}, k={k}", (VM, i, k),
                 {"i": i, "k": k, "k_minus_1": k - 1, "vec": vec})
            for i, k in ((0, 10), (17, 5), (39, 3))]


def check_related(fn: Callable) -> None:
    """Check ``fn(X, i, k) -> indices``, the ``k`` movies nearest to movie ``i``, nearest first.

    ``X`` is ``(n_movies, n_features)``; the result has shape ``(k,)``: the rows with the smallest
    :math:`\\|x^{(k)} - x^{(i)}\\|^2` without ``i`` itself, as
    :func:`recsys_utils.retrieval.related_items` finds them. Diagnoses: movie i in its own list,
    farthest first, k - 1 or another number of movies, distances instead of indices, ranked by
    dot product, unsorted (argpartition).
    """
    run_check("related", copying(fn, lambda a: (a[0].copy(), *a[1:])), nearest_reference,
              nearest_cases("x"), [RETURNED_NONE, *NEAREST],
              hint="d = np.sum((X - X[i]) ** 2, axis=1); d[i] = np.inf; np.argsort(d)[:k].",
              references=(related_items, top_k, top_k_loop), exercises=EXERCISES, answer=fn)


# ----------------------------------------------------------------------------- same-genres mean
def _same_genres_mean(genres, values, known, *, group=True, only_known=True, fallback="known",
                      split=False):
    """The same-genres mean with one knob turned. ``group``: by genre string (False: one overall
    mean); ``only_known``: average only known movies; ``fallback``: "known" (mean of the known
    values), "all" (mean of every value), "zero" or "nan"; ``split``: each '|'-separated genre
    counts on its own (a movie's value joins every one of its genres; the result averages them)."""
    values, known = np.asarray(values, dtype=float), np.asarray(known, dtype=bool)
    use = known if only_known else np.ones_like(known)
    keys = [g.split("|") if split else [g] for g in genres] if group else [["all"]] * len(genres)
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for ks, v, ok in zip(keys, values, use, strict=True):
        for key in ks if ok else ():
            sums[key] = sums.get(key, 0.0) + v
            counts[key] = counts.get(key, 0) + 1
    fall = {"known": values[known].mean(), "all": values.mean(), "zero": 0.0,
            "nan": np.nan}[fallback]
    means = [[sums[key] / counts[key] for key in ks if key in counts] for ks in keys]
    return np.array([np.mean(m) if m else fall for m in means])


SAME_GENRES_MEAN = [
    Mistake(lambda t: f"return one value per movie, shape ({len(t.case.args[0])},); yours has "
                      "shape "
                      f"{np.shape(t.got)}", when=lambda t: np.shape(t.got) != np.shape(t.expected)),
    Mistake("NaN: a genre string that no known movie has needs the fallback, the mean of the known "
            "values ({known_mean:.4g})",
            when=lambda t: bool(np.isnan(np.asarray(t.got, dtype=float)).any())),
    Mistake("the fallback is the mean over the known movies only ({known_mean:.4g}); yours is the "
            "mean over every movie ({all_mean:.4g})", partial(_same_genres_mean, fallback="all")),
    Mistake("a genre string that no known movie has got 0: give it the mean of the known values "
            "({known_mean:.4g})", partial(_same_genres_mean, fallback="zero")),
    Mistake("you used the values of movies that are not known: only movies with known=True count",
            partial(_same_genres_mean, only_known=False)),
    Mistake("every movie got the overall mean: group the known movies by their genre string",
            partial(_same_genres_mean, group=False)),
    Mistake("you split the genre strings into genres; use the whole string ('Comedy|Drama') as "
            "the key",
            partial(_same_genres_mean, split=True)),
]


def _same_genres_case(label: str, genres: list[str], values: list[float],
                      known: list[bool]) -> Case:
    v, k = np.array(values), np.array(known)
    return Case(f"{label} ({len(genres)} movies, {int(k.sum())} known)", (list(genres), v, k),
                {"known_mean": float(v[k].mean()), "all_mean": float(v.mean())})


def check_same_genres_mean(fn: Callable) -> None:
    """Check ``fn(genres, values, known) -> means``, shape ``(n_movies,)``.

    ``genres`` is a list of genre strings ("Comedy|Drama"), ``values`` and ``known`` arrays of
    shape ``(n_movies,)``. Movie i gets the mean of ``values`` over the known movies whose genre
    string equals its own, or, when there is none, the mean over all known movies. The first case
    is the notebook's (where the known mean 3 equals the mean over all movies, so a second case
    tells them apart: known values 4, 2, 3 -> 3, all values 4, 2, 3, 5, 5 -> 3.8).

    Diagnoses: NaN or 0 for a genre without known movies, the fallback averaged over all movies,
    unknown movies' values used, no grouping, the strings split into genres.
    """
    g = ["Comedy", "Drama", "Comedy", "Comedy|Drama", "Horror"]
    rng = np.random.default_rng(7)
    pool = ["Comedy", "Drama", "Comedy|Drama", "Horror", "Sci-Fi", "Comedy|Romance"]
    rand_g = [pool[j] for j in rng.integers(0, len(pool), 15)]
    rand_known = (rng.random(15) < 0.6).tolist()
    cases = [_same_genres_case("the notebook's 5 movies", g, [4.0, 2.0, 3.0, 5.0, 1.0],
                               [True, True, True, False, False]),
             _same_genres_case("the notebook's 5 movies, the unknown ones rated 5", g,
                               [4.0, 2.0, 3.0, 5.0, 5.0], [True, True, True, False, False]),
             _same_genres_case("15 random movies (seed 7)", rand_g,
                               (rng.integers(1, 11, 15) / 2).tolist(), rand_known)]
    copy = copying(fn, lambda a: (list(a[0]), a[1].copy(), a[2].copy()))
    run_check("same_genres_mean", copy, _same_genres_mean, cases,
              [RETURNED_NONE, *SAME_GENRES_MEAN], exercises=EXERCISES, answer=fn,
              hint="sums and counts per genre string over the known movies; sums / counts where a "
                   "string has known movies, else values[known].mean().")
