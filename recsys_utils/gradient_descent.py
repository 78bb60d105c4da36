"""Plain gradient descent on the collaborative-filtering cost (lecture: "Gradient Descent").

The lecture's update rules, applied to every parameter at once (``x`` is a parameter too):

.. math::
    w_k^{(j)} \\leftarrow w_k^{(j)} - \\alpha \\frac{\\partial J}{\\partial w_k^{(j)}}, \\quad
    b^{(j)} \\leftarrow b^{(j)} - \\alpha \\frac{\\partial J}{\\partial b^{(j)}}, \\quad
    x_k^{(i)} \\leftarrow x_k^{(i)} - \\alpha \\frac{\\partial J}{\\partial x_k^{(i)}}

with the analytic gradients of :func:`recsys_utils.cofi_cost.cofi_gradients`. NumPy only:
this is the by-hand version that notebook 03 builds before letting ``tf.GradientTape`` take
the derivatives and Adam take the steps (:mod:`recsys_utils.training`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .cofi_cost import cofi_gradients
from .validation import check_lambda, check_number, check_params

__all__ = ["GradientDescentResult", "gradient_descent_step", "gradient_descent"]


class GradientDescentResult(NamedTuple):
    """Parameters after gradient descent, and the cost along the way.

    Attributes
    ----------
    X : ndarray, shape (n_movies, n_features)
    W : ndarray, shape (n_users, n_features)
    b : ndarray, shape (1, n_users)
    history : ndarray, shape (iterations,)
        The cost :math:`J(w, b, x)` at the start of each iteration (before its update),
        as in :class:`recsys_utils.training.CofiModel`.
    """

    X: np.ndarray
    W: np.ndarray
    b: np.ndarray
    history: np.ndarray


def gradient_descent_step(
    X: Any, W: Any, b: Any, Y: Any, R: Any, lambda_: float, alpha: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One simultaneous gradient-descent step on :math:`J(w, b, x)`.

    Parameters
    ----------
    X : array_like, shape (n_movies, n_features)
    W : array_like, shape (n_users, n_features)
    b : array_like, shape (1, n_users)
    Y, R : array_like, shape (n_movies, n_users)
    lambda_ : float
        Regularisation strength λ.
    alpha : float
        Learning rate α > 0.

    Returns
    -------
    X, W, b : ndarray
        New arrays, same shapes as the inputs (the inputs are not modified).

    Notes
    -----
    All three gradients are taken at the *old* parameters, then all three are updated:
    :math:`X \\leftarrow X - \\alpha(EW + \\lambda X)`,
    :math:`W \\leftarrow W - \\alpha(E^T X + \\lambda W)`,
    :math:`b \\leftarrow b - \\alpha \\mathbf{1}^T E`, with :math:`E = R \\odot (XW^T + b - Y)`.

    Examples
    --------
    The lecture's users (``w = [5, 0]`` twice, ``[0, 5]`` twice, ``b = 0``) and the toy
    features, λ = 0, α = 0.01. "Love at last" is predicted 4.5 by Alice and Bob, who rated
    it 5, so ``dJ/dx(1) = -0.5 [5, 0] - 0.5 [5, 0] = [-5, 0]`` and
    ``x(1) = [0.9, 0] + 0.01 [5, 0] = [0.95, 0]``:

    >>> from recsys_utils.toy import load_toy_features, load_toy_ratings
    >>> Y, R, _, _ = load_toy_ratings()
    >>> W = np.array([[5.0, 0], [5, 0], [0, 5], [0, 5]])
    >>> X, W, b = gradient_descent_step(load_toy_features().X, W, np.zeros((1, 4)), Y, R, 0.0, 0.01)
    >>> X[0]
    array([0.95, 0.  ])
    """
    alpha = check_number(alpha, "alpha", low=0, low_open=True)
    X, W, b, Y, R = check_params(X, W, b, Y, R)
    dX, dW, db = cofi_gradients(X, W, b, Y, R, lambda_)
    return X - alpha * dX, W - alpha * dW, b - alpha * db


def gradient_descent(
    X: Any, W: Any, b: Any, Y: Any, R: Any, lambda_: float, alpha: float, iterations: int
) -> GradientDescentResult:
    """Run ``iterations`` steps of :func:`gradient_descent_step` from ``X``, ``W``, ``b``.

    Parameters
    ----------
    X, W, b : array_like
        Starting parameters, shapes ``(n_movies, n_features)``, ``(n_users, n_features)``,
        ``(1, n_users)``. Not modified.
    Y, R : array_like, shape (n_movies, n_users)
    lambda_ : float
    alpha : float
        Learning rate α > 0. Too large and the cost grows instead of falling.
    iterations : int
        Number of steps, >= 1.

    Returns
    -------
    GradientDescentResult
        ``X``, ``W``, ``b`` after the last step and ``history`` of shape ``(iterations,)``.

    Raises
    ------
    FloatingPointError
        If the cost becomes infinite or NaN: α is too large (the steps overshoot further
        each time).

    Notes
    -----
    ``history[k]`` is :math:`J(w, b, x)` before step ``k``; with a small enough α it never
    increases. The final cost is ``cofi_cost(result.X, result.W, result.b, Y, R, lambda_)``.
    """
    alpha = check_number(alpha, "alpha", low=0, low_open=True)
    lam = check_lambda(lambda_)
    iterations = check_number(iterations, "iterations", integer=True, low=1)
    X, W, b, Y, R = check_params(X, W, b, Y, R)
    history = np.empty(iterations)
    for it in range(iterations):
        with np.errstate(over="ignore", invalid="ignore"):
            E = (X @ W.T + b - Y) * R  # validated once above, so no re-checking each step
            cost = 0.5 * np.sum(E**2) + 0.5 * lam * (np.sum(W**2) + np.sum(X**2))
        if not np.isfinite(cost) and it == 0:
            raise FloatingPointError(
                f"the cost is {cost} at the starting parameters, before any step (so not alpha's "
                "fault); the ratings or the starting X, W, b are too large to square in float64"
            )
        if not np.isfinite(cost):
            raise FloatingPointError(
                f"the cost became {cost} at iteration {it}: the learning rate alpha={alpha:g} is "
                "too large (each step overshoots the minimum by more than the last); "
                "try a smaller one"
            )
        history[it] = cost
        # The gradients of cofi_gradients, all taken at the old parameters, then all updated.
        dX, dW, db = E @ W + lam * X, E.T @ X + lam * W, E.sum(axis=0, keepdims=True)
        X, W, b = X - alpha * dX, W - alpha * dW, b - alpha * db
    return GradientDescentResult(X, W, b, history)
