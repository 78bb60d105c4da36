"""Binary labels: saves, likes and clicks (lecture: "Binary labels").

The prediction becomes a probability, :math:`g(w^{(j)} \\cdot x^{(i)} + b^{(j)})` with the
sigmoid :math:`g(z) = 1/(1 + e^{-z})`, and the squared error becomes the binary
cross-entropy. Computing the loss as ``-y log g(z) - (1-y) log(1-g(z))`` overflows or
returns ``log(0) = -inf`` for large ``|z|``; the same value computed from the logit ``z``,
``log(1 + e^z) - y z``, never does. That is what every function here uses.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._tf import tf
from .cofi_cost_tf import _shape, as_params_tf, dense_cost_tf
from .validation import (
    check_labels,
    check_lambda,
    check_param_shapes,
    check_params,
    check_ratings_R,
)

__all__ = [
    "sigmoid",
    "binary_loss",
    "binary_cost_loop",
    "binary_cost",
    "binary_gradients",
    "binary_cost_tf",
]


def sigmoid(z: Any) -> np.ndarray:
    """The logistic function :math:`g(z) = 1/(1+e^{-z})`, without overflow for large ``|z|``."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out if out.ndim else out[()]


def binary_loss(z: Any, y: Any) -> np.ndarray:
    """Loss for single examples from logits ``z`` and labels ``y`` in {0, 1}.

    Notes
    -----
    :math:`L = -y \\log g(z) - (1-y) \\log(1-g(z)) = \\log(1+e^{z}) - yz`, computed with
    ``np.logaddexp(0, z)`` so it is finite for every finite ``z``.
    """
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return np.logaddexp(0.0, z) - y * z


def binary_cost_loop(X: Any, W: Any, b: Any, Y: Any, R: Any, lambda_: float) -> float:
    """The binary-label cost with explicit loops (the reference).

    Notes
    -----
    .. math::
        J(w, b, x) = \\sum_{(i,j):r(i,j)=1}
        L\\left(g(w^{(j)} \\cdot x^{(i)} + b^{(j)}), y^{(i,j)}\\right)
        + \\frac{\\lambda}{2} \\sum_{j,k} (w_k^{(j)})^2
        + \\frac{\\lambda}{2} \\sum_{i,k} (x_k^{(i)})^2
    """
    X, W, b, Y, R = check_params(X, W, b, Y, R)
    check_labels(Y, R)
    lam = check_lambda(lambda_)
    J = 0.0
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if R[i, j] == 1:
                z = np.dot(W[j], X[i]) + b[0, j]
                J += float(binary_loss(z, Y[i, j]))
    return float(J + (lam / 2) * (np.sum(W**2) + np.sum(X**2)))


def binary_cost(X: Any, W: Any, b: Any, Y: Any, R: Any, lambda_: float) -> float:
    """The binary-label cost, vectorized and stable from logits.

    Parameters
    ----------
    X : array_like, shape (n_movies, n_features)
    W : array_like, shape (n_users, n_features)
    b : array_like, shape (1, n_users)
    Y : array_like, shape (n_movies, n_users)
        Labels 0 or 1 where ``R == 1`` (anything finite elsewhere).
    R : array_like, shape (n_movies, n_users)
    lambda_ : float

    Notes
    -----
    Same formula as :func:`binary_cost_loop`, with the same L2 regularisation as the
    squared-error cost; ``b`` is not regularised.
    """
    X, W, b, Y, R = check_params(X, W, b, Y, R)
    check_labels(Y, R)
    lam = check_lambda(lambda_)
    Z = X @ W.T + b
    return float(np.sum(binary_loss(Z, Y) * R) + (lam / 2) * (np.sum(W**2) + np.sum(X**2)))


def binary_gradients(
    X: Any, W: Any, b: Any, Y: Any, R: Any, lambda_: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Analytic gradients of :func:`binary_cost`.

    Notes
    -----
    :math:`\\partial L/\\partial z = g(z) - y`, so with :math:`E = R \\odot (g(XW^T + b) - Y)`
    the gradients have exactly the squared-error form: ``E @ W + λX``, ``E.T @ X + λW``,
    ``E.sum(axis=0)``.
    """
    X, W, b, Y, R = check_params(X, W, b, Y, R)
    check_labels(Y, R)
    lam = check_lambda(lambda_)
    E = (sigmoid(X @ W.T + b) - Y) * R
    return E @ W + lam * X, E.T @ X + lam * W, E.sum(axis=0, keepdims=True)


def binary_cost_tf(X: Any, W: Any, b: Any, Y: Any, R: Any, lambda_: float) -> Any:
    """TensorFlow version of :func:`binary_cost` (differentiable; stable from logits).

    Uses ``tf.nn.sigmoid_cross_entropy_with_logits``, which computes
    ``max(z, 0) - z y + log(1 + e^{-|z|})``.
    """
    tf_ = tf()
    Yn, Rn = check_ratings_R(Y, R)
    check_labels(Yn, Rn)
    lam = check_lambda(lambda_)
    X, W, b = as_params_tf(X, W, b)
    check_param_shapes(_shape(X), _shape(W), _shape(b), Yn.shape)
    Yt, Rt = tf_.constant(Yn, X.dtype), tf_.constant(Rn, X.dtype)
    return dense_cost_tf(X, W, b, Yt, Rt, lam, loss="binary")
