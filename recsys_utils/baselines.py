"""Baselines every rating model must beat: global mean, movie mean, biases only.

A collaborative-filtering model is only worth its features if it predicts held-out ratings
better than these simple rules, fitted on the same training ratings:

* :func:`global_mean_baseline` — every rating is the mean of all training ratings;
* :func:`movie_mean_baseline` — each movie's mean rating (optionally shrunk towards the global
  mean, so a movie rated once is not trusted blindly); the lecture's mean normalization
  predicts exactly this for a user like Eve;
* :func:`biases_baseline` — global mean + a user bias + a movie bias, fitted by regularized
  alternating least squares in NumPy (no features at all).

All three take the observed ratings as triples (``item_idx``, ``user_idx``, ``y``; see
``docs/notation.md``) and return an object with ``.predict(item_idx, user_idx)``. A movie
without training ratings (a *cold* movie) falls back to the global mean (plus the user's
bias, for the biases baseline).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .popularity import smoothed_item_mean
from .validation import check_indices, check_lambda, check_number, check_triples

__all__ = [
    "GlobalMeanBaseline",
    "MovieMeanBaseline",
    "BiasesBaseline",
    "global_mean_baseline",
    "movie_mean_baseline",
    "biases_baseline",
]


def _check_pairs(
    item_idx: Any, user_idx: Any, n_movies: int, n_users: int
) -> tuple[np.ndarray, np.ndarray]:
    """Validate the (movie, user) index pairs to predict for; return them as int arrays."""
    item_idx = check_indices(item_idx, "item_idx", n_movies, into="the movies (n_movies)")
    user_idx = check_indices(user_idx, "user_idx", n_users, into="the users (n_users)")
    if item_idx.shape != user_idx.shape:
        raise ValueError(
            f"item_idx has shape {item_idx.shape} but user_idx has shape "
            f"{user_idx.shape}; "
            "one entry per (movie, user) pair"
        )
    return item_idx, user_idx


def _check_training(item_idx: Any, user_idx: Any, y: Any, n_movies: int, n_users: int):
    """Validate training triples: sizes, indices in range, one rating per pair, at least one."""
    n_movies = check_number(n_movies, "n_movies", integer=True, low=1)
    n_users = check_number(n_users, "n_users", integer=True, low=1)
    if np.size(y) == 0:
        raise ValueError("y is empty: a baseline needs at least one training rating")
    return check_triples(item_idx, user_idx, y, n_movies, n_users)


@dataclass(frozen=True)
class GlobalMeanBaseline:
    """Predict the mean training rating for every (movie, user) pair.

    Attributes
    ----------
    global_mean : float
    n_movies, n_users : int
    """

    global_mean: float
    n_movies: int
    n_users: int

    def predict(self, item_idx: Any, user_idx: Any) -> np.ndarray:
        """Predictions, shape ``(n_pairs,)``: ``global_mean`` for every pair."""
        item_idx, _ = _check_pairs(item_idx, user_idx, self.n_movies, self.n_users)
        return np.full(item_idx.shape, self.global_mean)


@dataclass(frozen=True)
class MovieMeanBaseline:
    """Predict each movie's (shrunk) mean rating, whoever the user is.

    Attributes
    ----------
    mu : ndarray, shape (n_movies, 1)
        The movie means; the global mean for a movie without training ratings.
    counts : ndarray of int, shape (n_movies,)
        Training ratings per movie (0 marks a cold movie).
    global_mean : float
    shrinkage : float
    n_users : int
    """

    mu: np.ndarray
    counts: np.ndarray
    global_mean: float
    shrinkage: float
    n_users: int

    def predict(self, item_idx: Any, user_idx: Any) -> np.ndarray:
        """Predictions ``mu[item_idx, 0]``, shape ``(n_pairs,)``."""
        item_idx, _ = _check_pairs(item_idx, user_idx, self.mu.shape[0], self.n_users)
        return self.mu[item_idx, 0]


@dataclass(frozen=True)
class BiasesBaseline:
    """Predict ``global_mean + b[0, j] + c[i, 0]``: no features, only who and what.

    Attributes
    ----------
    global_mean : float
    b : ndarray, shape (1, n_users)
        User biases (how much more generous than average each user is).
    c : ndarray, shape (n_movies, 1)
        Movie biases (how much better than average each movie is rated); 0 for a cold movie.
    lambda_ : float
    history : ndarray, shape (n_rounds,)
        The cost :math:`J(b, c)` after each round (it never increases).
    """

    global_mean: float
    b: np.ndarray
    c: np.ndarray
    lambda_: float
    history: np.ndarray

    def predict(self, item_idx: Any, user_idx: Any) -> np.ndarray:
        """Predictions, shape ``(n_pairs,)``."""
        item_idx, user_idx = _check_pairs(item_idx, user_idx, self.c.shape[0], self.b.shape[1])
        return self.global_mean + self.b[0, user_idx] + self.c[item_idx, 0]


def global_mean_baseline(
    item_idx: Any, user_idx: Any, y: Any, n_movies: int, n_users: int
) -> GlobalMeanBaseline:
    """Fit the global-mean baseline :math:`\\hat y^{(i,j)} = \\bar y`.

    Parameters
    ----------
    item_idx, user_idx : array_like of int, shape (n_ratings,)
        Movie (row) and user (column) index of each training rating.
    y : array_like, shape (n_ratings,)
        The training ratings.
    n_movies, n_users : int
        Sizes of the rating table (indices must lie below them).

    Returns
    -------
    GlobalMeanBaseline

    Notes
    -----
    :math:`\\bar y = \\frac{1}{N} \\sum_t y_t`, the constant with the smallest squared error
    on the training ratings.

    Examples
    --------
    >>> global_mean_baseline([0, 0, 1], [0, 1, 0], [5.0, 3.0, 1.0], 3, 2).predict([2], [1])
    array([3.])
    """
    item_idx, user_idx, y = _check_training(item_idx, user_idx, y, n_movies, n_users)
    return GlobalMeanBaseline(float(y.mean()), int(n_movies), int(n_users))


def movie_mean_baseline(
    item_idx: Any, user_idx: Any, y: Any, n_movies: int, n_users: int, *, shrinkage: float = 0.0
) -> MovieMeanBaseline:
    """Fit the movie-mean baseline, optionally shrunk towards the global mean.

    Parameters
    ----------
    item_idx, user_idx, y, n_movies, n_users
        As in :func:`global_mean_baseline`.
    shrinkage : float, default 0
        :math:`k \\ge 0`, worth ``k`` pretend ratings at the global mean. 0 gives the plain
        movie mean of the lecture's mean normalization.

    Returns
    -------
    MovieMeanBaseline

    Notes
    -----
    With :math:`n_i` training ratings of movie :math:`i`,

    .. math:: \\mu_i = \\frac{\\sum_{j:r(i,j)=1} y^{(i,j)} + k \\bar y}{n_i + k}

    and :math:`\\mu_i = \\bar y` when :math:`n_i = 0` (a cold movie), as in
    :func:`~recsys_utils.normalization.normalize_ratings`. The means are
    :func:`~recsys_utils.popularity.smoothed_item_mean` with ``strength=shrinkage`` and
    ``prior`` :math:`\\bar y`.

    Examples
    --------
    Movie 0 rated 5 and 3, movie 1 rated 1, movie 2 never (global mean 3):

    >>> m = movie_mean_baseline([0, 0, 1], [0, 1, 0], [5.0, 3.0, 1.0], 3, 2)
    >>> m.mu[:, 0]
    array([4., 1., 3.])
    >>> movie_mean_baseline([0, 0, 1], [0, 1, 0], [5.0, 3.0, 1.0], 3, 2, shrinkage=1).mu[:, 0]
    array([3.66666667, 2.        , 3.        ])
    """
    item_idx, user_idx, y = _check_training(item_idx, user_idx, y, n_movies, n_users)
    k = check_number(shrinkage, "shrinkage", low=0)  # pretend ratings at the global mean
    gm = float(y.mean())
    counts = np.bincount(item_idx, minlength=n_movies)
    mu = smoothed_item_mean(item_idx, y, n_movies, strength=k, prior=gm)
    return MovieMeanBaseline(mu[:, None], counts, gm, float(k), int(n_users))


def _biases_cost(item_idx, user_idx, y, gm, b, c, lam) -> float:
    err = gm + b[user_idx] + c[item_idx] - y
    return float(0.5 * np.sum(err**2) + 0.5 * lam * (np.sum(b**2) + np.sum(c**2)))


def biases_baseline(
    item_idx: Any,
    user_idx: Any,
    y: Any,
    n_movies: int,
    n_users: int,
    *,
    lambda_: float = 3.0,
    n_rounds: int = 10,
) -> BiasesBaseline:
    """Fit user and movie biases by regularized alternating least squares.

    Parameters
    ----------
    item_idx, user_idx, y, n_movies, n_users
        As in :func:`global_mean_baseline`.
    lambda_ : float, default 3
        L2 penalty on the biases (choose it on a validation split).
    n_rounds : int, default 10
        Rounds of (all movie biases, then all user biases).

    Returns
    -------
    BiasesBaseline

    Notes
    -----
    Prediction :math:`\\hat y^{(i,j)} = \\bar y + b^{(j)} + c^{(i)}` with the global mean
    :math:`\\bar y` held fixed. The cost

    .. math:: J(b, c) = \\frac12 \\sum_{(i,j):r(i,j)=1} (\\bar y + b^{(j)} + c^{(i)} - y^{(i,j)})^2
              + \\frac{\\lambda}{2} \\Big(\\sum_j (b^{(j)})^2 + \\sum_i (c^{(i)})^2\\Big)

    is minimized exactly in the movie biases with the user biases fixed, and vice versa:

    .. math:: c^{(i)} \\leftarrow
              \\frac{\\sum_{j:r(i,j)=1} (y^{(i,j)} - \\bar y - b^{(j)})}{\\lambda + n_i},
              \\qquad
              b^{(j)} \\leftarrow
              \\frac{\\sum_{i:r(i,j)=1} (y^{(i,j)} - \\bar y - c^{(i)})}{\\lambda + m^{(j)}}

    starting from :math:`b = 0` (the first movie step gives the movie means shrunk with
    ``shrinkage=lambda_``). Each step can only lower :math:`J`, which is convex, so the
    rounds converge to its minimum; a movie or user without ratings keeps bias 0.

    Examples
    --------
    One round with :math:`\\lambda = 1` on movie 0 rated 5, 3 and movie 1 rated 1 (mean 3):
    :math:`c = [2/3, -1, 0]`, then :math:`b^{(1)} = ((5-3-2/3) + (1-3+1))/3 = 1/9`.

    >>> m = biases_baseline([0, 0, 1], [0, 1, 0], [5.0, 3.0, 1.0], 3, 2, lambda_=1, n_rounds=1)
    >>> m.c[:, 0], m.b[0]
    (array([ 0.66666667, -1.        ,  0.        ]), array([ 0.11111111, -0.33333333]))
    """
    item_idx, user_idx, y = _check_training(item_idx, user_idx, y, n_movies, n_users)
    lam = check_lambda(lambda_)
    check_number(n_rounds, "n_rounds", integer=True, low=1)
    gm = float(y.mean())
    n_i = np.bincount(item_idx, minlength=n_movies)
    m_j = np.bincount(user_idx, minlength=n_users)
    b, c = np.zeros(n_users), np.zeros(n_movies)
    history = []
    for _ in range(n_rounds):
        resid = np.bincount(item_idx, weights=y - gm - b[user_idx], minlength=n_movies)
        c = np.divide(resid, lam + n_i, out=np.zeros(n_movies), where=n_i > 0)
        resid = np.bincount(user_idx, weights=y - gm - c[item_idx], minlength=n_users)
        b = np.divide(resid, lam + m_j, out=np.zeros(n_users), where=m_j > 0)
        history.append(_biases_cost(item_idx, user_idx, y, gm, b, c, lam))
    return BiasesBaseline(gm, b[None, :], c[:, None], lam, np.asarray(history))
