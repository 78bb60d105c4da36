"""Notebook 05, mean normalization: the movies' means and a new user's regularized solve.

The exercises, their references and the mistakes the checks name:

* ``normalize_ratings(Y, R)`` (:func:`recsys_utils.normalization.normalize_ratings`):
  :data:`NORMALIZE_SHAPES` and :data:`NORMALIZE`;
* ``fit_new_user(X, mu, item_idx, ratings, lambda_)`` (:func:`recsys_utils.new_user.fit_new_user`):
  :data:`FIT_NEW_USER`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from ..new_user import fit_new_user
from ..normalization import mean_ratings_loop, normalize_ratings
from ..toy import load_toy_features, load_toy_mean_normalization
from .cases import RANDOM_SHAPES, random_problem
from .engine import Case, Mistake, Trial, close, fmt, run_check
from .mistakes import with_structure

__all__ = ["check_normalize_ratings", "check_fit_new_user", "NORMALIZE_SHAPES", "NORMALIZE",
           "FIT_NEW_USER",
           "EXERCISES"]

#: The notebook's function names -> the exercise they answer.
EXERCISES = {"my_normalize_ratings": "Exercise 1", "my_fit_new_user": "Exercise 2"}


# ----------------------------------------------------------------------------- normalize_ratings
def _normalize(Y, R, *, over="rated", masked=True):
    """Mean normalization with one knob turned: ``over`` the "rated" entries or "all";
    ``masked``."""
    mu = ((Y * R).sum(axis=1, keepdims=True) / R.sum(axis=1, keepdims=True) if over == "rated"
          else Y.mean(axis=1, keepdims=True))
    return ((Y - mu) * R if masked else Y - mu), mu



def _user_means(t: Trial) -> bool:
    """mu matches the users' means (over rated entries, NaN or 0 for Eve; or over all)."""
    Y, R = t.case.args
    mu, rated = np.ravel(t.got[1]), (Y * R).sum(axis=0) / R.sum(axis=0)
    return any(close(mu, m) for m in (rated, np.nan_to_num(rated), Y.mean(axis=0)))


NORMALIZE_SHAPES = [
    Mistake("mu has shape ({n_movies},) but should be a column, (n_movies, 1) = ({n_movies}, 1): "
            "sum with keepdims=True, or use mu.reshape(-1, 1); a flat mu subtracted from Y "
            "broadcasts along the wrong axis",
            when=lambda t: np.shape(t.got[1]) == (t.case.fields["n_movies"],)
            and close(np.ravel(t.got[1]), np.ravel(t.expected[1]))),
    Mistake("mu looks like each user's mean (axis=0): mu is each movie's mean over the users who "
            "rated it, a sum along axis=1: (Y * R).sum(axis=1, keepdims=True) / R.sum(axis=1, "
            "keepdims=True)", when=_user_means),
]

NORMALIZE = [
    Mistake(lambda t: f"mu = {fmt(np.ravel(t.got[1]), shape=False)}: you averaged over unrated "
                      "entries too: "
                      "divide each movie's sum of ratings by its number of ratings, "
                      "R.sum(axis=1), not by n_users", partial(_normalize, over="all")),
    Mistake("Ynorm is -mu at the unrated entries (Y holds a placeholder 0 there): multiply by R, "
            "Ynorm = (Y - mu) * R, so unrated entries stay 0", partial(_normalize, masked=False)),
]


# ----------------------------------------------------------------------------- fit_new_user
def _fit_new_user(X, mu, item_idx, ratings, lambda_, *, reg=1.0, d_zero="last", center=True,
                  ones="last"):
    """The new user's solve with one knob turned; ``lstsq`` so a singular λ = 0 system still solves.

    ``ones``: where A's column of ones goes ("last", "first" or None); theta is always read as
    w = theta[:n], b = theta[n]. ``d_zero``: which diagonal entry of D is 0 ("last", "first", None).
    """
    n, m = X.shape[1], len(item_idx)
    if m == 0:
        return np.zeros(n), 0.0
    t = np.asarray(ratings, dtype=float) - (mu[item_idx, 0] if center else 0.0)
    cols = {"last": [X[item_idx], np.ones((m, 1))], "first": [np.ones((m, 1)), X[item_idx]],
            None: [X[item_idx]]}[ones]
    A = np.hstack(cols)
    d = np.ones(A.shape[1])
    if d_zero is not None:
        d[{"last": -1, "first": 0}[d_zero]] = 0.0
    theta = np.linalg.lstsq(A.T @ A + reg * lambda_ * np.diag(d), A.T @ t, rcond=None)[0]
    return theta[:n], (0.0 if ones is None else float(theta[n]))


