"""Mean normalization (lecture: "Mean normalization").

Subtract each movie's mean rating — over the users who rated it, never over the unrated
cells — before learning, and add it back when predicting:
:math:`w^{(j)} \\cdot x^{(i)} + b^{(j)} + \\mu_i`. A user who has rated nothing (the
lecture's Eve) then gets :math:`\\mu_i` instead of 0 for every movie.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import as_matrix, check_ratings_R

__all__ = ["mean_ratings_loop", "normalize_ratings", "denormalize"]


def mean_ratings_loop(Y: Any, R: Any) -> np.ndarray:
    """Each movie's mean rating over its rated entries, with a loop (the reference).

    Returns ``mu`` of shape ``(n_movies, 1)``; see :func:`normalize_ratings` for the
    fallback used for a movie nobody rated.
    """
    Y, R = check_ratings_R(Y, R)
    if R.sum() == 0:
        raise ValueError("R has no rated entry at all, so no mean can be computed")
    rated = [Y[i, j] for i in range(Y.shape[0]) for j in range(Y.shape[1]) if R[i, j]]
    global_mean = sum(rated) / R.sum()
    mu = np.zeros((Y.shape[0], 1))
    for i in range(Y.shape[0]):
        ratings = [Y[i, j] for j in range(Y.shape[1]) if R[i, j] == 1]
        mu[i, 0] = sum(ratings) / len(ratings) if ratings else global_mean
    return mu


def normalize_ratings(Y: Any, R: Any) -> tuple[np.ndarray, np.ndarray]:
    """Subtract each movie's mean rating over the users who rated it.

    Parameters
    ----------
    Y : array_like, shape (n_movies, n_users)
    R : array_like, shape (n_movies, n_users)

    Returns
    -------
    Ynorm : ndarray, shape (n_movies, n_users)
        ``(Y - mu) * R``: the normalized ratings, 0 where unrated.
    mu : ndarray, shape (n_movies, 1)
        :math:`\\mu_i = \\frac{1}{\\sum_j r(i,j)} \\sum_{j:r(i,j)=1} y^{(i,j)}`.

    Notes
    -----
    A movie that nobody rated has no mean: ``0/0``. Rather than return NaN (which would
    poison every later sum) or 0 (a rating nobody gave), such a movie gets the **global
    mean** of all rated entries — the best constant guess when we know nothing about
    the movie. With no rated entry anywhere there is nothing to fall back on: ``ValueError``.

    Examples
    --------
    The lecture's 5 x 5 matrix with Eve gives ``mu = [2.5, 2.5, 2, 2.25, 1.25]``.
    """
    Y, R = check_ratings_R(Y, R)
    counts = R.sum(axis=1, keepdims=True)
    if counts.sum() == 0:
        raise ValueError("R has no rated entry at all, so no mean can be computed")
    sums = (Y * R).sum(axis=1, keepdims=True)
    global_mean = sums.sum() / counts.sum()
    mu = np.divide(sums, counts, out=np.full_like(sums, global_mean), where=counts > 0)
    return (Y - mu) * R, mu


def denormalize(predictions: Any, mu: Any) -> np.ndarray:
    """Add the movie means back: ``predictions + mu``.

    Parameters
    ----------
    predictions : array_like, shape (n_movies, n_users)
        :math:`w^{(j)} \\cdot x^{(i)} + b^{(j)}` learned on normalized ratings.
    mu : array_like, shape (n_movies, 1)
    """
    P = as_matrix("predictions", predictions)
    mu = as_matrix("mu", mu)
    if mu.shape != (P.shape[0], 1):
        raise ValueError(
            f"mu has shape {mu.shape} but predictions has shape {P.shape}; "
            f"mu must be (n_movies, 1) = ({P.shape[0]}, 1)"
        )
    return P + mu
