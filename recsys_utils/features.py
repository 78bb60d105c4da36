"""User and movie features for content-based filtering.

Lecture: "Examples of user and item features".

Content-based filtering predicts user *j*'s rating of movie *i* from a feature vector of
the user, :math:`x_u^{(j)}`, and one of the movie, :math:`x_m^{(i)}`. The lecture's examples
are the user's age, gender, country, movies watched and average rating per genre, and the
movie's year, genres, reviews and average rating. MovieLens ml-latest-small has no
demographics (no age, gender or country), so the user features here are built from what
the user *did*:

* :func:`user_features` — number of ratings (log), mean rating, and per genre the user's
  average rating (shrunk towards their own mean) and the share of their ratings in it;
* :func:`item_features` — year (from the title), number of ratings (log), mean rating
  (shrunk towards the global mean) and the one-hot genres.

Counts and means are computed from the ratings you pass in: pass the **training** ratings
only, or the held-out ratings leak into the features. Even then each training rating is part
of its own movie's mean: :func:`training_item_features` gives every training pair the movie's
features *without* that rating (leave-one-out), and can make a share of pairs look cold.
:class:`Standardizer` scales every column to mean 0, standard deviation 1, with statistics
fitted on training rows only.

Every table is a :class:`FeatureTable`: ``X`` of shape ``(n_rows, n_features)``, the column
``names`` and the ``ids`` (``userId`` / ``movieId``) of the rows.

The parts that are concepts of their own live in their own modules and are re-exported here:
:mod:`recsys_utils.movie_metadata` (``parse_year``, ``genre_matrix``),
:mod:`recsys_utils.standardize` (``Standardizer``, ``fit_standardizer``) and
:mod:`recsys_utils.leave_one_out` (``training_item_features``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._feature_table import FeatureTable, _check_strength
from .leave_one_out import training_item_features
from .movie_metadata import genre_matrix, parse_year
from .standardize import Standardizer, fit_standardizer

if TYPE_CHECKING:  # pandas is imported when features are built, not with the package
    import pandas as pd

__all__ = [
    "FeatureTable",
    "Standardizer",
    "parse_year",
    "genre_matrix",
    "item_features",
    "user_features",
    "fit_standardizer",
    "training_item_features",
]


def _triples(ratings: pd.DataFrame, movies: pd.DataFrame, users: Any, scale: Any):
    from .ratings import ratings_to_triples

    if "movieId" not in getattr(movies, "columns", ()):
        raise TypeError(
            "movies must be MovieLens' movies DataFrame (columns movieId, title, genres)"
        )
    return ratings_to_triples(ratings, movies=movies, users=users, scale=scale)


def item_features(
    movies: pd.DataFrame,
    ratings: pd.DataFrame,
    *,
    strength: float = 5.0,
    scale: tuple[float, float] = (0.5, 5.0),
) -> FeatureTable:
    """Movie features :math:`x_m^{(i)}` for every movie in ``movies``, in its row order.

    Parameters
    ----------
    movies : DataFrame, shape (n_movies, >= 3)
        ``movieId``, ``title``, ``genres`` (as from `recsys_utils.load_movielens`).
    ratings : DataFrame
        The **training** ratings (``userId``, ``movieId``, ``rating``); every ``movieId``
        must be in ``movies``.
    strength : float, default 5.0
        The mean rating is shrunk towards the global mean as if each movie had ``strength``
        extra ratings at it (`recsys_utils.popularity.smoothed_item_mean`); a movie without
        ratings gets the global mean.
    scale : (low, high)
        The ratings' scale, checked.

    Returns
    -------
    FeatureTable
        ``X`` of shape ``(n_movies, 3 + n_genres)``; columns ``year``, ``log_n_ratings``,
        ``mean_rating``, then one per genre (``genre=<name>``). A title without a year gets
        the median year of the others.

    Notes
    -----
    .. math:: \\tilde\\mu_i = \\frac{\\sum_{j: r(i,j)=1} y^{(i,j)} + a\\,\\bar y}{n_i + a}, \\qquad
              \\text{log\\_n\\_ratings}_i = \\ln(1 + n_i)

    with :math:`n_i` the movie's number of training ratings and :math:`a` = ``strength``.
    """
    from .popularity import item_popularity, smoothed_item_mean

    strength = _check_strength(strength)
    t = _triples(ratings, movies, None, scale)
    n_movies = len(movies)
    year = parse_year(list(movies["title"]))
    known = np.isfinite(year)
    year[~known] = np.median(year[known]) if known.any() else 0.0
    counts = item_popularity(t.item_idx, n_movies)
    means = smoothed_item_mean(t.item_idx, t.ratings, n_movies, strength=strength)
    G, genres = genre_matrix(list(movies["genres"]))
    X = np.column_stack([year, np.log1p(counts), means, G])
    names = ("year", "log_n_ratings", "mean_rating") + tuple(f"genre={g}" for g in genres)
    return FeatureTable(X, names, np.asarray(movies["movieId"]))


def user_features(
    ratings: pd.DataFrame,
    movies: pd.DataFrame,
    *,
    users: Any = None,
    strength: float = 5.0,
    scale: tuple[float, float] = (0.5, 5.0),
) -> FeatureTable:
    """User features :math:`x_u^{(j)}`, one row per user, from the ratings they gave.

    Parameters
    ----------
    ratings : DataFrame
        The **training** ratings (``userId``, ``movieId``, ``rating``).
    movies : DataFrame
        ``movieId`` and ``genres`` of every rated movie.
    users : 1-D array of userIds, optional
        The rows, in this order; default: the users in ``ratings``, sorted. A user without
        ratings gets the global mean everywhere and zero counts.
    strength : float, default 5.0
        Each per-genre average is shrunk towards the user's own mean as if the user had
        ``strength`` extra ratings in that genre at their mean: a genre rated once says little.
    scale : (low, high)

    Returns
    -------
    FeatureTable
        ``X`` of shape ``(n_users, 2 + 2 n_genres)``: ``log_n_ratings``, ``mean_rating``,
        then ``avg=<genre>`` (average rating per genre) for each genre, then ``share=<genre>``
        (fraction of the user's ratings whose movie lists the genre; a movie with three
        genres counts in all three).

    Notes
    -----
    With :math:`m^{(j)}` the user's number of ratings, :math:`\\bar y^{(j)}` their mean,
    :math:`G` the one-hot genres and :math:`a` = ``strength``:

    .. math:: \\text{avg}_g^{(j)} = \\frac{\\sum_{i: r(i,j)=1} G_{ig}\\, y^{(i,j)}
                                             + a\\,\\bar y^{(j)}}
                                       {\\sum_{i: r(i,j)=1} G_{ig} + a}, \\qquad
              \\text{share}_g^{(j)} = \\frac{1}{m^{(j)}}\\sum_{i: r(i,j)=1} G_{ig}
    """
    strength = _check_strength(strength)
    t = _triples(ratings, movies, users, scale)
    n_users = len(t.user_ids)
    G, genres = genre_matrix(list(movies["genres"]))
    counts = np.bincount(t.user_idx, minlength=n_users).astype(np.float64)
    sums = np.bincount(t.user_idx, weights=t.ratings, minlength=n_users)
    global_mean = float(t.ratings.mean())
    mean = np.divide(sums, counts, out=np.full(n_users, global_mean), where=counts > 0)
    Gr = G[t.item_idx]  # (n_ratings, n_genres): the genres of each rated movie
    g_counts = np.column_stack(
        [np.bincount(t.user_idx, weights=Gr[:, g], minlength=n_users) for g in range(G.shape[1])]
    )
    g_sums = np.column_stack(
        [
            np.bincount(t.user_idx, weights=Gr[:, g] * t.ratings, minlength=n_users)
            for g in range(G.shape[1])
        ]
    )
    den = g_counts + strength
    avg = np.divide(
        g_sums + strength * mean[:, None],
        den,
        out=np.repeat(mean[:, None], G.shape[1], axis=1),
        where=den > 0,
    )
    share = np.divide(
        g_counts, counts[:, None], out=np.zeros_like(g_counts), where=counts[:, None] > 0
    )
    X = np.column_stack([np.log1p(counts), mean, avg, share])
    names = (
        ("log_n_ratings", "mean_rating")
        + tuple(f"avg={g}" for g in genres)
        + tuple(f"share={g}" for g in genres)
    )
    return FeatureTable(X, names, t.user_ids)
