"""The collaborative-filtering prediction, costs and gradients (lecture: "Cost function").

Each quantity exists as a readable loop version (what a learner writes first) and a
vectorized NumPy version; the tests prove they agree, and that the analytic gradients agree
with ``tf.GradientTape`` and with finite differences. TensorFlow versions live in
:mod:`recsys_utils.cofi_cost_tf`.

Notation: ``Y``, ``R`` are ``(n_movies, n_users)``; ``X`` is ``(n_movies, n_features)``;
``W`` is ``(n_users, n_features)``; ``b`` is ``(1, n_users)``; ``lambda_`` is λ.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import as_matrix, check_lambda, check_number, check_params

__all__ = [
    "predict",
    "predict_all",
    "user_cost",
    "movie_features_cost",
    "cofi_cost_loop",
    "cofi_cost",
    "cofi_gradients_loop",
    "cofi_gradients",
]


def predict(w: Any, x: Any, b: float) -> float:
    """Predict one rating, :math:`w^{(j)} \\cdot x^{(i)} + b^{(j)}`.

    Parameters
    ----------
    w : array_like, shape (n_features,)
        The user's parameter vector :math:`w^{(j)}`.
    x : array_like, shape (n_features,)
        The movie's feature vector :math:`x^{(i)}`.
    b : float
        The user's bias :math:`b^{(j)}`.

    Examples
    --------
    The lecture's worked prediction, Alice on "Cute puppies of love":

    >>> predict([5, 0], [0.99, 0], 0.0)
    4.95
    """
    w = as_matrix("w", w, ndim=1)
    x = as_matrix("x", x, ndim=1)
    if w.shape != x.shape:
        raise ValueError(f"w has shape {w.shape} but x has shape {x.shape}; they must match")
    return float(w @ x) + check_number(b, "b")


def predict_all(X: Any, W: Any, b: Any) -> np.ndarray:
    """Predict every rating at once: ``X @ W.T + b``, shape ``(n_movies, n_users)``.

    Notes
    -----
    Entry ``(i, j)`` is :math:`w^{(j)} \\cdot x^{(i)} + b^{(j)}`; ``b`` of shape
    ``(1, n_users)`` broadcasts down the movies.
    """
    X, W = as_matrix("X", X), as_matrix("W", W)
    b = as_matrix("b", b)
    if X.shape[1] != W.shape[1]:
        raise ValueError(f"X has shape {X.shape} and W has shape {W.shape}; feature counts differ")
    if b.shape != (1, W.shape[0]):
        raise ValueError(f"b has shape {b.shape} but must be (1, n_users) = (1, {W.shape[0]})")
    return X @ W.T + b


def user_cost(
    w: Any, b: float, X: Any, y: Any, r: Any, lambda_: float = 0.0, *, average: bool = True
) -> float:
    """Cost of one user's parameters ``w, b`` given the movie features ``X``.

    Parameters
    ----------
    w : array_like, shape (n_features,)
    b : float
    X : array_like, shape (n_movies, n_features)
    y : array_like, shape (n_movies,)
        The user's column of ``Y`` (any finite value where ``r == 0``).
    r : array_like, shape (n_movies,)
        The user's column of ``R``.
    lambda_ : float
    average : bool
        ``True`` divides by :math:`2m^{(j)}` as in the lecture's first formula;
        ``False`` divides by 2 (the form summed over users). The minimiser is the same.

    Notes
    -----
    .. math::
        J(w^{(j)}, b^{(j)}) = \\frac{1}{2m^{(j)}} \\sum_{i:r(i,j)=1}
        (w^{(j)} \\cdot x^{(i)} + b^{(j)} - y^{(i,j)})^2
        + \\frac{\\lambda}{2m^{(j)}} \\sum_{k=1}^{n} (w_k^{(j)})^2

    Examples
    --------
    Alice (``w = [5, 0]``, ``b = 0``) on the toy features: her errors are 0.5, 0, 0.5, 0 on
    the four movies she rated, so the cost is (0.25 + 0.25) / (2 * 4) = 0.0625.
    """
    X = as_matrix("X", X)
    w, y, r = as_matrix("w", w, ndim=1), as_matrix("y", y, ndim=1), as_matrix("r", r, ndim=1)
    lam, b = check_lambda(lambda_), check_number(b, "b")
    if w.shape != (X.shape[1],):
        raise ValueError(
            f"w has shape {w.shape} but X has shape {X.shape}; w must be ({X.shape[1]},)"
        )
    for name, v in (("y", y), ("r", r)):
        if v.shape != (X.shape[0],):
            raise ValueError(
                f"{name} has shape {v.shape} but X has shape {X.shape}; "
                f"{name} must be (n_movies,) = ({X.shape[0]},)"
            )
    if np.any((r != 0) & (r != 1)):
        raise ValueError(
            "r must contain only 0 and 1 (r[i] = 1 iff the user rated movie i), "
            f"got {r[(r != 0) & (r != 1)][0]:g}"
        )
    m = r.sum()
    if average and m == 0:
        raise ValueError(
            "this user has rated no movie (m = 0), so 1/(2m) is undefined; use average=False"
        )
    err = (X @ w + b - y) * r
    total = 0.5 * np.sum(err**2) + 0.5 * lam * np.sum(w**2)
    return float(total / m) if average else float(total)


def movie_features_cost(X: Any, W: Any, b: Any, Y: Any, R: Any, lambda_: float = 0.0) -> float:
    """Cost of learning the movie features ``X`` when ``W`` and ``b`` are given.

    Notes
    -----
    .. math::
        J(x^{(1)}, \\dots, x^{(n_m)}) = \\frac{1}{2} \\sum_{i=1}^{n_m} \\sum_{j:r(i,j)=1}
        (w^{(j)} \\cdot x^{(i)} + b^{(j)} - y^{(i,j)})^2
        + \\frac{\\lambda}{2} \\sum_{i=1}^{n_m} \\sum_{k=1}^{n} (x_k^{(i)})^2

    Only ``X`` is regularised: ``W`` and ``b`` are constants here.
    """
    X, W, b, Y, R = check_params(X, W, b, Y, R)
    lam = check_lambda(lambda_)
    err = (X @ W.T + b - Y) * R
    return float(0.5 * np.sum(err**2) + 0.5 * lam * np.sum(X**2))


def cofi_cost_loop(X: Any, W: Any, b: Any, Y: Any, R: Any, lambda_: float) -> float:
    """The combined cost :math:`J(w, b, x)` with explicit loops (the reference).

    Notes
    -----
    .. math::
        J(w, b, x) = \\frac{1}{2} \\sum_{(i,j):r(i,j)=1}
        (w^{(j)} \\cdot x^{(i)} + b^{(j)} - y^{(i,j)})^2
        + \\frac{\\lambda}{2} \\sum_{j=1}^{n_u} \\sum_{k=1}^{n} (w_k^{(j)})^2
        + \\frac{\\lambda}{2} \\sum_{i=1}^{n_m} \\sum_{k=1}^{n} (x_k^{(i)})^2

    Slow on purpose: it reads like the formula. Use :func:`cofi_cost` for real work.
    """
    X, W, b, Y, R = check_params(X, W, b, Y, R)
    lam = check_lambda(lambda_)
    n_movies, n_users = Y.shape
    J = 0.0
    for j in range(n_users):
        w_j = W[j, :]
        b_j = b[0, j]
        for i in range(n_movies):
            if R[i, j] == 1:
                J += (np.dot(w_j, X[i, :]) + b_j - Y[i, j]) ** 2
    J = J / 2
    J += (lam / 2) * (np.sum(W**2) + np.sum(X**2))
    return float(J)


def cofi_cost(X: Any, W: Any, b: Any, Y: Any, R: Any, lambda_: float) -> float:
    """The combined cost :math:`J(w, b, x)`, vectorized with NumPy.

    Parameters
    ----------
    X : array_like, shape (n_movies, n_features)
    W : array_like, shape (n_users, n_features)
    b : array_like, shape (1, n_users)
    Y : array_like, shape (n_movies, n_users)
    R : array_like, shape (n_movies, n_users)
    lambda_ : float

    Returns
    -------
    float

    Notes
    -----
    Same formula as :func:`cofi_cost_loop`. Multiplying the error matrix by ``R`` zeroes
    the unrated entries, so whatever placeholder ``Y`` holds there never counts.
    """
    X, W, b, Y, R = check_params(X, W, b, Y, R)
    lam = check_lambda(lambda_)
    err = (X @ W.T + b - Y) * R
    return float(0.5 * np.sum(err**2) + 0.5 * lam * (np.sum(W**2) + np.sum(X**2)))


def cofi_gradients_loop(
    X: Any, W: Any, b: Any, Y: Any, R: Any, lambda_: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`cofi_cost` with explicit loops (the reference).

    Notes
    -----
    With :math:`e_{ij} = r(i,j)(w^{(j)} \\cdot x^{(i)} + b^{(j)} - y^{(i,j)})`:

    .. math::
        \\frac{\\partial J}{\\partial x_k^{(i)}} = \\sum_j e_{ij} w_k^{(j)}
        + \\lambda x_k^{(i)}, \\quad
        \\frac{\\partial J}{\\partial w_k^{(j)}} = \\sum_i e_{ij} x_k^{(i)}
        + \\lambda w_k^{(j)}, \\quad
        \\frac{\\partial J}{\\partial b^{(j)}} = \\sum_i e_{ij}
    """
    X, W, b, Y, R = check_params(X, W, b, Y, R)
    lam = check_lambda(lambda_)
    dX, dW, db = lam * X, lam * W, np.zeros_like(b)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if R[i, j] == 1:
                e = np.dot(W[j], X[i]) + b[0, j] - Y[i, j]
                dX[i] += e * W[j]
                dW[j] += e * X[i]
                db[0, j] += e
    return dX, dW, db


def cofi_gradients(
    X: Any, W: Any, b: Any, Y: Any, R: Any, lambda_: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Analytic gradients of :func:`cofi_cost`, vectorized.

    Returns
    -------
    dX : ndarray, shape (n_movies, n_features)
    dW : ndarray, shape (n_users, n_features)
    db : ndarray, shape (1, n_users)

    Notes
    -----
    With the masked error matrix :math:`E = R \\odot (XW^T + b - Y)`:
    :math:`\\partial J/\\partial X = EW + \\lambda X`,
    :math:`\\partial J/\\partial W = E^T X + \\lambda W`,
    :math:`\\partial J/\\partial b = \\mathbf{1}^T E` (column sums; b is not regularised).
    """
    X, W, b, Y, R = check_params(X, W, b, Y, R)
    lam = check_lambda(lambda_)
    E = (X @ W.T + b - Y) * R
    return E @ W + lam * X, E.T @ X + lam * W, E.sum(axis=0, keepdims=True)
