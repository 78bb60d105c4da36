"""Synthetic ratings at any size, in MovieLens layout, with a planted model and a known noise floor.

Every rating is drawn from the model the series trains, plus noise:

.. math::

    y^{(i,j)} = \\mu + b^{(j)} + c^{(i)} + w^{(j)} \\cdot x^{(i)} + \\varepsilon,
    \\qquad \\varepsilon \\sim \\mathcal{N}(0, \\sigma^2),

then clipped to MovieLens' 0.5–5 and (by default) rounded to half stars. Because the true
parameters are known, so is the best RMSE any model can reach: the *noise floor*, the RMSE of
the planted expected rating :math:`m^{(i,j)}` against the ratings. A trained model's test RMSE
is read against it ("how close did we get?").

Which (movie, user) pairs are rated is not uniform: movies are drawn with Zipf-like weights
:math:`p_i \\propto (r_i + r_0)^{-a}` (rank :math:`r_i`, a few blockbusters and a long tail),
users likewise (a few very active users), without repeats. Timestamps are spread over each
user's own active period. Everything is vectorized NumPy and seeded: ``10**7`` ratings take
seconds, ``2.5 * 10**7`` (MovieLens 25M's size) well under a minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .validation import check_int

__all__ = ["SyntheticRatings", "movielens_25m_shape", "synthetic_ratings", "train_test_indices"]

# MovieLens 25M (Harper & Konstan 2015; the 2019 release): 162,541 users x 62,423 movies.
ML25M_USERS, ML25M_MOVIES, ML25M_RATINGS = 162_541, 62_423, 25_000_095
_T0, _T1 = 789_652_009, 1_574_327_703  # MovieLens 25M's first and last timestamp (1995 - 2019)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SyntheticRatings:
    """Ratings and the parameters that generated them.

    Attributes
    ----------
    item_idx, user_idx : ndarray of int32, shape (n_ratings,)
        0-based movie (row of ``X``) and user (row of ``W``) of each rating, sorted by user,
        then movie (as MovieLens' ``ratings.csv``).
    rating : ndarray of float32, shape (n_ratings,)
    timestamp : ndarray of int64, shape (n_ratings,)
        Seconds since 1970, inside MovieLens 25M's 1995–2019.
    expected : ndarray of float32, shape (n_ratings,)
        The planted :math:`m^{(i,j)} = \\mu + b^{(j)} + c^{(i)} + w^{(j)} \\cdot x^{(i)}`.
    X : ndarray, shape (n_movies, n_factors)
    W : ndarray, shape (n_users, n_factors)
    b : ndarray, shape (1, n_users)
    c : ndarray, shape (n_movies, 1)
    mu : float
    noise : float
        The standard deviation :math:`\\sigma` of :math:`\\varepsilon`.
    """

    item_idx: np.ndarray
    user_idx: np.ndarray
    rating: np.ndarray
    timestamp: np.ndarray
    expected: np.ndarray
    X: np.ndarray
    W: np.ndarray
    b: np.ndarray
    c: np.ndarray
    mu: float
    noise: float
    half_stars: bool

    @property
    def n_ratings(self) -> int:
        return int(self.rating.shape[0])

    @property
    def n_movies(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_users(self) -> int:
        return int(self.W.shape[0])

    def noise_floor(self, idx: Any = None) -> float:
        """RMSE of the planted expected rating against the ratings (all, or those at ``idx``).

        The best a model can do on these ratings in expectation. Without clipping it is
        :math:`\\sigma`; rounding to half stars adds a uniform error of width 0.5, variance
        :math:`0.5^2/12`, so it is about :math:`\\sqrt{\\sigma^2 + 0.5^2/12}`.
        """
        sl = slice(None) if idx is None else np.asarray(idx)
        d = self.rating[sl].astype(np.float64) - self.expected[sl]
        return float(np.sqrt(np.mean(d * d)))

    def frame(self):
        """The ratings as a pandas DataFrame in MovieLens layout.

        Columns ``userId``, ``movieId`` (both 1-based), ``rating``, ``timestamp``.
        """
        import pandas as pd

        return pd.DataFrame(
            {
                "userId": self.user_idx + 1,
                "movieId": self.item_idx + 1,
                "rating": self.rating,
                "timestamp": self.timestamp,
            }
        )


def movielens_25m_shape(n_ratings: int) -> tuple[int, int]:
    """``(n_users, n_movies)`` with MovieLens 25M's density and aspect for ``n_ratings`` ratings.

    Both scale with :math:`\\sqrt{n_{ratings} / 25{,}000{,}095}`, so the fraction of cells rated
    stays 0.25 % at every size; ``25_000_095`` gives exactly 162,541 x 62,423.
    """
    check_int("n_ratings", n_ratings)
    s = np.sqrt(n_ratings / ML25M_RATINGS)
    return max(2, int(round(ML25M_USERS * s))), max(2, int(round(ML25M_MOVIES * s)))


def _zipf_weights(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Probabilities ``∝ (rank + r0)^-exponent`` in random order (ids do not follow popularity)."""
    r0 = 1.0 + n / 200.0  # flattens the head so the top item is not rated by everyone
    w = (np.arange(n) + r0) ** -exponent
    return rng.permutation(w / w.sum())


def synthetic_ratings(
    n_users: int,
    n_movies: int,
    n_ratings: int,
    *,
    n_factors: int = 8,
    noise: float = 0.5,
    popularity_exponent: float = 1.0,
    half_stars: bool = True,
    seed: int = 0,
) -> SyntheticRatings:
    """Draw ``n_ratings`` distinct (movie, user) ratings from a planted low-rank model.

    Parameters
    ----------
    n_users, n_movies, n_ratings : int
        Sizes; at most half of the ``n_users * n_movies`` cells may be rated.
    n_factors : int
        Rank of the planted :math:`w^{(j)} \\cdot x^{(i)}` term.
    noise : float
        Standard deviation :math:`\\sigma` of the noise (>= 0).
    popularity_exponent : float
        Zipf exponent :math:`a` of movie and user popularity (0: uniform).
    half_stars : bool
        Round ratings to 0.5, 1, ..., 5 as MovieLens does (they are clipped to 0.5–5 either way).
    seed : int

    Returns
    -------
    SyntheticRatings

    Notes
    -----
    :math:`\\mu = 3.5`, :math:`b^{(j)} \\sim \\mathcal{N}(0, 0.35^2)`,
    :math:`c^{(i)} \\sim \\mathcal{N}(0, 0.45^2)`, and the entries of :math:`x^{(i)}`,
    :math:`w^{(j)}` have variance :math:`0.45/\\sqrt{n_{factors}}`, so the interaction
    :math:`w \\cdot x` has standard deviation 0.45 whatever the rank: the signal's standard
    deviation is :math:`\\sqrt{0.35^2 + 0.45^2 + 0.45^2} = 0.73`, the noise's 0.5 (MovieLens'
    ratings have a standard deviation of about 1). Clipping touches a few per cent of the ratings.
    A model with ``n_features >= n_factors`` and a movie bias
    (``item_bias=True``) can represent :math:`m` exactly (:math:`\\mu` goes into the biases).

    Examples
    --------
    >>> data = synthetic_ratings(50, 40, 300, seed=1)
    >>> data.n_ratings, data.rating.min() >= 0.5, data.rating.max() <= 5.0
    (300, True, True)
    """
    n_users, n_movies, n_ratings = (
        check_int(k, v)
        for k, v in (("n_users", n_users), ("n_movies", n_movies), ("n_ratings", n_ratings))
    )
    n_factors = check_int("n_factors", n_factors)
    for name, v in (("noise", noise), ("popularity_exponent", popularity_exponent)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a number, got {type(v).__name__}")
        if not np.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
    cells = n_users * n_movies
    if n_ratings > cells // 2:
        raise ValueError(
            f"n_ratings={n_ratings:,} is more than half of the n_users x n_movies = {cells:,} "
            "cells; ask for fewer ratings or more users/movies"
        )
    rng = np.random.default_rng(seed)
    p_movie = _zipf_weights(n_movies, popularity_exponent, rng)
    p_user = _zipf_weights(n_users, popularity_exponent, rng)
    # Distinct pairs: draw, drop repeats, draw the shortfall again (a few rounds at most).
    keys = np.empty(0, dtype=np.int64)
    for _ in range(50):
        need = n_ratings - keys.size
        if need == 0:
            break
        draw = int(need * 1.1) + 16
        new = rng.choice(n_users, draw, p=p_user).astype(np.int64) * n_movies + rng.choice(
            n_movies, draw, p=p_movie
        )
        keys = np.sort(np.concatenate([keys, new]))
        keys = keys[
            np.concatenate(([True], keys[1:] != keys[:-1]))
        ]  # sort-based: NumPy's hash unique is slower
        if keys.size > n_ratings:  # drop a random excess: exactly n_ratings, still sorted
            keys = np.delete(keys, rng.choice(keys.size, keys.size - n_ratings, replace=False))
    else:  # pragma: no cover - only if the popularity weights are absurdly steep
        raise ValueError(f"could not draw {n_ratings:,} distinct pairs; lower popularity_exponent")
    user_idx = (keys // n_movies).astype(np.int32)
    item_idx = (keys % n_movies).astype(np.int32)
    del keys

    mu = 3.5
    scale = np.sqrt(0.45) * n_factors**-0.25  # w . x sums n_factors products of variance scale^4
    X = rng.normal(0.0, scale, (n_movies, n_factors))
    W = rng.normal(0.0, scale, (n_users, n_factors))
    b = rng.normal(0.0, 0.35, (1, n_users))
    c = rng.normal(0.0, 0.45, (n_movies, 1))
    expected = np.empty(n_ratings, dtype=np.float32)
    rating = np.empty(n_ratings, dtype=np.float32)
    for s in range(0, n_ratings, _CHUNK):  # chunks: X[i] for 10^7 ratings would be GBs
        i, j = item_idx[s : s + _CHUNK], user_idx[s : s + _CHUNK]
        m = mu + b[0, j] + c[i, 0] + np.einsum("tk,tk->t", X[i], W[j])
        y = m + rng.normal(0.0, noise, m.shape)
        if half_stars:
            y = np.round(y * 2) / 2
        expected[s : s + _CHUNK] = m
        rating[s : s + _CHUNK] = np.clip(y, 0.5, 5.0)

    # Each user is active over their own stretch of the 24 years; ratings fall inside it.
    start = rng.uniform(_T0, _T1, n_users)
    length = np.minimum(rng.exponential(2 * 365 * 86400, n_users), _T1 - start)
    timestamp = (start[user_idx] + rng.random(n_ratings) * length[user_idx]).astype(np.int64)
    return SyntheticRatings(
        item_idx,
        user_idx,
        rating,
        timestamp,
        expected,
        X,
        W,
        b,
        c,
        mu,
        float(noise),
        bool(half_stars),
    )


def train_test_indices(
    n_ratings: int, test_fraction: float = 0.1, *, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random split of ``range(n_ratings)``: ``(train, test)`` index arrays, sorted."""
    check_int("n_ratings", n_ratings)
    if not (isinstance(test_fraction, (int, float)) and 0 < test_fraction < 1):
        raise ValueError(f"test_fraction must be a number in (0, 1), got {test_fraction!r}")
    perm = np.random.default_rng(seed).permutation(n_ratings)
    n_test = max(1, int(round(n_ratings * test_fraction)))
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])
