"""Recommendations for a new user without retraining (lecture: "Mean normalization").

Once collaborative filtering has learned the movie features ``X`` (on mean-normalized
ratings, with movie means ``mu``), a newcomer who rates a handful of movies needs only her
own ``w`` and ``b``. With ``X`` held fixed, that is the lecture's per-user problem "to learn
:math:`w^{(j)}, b^{(j)}` for user *j*" — plain regularized linear regression on the movies she
rated — and it has a closed form: one ``(n + 1) x (n + 1)`` linear solve, milliseconds
where retraining would take seconds.

A user who has rated nothing (the lecture's Eve) gets ``w = 0``, ``b = 0`` and is predicted
``mu``: each movie's mean rating. The lecture leaves ``b`` unregularized; with one rating that
sets ``b`` to her rating minus the movie's mean and moves every prediction by as much, so
``lambda_b > 0`` optionally penalizes ``b`` too (notebook 07).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import as_matrix, check_lambda, check_number, check_rated_rows

__all__ = ["new_user_cost", "fit_new_user", "predict_new_user", "recommend_for_new_user"]


def _check_inputs(X: Any, mu: Any, item_idx: Any, ratings: Any) -> tuple[np.ndarray, ...]:
    """Validate ``X`` (n_movies, n), ``mu`` (n_movies, 1) and the new user's ratings."""
    X = as_matrix("X", X)
    mu = as_matrix("mu", mu, ndim=np.ndim(mu))
    if mu.shape != (X.shape[0], 1):
        raise ValueError(
            f"mu has shape {mu.shape} but X has shape {X.shape}; mu must be "
            f"(n_movies, 1) = ({X.shape[0]}, 1) (reshape with mu.reshape(-1, 1))"
        )
    idx, y = check_rated_rows("item_idx", item_idx, ratings, X.shape[0], "X", "movie")
    return X, mu, idx, y


def new_user_cost(
    w: Any,
    b: float,
    X: Any,
    mu: Any,
    item_idx: Any,
    ratings: Any,
    lambda_: float,
    *,
    lambda_b: float = 0.0,
) -> float:
    """The new user's cost with the movie features held fixed (a readable loop).

    Parameters
    ----------
    w : array_like, shape (n_features,)
    b : float
    X : array_like, shape (n_movies, n_features)
        Trained movie features.
    mu : array_like, shape (n_movies, 1)
        Movie means the model was trained with (subtracted from the ratings).
    item_idx : array_like of int, shape (m,)
        Rows of ``X`` the user rated.
    ratings : array_like, shape (m,)
    lambda_ : float
        Penalty on ``w``.
    lambda_b : float, default 0
        Penalty on ``b``; 0 is the lecture's cost (``b`` not regularized).

    Notes
    -----
    .. math::
        J(w, b) = \\frac12 \\sum_{i \\text{ rated}}
        \\left(w \\cdot x^{(i)} + b - (y^{(i)} - \\mu_i)\\right)^2
        + \\frac{\\lambda}{2} \\lVert w \\rVert^2 + \\frac{\\lambda_b}{2} b^2

    Examples
    --------
    Eve with no ratings and ``w = 0`` costs nothing:
    ``new_user_cost([0, 0], 0, X, mu, [], [], 1) == 0``.
    """
    X, mu, idx, y = _check_inputs(X, mu, item_idx, ratings)
    w = as_matrix("w", w, ndim=1)
    if w.shape != (X.shape[1],):
        raise ValueError(
            f"w has shape {w.shape} but X has {X.shape[1]} features; w must be ({X.shape[1]},)"
        )
    lam, lam_b = check_lambda(lambda_), check_lambda(lambda_b, "lambda_b")
    b = check_number(b, "b")
    J = 0.0
    for i, rating in zip(idx, y, strict=False):
        J += 0.5 * (float(w @ X[i]) + b - (rating - mu[i, 0])) ** 2
    return J + lam / 2 * float(np.sum(w**2)) + lam_b / 2 * b**2


