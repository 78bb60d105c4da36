"""Inputs that several notebooks' checks share: the lecture's numbers, seeded random problems.

Notebooks 01-04 check functions of ``(X, W, b, Y, R, lambda_)``; they all start on the lecture's
toy table with the lecture's user parameters :data:`LECTURE_W` and ``b = 0``, then go on to
seeded random problems of the sizes in :data:`RANDOM_SHAPES` (:func:`cofi_cases`). Notebook 05
and 06 reuse :func:`random_problem` and :data:`LECTURE_W`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..toy import load_toy_binary, load_toy_features, load_toy_ratings
from .engine import Case

__all__ = ["LECTURE_W", "RANDOM_SHAPES", "random_problem", "cofi_cases", "cofi_case"]

#: The lecture's user parameters: w(1) = w(2) = [5, 0], w(3) = w(4) = [0, 5] (b = 0).
LECTURE_W = np.array([[5.0, 0.0], [5.0, 0.0], [0.0, 5.0], [0.0, 5.0]])
LECTURE_W.flags.writeable = False  # shared by every check: copy it before use
#: (n_movies, n_users, n_features, lambda_, seed) of the random problems: no two sizes equal,
#: so a transposed result has a different shape.
RANDOM_SHAPES = ((6, 4, 3, 0.7, 1), (10, 7, 5, 1.3, 2), (4, 9, 2, 2.0, 3))


def random_problem(n_movies: int, n_users: int, n_features: int, seed: int, *,
                   binary: bool = False, scale: float = 1.0) -> tuple[np.ndarray, ...]:
    """Seeded ``X, W, b, Y, R`` in the series' notation.

    About 60 % of the cells are rated; every movie and every user has at least one rating.
    ``Y`` holds half stars 0-5 (or labels 0/1 if ``binary``) where rated and 0 elsewhere.
    ``X`` and ``W`` are standard normal times ``scale``; ``b`` is standard normal.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_movies, n_features)) * scale
    W = rng.normal(size=(n_users, n_features)) * scale
    b = rng.normal(size=(1, n_users))
    R = (rng.random((n_movies, n_users)) < 0.6).astype(float)
    for i in np.flatnonzero(R.sum(axis=1) == 0):
        R[i, rng.integers(n_users)] = 1.0
    for j in np.flatnonzero(R.sum(axis=0) == 0):
        R[rng.integers(n_movies), j] = 1.0
    Y = rng.integers(0, 2, R.shape) if binary else rng.integers(0, 11, R.shape) / 2
    return X, W, b, Y.astype(float) * R, R


def cofi_cases(binary: bool = False, large: bool = False, alphas: tuple = ()) -> list[Case]:
    """The toy table with the lecture's W and b = 0 (lambda_ = 1), then random problems.

    ``binary``: the lecture's binary-label table and 0/1 labels. ``large``: two random problems
    and one with logits in the hundreds. With ``alphas``, each case's arguments end with its
    learning rate.
    """
    Y, R, _, _ = load_toy_binary() if binary else load_toy_ratings()
    toy = (load_toy_features().X, LECTURE_W.copy(), np.zeros((1, 4)), Y, R, 1.0)
    cases = [cofi_case("the lecture's toy table", toy, seed=None)]
    for n_m, n_u, n, lam, seed in RANDOM_SHAPES[: 2 if large else 3]:
        problem = random_problem(n_m, n_u, n, seed, binary=binary)
        cases.append(cofi_case("random data", (*problem, lam), seed))
    if large:  # logits in the hundreds: log(g(z)) underflows unless computed from z
        X, W, b, Y, R = random_problem(6, 5, 3, seed=4, binary=True, scale=12.0)
        args = (X, W, b, Y, R, 0.5)
        cases.append(cofi_case("random data with large logits", args, 4, large=True))
    if alphas:
        cases = [cofi_case(c.label.split(" (")[0], (*c.args, a), c.fields["seed"])
                 for c, a in zip(cases, alphas, strict=True)]
    return cases


def cofi_case(source: str, args: tuple, seed: int | None, **extra: Any) -> Case:
    """A case ``(X, W, b, Y, R, lambda_[, alpha])`` labelled with its sizes, for the messages."""
    X, W, b, Y, R, lam = args[:6]
    dims = {"n_movies": Y.shape[0], "n_users": Y.shape[1], "n_features": X.shape[1]}
    seed_text = "" if seed is None else f"seed {seed}: "
    alpha = f", alpha={args[6]:g}" if len(args) > 6 else ""
    label = (f"{source} ({seed_text}{dims['n_movies']} movies x {dims['n_users']} users, "
             f"{dims['n_features']} features, lambda_={lam:g}{alpha})")
    zmax = float(np.abs(X @ W.T + b).max())
    fields = {**dims, "dims": dims, "lambda_": lam, "zmax": zmax, "seed": seed, **extra}
    return Case(label, args, fields)
