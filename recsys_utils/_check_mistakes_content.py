"""The known mistakes of notebooks 08 and 09's exercises (content-based filtering, retrieval, ranking).

Like :mod:`recsys_utils._check_mistakes`: wrong variants (the reference with one knob turned)
and predicates. The exercises:

* a user's shrunk average rating per genre, ``fn(train, movies, user_id, genre, strength)``;
* the lecture's two-tower model, ``fn(num_user_features, num_item_features) -> keras.Model``,
  checked through a summary of its structure (:func:`model_summary`), since its weights are random;
* the ``k`` movies nearest to movie ``i``, ``fn(VM, i, k)``;
* combining retrieved lists, ``fn(lists, exclude)``, and ranking candidates, ``fn(vu, VM, candidates, k)``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from ._check_engine import Mistake, Trial, fmt
from ._tf import tf


def _same_set_other_order(t: Trial) -> bool:
    got = np.asarray(t.got).ravel().tolist() if t.got is not None else None
    want = np.asarray(t.expected).ravel().tolist()
    return got is not None and sorted(got) == sorted(want) and got != want


def _not_indices(t: Trial) -> bool:
    got = np.asarray(t.got, dtype=float)
    return got.size > 0 and not np.all(got == np.round(got))


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


# ----------------------------------------------------------------------------- nearest movies
def _nearest(VM, i, k, *, keep_self=False, far=False, skip_first=False, dot=False):
    d = -(VM @ VM[i]) if dot else np.sum((VM - VM[i]) ** 2, axis=1)
    if not (keep_self or skip_first):
        d[i] = np.inf
    order = np.argsort(-d if far else d, kind="stable")
    if far:
        order = order[order != i]
    return order[1:k] if skip_first else order[:k]


NEAREST = [
    Mistake("you returned k - 1 = {k_minus_1} movies: after leaving movie {i} out, take the first k",
            partial(_nearest, skip_first=True)),
    Mistake(lambda t: f"return k = {t.case.fields['k']} movie indices; yours has shape {np.shape(t.got)}",
            when=lambda t: np.shape(t.got) != np.shape(t.expected)),
    Mistake("return movie indices (np.argsort), not distances", when=_not_indices),
    Mistake("movie {i} is in its own list (its distance to itself is 0): set d[i] = np.inf before "
            "sorting", partial(_nearest, keep_self=True)),
    Mistake("farthest first: sort by increasing distance, np.argsort(d), so the nearest comes first",
            partial(_nearest, far=True)),
    Mistake("you ranked by the largest dot product v_m(k) · v_m(i): the exercise asks for the smallest "
            "squared distance ||v_m(k) - v_m(i)||² (the two orders agree only for vectors of length 1)",
            partial(_nearest, dot=True)),
    Mistake("the right movies in the wrong order: nearest first (np.argsort sorts; np.argpartition "
            "does not)", when=_same_set_other_order),
]


# ----------------------------------------------------------------------------- combine and rank
def _combine(lists, exclude, *, dedupe=True, drop=True, only_last=False, by_index=False):
    skip = set(np.asarray(exclude).tolist()) if drop else set()
    out: list[int] = []
    for items in lists:
        if only_last:
            out = []
        out += [int(i) for i in items if int(i) not in skip]
    if by_index:
        return np.array(sorted(set(out)), dtype=np.int64)
    return np.array(list(dict.fromkeys(out)) if dedupe else out, dtype=np.int64)


COMBINE = [
    Mistake("movies already watched (in exclude) are still there: skip them",
            partial(_combine, drop=False)),
    Mistake("the result has duplicates: keep only the first occurrence of each movie (remember "
            "what you kept in a set)", partial(_combine, dedupe=False)),
    Mistake("only the last list's movies are there: create the result (and the set) once, before "
            "the loop over the lists", partial(_combine, only_last=True)),
    Mistake("sorted by movie index: keep the retrieval order, first list first, each list in its "
            "own order (np.unique and sorted() both sort)", partial(_combine, by_index=True)),
    Mistake("the right movies in the wrong order: keep the retrieval order, first list first, each "
            "list in its own order, each movie where it first appears", when=_same_set_other_order),
]


def _rank(vu, VM, candidates, k, *, positions=False, worst=False, everything=False, cut=True):
    pool = np.arange(len(VM)) if everything else np.asarray(candidates)
    scores = VM[pool] @ vu
    order = np.argsort(scores if worst else -scores, kind="stable")
    order = order[:k] if cut else order
    return order if positions else pool[order]


RANK = [
    Mistake("you returned positions in the candidate list: return the movie indices, "
            "candidates[order]", partial(_rank, positions=True)),
    Mistake("worst first: sort by decreasing score, the largest v_u · v_m first", partial(_rank, worst=True)),
    Mistake("you ranked every movie of VM, not just the candidates: score VM[candidates] only "
            "(the best movies overall were not all retrieved)", partial(_rank, everything=True)),
    Mistake("return only the k = {k} best candidates, not all of them ranked", partial(_rank, cut=False)),
    Mistake("return movie indices, not scores", when=_not_indices),
    Mistake("the right movies in the wrong order: best first, by decreasing v_u · v_m",
            when=_same_set_other_order),
]
