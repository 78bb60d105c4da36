"""Checks for notebook 06's exercises: the observed-ratings cost and shrunk movie means.

Public through :mod:`recsys_utils.checks` (``ru.checks.check_cofi_cost_observed``,
``ru.checks.check_shrunk_movie_means``); the mistakes they name are in
:mod:`recsys_utils._check_mistakes_movielens`. Nothing here imports TensorFlow: the learner's
arguments become TensorFlow tensors only when TensorFlow is already loaded.
"""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable

import numpy as np

from . import _check_mistakes_movielens as mm
from ._check_engine import Case, random_problem, run_check
from ._check_mistakes import RETURNED_NONE
from ._tf import tf
from .baselines import movie_mean_baseline
from .cofi_cost_tf import cofi_cost_observed, observed_from_matrices
from .toy import load_toy_features, load_toy_ratings

__all__ = ["check_cofi_cost_observed", "check_shrunk_movie_means"]

#: The lecture's user parameters w(1) = w(2) = [5, 0], w(3) = w(4) = [0, 5].
_LECTURE_W = np.array([[5.0, 0.0], [5.0, 0.0], [0.0, 5.0], [0.0, 5.0]])


def _observed_case(source: str, X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray,
                   R: np.ndarray, lam: float) -> Case:
    item_idx, user_idx, y = observed_from_matrices(Y, R)
    n_movies, n_users, n = X.shape[0], W.shape[0], X.shape[1]
    label = (f"{source} ({n_movies} movies x {n_users} users, {n} features, {len(y)} ratings, "
             f"lambda_={lam:g})")
    dims = {"n_movies": n_movies, "n_users": n_users, "n_features": n}
    return Case(label, (X, W, b, item_idx, user_idx, y, lam), {**dims, "dims": dims, "N": len(y), "lambda_": lam})


def _observed_cases() -> list[Case]:
    """The toy table with the lecture's W and b = 0, then three seeded random problems: one with a
    movie and a user without ratings, one square (swapped indices still run), one with more
    users than movies (b gathered with item_idx still runs)."""
    Y, R, _, _ = load_toy_ratings()
    cases = [_observed_case("the lecture's toy table, W = [5, 0], [5, 0], [0, 5], [0, 5], b = 0",
                            load_toy_features().X, _LECTURE_W.copy(), np.zeros((1, 4)), Y, R, 1.0)]
    X, W, b, Y, R = random_problem(7, 5, 3, seed=1)
    R[6, :], R[:, 4] = 0.0, 0.0  # movie 7 and user 5 have no rating; every other one has
    for i in np.flatnonzero(R[:6, :4].sum(axis=1) == 0):
        R[i, i % 4] = 1.0
    for j in np.flatnonzero(R[:6, :4].sum(axis=0) == 0):
        R[j, j] = 1.0
    cases.append(_observed_case("random data (seed 1) where the last movie and the last user have no "
                                "rating", X, W, b, Y * R, R, 0.7))
    for (n_m, n_u, n, lam, seed), what in (((6, 6, 4, 1.3, 2), "square"),
                                           ((4, 9, 2, 2.0, 3), "more users than movies")):
        X, W, b, Y, R = random_problem(n_m, n_u, n, seed)
        cases.append(_observed_case(f"random data (seed {seed}), {what}", X, W, b, Y, R, lam))
    return cases


def _with_tensors(fn: Callable, tensors: bool | None) -> Callable:
    """Call ``fn`` with ``X, W, b, item_idx, user_idx, y`` as TensorFlow constants if asked to
    (``tensors=None``: if TensorFlow is already imported), and ``lambda_`` as a float."""
    if tensors is None:
        tensors = "tensorflow" in sys.modules
    if not tensors or not callable(fn):
        return fn
    tf_ = tf()

    @functools.wraps(fn)
    def call(X, W, b, item_idx, user_idx, y, lambda_):
        return fn(*(tf_.constant(v) for v in (X, W, b, item_idx, user_idx, y)), lambda_)

    return call


def check_cofi_cost_observed(fn: Callable, *, tensors: bool | None = None) -> None:
    """Check ``fn(X, W, b, item_idx, user_idx, y, lambda_)``, :math:`J(w, b, x)` over the observed ratings.

    ``X`` is ``(n_movies, n_features)``, ``W`` ``(n_users, n_features)``, ``b`` ``(1, n_users)``,
    ``item_idx``, ``user_idx`` and ``y`` ``(n_ratings,)``; the result is a number or a scalar
    tensor, equal to the dense :func:`recsys_utils.cofi_cost.cofi_cost`. With ``tensors=True``
    the arrays are passed as ``tf.constant`` (int32 indices, float64 values); with ``None``
    (default) that happens when TensorFlow is already imported, as in notebook 06.

    Diagnoses: the 1/2 dropped (everywhere or on the data term), regularization missing, with λ
    for λ/2, on the gathered rows or the rated rows only, or on b; b missing or gathered with
    item_idx; item/user indices swapped; an N x N matrix of predictions; a mean instead of a sum;
    an array instead of a number.

    >>> check_cofi_cost_observed(cofi_cost_observed, tensors=False)
    ✓ cofi_cost_observed: all 4 checks passed
    """
    run_check("cofi_cost_observed", _with_tensors(fn, tensors), cofi_cost_observed, _observed_cases(),
              [RETURNED_NONE, *mm.COFI_COST_OBSERVED, mm.COST_NOT_A_NUMBER], rtol=1e-5,
              hint="pred = Σ_k X[item_idx] * W[user_idx] (row-wise) + b[0, user_idx]; "
                   "J = ½ Σ (pred - y)² + (λ/2)(Σ W² + Σ X²).")


