"""What a MovieLens movie's title and genres say about it: its year and one-hot genres.

Lecture: "Examples of user and item features" (the movie's year and genres).

* :func:`parse_year` — the release year at the end of a title, ``"Toy Story (1995)"`` -> 1995;
* :func:`genre_matrix` — the ``|``-separated genres as a 0/1 matrix, one column per genre.

Both are NumPy-only; :func:`recsys_utils.features.item_features` and
:func:`recsys_utils.features.user_features` build on them, and both are also importable from
:mod:`recsys_utils.features`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

__all__ = ["parse_year", "genre_matrix"]

_YEAR = re.compile(r"\((\d{4})(?:[-–]\d{0,4})?\)\s*$")


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
