"""Cold start: new items and new users (lecture: "Limitations of Collaborative Filtering").

Collaborative filtering learns a movie's features :math:`x^{(i)}` from the ratings it has
received. A new movie has none, so regularization leaves :math:`x^{(i)} \\approx 0` and the
prediction falls back to :math:`b^{(j)} + \\mu_i` — and :math:`\\mu_i` itself is the global
mean when nobody has rated the movie. The lecture's remedy is *side information*: for items,
genre, movie stars, studio; for users, demographics and expressed preferences.

This module holds the item-side pieces:

* :func:`fit_side_map` / :class:`SideMap` — a ridge regression from side features (e.g.
  :func:`recsys_utils.features.genre_matrix`) to what collaborative filtering learned
  (``[mu, X]`` of the well-rated movies), so a cold movie gets a genre-based prior
  :math:`\\mu` and :math:`x`;
* :func:`shrunk_mean` — a new movie's mean rating from its first few ratings, shrunk
  towards a prior (one movie's :func:`recsys_utils.popularity.smoothed_item_mean`);
* :func:`new_item_cost` (readable loop) and :func:`fit_new_item` (one linear solve) —
  a new movie's :math:`x` fitted against the users' fixed :math:`w^{(j)}, b^{(j)}`, the
  item-side mirror of :func:`recsys_utils.new_user.fit_new_user`.

The user side is :mod:`recsys_utils.new_user`: ``fit_new_user(..., lambda_b=...)`` also
penalizes a newcomer's bias, so one rating cannot move her every prediction.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .popularity import smoothed_item_mean
from .validation import as_matrix, check_lambda, check_number, check_rated_rows

__all__ = ["SideMap", "fit_side_map", "shrunk_mean", "new_item_cost", "fit_new_item"]


class SideMap(NamedTuple):
    """A fitted linear map from side features to targets: ``F @ coef + intercept``.

    Attributes
    ----------
    coef : ndarray, shape (n_side, n_targets)
    intercept : ndarray, shape (n_targets,)
    """

    coef: np.ndarray
    intercept: np.ndarray

    def predict(self, F: Any) -> np.ndarray:
        """Targets for side features ``F`` ``(n_items, n_side)``: shape ``(n_items, n_targets)``."""
        F = as_matrix("F", F)
        if F.shape[1] != self.coef.shape[0]:
            raise ValueError(
                f"F has {F.shape[1]} side features (shape {F.shape}) but the map was "
                f"fitted on {self.coef.shape[0]}"
            )
        return F @ self.coef + self.intercept


def fit_side_map(F: Any, T: Any, lambda_: float) -> SideMap:
    """Ridge regression from side features ``F`` to targets ``T``, with an unpenalized intercept.

    Parameters
    ----------
    F : array_like, shape (n_items, n_side)
        Side features of items whose targets are known, e.g.
        :func:`recsys_utils.features.genre_matrix` rows of well-rated movies.
    T : array_like, shape (n_items, n_targets)
        What to predict from them, e.g. ``np.hstack([mu, X])`` learned by collaborative
        filtering for the same movies.
    lambda_ : float
        L2 penalty on ``coef`` (not on the intercept).

    Returns
    -------
    SideMap

    Notes
    -----
    With :math:`\\bar F, \\bar T` the column means, centring removes the intercept and

    .. math:: A = (F_c^T F_c + \\lambda I)^{-1} F_c^T T_c, \\qquad
              \\text{intercept} = \\bar T - \\bar F A,

    which minimises
    :math:`\\frac12 \\lVert F A + 1 c^T - T \\rVert^2 + \\frac{\\lambda}{2} \\lVert A \\rVert^2`.
    A cold movie with side features :math:`f` gets the prior :math:`f A + c`. With
    :math:`\\lambda = 0` and collinear features the minimum-norm solution is returned.

    Examples
    --------
    Two genres; the target is 1 + 2 * genre_0 exactly, so with lambda_ = 0 the map recovers it:

    >>> m = fit_side_map([[1, 0], [0, 1], [1, 1], [0, 0]], [[3.0], [1.0], [3.0], [1.0]], 0.0)
    >>> np.round(m.coef, 6).ravel().tolist(), np.round(m.intercept, 6).tolist()
    ([2.0, 0.0], [1.0])
    """
    F = as_matrix("F", F)
    T = as_matrix("T", T, ndim=np.ndim(T))
    if T.ndim == 1:
        raise ValueError(
            f"T must be 2-D (n_items, n_targets), got shape {T.shape}; "
            "use T[:, None] for one target"
        )
    if T.shape[0] != F.shape[0]:
        raise ValueError(
            f"F has shape {F.shape} but T has shape {T.shape}; they need one row per item each"
        )
    lam = check_lambda(lambda_)
    f_mean, t_mean = F.mean(axis=0), T.mean(axis=0)
    Fc, Tc = F - f_mean, T - t_mean
    if lam == 0:
        A = np.linalg.lstsq(Fc, Tc, rcond=None)[0]
    else:
        A = np.linalg.solve(Fc.T @ Fc + lam * np.eye(F.shape[1]), Fc.T @ Tc)
    return SideMap(A, t_mean - f_mean @ A)


def shrunk_mean(ratings: Any, prior: float, strength: float) -> float:
    """A new item's mean rating, shrunk towards ``prior`` as if it had ``strength`` extra ratings.

    Parameters
    ----------
    ratings : array_like, shape (m,)
        Its ratings so far (``m`` may be 0).
    prior : float
        What to believe with no ratings: the global mean, or a genre-based mean.
    strength : float
        Pretend ratings at ``prior``, :math:`a \\ge 0`; 0 gives the plain mean of the
        lecture's mean normalization (and ``prior`` when ``m = 0``).

    Notes
    -----
    .. math:: \\mu = \\frac{\\sum_{t=1}^{m} y_t + a\\, p}{m + a}

    and exactly :math:`p` when :math:`m = 0`: :func:`recsys_utils.popularity.smoothed_item_mean`
    for a single movie.

    Examples
    --------
    One rating of 5, prior 3.5, strength 5: (5 + 17.5) / 6 = 3.75.

    >>> shrunk_mean([5.0], 3.5, 5.0)
    3.75
    """
    y = as_matrix("ratings", ratings, ndim=1, allow_empty=True)
    one_movie = np.zeros(y.size, dtype=np.int64)  # every rating is of movie 0
    prior = check_number(prior, "prior")  # None would quietly mean "the ratings' own mean"
    return float(smoothed_item_mean(one_movie, y, 1, strength=strength, prior=prior)[0])


def _check_item_inputs(W: Any, b: Any, user_idx: Any, ratings: Any, mu_i: float, x_prior: Any):
    W = as_matrix("W", W)
    b = as_matrix("b", b, ndim=np.ndim(b))
    if b.shape != (1, W.shape[0]):
        raise ValueError(
            f"b has shape {b.shape} but W has shape {W.shape}; "
            f"b must be (1, n_users) = (1, {W.shape[0]})"
        )
    idx, y = check_rated_rows("user_idx", user_idx, ratings, W.shape[0], "W", "user")
    mu = check_number(mu_i, "mu_i")
    n = W.shape[1]
    if x_prior is None:
        x0 = np.zeros(n)
    else:
        x0 = as_matrix("x_prior", x_prior, ndim=1)
        if x0.shape != (n,):
            raise ValueError(
                f"x_prior has shape {x0.shape} but W has {n} features; it must be ({n},)"
            )
    return W, b, idx, y, mu, x0


def new_item_cost(
    x: Any,
    W: Any,
    b: Any,
    user_idx: Any,
    ratings: Any,
    mu_i: float,
    lambda_: float,
    *,
    x_prior: Any = None,
) -> float:
    """A new item's cost with the users' parameters held fixed (a readable loop).

    Parameters
    ----------
    x : array_like, shape (n_features,)
    W : array_like, shape (n_users, n_features)
    b : array_like, shape (1, n_users)
    user_idx : array_like of int, shape (m,)
        Rows of ``W`` (users) who rated the item.
    ratings : array_like, shape (m,)
    mu_i : float
        The item's mean used for normalization (e.g. :func:`shrunk_mean`).
    lambda_ : float
    x_prior : array_like, shape (n_features,), optional
        Where the penalty pulls ``x``; default 0
        (the lecture's :math:`\\lambda \\lVert x \\rVert^2`).

    Notes
    -----
    The lecture's cost "to learn :math:`x^{(i)}`" with a prior :math:`x_0` (0 by default):

    .. math::
        J(x) = \\frac12 \\sum_{j:r(i,j)=1}
        \\left(w^{(j)} \\cdot x + b^{(j)} + \\mu_i - y^{(i,j)}\\right)^2
        + \\frac{\\lambda}{2} \\lVert x - x_0 \\rVert^2
    """
    W, b, idx, y, mu, x0 = _check_item_inputs(W, b, user_idx, ratings, mu_i, x_prior)
    x = as_matrix("x", x, ndim=1)
    if x.shape != (W.shape[1],):
        raise ValueError(
            f"x has shape {x.shape} but W has {W.shape[1]} features; x must be ({W.shape[1]},)"
        )
    lam = check_lambda(lambda_)
    J = 0.0
    for j, rating in zip(idx, y, strict=False):
        J += 0.5 * (float(W[j] @ x) + b[0, j] + mu - rating) ** 2
    return J + lam / 2 * float(np.sum((x - x0) ** 2))


def fit_new_item(
    W: Any, b: Any, user_idx: Any, ratings: Any, mu_i: float, lambda_: float, *, x_prior: Any = None
) -> np.ndarray:
    """Fit a new item's features ``x`` against fixed user parameters by one linear solve.

    Parameters
    ----------
    W, b, user_idx, ratings, mu_i, lambda_, x_prior
        As in :func:`new_item_cost`. ``lambda_`` must be > 0 unless the ratings determine
        ``x`` (then 0 gives least squares).

    Returns
    -------
    x : ndarray, shape (n_features,)
        Minimises :func:`new_item_cost`. With no ratings it is ``x_prior`` (0 by default).

    Notes
    -----
    With :math:`W_r` the rated users' rows and :math:`t = y - b_r - \\mu_i`, setting the
    gradient to zero gives

    .. math:: (W_r^T W_r + \\lambda I)\\, x = W_r^T t + \\lambda x_0 .

    Examples
    --------
    Two users with ``w = [1, 0]`` and ``[0, 2]``, ``b = 0``; they rate the item 4 and 1 with
    ``mu_i = 2``, so the targets are 2 and -1; with lambda_ = 1: x = [2/2, -2/5] = [1, -0.4].

    >>> fit_new_item([[1.0, 0.0], [0.0, 2.0]], [[0.0, 0.0]], [0, 1], [4.0, 1.0], 2.0, 1.0).tolist()
    [1.0, -0.4]
    """
    W, b, idx, y, mu, x0 = _check_item_inputs(W, b, user_idx, ratings, mu_i, x_prior)
    lam = check_lambda(lambda_)
    if idx.size == 0:
        return x0.copy()
    Wr = W[idx]
    t = y - b[0, idx] - mu
    if lam == 0:
        return np.linalg.lstsq(Wr, t, rcond=None)[0]
    n = W.shape[1]
    return np.linalg.solve(Wr.T @ Wr + lam * np.eye(n), Wr.T @ t + lam * x0)
