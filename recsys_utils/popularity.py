"""Popularity baselines: what a recommender must beat before it earns its keep.

Two non-personalized scores per movie, computed from observed ratings or labels given as
triples (``item_idx``, ``y``; see ``docs/notation.md``):

* :func:`item_popularity` — how many times a movie was rated (or, with labels, liked);
  ranking by it recommends the same crowd favourites to everyone;
* :func:`smoothed_item_mean` — a movie's mean rating (or like rate) shrunk towards the
  global mean, so a movie with one rating of 5 does not outrank one with 300 ratings
  averaging 4.5. With 0/1 labels it is a probability, usable as a log-loss baseline.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import as_matrix, check_indices, check_number

__all__ = ["item_popularity", "smoothed_item_mean"]


def _check(
    item_idx: Any, n_movies: int, y: Any = None, *, allow_empty: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    n_movies = check_number(n_movies, "n_movies", integer=True, low=1)
    if np.size(item_idx) == 0 and not allow_empty:
        raise ValueError(
            "item_idx must be a non-empty 1-D array of movie indices, got an empty one"
        )
    idx = check_indices(item_idx, "item_idx", n_movies, into="the movies (n_movies)")
    if y is None:
        return idx, None
    y = as_matrix("y", y, ndim=1, allow_empty=allow_empty)
    if y.shape != idx.shape:
        raise ValueError(
            f"y has shape {y.shape} but item_idx has shape {idx.shape}; they must match"
        )
    return idx, y


def item_popularity(item_idx: Any, n_movies: int, y: Any = None) -> np.ndarray:
    """Number of ratings per movie, or the sum of ``y`` per movie (e.g. number of likes).

    Parameters
    ----------
    item_idx : array_like of int, shape (n_ratings,)
        Movie index of each observed rating.
    n_movies : int
    y : array_like, shape (n_ratings,), optional
        Weights, e.g. 0/1 engagement labels: then the result counts the 1s ("most liked").

    Returns
    -------
    ndarray, shape (n_movies,), float64
        0 for a movie nobody rated.

    Notes
    -----
    :math:`\\mathrm{pop}_i = \\sum_{j: r(i,j)=1} 1` (or :math:`\\sum_{j: r(i,j)=1} y^{(i,j)}`).

    Examples
    --------
    >>> item_popularity([0, 2, 2, 2], 4)
    array([1., 0., 3., 0.])
    >>> item_popularity([0, 2, 2, 2], 4, y=[1, 0, 1, 1])
    array([1., 0., 2., 0.])
    """
    idx, y = _check(item_idx, n_movies, y)
    return np.bincount(idx, weights=y, minlength=n_movies).astype(np.float64)


def smoothed_item_mean(
    item_idx: Any, y: Any, n_movies: int, *, strength: float = 5.0, prior: float | None = None
) -> np.ndarray:
    """Each movie's mean of ``y``, shrunk towards ``prior`` as if it had ``strength`` extra ratings.

    Parameters
    ----------
    item_idx : array_like of int, shape (n_ratings,)
    y : array_like, shape (n_ratings,)
        Ratings, or 0/1 labels (the result is then a like rate in (0, 1)).
    n_movies : int
    strength : float, default 5.0
        How many pseudo-ratings at ``prior`` each movie starts with; 0 gives the raw mean
        (and the prior for a movie with no ratings).
    prior : float, optional
        Default: the global mean of ``y``. With a ``prior``, ``item_idx`` and ``y`` may be
        empty (then every movie gets the prior).

    Returns
    -------
    ndarray, shape (n_movies,)

    Notes
    -----
    .. math:: \\tilde\\mu_i = \\frac{\\sum_{j: r(i,j)=1} y^{(i,j)} + a\\, p}{n_i + a}

    with :math:`n_i` the movie's number of ratings, :math:`a` = ``strength`` and :math:`p`
    = ``prior``. A movie with no ratings gets exactly :math:`p` — the same fallback as
    mean normalization's global mean. This is the one shrunk mean of the package:
    :func:`recsys_utils.baselines.movie_mean_baseline` (``shrinkage`` = :math:`a`, :math:`p`
    the global mean) and :func:`recsys_utils.cold_start.shrunk_mean` (one new movie) call it.

    Examples
    --------
    Movie 0 has one 5, movie 1 has 3, 4, 5; the global mean is 17/4 = 4.25. With strength 1:
    movie 0 -> (5 + 4.25) / 2 = 4.625, movie 1 -> (12 + 4.25) / 4 = 4.0625, movie 2 -> 4.25.

    >>> smoothed_item_mean([0, 1, 1, 1], [5, 3, 4, 5], 3, strength=1.0)
    array([4.625 , 4.0625, 4.25  ])
    """
    idx, y = _check(item_idx, n_movies, y, allow_empty=prior is not None)
    strength = check_number(strength, "strength", low=0)  # pretend ratings at the prior
    p = float(y.mean()) if prior is None else check_number(prior, "prior")
    counts = np.bincount(idx, minlength=n_movies).astype(np.float64)
    sums = np.bincount(idx, weights=y, minlength=n_movies)
    num, den = sums + strength * p, counts + strength
    return np.divide(num, den, out=np.full(n_movies, p), where=counts > 0)  # unrated: exactly p
