"""Notebook 08, content-based filtering: genre averages, the two-tower model, nearest movies.

The exercises, their references and the mistakes the checks name:

* a user's shrunk average rating per genre, ``fn(train, movies, user_id, genre, strength)``
  (the ``avg=<genre>`` column of :func:`recsys_utils.features.user_features`): :data:`GENRE_AVERAGE`;
* the lecture's two-tower model, ``fn(num_user_features, num_item_features) -> keras.Model``,
  checked through a summary of its structure (:func:`model_summary`), since its weights are
  random: :data:`TWO_TOWER`;
* the ``k`` movies nearest to movie ``i``, ``fn(VM, i, k)``
  (:func:`recsys_utils.retrieval.related_items`): notebook 07's :data:`~recsys_utils.checks.nb07.NEAREST`.

pandas and Keras are imported only by the check that needs them, when it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from .._tf import tf
from ..features import user_features
from ..retrieval import related_items, top_k, top_k_loop
from ..two_tower import build_two_tower
from .engine import Case, Mistake, Trial, copying, fmt, run_check
from .mistakes import NOT_A_NUMBER, RETURNED_NONE
from .nb07 import NEAREST, nearest_cases, nearest_reference

__all__ = ["check_genre_average", "check_two_tower", "check_nearest_movies", "GENRE_AVERAGE", "TWO_TOWER",
           "EXERCISES"]

#: The notebook's function names -> the exercise they answer.
EXERCISES = {"genre_average": "Exercise 1", "lecture_two_tower": "Exercise 2", "nearest_movies": "Exercise 3"}

#: A hand-made MovieLens: (movieId, genres) and (userId, movieId, rating).
GENRE_MOVIES = ((1, "Comedy|Romance"), (2, "Comedy"), (3, "Sci-Fi|Action"), (4, "Drama"),
                (5, "Comedy|Drama"), (6, "Film-Noir|Drama"), (7, "Sci-Fi"))
GENRE_RATINGS = ((1, 1, 4.0), (1, 2, 5.0), (1, 3, 2.0), (1, 4, 3.0), (1, 5, 4.5),
                 (2, 2, 1.0), (2, 3, 4.0), (2, 6, 5.0), (2, 7, 3.5),
                 (3, 1, 2.0), (3, 4, 5.0), (3, 5, 3.0), (3, 7, 4.0))


# ----------------------------------------------------------------------------- genre average
def _genre_average(train, movies, user_id, genre, strength=5.0, *, match="split", toward="user",
                   shrink=True, bottom="n_plus_a", everyone=False, fixed=None):
    """The shrunk genre average with one knob turned (pandas in, float out)."""
    a = strength if fixed is None else fixed
    mine = train[train["userId"] == user_id]
    rows = train if everyone else mine
    genres = rows["movieId"].map(movies.set_index("movieId")["genres"])
    in_g = (genres.str.split("|").apply(lambda gs: genre in gs) if match == "split"
            else genres == genre).to_numpy(dtype=bool)
    r = rows["rating"].to_numpy(dtype=float)
    prior = {"user": rows["rating"].mean(), "global": train["rating"].mean(), "zero": 0.0}[toward]
    total, n = r[in_g].sum(), in_g.sum()
    with np.errstate(all="ignore"):
        if not shrink:
            return float(np.float64(total) / n)
        return float((total + a * prior) / (n + (a if bottom == "n_plus_a" else 0.0)))


GENRE_AVERAGE = [
    Mistake("got {got}: user {user_id} has rated no {genre} movie, so the formula gives their own mean "
            "ȳ(j) = {user_mean:.6g}, (0 + strength · ȳ(j)) / (0 + strength); did you divide by the "
            "count alone?", when=lambda t: not np.all(np.isfinite(np.asarray(t.got, dtype=float)))),
    Mistake("this is the plain average of the user's {genre} ratings: shrink it towards their own "
            "mean, (Σ y + strength · ȳ(j)) / (n + strength)", partial(_genre_average, shrink=False)),
    Mistake("shrunk towards the global mean ({global_mean:.6g}, every user's ratings): use user "
            "{user_id}'s own mean rating, ȳ(j) = {user_mean:.6g}", partial(_genre_average, toward="global")),
    Mistake("shrunk towards 0: add strength · ȳ(j) (the user's mean, {user_mean:.6g}) to the sum of "
            "the genre's ratings", partial(_genre_average, toward="zero")),
    Mistake("divide by n + strength: the strength pretend ratings count too",
            partial(_genre_average, bottom="n")),
    Mistake("only movies whose genres are exactly '{genre}' counted: a movie belongs to every genre "
            "of its '|'-separated list ('Comedy|Romance' is a Comedy), so split on '|'",
            partial(_genre_average, match="exact")),
    Mistake("you used every user's ratings: keep only the rows of train with userId == user_id",
            partial(_genre_average, everyone=True)),
    Mistake("the strength argument is ignored (you used 5): this case has strength={strength:g}",
            partial(_genre_average, fixed=5.0)),
]


def _genre_reference(train: Any, movies: Any, user_id: int, genre: str, strength: float) -> float:
    from ..features import user_features

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
    copy = copying(fn, lambda a: (a[0].copy(), a[1].copy(), *a[2:]))
    run_check("genre_average", copy, _genre_reference, cases,
              [RETURNED_NONE, *GENRE_AVERAGE, NOT_A_NUMBER], rtol=1e-6,
              hint="mine = train[train.userId == user_id]; in_genre = genre in the movie's genres.split('|'); "
                   "(sum of mine's ratings in the genre + strength * mine's mean) / (count + strength).",
              references=(user_features,), exercises=EXERCISES, answer=fn)


# ----------------------------------------------------------------------------- two towers
MODEL_PARTS = ("input sizes", "output shape", "Dense layer sizes", "ReLU layers", "weights",
               "predictions in [-1, 1] (1 = yes)")


class ModelSummary(tuple):
    """What the check compares of a model: one number or array per name in ``MODEL_PARTS``.

    ``kind`` is the type of what the learner's function returned, ``largest`` the largest
    |prediction| on 16 random inputs of size about 100 (NaN if calling the model failed).
    """

    kind: str = "Model"
    largest: float = float("nan")


def summary(parts: tuple, kind: str = "Model", largest: float = float("nan")) -> ModelSummary:
    s = ModelSummary(parts)
    s.kind, s.largest = kind, largest
    return s


def _walk(layer: Any):
    for sub in getattr(layer, "layers", []):
        yield sub
        yield from _walk(sub)


def model_summary(model: Any) -> ModelSummary:
    """The :data:`MODEL_PARTS` of ``model`` (a keras.Model, or anything else: then all NaN)."""
    tf()  # TensorFlow's quiet start-up, if the learner's code has not started it
    import keras

    if not isinstance(model, keras.Model):
        return summary(tuple(float("nan") for _ in MODEL_PARTS), kind=type(model).__name__)
    dense = [lay for lay in _walk(model) if isinstance(lay, keras.layers.Dense)]
    relu = sum(getattr(lay.activation, "__name__", "") == "relu" for lay in dense)
    inputs = [np.nan if x.shape[-1] is None else x.shape[-1] for x in model.inputs]
    out_shape = [-1 if d is None else d for d in model.outputs[0].shape] if len(model.outputs) == 1 else [np.nan]
    rng = np.random.default_rng(0)
    try:
        out = model([100 * rng.normal(size=(16, int(x.shape[-1]))).astype("float32") for x in model.inputs])
        largest = float(np.max(np.abs(np.asarray(out))))
    except Exception:  # a model with the wrong inputs cannot even be called: the other parts say why
        largest = float("nan")
    parts = (np.array(inputs, dtype=float), np.array(out_shape, dtype=float),
             np.sort([lay.units for lay in dense]).astype(float), float(relu), float(model.count_params()),
             float(largest <= 1 + 1e-5))
    return summary(parts, largest=largest)


def two_tower_reference(n_user: int, n_item: int) -> ModelSummary:
    """The summary of the lecture's model, by hand: a tower on n inputs has
    (n + 1)·256 + 257·128 + 129·32 = 256 n + 37,280 weights; the output is (None, 1)."""
    weights = 256 * (n_user + n_item) + 2 * 37_280
    return summary((np.array([n_user, n_item], dtype=float), np.array([-1.0, 1.0]),
                    np.array([32, 32, 128, 128, 256, 256], dtype=float), 4.0, float(weights), 1.0))


def _inputs(t: Trial) -> list:
    return np.asarray(t.got[0]).tolist()


TWO_TOWER = [
    Mistake(lambda t: f"return the keras.Model, keras.Model([input_user, input_item], output); your "
                      f"function returned {'None: did you forget `return model`?' if t.got.kind == 'NoneType' else t.got.kind}",
            when=lambda t: t.got.kind != "Model"),
    Mistake(lambda t: f"the model takes two inputs, keras.Model([input_user, input_item], output); yours "
                      f"has {len(_inputs(t))}", when=lambda t: len(_inputs(t)) != 2),
    Mistake("the inputs are in the wrong order: [input_user, input_item], the user's {n_user} features "
            "first, then the movie's {n_item}", when=lambda t: _inputs(t) == np.asarray(t.expected[0]).tolist()[::-1]),
    Mistake(lambda t: f"the inputs have {_inputs(t)} features, expected [{t.case.fields['n_user']}, "
                      f"{t.case.fields['n_item']}]: Input(shape=(num_user_features,)) and "
                      "Input(shape=(num_item_features,))", when=lambda t: 0 in t.wrong),
    Mistake(lambda t: f"one prediction per (user, movie) pair: the output should have shape (None, 1), "
                      f"keras.layers.Dot(axes=1)([vu, vm]); yours has shape "
                      f"{tuple(None if d == -1 else int(d) for d in np.asarray(t.got[1]))}",
            when=lambda t: 1 in t.wrong),
    Mistake("a tower's last Dense(32) has activation='relu', so its vector has no negative entries: "
            "the lecture's last layer is linear, Dense(32)",
            when=lambda t: t.got[3] > 4 and 2 not in t.wrong),
    Mistake("the hidden layers need activation='relu': Dense(256, activation='relu') -> "
            "Dense(128, activation='relu') -> Dense(32)", when=lambda t: t.got[3] < 4 and 2 not in t.wrong),
    Mistake(lambda t: f"each tower is Dense(256, relu) -> Dense(128, relu) -> Dense(32); your Dense layers "
                      f"have {fmt(t.got[2], shape=False)} units", when=lambda t: 2 in t.wrong),
    Mistake(lambda t: f"predictions up to {t.got.largest:.4g}: v_u and v_m must have length 1 "
                      "(keras.layers.UnitNormalization(axis=1) after each tower), so that v_u · v_m is "
                      "in [-1, 1]", when=lambda t: 5 in t.wrong),
]


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
        return model_summary(fn(n_user, n_item))

    cases = [Case(f"num_user_features={nu}, num_item_features={ni}", (nu, ni), {"n_user": nu, "n_item": ni})
             for nu, ni in ((5, 7), (12, 3))]
    run_check("two_tower", build if callable(fn) else fn, two_tower_reference, cases,
              [RETURNED_NONE, *TWO_TOWER], parts=MODEL_PARTS,
              hint="each tower Dense(256, relu) -> Dense(128, relu) -> Dense(32), then "
                   "UnitNormalization(axis=1); output Dot(axes=1)([vu, vm]).",
              references=(build_two_tower,), exercises=EXERCISES, answer=fn)


def check_nearest_movies(fn: Callable) -> None:
    """Check ``fn(VM, i, k) -> indices``, the ``k`` movies nearest to movie ``i``, nearest first.

    ``VM`` is ``(n_movies, n_features)``; the result has shape ``(k,)``, the movies with the
    smallest :math:`\\|v_m^{(k)} - v_m^{(i)}\\|^2` without ``i`` itself, as
    :func:`recsys_utils.retrieval.related_items` finds them. The vectors are seeded random ones,
    not of length 1, so ranking by dot product gives a different list.

    Diagnoses: movie i in its own list, farthest first, k - 1 or another number of movies,
    distances instead of indices, ranked by dot product, unsorted (argpartition).
    """
    run_check("nearest_movies", copying(fn, lambda a: (a[0].copy(), *a[1:])), nearest_reference,
              nearest_cases("v_m"), [RETURNED_NONE, *NEAREST],
              hint="d = np.sum((VM - VM[i]) ** 2, axis=1); d[i] = np.inf; np.argsort(d)[:k].",
              references=(related_items, top_k, top_k_loop), exercises=EXERCISES, answer=fn)
