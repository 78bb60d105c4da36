"""The lecture's toy tables: 5 movies, 4 users (Alice, Bob, Carol, Dave), and Eve.

The tables are transcribed cell by cell into small CSV files that ship with the package
(``recsys_utils/tables/*.csv``), so a pip-installed ``recsys_utils`` (e.g. on Colab) has them
and a reader of the repository can check them against the lecture at a glance. In the CSV
files ``?`` means "not rated" (or, for binary labels, "not yet shown").

=========================  ======================================  ====================
file                       lecture table                           loader
=========================  ======================================  ====================
``ratings.csv``            "Predicting movie ratings", 0-5 stars   `load_toy_ratings`
``features.csv``           x1 (romance), x2 (action) per movie     `load_toy_features`
``binary.csv``             "Binary labels" (1, 0, ?)               `load_toy_binary`
``mean_normalization.csv`` the 5 x 5 matrix with Eve               `load_toy_mean_normalization`
=========================  ======================================  ====================

Two places where the tables follow the slides' meaning rather than their letter (see the
project README): ``x^(3) = [0.99, 0]`` (the slide's worked example prints ``[0.9, 0]`` but its
result 4.95 = 5 x 0.99 uses the table's 0.99), and in the mean-normalization matrix Dave has
rated "Swords vs. karate" 0 (the first table has ``?`` there); that 0 is what gives
``mu_5 = (0 + 0 + 5 + 0) / 4 = 1.25``.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import NamedTuple

import numpy as np

__all__ = [
    "ToyRatings",
    "ToyFeatures",
    "load_toy_ratings",
    "load_toy_features",
    "load_toy_binary",
    "load_toy_mean_normalization",
]

#: The marker for "not rated" / "not shown" in the CSV files.
UNRATED = "?"


class ToyRatings(NamedTuple):
    """A toy rating table in the series' notation.

    Attributes
    ----------
    Y : numpy.ndarray, shape (n_movies, n_users), float64
        ``Y[i, j]`` is user *j*'s rating of movie *i*, and 0 where the user has not rated it.
    R : numpy.ndarray, shape (n_movies, n_users), float64
        ``R[i, j] == 1`` iff user *j* rated movie *i* (the lecture's ``r(i, j)``), else 0.
    movies : tuple of str, length n_movies
        Movie titles, in row order.
    users : tuple of str, length n_users
        User names, in column order.
    """

    Y: np.ndarray
    R: np.ndarray
    movies: tuple[str, ...]
    users: tuple[str, ...]


class ToyFeatures(NamedTuple):
    """The lecture's per-movie features.

    Attributes
    ----------
    X : numpy.ndarray, shape (n_movies, n_features) = (5, 2), float64
        Row *i* is ``x^(i)``; column 0 is ``x1`` (romance), column 1 is ``x2`` (action).
    features : tuple of str, length n_features
        ``("romance", "action")``.
    movies : tuple of str, length n_movies
        Movie titles, in row order (the same order as `load_toy_ratings`).
    """

    X: np.ndarray
    features: tuple[str, ...]
    movies: tuple[str, ...]


def _read_table(name: str) -> tuple[list[str], list[str], list[list[str]]]:
    """Return (column names after the first, row labels, cells) of ``tables/<name>``."""
    text = resources.files("recsys_utils").joinpath("tables", name).read_text(encoding="utf-8")
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    header, body = rows[0], rows[1:]
    for row in body:
        if len(row) != len(header):  # a transcription slip must not pass silently
            raise ValueError(
                f"tables/{name}: row {row!r} has {len(row)} cells, expected {len(header)}"
            )
    return header[1:], [row[0] for row in body], [[c.strip() for c in row[1:]] for row in body]


def _load_ratings_table(name: str) -> ToyRatings:
    users, movies, cells = _read_table(name)
    R = np.array([[0.0 if c == UNRATED else 1.0 for c in row] for row in cells])
    Y = np.array([[0.0 if c == UNRATED else float(c) for c in row] for row in cells])
    return ToyRatings(Y=Y, R=R, movies=tuple(movies), users=tuple(users))


def load_toy_ratings() -> ToyRatings:
    """Load the lecture's first table: 5 movies rated 0-5 stars by Alice, Bob, Carol, Dave.

    Returns
    -------
    ToyRatings
        ``Y`` and ``R`` of shape ``(5, 4)`` (``Y`` is 0 where unrated), ``movies`` and
        ``users``. Unpack it as ``Y, R, movies, users = load_toy_ratings()``.

    Notes
    -----
    The table, with ``?`` for "not rated" (the lecture's scale is 0-5 although its text says
    "one to five stars")::

        Movie                 Alice  Bob  Carol  Dave
        Love at last            5     5     0     0
        Romance forever         5     ?     ?     0
        Cute puppies of love    ?     4     0     ?
        Nonstop car chases      0     0     5     4
        Swords vs. karate       0     0     5     ?

    Indices are 0-based in code and 1-based in the lecture: ``y(3, 2) = 4`` is ``Y[2, 1]``,
    and ``r(3, 1) = 0`` is ``R[2, 0]``.

    Examples
    --------
    >>> Y, R, movies, users = load_toy_ratings()
    >>> Y.shape, int(R.sum())
    ((5, 4), 15)
    >>> movies[2], users[1], float(Y[2, 1]), float(R[2, 0])  # y(3,2) = 4, r(3,1) = 0
    ('Cute puppies of love', 'Bob', 4.0, 0.0)
    """
    return _load_ratings_table("ratings.csv")


def load_toy_features() -> ToyFeatures:
    """Load the lecture's per-movie features ``x1`` (romance) and ``x2`` (action).

    Returns
    -------
    ToyFeatures
        ``X`` of shape ``(5, 2)``, ``features == ("romance", "action")`` and ``movies``.

    Notes
    -----
    ``x^(3) = [0.99, 0]`` as in the table; the lecture's worked prediction
    ``w^(1) . x^(3) + b^(1) = 5 * 0.99 + 0 * 0 + 0 = 4.95`` uses these values (the slide
    misprints ``x^(3)`` as ``[0.9, 0]`` next to it).

    Examples
    --------
    >>> X, features, movies = load_toy_features()
    >>> X.shape, features
    ((5, 2), ('romance', 'action'))
    >>> float(X[2] @ [5.0, 0.0] + 0.0)  # w^(1) . x^(3) + b^(1)
    4.95
    """
    features, movies, cells = _read_table("features.csv")
    X = np.array([[float(c) for c in row] for row in cells])
    return ToyFeatures(X=X, features=tuple(features), movies=tuple(movies))


def load_toy_binary() -> ToyRatings:
    """Load the lecture's binary-label table (1 = engaged, 0 = shown but not engaged).

    Returns
    -------
    ToyRatings
        ``Y`` of shape ``(5, 4)`` with labels 0/1 (0 also where not shown), ``R`` with
        ``R[i, j] == 1`` iff movie *i* was shown to user *j* (the lecture's ``?`` is
        ``R == 0``), ``movies`` and ``users``.

    Notes
    -----
    The table is the rating table binarized with "rating >= 4 means 1" (see
    `recsys_utils.ratings.binarize`), and ``R`` is the same as for the ratings::

        Movie                 Alice  Bob  Carol  Dave
        Love at last            1     1     0     0
        Romance forever         1     ?     ?     0
        Cute puppies of love    ?     1     0     ?
        Nonstop car chases      0     0     1     1
        Swords vs. karate       0     0     1     ?

    Examples
    --------
    >>> Y, R, movies, users = load_toy_binary()
    >>> int(Y.sum()), int(R.sum())
    (7, 15)
    """
    return _load_ratings_table("binary.csv")


def load_toy_mean_normalization() -> ToyRatings:
    """Load the lecture's 5 x 5 mean-normalization matrix: the ratings plus Eve (user 5).

    Returns
    -------
    ToyRatings
        ``Y`` and ``R`` of shape ``(5, 5)``; Eve's column of ``R`` is all 0 (she has rated
        nothing), ``movies`` and ``users`` (the last is ``"Eve"``).

    Notes
    -----
    As in the lecture's matrix, Dave rated "Swords vs. karate" 0 (the first table has ``?``
    there), so the per-movie means over rated entries are
    ``mu = [10/4, 5/2, 4/2, 9/4, 5/4] = [2.5, 2.5, 2, 2.25, 1.25]``::

        5  5  0  0  ?
        5  ?  ?  0  ?
        ?  4  0  ?  ?
        0  0  5  4  ?
        0  0  5  0  ?

    Examples
    --------
    >>> Y, R, movies, users = load_toy_mean_normalization()
    >>> (Y * R).sum(axis=1) / R.sum(axis=1)
    array([2.5 , 2.5 , 2.  , 2.25, 1.25])
    """
    return _load_ratings_table("mean_normalization.csv")
