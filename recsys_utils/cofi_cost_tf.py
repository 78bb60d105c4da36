"""TensorFlow versions of the collaborative-filtering cost (lecture: "Implementation in TensorFlow").

Two ways to compute the same :math:`J(w, b, x)`:

* :func:`cofi_cost_tf` — the dense formula, ``R * (X W^T + b - Y)``: simple, and what the
  lecture's lab uses. It does ``n_movies * n_users * n_features`` work even though MovieLens
  has a rating in only 1.7 % of the cells.
* :func:`cofi_cost_observed_tf` — the same cost summed over the observed ratings only
  (``tf.gather`` the rows of ``X`` and ``W`` for each rating): work proportional to the number
  of ratings. Tests prove both give the same cost and the same gradients.

TensorFlow is imported the first time one of these is called.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._tf import tf
from .validation import as_matrix, check_lambda, check_param_shapes, check_ratings_R

__all__ = [
    "cofi_cost_tf",
    "cofi_cost_observed",
    "cofi_cost_observed_tf",
    "observed_from_matrices",
]


def _shape(t: Any) -> tuple[int, ...]:
    return tuple(int(d) for d in t.shape)


def _check_tensor_shapes(X: Any, W: Any, b: Any, n_movies: int, n_users: int) -> None:
    """Shape checks that work on tf.Variables without reading their values."""
    check_param_shapes(_shape(X), _shape(W), _shape(b), (n_movies, n_users))


def _dense_cost(tf_: Any, X: Any, W: Any, b: Any, Y: Any, R: Any, lam: float) -> Any:
    err = (tf_.linalg.matmul(X, W, transpose_b=True) + b - Y) * R
    return 0.5 * tf_.reduce_sum(err**2) + (lam / 2) * (
        tf_.reduce_sum(W**2) + tf_.reduce_sum(X**2)
    )


def cofi_cost_tf(X: Any, W: Any, b: Any, Y: Any, R: Any, lambda_: float) -> Any:
    """The combined cost :math:`J(w, b, x)` as a TensorFlow scalar (differentiable).

    Parameters
    ----------
    X : tf.Variable or array_like, shape (n_movies, n_features)
    W : tf.Variable or array_like, shape (n_users, n_features)
    b : tf.Variable or array_like, shape (1, n_users)
    Y, R : array_like, shape (n_movies, n_users)
    lambda_ : float

    Returns
    -------
    tf.Tensor, shape ()
        In the dtype of ``X``. Use inside ``tf.GradientTape`` to get gradients.

    Notes
    -----
    Same formula as :func:`recsys_utils.cofi_cost.cofi_cost`.
    """
    tf_ = tf()
    Yn, Rn = check_ratings_R(Y, R)
    _check_tensor_shapes(X, W, b, *Yn.shape)
    lam = check_lambda(lambda_)
    X, W, b = (v if isinstance(v, (tf_.Variable, tf_.Tensor)) else tf_.constant(v) for v in (X, W, b))
    dtype = X.dtype
    return _dense_cost(tf_, X, W, b, tf_.constant(Yn, dtype), tf_.constant(Rn, dtype), lam)


def observed_from_matrices(Y: Any, R: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The observed entries of ``Y`` as triples ``(item_idx, user_idx, y)``.

    Returns
    -------
    item_idx, user_idx : ndarray of int32, shape (n_ratings,)
        Row (movie) and column (user) index of each rating, in row-major order.
    y : ndarray of float64, shape (n_ratings,)
    """
    Y, R = check_ratings_R(Y, R)
    item_idx, user_idx = np.nonzero(R)
    return item_idx.astype(np.int32), user_idx.astype(np.int32), Y[item_idx, user_idx]


def _check_triples(item_idx: Any, user_idx: Any, y: Any, n_movies: int, n_users: int):
    item_idx = np.asarray(item_idx)
    user_idx = np.asarray(user_idx)
    y = as_matrix("y", y, ndim=1, allow_empty=True)  # no ratings: the cost is the regulariser alone
    for name, idx, n in (("item_idx", item_idx, n_movies), ("user_idx", user_idx, n_users)):
        if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"{name} must be a 1-D integer array, got dtype {idx.dtype} shape {idx.shape}")
        if idx.shape != y.shape:
            raise ValueError(f"{name} has shape {idx.shape} but y has shape {y.shape}; one entry per rating")
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise ValueError(f"{name} holds indices from {idx.min()} to {idx.max()} but must lie in [0, {n})")
    return item_idx.astype(np.int32), user_idx.astype(np.int32), y


def cofi_cost_observed(
    X: Any, W: Any, b: Any, item_idx: Any, user_idx: Any, y: Any, lambda_: float
) -> float:
    """:math:`J(w, b, x)` summed over the observed ratings only, in NumPy.

    Parameters
    ----------
    X : array_like, shape (n_movies, n_features)
    W : array_like, shape (n_users, n_features)
    b : array_like, shape (1, n_users)
    item_idx, user_idx : array_like of int, shape (n_ratings,)
    y : array_like, shape (n_ratings,)
    lambda_ : float

    Notes
    -----
    For rating :math:`t` at :math:`(i_t, j_t)` the prediction is the row-wise dot product
    :math:`\\sum_k X_{i_t k} W_{j_t k} + b_{j_t}`; the regularisation still covers all of
    ``X`` and ``W``, so the value equals the dense :func:`~recsys_utils.cofi_cost.cofi_cost`.
    """
    X, W, b = as_matrix("X", X), as_matrix("W", W), as_matrix("b", b)
    n_movies, n_users = X.shape[0], W.shape[0]
    check_param_shapes(X.shape, W.shape, b.shape, (n_movies, n_users))
    item_idx, user_idx, y = _check_triples(item_idx, user_idx, y, n_movies, n_users)
    lam = check_lambda(lambda_)
    err = np.einsum("tk,tk->t", X[item_idx], W[user_idx]) + b[0, user_idx] - y
    return float(0.5 * np.sum(err**2) + 0.5 * lam * (np.sum(W**2) + np.sum(X**2)))


def _observed_cost(tf_: Any, X: Any, W: Any, b: Any, item_idx: Any, user_idx: Any, y: Any, lam: float) -> Any:
    pred = tf_.reduce_sum(tf_.gather(X, item_idx) * tf_.gather(W, user_idx), axis=1)
    err = pred + tf_.gather(b[0], user_idx) - y
    return 0.5 * tf_.reduce_sum(err**2) + (lam / 2) * (tf_.reduce_sum(W**2) + tf_.reduce_sum(X**2))


def cofi_cost_observed_tf(
    X: Any, W: Any, b: Any, item_idx: Any, user_idx: Any, y: Any, lambda_: float
) -> Any:
    """TensorFlow version of :func:`cofi_cost_observed` (differentiable in ``X``, ``W``, ``b``).

    Work and memory are proportional to the number of ratings, not to
    ``n_movies * n_users``: this is the path that trains on all of MovieLens in seconds.
    """
    tf_ = tf()
    _check_tensor_shapes(X, W, b, _shape(X)[0], _shape(W)[0])
    item_idx, user_idx, y = _check_triples(item_idx, user_idx, y, _shape(X)[0], _shape(W)[0])
    lam = check_lambda(lambda_)
    X, W, b = (v if isinstance(v, (tf_.Variable, tf_.Tensor)) else tf_.constant(v) for v in (X, W, b))
    return _observed_cost(tf_, X, W, b, tf_.constant(item_idx), tf_.constant(user_idx),
                          tf_.constant(y, X.dtype), lam)
