"""Notebook 06, TensorFlow on MovieLens: the cost over the observed ratings and shrunk movie means.

The exercises, their references and the mistakes the checks name:

* the cost over the observed ratings only, ``fn(X, W, b, item_idx, user_idx, y, lambda_)``
  (:func:`recsys_utils.cofi_cost_tf.cofi_cost_observed`): :data:`COFI_COST_OBSERVED`;
* the training loop, ``fn(X0, W0, b0, item_idx, user_idx, y, lambda_, learning_rate, iterations)``
  (its own module, :mod:`recsys_utils.checks.training_loop`);
* each movie's mean shrunk towards the global mean, ``fn(item_idx, y, n_movies, k)``
  (:func:`recsys_utils.baselines.movie_mean_baseline` with ``shrinkage=k``):
  :data:`SHRUNK_MOVIE_MEANS`.

The wrong variants are written in NumPy. Nothing here imports TensorFlow: the learner's
arguments become TensorFlow tensors only when TensorFlow is already loaded.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from .._tf import tf
from ..baselines import movie_mean_baseline
from ..cofi_cost import cofi_cost, cofi_cost_loop
from ..cofi_cost_tf import (
    cofi_cost_observed,
    cofi_cost_observed_tf,
    cofi_cost_tf,
    observed_from_matrices,
)
from ..cold_start import shrunk_mean
from ..popularity import smoothed_item_mean
from ..toy import load_toy_features, load_toy_ratings
from .cases import LECTURE_W, random_problem
from .engine import Case, Mistake, Trial, run_check
from .mistakes import RETURNED_NONE
from .training_loop import check_training_loop

__all__ = ["check_cofi_cost_observed", "check_shrunk_movie_means", "check_training_loop", "COFI_COST_OBSERVED",
           "SHRUNK_MOVIE_MEANS", "EXERCISES"]

#: The notebook's function names -> the exercise they answer.
EXERCISES = {"cost_observed_tf": "Exercise 1", "my_train": "Exercise 2", "shrunk_movie_means": "Exercise 3"}


# ----------------------------------------------------------------------------- observed cost
def _cost_observed(X, W, b, item_idx, user_idx, y, lambda_, *, err=0.5, reg=0.5, reg_b=0.0,
                   bias="user", swap=False, outer=False, mean=False, reg_rows="all"):
    """``J`` over the ratings ``t`` with one knob turned.

    ``bias``: which index gathers ``b`` ("user", "item" or None). ``swap``: X gathered with
    user_idx and W with item_idx. ``outer``: every gathered movie row times every gathered user
    row (an N x N matrix). ``reg_rows``: regularize all rows ("all"), only the rows that have a
    rating ("rated"), or the gathered rows, once per rating ("gathered").
    """
    Xg, Wg = (X[user_idx], W[item_idx]) if swap else (X[item_idx], W[user_idx])
    bg = 0.0 if bias is None else b[0, user_idx if bias == "user" else item_idx]
    pred = Xg @ Wg.T if outer else np.sum(Xg * Wg, axis=1)
    E = pred + bg - y
    data = err * np.sum(E**2) / (len(y) if mean else 1.0)
    penalty = {"all": lambda: np.sum(W**2) + np.sum(X**2),
               "rated": lambda: (np.sum(W[np.unique(user_idx)] ** 2)
                                 + np.sum(X[np.unique(item_idx)] ** 2)),
               "gathered": lambda: np.sum(Wg**2) + np.sum(Xg**2)}[reg_rows]()
    return data + lambda_ * (reg * penalty + reg_b * np.sum(b**2))


COST_NOT_A_NUMBER = Mistake(
    lambda t: f"the cost should be a single number, but your function returned an array of shape "
              f"{np.shape(t.got)}: add the squared errors up with tf.reduce_sum",
    when=lambda t: t.got is not None and np.ndim(t.got) > 0)

COFI_COST_OBSERVED = [
    Mistake("exactly twice the expected value: did you drop the 1/2?",
            partial(_cost_observed, err=1.0, reg=1.0)),
    Mistake("the sum of squared errors is missing its 1/2: J = ½ Σ_t (w · x + b - y_t)² + ...",
            partial(_cost_observed, err=1.0)),
    Mistake("the regularization term is missing: add (λ/2) Σ W² + (λ/2) Σ X², over all of W and X",
            partial(_cost_observed, reg=0.0)),
    Mistake("the regularization term uses λ where the formula has λ/2",
            partial(_cost_observed, reg=1.0)),
    Mistake("you regularized the gathered rows, tf.gather(X, item_idx) and tf.gather(W, user_idx): "
            "a movie with 50 ratings is then penalized 50 times and a movie without ratings not at "
            "all; the formula regularizes X and W themselves, (λ/2)(Σ W² + Σ X²)",
            partial(_cost_observed, reg_rows="gathered")),
    Mistake("you regularized only the movies and users that have a rating: the formula sums over "
            "all of X and W (this case has a movie and a user without ratings)",
            partial(_cost_observed, reg_rows="rated")),
    Mistake("you regularized b: only W and X are regularized, not b",
            partial(_cost_observed, reg_b=0.5)),
    Mistake("b is missing from the prediction: add each rating's user bias, "
            "tf.gather(b[0], user_idx)",
            partial(_cost_observed, bias=None)),
    Mistake("the bias is gathered with item_idx: b holds one bias per user, so rating t needs "
            "b[0, user_idx[t]], i.e. tf.gather(b[0], user_idx)",
            partial(_cost_observed, bias="item")),
    Mistake("the indices are swapped: rows of X are movies, so gather them with item_idx; rows of "
            "W "
            "are users, so gather them with user_idx", partial(_cost_observed, swap=True)),
    Mistake("you multiplied every gathered movie row with every gathered user row (an N x N "
            "matrix, "
            "N = {N} ratings): the prediction for rating t is the row-wise dot product, "
            "tf.reduce_sum(tf.gather(X, item_idx) * tf.gather(W, user_idx), axis=1)",
            partial(_cost_observed, outer=True)),
    Mistake("you averaged instead of summing: tf.reduce_mean divides by the number of ratings "
            "N = {N}; J adds the squared errors up with tf.reduce_sum",
            partial(_cost_observed, mean=True)),
]


# ----------------------------------------------------------------------------- shrunk means
def _shrunk_means(item_idx, y, n_movies, k, *, prior="global", top="k_prior", bottom="n_plus_k",
                  cold="global", swap=False):
    """Shrunk movie means with one knob turned.

    ``prior``: what the pretend ratings are worth ("global" = y.mean(), "zero", "movie_means" =
    the average of the rated movies' plain means, "per_movie" = y.sum() / n_movies). ``top``: add
    ``k * prior`` ("k_prior"), ``k`` or nothing ("none") to the sum. ``bottom``: divide by
    ``n_i + k`` or ``n_i``. ``cold``: an unrated movie gets the global mean, 0, or whatever the
    formula gives ("formula", e.g. 0/0 = NaN for k = 0). ``swap``: the blend's weights exchanged.
    """
    counts = np.bincount(item_idx, minlength=n_movies).astype(float)
    sums = np.bincount(item_idx, weights=y, minlength=n_movies)
    gm = float(np.mean(y))
    with np.errstate(all="ignore"):
        means = sums / counts
        p = {"global": gm, "zero": 0.0, "movie_means": float(np.mean(means[counts > 0])),
             "per_movie": float(np.sum(y)) / n_movies}[prior]
        if swap:
            mu = (k * means + counts * p) / (counts + k)
        else:
            num = sums + {"k_prior": k * p, "k": k, "none": 0.0}[top]
            mu = num / (counts + (k if bottom == "n_plus_k" else 0.0))
    if cold != "formula":
        mu[counts == 0] = {"global": gm, "zero": 0.0, "prior": p}[cold]
    return mu


def _both_fallbacks(message: str, colds: tuple[str, ...] = ("global", "formula"),
                    **knobs) -> list[Mistake]:
    """The same mistake with an unrated movie given the global mean (or the learner's prior), or
    left to the formula (``k * prior / k`` = the prior for k > 0)."""
    return [Mistake(message, partial(_shrunk_means, cold=cold, **knobs)) for cold in colds]


def _has_nan(t: Trial) -> bool:
    return bool(np.isnan(np.asarray(t.got, dtype=float)).any())


SHRUNK_MOVIE_MEANS = [
    Mistake(lambda t: f"return one mean per movie as a flat array, shape (n_movies,) = "
                      f"({t.case.fields['n_movies']},); yours has shape {np.shape(t.got)}: use "
                      "np.ravel "
                      "or [:, 0] for a column",
            when=lambda t: np.shape(t.got) == (t.case.fields["n_movies"], 1)),
    Mistake(lambda t: f"return one mean for each of the n_movies = {t.case.fields['n_movies']} "
                      "movies, "
                      f"including those without ratings; yours has shape {np.shape(t.got)}: "
                      "np.bincount(item_idx, minlength=n_movies)",
            when=lambda t: np.ndim(t.got) == 1 and len(t.got) != t.case.fields["n_movies"]),
    Mistake("a movie without ratings came out NaN (0 / 0 when k = 0): give it the global mean "
            "ȳ = {global_mean:.6g}, e.g. np.divide(..., out=np.full(n_movies, global_mean), "
            "where=counts > 0)", when=_has_nan),
    Mistake("a movie without ratings got 0: it should get the global mean ȳ = {global_mean:.6g}",
            partial(_shrunk_means, cold="zero")),
    *_both_fallbacks("you shrank towards 0: the k pretend ratings are at the global mean, so add "
                     "k * ȳ to each movie's sum, (Σ y + k ȳ) / (n_i + k)", prior="zero"),
    *_both_fallbacks("you added k to the sum of ratings: each of the k pretend ratings is worth "
                     "ȳ = {global_mean:.6g}, so add k * ȳ = {k_gm:.6g}, not k", top="k"),
    *_both_fallbacks("you divided by n_i only: the k pretend ratings count too, so divide by "
                     "n_i + k", bottom="n"),
    *_both_fallbacks("k is ignored: these are the plain movie means; shrink them with k pretend "
                     "ratings at ȳ, (Σ y + k ȳ) / (n_i + k)", top="none", bottom="n"),
    *_both_fallbacks("ȳ is the mean of all training ratings, y.mean() = {global_mean:.6g}; you "
                     "used the average of the movies' means, which counts a movie rated once as "
                     "much as a movie rated 300 times", ("prior", "formula"), prior="movie_means"),
    *_both_fallbacks("ȳ is the mean of all training ratings, y.mean() = {global_mean:.6g}; you "
                     "divided their sum by n_movies = {n_movies} instead of by the number of "
                     "ratings", ("prior", "formula"), prior="per_movie"),
    *_both_fallbacks("the weights are swapped: the movie's own mean gets weight n_i / (n_i + k) "
                     "and ȳ gets k / (n_i + k), so that a movie with many ratings keeps its mean",
                     swap=True),
]


# ----------------------------------------------------------------------------- the checks


def _observed_case(source: str, X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray,
                   R: np.ndarray, lam: float) -> Case:
    item_idx, user_idx, y = observed_from_matrices(Y, R)
    n_movies, n_users, n = X.shape[0], W.shape[0], X.shape[1]
    label = (f"{source} ({n_movies} movies x {n_users} users, {n} features, {len(y)} ratings, "
             f"lambda_={lam:g})")
    dims = {"n_movies": n_movies, "n_users": n_users, "n_features": n}
    fields = {**dims, "dims": dims, "N": len(y), "lambda_": lam}
    return Case(label, (X, W, b, item_idx, user_idx, y, lam), fields)


def _observed_cases() -> list[Case]:
    """The toy table with the lecture's W and b = 0, then three seeded random problems: one with a
    movie and a user without ratings, one square (swapped indices still run), one with more
    users than movies (b gathered with item_idx still runs)."""
    Y, R, _, _ = load_toy_ratings()
    cases = [_observed_case("the lecture's toy table, W = [5, 0], [5, 0], [0, 5], [0, 5], b = 0",
                            load_toy_features().X, LECTURE_W.copy(), np.zeros((1, 4)), Y, R, 1.0)]
    X, W, b, Y, R = random_problem(7, 5, 3, seed=1)
    R[6, :], R[:, 4] = 0.0, 0.0  # movie 7 and user 5 have no rating; every other one has
    for i in np.flatnonzero(R[:6, :4].sum(axis=1) == 0):
        R[i, i % 4] = 1.0
    for j in np.flatnonzero(R[:6, :4].sum(axis=0) == 0):
        R[j, j] = 1.0
    cases.append(_observed_case("random data (seed 1) where the last movie and the last user have "
                                "no "
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
    """Check ``fn(X, W, b, item_idx, user_idx, y, lambda_)``, :math:`J(w, b, x)` over the observed
    ratings.

    ``X`` is ``(n_movies, n_features)``, ``W`` ``(n_users, n_features)``, ``b`` ``(1, n_users)``,
    ``item_idx``, ``user_idx`` and ``y`` ``(n_ratings,)``; the result is a number or a scalar
    tensor, equal to the dense :func:`recsys_utils.cofi_cost.cofi_cost`. With ``tensors=True``
    the arrays are passed as ``tf.constant`` (int32 indices, float64 values); with ``None``
    (default) that happens when TensorFlow is already imported, as in notebook 06.

    Diagnoses: the 1/2 dropped (everywhere or on the data term), regularization missing, with λ
    for λ/2, on the gathered rows or the rated rows only, or on b; b missing or gathered with
    item_idx; item/user indices swapped; an N x N matrix of predictions; a mean instead of a sum;
    an array instead of a number.

    >>> def my_cost(X, W, b, item_idx, user_idx, y, lambda_):
    ...     pred = np.sum(X[item_idx] * W[user_idx], axis=1) + b[0, user_idx]
    ...     return 0.5 * np.sum((pred - y) ** 2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))
    >>> check_cofi_cost_observed(my_cost, tensors=False)
    ✓ cofi_cost_observed: all 4 checks passed
    """
    run_check("cofi_cost_observed", _with_tensors(fn, tensors), cofi_cost_observed,
              _observed_cases(),
              [RETURNED_NONE, *COFI_COST_OBSERVED, COST_NOT_A_NUMBER], rtol=1e-5,
              hint="pred = Σ_k X[item_idx] * W[user_idx] (row-wise) + b[0, user_idx]; "
                   "J = ½ Σ (pred - y)² + (λ/2)(Σ W² + Σ X²).",
              references=(cofi_cost_observed, cofi_cost_observed_tf, cofi_cost, cofi_cost_tf,
                          cofi_cost_loop),
              exercises=EXERCISES, answer=fn)


def _shrunk_reference(item_idx: np.ndarray, y: np.ndarray, n_movies: int, k: float) -> np.ndarray:
    """The package's shrunk movie means, shape ``(n_movies,)``."""
    return smoothed_item_mean(item_idx, y, n_movies, strength=k)


def _shrunk_case(label: str, item_idx: Any, y: Any, n_movies: int, k: float) -> Case:
    item_idx, y = np.asarray(item_idx, dtype=np.int32), np.asarray(y, dtype=float)
    n_cold = n_movies - len(np.unique(item_idx))
    gm = float(y.mean())
    movies = "movie" if n_cold == 1 else "movies"
    text = (f"{label} ({n_movies} movies, {len(y)} ratings, {n_cold} {movies} "
            f"without ratings, global mean {gm:.4g}, k={k:g})")
    return Case(text, (item_idx, y, n_movies, k),
                {"n_movies": n_movies, "k": k, "global_mean": gm, "k_gm": k * gm})


def _shrunk_cases() -> list[Case]:
    """Notebook 06's tiny table with k = 1; two seeded random ones whose last movie has no rating
    (so a result without minlength=n_movies comes out short) and whose counts vary from 1 to many
    (so shrinking matters); the tiny table with k = 0 (0 / 0 for the unrated movie)."""
    tiny = ([0, 0, 1], [5.0, 3.0, 1.0], 3)  # movie 0 rated 5 and 3, movie 1 rated 1, movie 2 never
    cases = [_shrunk_case("the tiny table: movie 0 rated 5 and 3, movie 1 rated 1, movie 2 never",
                          *tiny, 1.0)]
    for n_movies, n_ratings, k, seed in ((8, 20, 2.0, 1), (12, 40, 5.0, 2)):
        rng = np.random.default_rng(seed)
        popularity = rng.pareto(1.0, n_movies - 2) + 0.1  # skewed: a few movies get most ratings
        rated = np.flatnonzero(np.arange(n_movies - 1) != 2)  # movie 2 and the last: never rated
        item_idx = np.sort(np.concatenate([rated, rng.choice(rated, n_ratings - len(rated),
                                                             p=popularity / popularity.sum())]))
        y = rng.integers(1, 11, n_ratings) / 2
        cases.append(_shrunk_case(f"random ratings (seed {seed})", item_idx, y, n_movies, k))
    return cases + [_shrunk_case("the tiny table with k = 0: the plain means, and 3 for movie 2",
                                 *tiny, 0.0)]


def check_shrunk_movie_means(fn: Callable) -> None:
    """Check ``fn(item_idx, y, n_movies, k) -> mu``, each movie's mean shrunk towards the global
    mean.

    ``item_idx`` (int) and ``y`` have shape ``(n_ratings,)``; ``mu`` has shape ``(n_movies,)``,
    :math:`\\mu_i = (\\sum_t [i_t = i]\\, y_t + k \\bar y) / (n_i + k)`, and :math:`\\bar y` for a
    movie without ratings, as :func:`recsys_utils.baselines.movie_mean_baseline` computes it.
    The first case is notebook 06's tiny table: with k = 1, ``[11/3, 2, 3]``.

    Diagnoses: shrunk towards 0, k added to the numerator instead of k ȳ, divided by n_i
    instead of n_i + k, k ignored, the prior not the global mean (the average of the movies'
    means, or the sum over n_movies), the blend's weights swapped, an unrated movie NaN or 0,
    a column or too few entries.

    >>> def my_means(item_idx, y, n_movies, k):
    ...     counts = np.bincount(item_idx, minlength=n_movies)
    ...     sums = np.bincount(item_idx, weights=y, minlength=n_movies)
    ...     shrunk = (sums + k * y.mean()) / np.maximum(counts + k, 1e-300)
    ...     return np.where(counts > 0, shrunk, y.mean())
    >>> check_shrunk_movie_means(my_means)
    ✓ shrunk_movie_means: all 4 checks passed
    """
    run_check("shrunk_movie_means", fn, _shrunk_reference, _shrunk_cases(),
              [RETURNED_NONE, *SHRUNK_MOVIE_MEANS], rtol=1e-5,
              hint="counts = np.bincount(item_idx, minlength=n_movies), sums = the same with "
                   "weights=y; "
                   "mu = (sums + k * y.mean()) / (counts + k), y.mean() where counts == 0.",
              references=(movie_mean_baseline, smoothed_item_mean, shrunk_mean),
              exercises=EXERCISES)
