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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .validation import as_matrix

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

_YEAR = re.compile(r"\((\d{4})(?:[-–]\d{0,4})?\)\s*$")


@dataclass(frozen=True, eq=False)
class FeatureTable:
    """A feature matrix with its column names and row ids.

    Attributes
    ----------
    X : ndarray, shape (n_rows, n_features), float64
        Row ``r`` is the feature vector of the user / movie ``ids[r]``.
    names : tuple of str, length n_features
    ids : ndarray, shape (n_rows,)
        ``userId`` or ``movieId`` of each row.
    """

    X: np.ndarray
    names: tuple[str, ...]
    ids: np.ndarray

    def __repr__(self) -> str:
        return (
            f"FeatureTable({self.X.shape[0]:,} rows x {self.X.shape[1]} features: "
            f"{', '.join(self.names[:4])}, ...)"
        )

    def column(self, name: str) -> np.ndarray:
        """The column called ``name``, shape ``(n_rows,)``."""
        if name not in self.names:
            raise KeyError(f"no feature {name!r}; the features are {list(self.names)}")
        return self.X[:, self.names.index(name)]


def parse_year(titles: Sequence[str]) -> np.ndarray:
    """The release year at the end of each MovieLens title, e.g. ``"Toy Story (1995)"`` -> 1995.

    Parameters
    ----------
    titles : sequence of str, length n

    Returns
    -------
    ndarray, shape (n,), float64
        The year, or NaN where the title has none (12 of the 9,742 movies). A range such as
        ``"(2006-2007)"`` gives its first year.

    Examples
    --------
    >>> parse_year(["Toy Story (1995)", "Babylon 5", "Fawlty Towers (1975-1979) "])
    array([1995.,   nan, 1975.])
    """
    if isinstance(titles, str):
        raise TypeError("titles must be a sequence of titles, not one string; wrap it in a list")
    out = np.full(len(titles), np.nan)
    for k, title in enumerate(titles):
        if not isinstance(title, str):
            raise TypeError(f"titles[{k}] must be a string, got {type(title).__name__}")
        m = _YEAR.search(title)
        if m:
            out[k] = float(m.group(1))
    return out


def genre_matrix(
    genres: Sequence[str], names: Sequence[str] | None = None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """One-hot genres: ``G[i, g] = 1`` iff movie ``i`` lists genre ``names[g]``.

    Parameters
    ----------
    genres : sequence of str, length n_movies
        MovieLens' ``|``-separated genres, e.g. ``"Adventure|Animation|Children"``.
    names : sequence of str, optional
        The genres (columns) to use, in this order; genres not in it are ignored. Default:
        every genre seen, sorted (20 for ml-latest-small, counting ``"(no genres listed)"``;
        leave that out of ``names`` and a movie without genres gets an all-zero row).

    Returns
    -------
    G : ndarray, shape (n_movies, n_genres), float64 of 0/1
    names : tuple of str, length n_genres

    Examples
    --------
    >>> G, names = genre_matrix(["Comedy|Romance", "Drama", "Comedy"])
    >>> names, G.tolist()
    (('Comedy', 'Drama', 'Romance'), [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    """
    if isinstance(genres, str):
        raise TypeError("genres must be a sequence with one genre string per movie, not one string")
    lists = []
    for k, g in enumerate(genres):
        if not isinstance(g, str):
            raise TypeError(
                f"genres[{k}] must be a string like 'Comedy|Romance', got {type(g).__name__}"
            )
        lists.append([s for s in g.split("|") if s])
    if not lists:
        raise ValueError("genres is empty; it needs one genre string per movie")
    if names is None:
        names = sorted({s for gs in lists for s in gs})
    names = tuple(names)
    if len(set(names)) != len(names):
        raise ValueError(f"names lists a genre more than once: {list(names)}")
    col = {name: c for c, name in enumerate(names)}
    G = np.zeros((len(lists), len(names)))
    for i, gs in enumerate(lists):
        for s in gs:
            if s in col:
                G[i, col[s]] = 1.0
    return G, names


def _check_strength(strength: Any) -> float:
    if (
        isinstance(strength, bool)
        or not isinstance(strength, (int, float, np.number))
        or not np.isfinite(strength)
        or strength < 0
    ):
        raise ValueError(f"strength must be a finite number >= 0, got {strength!r}")
    return float(strength)


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


@dataclass(frozen=True, eq=False)
class Standardizer:
    """Column-wise ``(X - mean) / std`` with statistics fitted once (on training rows).

    Attributes
    ----------
    mean, std : ndarray, shape (n_features,)
        ``std`` is 1 for a constant column, so it maps to 0 instead of NaN.
    """

    mean: np.ndarray
    std: np.ndarray

    def transform(self, X: Any) -> np.ndarray:
        """Scaled copy of ``X``, shape ``(n_rows, n_features)``, float32 (what Keras trains on)."""
        X = as_matrix("X", X)
        if X.shape[1] != self.mean.shape[0]:
            raise ValueError(
                f"X has {X.shape[1]} columns but the standardizer was fitted on "
                f"{self.mean.shape[0]}; X has shape {X.shape}"
            )
        return ((X - self.mean) / self.std).astype(np.float32)

    def inverse_transform(self, Z: Any) -> np.ndarray:
        """Undo `transform`: ``Z * std + mean``, float64."""
        Z = as_matrix("Z", Z)
        if Z.shape[1] != self.mean.shape[0]:
            raise ValueError(
                f"Z has {Z.shape[1]} columns but the standardizer has {self.mean.shape[0]}"
            )
        return Z * self.std + self.mean


def fit_standardizer(X: Any) -> Standardizer:
    """Fit a `Standardizer` on the rows of ``X`` (pass training rows only).

    Parameters
    ----------
    X : array_like, shape (n_rows, n_features)

    Notes
    -----
    :math:`z_{rk} = (x_{rk} - \\bar x_k) / s_k`, with the column mean :math:`\\bar x_k` and
    population standard deviation :math:`s_k` (1 where :math:`s_k = 0`).

    Examples
    --------
    >>> s = fit_standardizer([[1.0, 5.0], [3.0, 5.0]])
    >>> s.mean, s.std, s.transform([[2.0, 5.0], [5.0, 6.0]]).tolist()
    (array([2., 5.]), array([1., 1.]), [[0.0, 0.0], [3.0, 1.0]])
    """
    X = as_matrix("X", X)
    std = X.std(axis=0)
    return Standardizer(X.mean(axis=0), np.where(std > 0, std, 1.0))


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

    ``item_features`` computes a movie's ``mean_rating`` and ``log_n_ratings`` from all its
    training ratings, so when the network is trained on pair (i, j) the target
    :math:`y^{(i,j)}` is inside its own input — a movie rated once shows the network its
    answer. At test time the rating is never in the features. This function rebuilds the two
    columns for each pair as if that one rating had not been given, and optionally *masks* a
    random share of pairs to what a movie without any rating looks like (count 0, the global
    mean), so that the network also learns the cold case it will be judged on.

    Parameters
    ----------
    items : FeatureTable
        From :func:`item_features` on the training ratings (same ``strength``).
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