def _shrunk_reference(item_idx: np.ndarray, y: np.ndarray, n_movies: int, k: float) -> np.ndarray:
    """The package's shrunk movie means, shape ``(n_movies,)``."""
    users = np.zeros_like(item_idx)
    return movie_mean_baseline(item_idx, users, y, n_movies, 1, shrinkage=k).mu[:, 0]


def _shrunk_case(label: str, item_idx: Any, y: Any, n_movies: int, k: float) -> Case:
    item_idx, y = np.asarray(item_idx, dtype=np.int32), np.asarray(y, dtype=float)
    n_cold = n_movies - len(np.unique(item_idx))
    gm = float(y.mean())
    text = (f"{label} ({n_movies} movies, {len(y)} ratings, {n_cold} movie{'' if n_cold == 1 else 's'} "
            f"without ratings, global mean {gm:.4g}, k={k:g})")
    return Case(text, (item_idx, y, n_movies, k),
                {"n_movies": n_movies, "k": k, "global_mean": gm, "k_gm": k * gm})


def _shrunk_cases() -> list[Case]:
    """Notebook 06's tiny table with k = 1; two seeded random ones whose last movie has no rating
    (so a result without minlength=n_movies comes out short) and whose counts vary from 1 to many
    (so shrinking matters); the tiny table with k = 0 (0 / 0 for the unrated movie)."""
    tiny = ([0, 0, 1], [5.0, 3.0, 1.0], 3)  # movie 0 rated 5 and 3, movie 1 rated 1, movie 2 never
    cases = [_shrunk_case("the tiny table: movie 0 rated 5 and 3, movie 1 rated 1, movie 2 never", *tiny, 1.0)]
    for n_movies, n_ratings, k, seed in ((8, 20, 2.0, 1), (12, 40, 5.0, 2)):
        rng = np.random.default_rng(seed)
        popularity = rng.pareto(1.0, n_movies - 2) + 0.1  # skewed: a few movies get most ratings
        rated = np.flatnonzero(np.arange(n_movies - 1) != 2)  # movie 2 and the last one are never rated
        item_idx = np.sort(np.concatenate([rated, rng.choice(rated, n_ratings - len(rated),
                                                             p=popularity / popularity.sum())]))
        y = rng.integers(1, 11, n_ratings) / 2
        cases.append(_shrunk_case(f"random ratings (seed {seed})", item_idx, y, n_movies, k))
    return cases + [_shrunk_case("the tiny table with k = 0: the plain means, and 3 for movie 2", *tiny, 0.0)]


def check_shrunk_movie_means(fn: Callable) -> None:
    """Check ``fn(item_idx, y, n_movies, k) -> mu``, each movie's mean shrunk towards the global mean.

    ``item_idx`` (int) and ``y`` have shape ``(n_ratings,)``; ``mu`` has shape ``(n_movies,)``,
    :math:`\\mu_i = (\\sum_t [i_t = i]\\, y_t + k \\bar y) / (n_i + k)`, and :math:`\\bar y` for a
    movie without ratings, as :func:`recsys_utils.baselines.movie_mean_baseline` computes it.
    The first case is notebook 06's tiny table: with k = 1, ``[11/3, 2, 3]``.

    Diagnoses: shrunk towards 0, k added to the numerator instead of k ȳ, divided by n_i
    instead of n_i + k, k ignored, the prior not the global mean (the average of the movies'
    means, or the sum over n_movies), the blend's weights swapped, an unrated movie NaN or 0,
    a column or too few entries.

    >>> check_shrunk_movie_means(_shrunk_reference)
    ✓ shrunk_movie_means: all 4 checks passed
    """
    run_check("shrunk_movie_means", fn, _shrunk_reference, _shrunk_cases(),
              [RETURNED_NONE, *mm.SHRUNK_MOVIE_MEANS], rtol=1e-5,
              hint="counts = np.bincount(item_idx, minlength=n_movies), sums = the same with weights=y; "
                   "mu = (sums + k * y.mean()) / (counts + k), y.mean() where counts == 0.")
