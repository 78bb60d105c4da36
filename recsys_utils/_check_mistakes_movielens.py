"""The known mistakes of notebook 06's exercises (MovieLens at scale), as data.

Like :mod:`recsys_utils._check_mistakes`: each *wrong variant* is the reference formula with
one knob turned, written in NumPy; a learner's output that matches a variant on the failing
cases gets that variant's message. The exercises:

* the cost over the observed ratings only, ``fn(X, W, b, item_idx, user_idx, y, lambda_)``
  (reference :func:`recsys_utils.cofi_cost_tf.cofi_cost_observed`);
* each movie's mean shrunk towards the global mean, ``fn(item_idx, y, n_movies, k)``
  (reference :func:`recsys_utils.baselines.movie_mean_baseline` with ``shrinkage=k``).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ._check_engine import Mistake, Trial

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
               "rated": lambda: np.sum(W[np.unique(user_idx)] ** 2) + np.sum(X[np.unique(item_idx)] ** 2),
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
    Mistake("you regularized b: only W and X are regularized, not b", partial(_cost_observed, reg_b=0.5)),
    Mistake("b is missing from the prediction: add each rating's user bias, tf.gather(b[0], user_idx)",
            partial(_cost_observed, bias=None)),
    Mistake("the bias is gathered with item_idx: b holds one bias per user, so rating t needs "
            "b[0, user_idx[t]], i.e. tf.gather(b[0], user_idx)", partial(_cost_observed, bias="item")),
    Mistake("the indices are swapped: rows of X are movies, so gather them with item_idx; rows of W "
            "are users, so gather them with user_idx", partial(_cost_observed, swap=True)),
    Mistake("you multiplied every gathered movie row with every gathered user row (an N x N matrix, "
            "N = {N} ratings): the prediction for rating t is the row-wise dot product, "
            "tf.reduce_sum(tf.gather(X, item_idx) * tf.gather(W, user_idx), axis=1)",
            partial(_cost_observed, outer=True)),
    Mistake("you averaged instead of summing: tf.reduce_mean divides by the number of ratings "
            "N = {N}; J adds the squared errors up with tf.reduce_sum", partial(_cost_observed, mean=True)),
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


def _both_fallbacks(message: str, colds: tuple[str, ...] = ("global", "formula"), **knobs) -> list[Mistake]:
    """The same mistake with an unrated movie given the global mean (or the learner's prior), or
    left to the formula (``k * prior / k`` = the prior for k > 0)."""
    return [Mistake(message, partial(_shrunk_means, cold=cold, **knobs)) for cold in colds]


def _has_nan(t: Trial) -> bool:
    return bool(np.isnan(np.asarray(t.got, dtype=float)).any())


SHRUNK_MOVIE_MEANS = [
    Mistake(lambda t: f"return one mean per movie as a flat array, shape (n_movies,) = "
                      f"({t.case.fields['n_movies']},); yours has shape {np.shape(t.got)}: use np.ravel "
                      "or [:, 0] for a column",
            when=lambda t: np.shape(t.got) == (t.case.fields["n_movies"], 1)),
    Mistake(lambda t: f"return one mean for each of the n_movies = {t.case.fields['n_movies']} movies, "
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