def _w_shape(t: Trial) -> str:
    g, n, m = np.shape(t.got[0]), t.case.fields["n_features"], t.case.fields["m"]
    flat = f"w has shape {g} but should be flat, (n_features,) = ({n},)"
    if g == (1, n):
        return (f"{flat}, like one row of W taken as W[j]: return theta[:n] of a 1-D theta "
                "(or np.ravel(w))")
    if g == (n, 1):
        return (f"{flat}: your targets t are a column because mu[item_idx] is one, shape (m, 1) "
                f"= ({m}, 1); use mu[item_idx, 0] so that t = ratings - mu[item_idx, 0] has shape "
                "(m,) and theta is 1-D")
    return (f"{flat}: ratings, shape (m,) = ({m},), minus mu[item_idx], shape (m, 1), broadcasts "
            "into an "
            f"(m, m) = ({m}, {m}) matrix; use mu[item_idx, 0] so that t has shape (m,)")


def _w_is_matrix(t: Trial) -> bool:
    g, n = np.shape(t.got[0]), t.case.fields["n_features"]
    return len(g) == 2 and (g[0] == n or g == (1, n))


FIT_NEW_USER = [
    Mistake(_w_shape, when=_w_is_matrix),
    Mistake("w has n_features + 1 = {n_plus_1} entries: theta holds w and then b, so w = theta[:n] "
            "and b = theta[n]",
            when=lambda t: np.shape(t.got[0]) == (t.case.fields["n_features"] + 1,)),
    Mistake(lambda t: f"b should be a single number, but yours has shape {np.shape(t.got[1])}: "
                      "return b = float(theta[n])",
            when=lambda t: np.ndim(t.got[1]) > 0 and np.shape(t.got[0]) == np.shape(t.expected[0])),
    Mistake("b was regularized too: D = diag(1, ..., 1, 0) has a 0 in its last entry, the one "
            "for b, "
            "because b is not regularized", partial(_fit_new_user, d_zero=None)),
    Mistake("the 0 in D is on the first diagonal entry, so b is regularized and w_1 is not: with "
            "the column of ones last in A, b is theta[n], so set D[n, n] = 0",
            partial(_fit_new_user, d_zero="first")),
    Mistake("your A has the column of ones first, so theta[0] is b and theta[1:] is w; you took "
            "w = theta[:n], b = theta[n]", partial(_fit_new_user, ones="first", d_zero="first")),
    Mistake("μ was not subtracted: the model was trained on normalized ratings, so the targets are "
            "t = ratings - mu[item_idx, 0], not the raw ratings",
            partial(_fit_new_user, center=False)),
    Mistake("λ is missing: the penalty (λ/2)||w||² adds lambda_ * D to the matrix, "
            "(A.T @ A + lambda_ * D) theta = A.T @ t", partial(_fit_new_user, reg=0.0)),
    Mistake("the matrix has λ/2 where it needs λ: the derivative of (λ/2)||w||² is λ w, so use "
            "A.T @ A + lambda_ * D", partial(_fit_new_user, reg=0.5)),
    Mistake("b is missing (it came out 0): A needs a column of ones, A = [X[item_idx], 1], so that "
            "theta[n] is b", partial(_fit_new_user, ones=None, d_zero=None)),
    Mistake("Eve has rated nothing, so there is nothing to solve: return w = np.zeros(n_features) "
            "and b = 0.0 when len(item_idx) == 0", when=lambda t: t.case.fields.get("eve")),
]


# ----------------------------------------------------------------------------- the checks
def check_normalize_ratings(fn: Callable) -> None:
    """Check ``fn(Y, R) -> (Ynorm, mu)``, mean normalization over the rated entries.

    On the lecture's 5 x 5 matrix with Eve, ``mu = [2.5, 2.5, 2, 2.25, 1.25]`` (as a column).
    Diagnoses: averaged over unrated entries too, ``Ynorm`` not masked with ``R``, ``mu`` of
    shape ``(n_movies,)``, a mean over users (axis 0). Every movie in the cases has a rating,
    so the fallback for an unrated movie is not checked.
    """
    Y, R, _, _ = load_toy_mean_normalization()
    cases = [Case("the lecture's 5 x 5 matrix with Eve", (Y, R),
                  {"n_movies": 5, "n_users": 5, "dims": {"n_movies": 5, "n_users": 5}})]
    for n_m, n_u, _, _, seed in RANDOM_SHAPES:
        _, _, _, Y, R = random_problem(n_m, n_u, 1, seed)
        dims = {"n_movies": n_m, "n_users": n_u}
        cases.append(Case(f"random ratings (seed {seed}: {n_m} movies x {n_u} users)", (Y, R),
                          {**dims, "dims": dims}))
    parts = ("Ynorm", "mu")
    run_check("normalize_ratings", fn, normalize_ratings, cases,
              with_structure([*NORMALIZE_SHAPES, *NORMALIZE], parts), parts=parts, rtol=1e-5,
              hint="mu = (Y * R).sum(axis=1, keepdims=True) / R.sum(axis=1, keepdims=True), "
                   "Ynorm = (Y - mu) * R.",
              references=(normalize_ratings, mean_ratings_loop), exercises=EXERCISES)