def fit_new_user(
    X: Any, mu: Any, item_idx: Any, ratings: Any, lambda_: float, *, lambda_b: float = 0.0
) -> tuple[np.ndarray, float]:
    """Fit a new user's ``w`` and ``b`` against fixed movie features by one linear solve.

    Parameters
    ----------
    X : array_like, shape (n_movies, n_features)
    mu : array_like, shape (n_movies, 1)
    item_idx : array_like of int, shape (m,)
        Rows of ``X`` the user rated, each at most once (``m`` may be 0).
    ratings : array_like, shape (m,)
        Her ratings, on the scale ``mu`` was computed on.
    lambda_ : float
        Penalty on ``w``: the regularization the model was trained with.
    lambda_b : float, default 0
        Penalty on ``b``, worth ``lambda_b`` pretend ratings with residual 0. The default 0
        is the lecture's fit (``b`` not regularized); e.g. 3 keeps one rating from moving
        all her predictions by its full residual.

    Returns
    -------
    w : ndarray, shape (n_features,)
    b : float

    Notes
    -----
    Minimises :func:`new_user_cost`. With :math:`A = [X_r \\; 1]` (the rated rows of ``X``
    plus a column of ones, shape ``(m, n + 1)``), :math:`t = y - \\mu_r`,
    :math:`D = \\mathrm{diag}(1, \\dots, 1, 0)` (:math:`\\lambda` does not penalize ``b``) and
    :math:`E = \\mathrm{diag}(0, \\dots, 0, 1)` (:math:`\\lambda_b` penalizes ``b`` only; 0 by
    default), setting the gradient to zero gives the normal equations

    .. math:: (A^T A + \\lambda D + \\lambda_b E) \\begin{bmatrix} w \\\\ b \\end{bmatrix} = A^T t,

    an ``(n + 1) x (n + 1)`` system with a unique solution when ``m >= 1`` and ``λ > 0``.
    With no ratings (``m = 0``) the data says nothing: ``w = 0`` and ``b = 0`` (``b`` is free,
    and 0 is where training leaves an unrated user), so she is predicted ``mu``. With
    ``λ = 0`` and too few ratings the system is singular; the minimum-norm least-squares
    solution is returned (``np.linalg.lstsq``, with :math:`\\sqrt{\\lambda_b}\\, b = 0` as
    one more row when :math:`\\lambda_b > 0`).

    With one rating, 1 star above the movie's mean, and ``w = 0`` (say ``X = 0``), the
    cost is :math:`\\frac12 (b - 1)^2 + \\frac{\\lambda_b}{2} b^2`, so
    :math:`b = 1 / (1 + \\lambda_b)`: the full star with the default, a quarter of it with
    ``lambda_b = 3``.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]); mu = np.full((3, 1), 3.0)
    >>> w, b = fit_new_user(X, mu, [], [], 1.0)  # Eve: nothing rated
    >>> w.tolist(), b
    ([0.0, 0.0], 0.0)
    >>> fit_new_user(np.zeros((2, 1)), np.full((2, 1), 3.0), [0], [4.0], 1.0, lambda_b=3.0)[1]
    0.25
    """
    X, mu, idx, y = _check_inputs(X, mu, item_idx, ratings)
    lam, lam_b = check_lambda(lambda_), check_lambda(lambda_b, "lambda_b")
    n = X.shape[1]
    if idx.size == 0:
        return np.zeros(n), 0.0
    A = np.hstack([X[idx], np.ones((idx.size, 1))])
    t = y - mu[idx, 0]
    D = np.eye(n + 1)
    D[n, n] = 0.0  # lambda_ does not regularize b ...
    penalty = lam * D
    penalty[n, n] = lam_b  # ... lambda_b does (default 0: the lecture's free b)
    if lam == 0:  # plain least squares: may be underdetermined, so take the minimum-norm fit
        if lam_b > 0:  # the penalty on b as one more row: sqrt(lambda_b) * b = 0
            A, t = np.vstack([A, np.sqrt(penalty[n:])]), np.r_[t, 0.0]
        theta = np.linalg.lstsq(A, t, rcond=None)[0]
    else:  # positive definite for m >= 1, λ > 0: one (n + 1) x (n + 1) solve
        theta = np.linalg.solve(A.T @ A + penalty, A.T @ t)
    return theta[:n], float(theta[n])


def predict_new_user(X: Any, mu: Any, w: Any, b: float) -> np.ndarray:
    """Predicted ratings :math:`w \\cdot x^{(i)} + b + \\mu_i` for every movie, ``(n_movies,)``."""
    X, mu, _, _ = _check_inputs(X, mu, np.zeros(0, dtype=int), [])
    w = as_matrix("w", w, ndim=1)
    if w.shape != (X.shape[1],):
        raise ValueError(
            f"w has shape {w.shape} but X has {X.shape[1]} features; w must be ({X.shape[1]},)"
        )
    return X @ w + check_number(b, "b") + mu[:, 0]


def recommend_for_new_user(
    X: Any,
    mu: Any,
    item_idx: Any,
    ratings: Any,
    lambda_: float,
    *,
    k: int = 10,
    candidates: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Fit the new user (:func:`fit_new_user`) and return her top-``k`` unrated movies.

    Parameters
    ----------
    X, mu, item_idx, ratings, lambda_
        As in :func:`fit_new_user`.
    k : int, default 10
    candidates : array_like of bool, shape (n_movies,), optional
        Movies allowed in the list (e.g. those with at least 20 ratings, whose mean is more
        than one person's opinion). Default: all. Movies she rated are always excluded.

    Returns
    -------
    top : ndarray of int, shape (min(k, n_allowed),)
        Rows of ``X``, best first (ties broken by the lower row).
    scores : ndarray, shape (len(top),)
        Their predicted ratings :math:`w \\cdot x^{(i)} + b + \\mu_i`.
    """
    X, mu, idx, y = _check_inputs(X, mu, item_idx, ratings)
    check_number(k, "k", integer=True, low=1)
    allowed = np.ones(X.shape[0], dtype=bool)
    if candidates is not None:
        c = np.asarray(candidates)
        if c.dtype != bool or c.shape != (X.shape[0],):
            raise ValueError(
                f"candidates must be a boolean mask of shape ({X.shape[0]},), "
                f"got dtype {c.dtype} and shape {c.shape}"
            )
        allowed &= c
    allowed[idx] = False
    w, b = fit_new_user(X, mu, idx, y, lambda_)
    pred = predict_new_user(X, mu, w, b)
    rows = np.flatnonzero(allowed)
    order = np.lexsort((rows, -pred[rows]))[:k]  # highest score first, then lower row
    top = rows[order]
    return top, pred[top]
