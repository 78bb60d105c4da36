"""Movie features for training pairs without the pair's own rating (leave-one-out).

Lecture: "Examples of user and item features" (a movie's average rating as a feature).

A movie's ``mean_rating`` and ``log_n_ratings`` from
:func:`recsys_utils.features.item_features` are computed from all its training ratings, so
each training rating is part of its own input. :func:`training_item_features` rebuilds those
two columns for each training pair as if that rating had not been given, and can mask a share
of pairs to look like a movie nobody rated. Also importable from :mod:`recsys_utils.features`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._feature_table import FeatureTable, _check_strength
from .validation import as_matrix

__all__ = ["training_item_features"]


def training_item_features(
    items: FeatureTable,
    item_idx: Any,
    y: Any,
    *,
    strength: float = 5.0,
    cold_fraction: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Movie features for each **training pair**, without the pair's own rating (leave-one-out).

    :func:`~recsys_utils.features.item_features` computes a movie's ``mean_rating`` and
    ``log_n_ratings`` from all its training ratings, so when the network is trained on pair
    (i, j) the target :math:`y^{(i,j)}` is inside its own input — a movie rated once shows the
    network its answer. At test time the rating is never in the features. This function
    rebuilds the two columns for each pair as if that one rating had not been given, and
    optionally *masks* a random share of pairs to what a movie without any rating looks like
    (count 0, the global mean), so that the network also learns the cold case it will be
    judged on.

    Parameters
    ----------
    items : FeatureTable
        From :func:`recsys_utils.features.item_features` on the training ratings (same
        ``strength``).
    item_idx : int array, shape (n_pairs,)
        Rows of ``items`` of the training ratings — exactly the ratings ``items`` was built from.
    y : array, shape (n_pairs,)
        Those ratings.
    strength : float
        The shrinkage ``items`` was built with.
    cold_fraction : float in [0, 1)
        Share of pairs (drawn with ``seed``) given the features of a movie nobody rated.
    seed : int

    Returns
    -------
    X : ndarray, shape (n_pairs, n_features)
        Row ``t``: ``items.X[item_idx[t]]`` with ``log_n_ratings`` and ``mean_rating`` replaced.
    cold : ndarray of bool, shape (n_pairs,)
        Which pairs were masked.

    Notes
    -----
    With :math:`n_i`, :math:`S_i` the movie's count and sum of training ratings and
    :math:`\\bar y` the global mean, pair :math:`(i, j)` gets

    .. math:: n_i - 1 \\quad\\text{and}\\quad \\frac{S_i - y^{(i,j)} + a\\,\\bar y}{n_i - 1 + a},

    and a masked pair gets :math:`0` and :math:`\\bar y`.

    Examples
    --------
    >>> import pandas as pd
    >>> from recsys_utils.features import item_features
    >>> movies = pd.DataFrame(
    ...     {"movieId": [1, 2], "title": ["A (2000)", "B (2001)"], "genres": ["Drama", "Comedy"]}
    ... )
    >>> ratings = pd.DataFrame(
    ...     {"userId": [1, 2, 1], "movieId": [1, 1, 2], "rating": [5.0, 3.0, 1.0]}
    ... )
    >>> items = item_features(movies, ratings, strength=0.0)
    >>> X, cold = training_item_features(items, [0, 0, 1], [5.0, 3.0, 1.0], strength=0.0)
    >>> # movie 1 without the 5 -> 3, without the 3 -> 5; movie 2 alone -> global mean 3
    >>> X[:, 2].tolist()
    [3.0, 5.0, 3.0]
    """
    if not isinstance(items, FeatureTable):
        raise TypeError(
            f"items must be a FeatureTable from item_features, got {type(items).__name__}"
        )
    strength = _check_strength(strength)
    idx = np.asarray(item_idx)
    if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(
            f"item_idx must be a 1-D int array, got dtype {idx.dtype} shape {idx.shape}"
        )
    if idx.size == 0 or idx.min() < 0 or idx.max() >= len(items.X):
        raise ValueError(
            f"item_idx must hold rows of items (0 to {len(items.X) - 1}), got "
            f"{'nothing' if idx.size == 0 else f'{idx.min()} to {idx.max()}'}"
        )
    y = as_matrix("y", y, ndim=1)
    if y.shape != idx.shape:
        raise ValueError(
            f"y has shape {y.shape} but item_idx has shape {idx.shape}; one rating per pair"
        )
    if (
        isinstance(cold_fraction, bool)
        or not isinstance(cold_fraction, (int, float))
        or not 0 <= cold_fraction < 1
    ):
        raise ValueError(f"cold_fraction must be a number in [0, 1), got {cold_fraction!r}")
    counts = np.bincount(idx, minlength=len(items.X)).astype(np.float64)
    if not np.allclose(np.expm1(items.column("log_n_ratings")), counts):
        raise ValueError(
            "items was not built from these ratings: its log_n_ratings do not match the counts "
            "of item_idx; pass the training ratings items was built from"
        )
    sums = np.bincount(idx, weights=y, minlength=len(items.X))
    global_mean = float(y.mean())
    n_out = counts[idx] - 1
    mean_out = (sums[idx] - y + strength * global_mean) / np.maximum(n_out + strength, 1e-12)
    mean_out = np.where(n_out + strength > 0, mean_out, global_mean)
    cold = np.zeros(idx.size, dtype=bool)
    if cold_fraction > 0:
        cold[np.random.default_rng(seed).random(idx.size) < cold_fraction] = True
    X = items.X[idx].copy()
    X[:, items.names.index("log_n_ratings")] = np.where(cold, 0.0, np.log1p(n_out))
    X[:, items.names.index("mean_rating")] = np.where(cold, global_mean, mean_out)
    return X, cold