def _new_user_case(label: str, X: np.ndarray, mu: np.ndarray, rated: dict[int, float], lam: float,
                   **extra: Any) -> Case:
    """A new user who gave ``rated[i]`` stars to movie row ``i``, against features ``X`` and
    means ``mu``."""
    idx, y = np.array(list(rated), dtype=np.int64), np.array(list(rated.values()), dtype=float)
    n_movies, n = X.shape
    dims = {"n_movies": n_movies, "n_features": n, "m": len(idx)}
    ratings = f"{len(idx)} rating{'' if len(idx) == 1 else 's'}"
    return Case(f"{label} ({n_movies} movies, {n} features, {ratings}, lambda_={lam:g})",
                (X, mu, idx, y, lam),
                {**dims, "dims": dims, "n_plus_1": n + 1, "lambda_": lam, **extra})


def check_fit_new_user(fn: Callable) -> None:
    """Check ``fn(X, mu, item_idx, ratings, lambda_) -> (w, b)``, a new user's regularized solve.

    ``w`` has shape ``(n_features,)`` and ``b`` is a float, as
    :func:`recsys_utils.new_user.fit_new_user` returns them. The cases: the lecture's toy features
    and ``mu`` with three ratings, Eve with none (``w = 0``, ``b = 0``), one rating ('Romance
    forever', 4 stars: ``w = 0``, ``b = 4 - 2.5 = 1.5``), then seeded random problems. Diagnoses:
    b regularized (or the 0 of D in the wrong place), μ not subtracted, λ missing or halved, no
    column of ones (b stuck at 0), the ones first in A but theta read as if last, no special case
    for no ratings, ``w`` of shape ``(1, n)``, ``(n, 1)`` or ``(n + 1,)``, ``b`` an array.
    """
    X = load_toy_features().X
    mu = normalize_ratings(*load_toy_mean_normalization()[:2])[1]  # [2.5, 2.5, 2, 2.25, 1.25]
    cases = [
        _new_user_case("the lecture's toy features and mu, a newcomer who rated 'Love at last' 5, "
                       "'Nonstop car chases' 1, 'Swords vs. karate' 2", X, mu,
                       {0: 5.0, 3: 1.0, 4: 2.0}, 1.0),
        _new_user_case("the lecture's toy features, Eve, who has rated nothing: no data, so "
                       "w = 0, b = 0",
                       X, mu, {}, 1.0, eve=True),
        _new_user_case("the lecture's toy features, one rating: 'Romance forever', 4 stars",
                       X, mu, {1: 4.0}, 1.0),
    ]
    for n_movies, n, m, lam, seed in ((9, 3, 5, 2.0, 1), (12, 4, 7, 0.5, 2), (10, 5, 8, 1.5, 3)):
        rng = np.random.default_rng(seed)
        X_r, mu_r = rng.normal(size=(n_movies, n)), rng.uniform(1.5, 4.5, size=(n_movies, 1))
        idx = rng.choice(n_movies, size=m, replace=False)
        rated = dict(zip(idx.tolist(), (rng.integers(1, 11, size=m) / 2).tolist(), strict=True))
        cases.append(_new_user_case(f"random data (seed {seed})", X_r, mu_r, rated, lam))
    run_check("fit_new_user", fn, fit_new_user, cases, with_structure(FIT_NEW_USER, ("w", "b")),
              parts=("w", "b"), rtol=1e-5,
              hint="A = [X[item_idx], 1], t = ratings - mu[item_idx, 0], D = diag(1, ..., 1, 0); "
                   "solve "
                   "(A.T @ A + lambda_ * D) theta = A.T @ t; w = theta[:n], b = theta[n].",
              references=(fit_new_user,), exercises=EXERCISES)
