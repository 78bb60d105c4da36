"""TensorFlow versions of the collaborative-filtering cost.

Lecture: "Implementation in TensorFlow".

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
from .validation import as_matrix, check_lambda, check_param_shapes, check_ratings_R, check_triples

__all__ = [
    "cofi_cost_tf",
    "cofi_cost_observed",
    "cofi_cost_observed_tf",
    "observed_from_matrices",
]

_check_triples = check_triples  # the name other modules imported before it moved to validation


def as_params_tf(X: Any, W: Any, b: Any) -> tuple[Any, Any, Any]:
    """``X``, ``W``, ``b`` as TensorFlow values of one dtype, checked like NumPy input.

    ``tf.Variable`` and tensors pass as they are (their values are checked for NaN/inf when
    running eagerly); lists and arrays become constants in the dtype of the first TensorFlow
    argument (float64 if there is none). Mixed float32/float64 variables are refused here in
    the package's words instead of by TensorFlow's ``MatMul`` deep inside the cost.
    """
    tf_ = tf()
    given = {"X": X, "W": W, "b": b}
    is_tf = {n: isinstance(v, (tf_.Variable, tf_.Tensor)) for n, v in given.items()}
    dtypes = {n: given[n].dtype for n in given if is_tf[n]}
    if len(set(dtypes.values())) > 1:
        shown = ", ".join(f"{n} is {d.name}" for n, d in dtypes.items())
        raise TypeError(
            f"X, W and b must have one dtype, got {shown}; create them all with the "
            "same dtype, e.g. tf.Variable(W, dtype=tf.float64)"
        )
    dtype = next(iter(dtypes.values()), tf_.float64)
    out = []
    for name, v in given.items():
        if is_tf[name]:
            if not dtype.is_floating:
                raise TypeError(f"{name} must be a float tensor, got dtype {dtype.name}")
            if tf_.executing_eagerly():  # inside tf.function the values are not known yet
                as_matrix(name, v.numpy(), ndim=len(v.shape))
            out.append(v)
        else:
            out.append(tf_.constant(as_matrix(name, v, ndim=max(np.ndim(v), 1)), dtype))
    return tuple(out)


def _shape(t: Any) -> tuple[int, ...]:
    return tuple(int(d) for d in t.shape)


def data_term_tf(z: Any, y: Any, mask: Any = None, loss: str = "squared") -> Any:
    """The data part of every TensorFlow cost in the package, from predictions (logits) ``z``.

    ``"squared"``: :math:`\\frac12 \\sum (z - y)^2`; ``"binary"``: :math:`\\sum L(g(z), y)` with
    ``tf.nn.sigmoid_cross_entropy_with_logits`` (stable from logits). ``mask`` (``R``) keeps
    the rated entries only.
    """
    tf_ = tf()
    if loss == "squared":
        err = z - y if mask is None else (z - y) * mask
        return 0.5 * tf_.reduce_sum(err**2)
    ce = tf_.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z)
    return tf_.reduce_sum(ce if mask is None else ce * mask)


def l2_tf(lam: float, X: Any, W: Any) -> Any:
    """The regulariser :math:`\\frac{\\lambda}{2}(\\sum W^2 + \\sum X^2)` (``b`` is not in it)."""
    tf_ = tf()
    return (lam / 2) * (tf_.reduce_sum(W**2) + tf_.reduce_sum(X**2))


def dense_cost_tf(X: Any, W: Any, b: Any, Y: Any, R: Any, lam: float, loss: str = "squared") -> Any:
    """:math:`J(w, b, x)` on the dense ``Y``, ``R`` (tensors of the parameters' dtype).

    The one TensorFlow formula behind :func:`cofi_cost_tf`, ``binary_cost_tf`` and ``train_cofi``.
    """
    Z = tf().linalg.matmul(X, W, transpose_b=True) + b
    return data_term_tf(Z, Y, R, loss) + l2_tf(lam, X, W)


def observed_cost_tf(
    X: Any,
    W: Any,
    b: Any,
    item_idx: Any,
    user_idx: Any,
    y: Any,
    lam: float,
    loss: str = "squared",
    c: Any = None,
    lam_b: float = 0.0,
) -> Any:
    """:math:`J(w, b, x)` over observed triples; optional movie bias ``c`` and bias penalty.

    The one TensorFlow formula behind :func:`cofi_cost_observed_tf` and ``train_cofi_observed``.
    """
    tf_ = tf()
    z = tf_.reduce_sum(tf_.gather(X, item_idx) * tf_.gather(W, user_idx), axis=1)
    z = z + tf_.gather(b[0], user_idx)
    if c is not None:
        z = z + tf_.gather(c[:, 0], item_idx)
    reg = l2_tf(lam, X, W)
    if lam_b:
        c_sq = tf_.reduce_sum(c**2) if c is not None else 0.0
        reg += (lam_b / 2) * (tf_.reduce_sum(b**2) + c_sq)
    return data_term_tf(z, y, None, loss) + reg


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
    lam = check_lambda(lambda_)
    X, W, b = as_params_tf(X, W, b)
    check_param_shapes(_shape(X), _shape(W), _shape(b), Yn.shape)
    return dense_cost_tf(X, W, b, tf_.constant(Yn, X.dtype), tf_.constant(Rn, X.dtype), lam)


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
    X, W, b = as_matrix("X", X), as_matrix("W", W), as_matrix("b", b, ndim=max(np.ndim(b), 1))
    n_movies, n_users = X.shape[0], W.shape[0]
    check_param_shapes(X.shape, W.shape, b.shape, (n_movies, n_users))
    item_idx, user_idx, y = check_triples(item_idx, user_idx, y, n_movies, n_users)
    lam = check_lambda(lambda_)
    err = np.einsum("tk,tk->t", X[item_idx], W[user_idx]) + b[0, user_idx] - y
    return float(0.5 * np.sum(err**2) + 0.5 * lam * (np.sum(W**2) + np.sum(X**2)))


def cofi_cost_observed_tf(
    X: Any, W: Any, b: Any, item_idx: Any, user_idx: Any, y: Any, lambda_: float
) -> Any:
    """TensorFlow version of :func:`cofi_cost_observed` (differentiable in ``X``, ``W``, ``b``).

    Work and memory are proportional to the number of ratings, not to
    ``n_movies * n_users``: this is the path that trains on all of MovieLens in seconds.
    """
    tf_ = tf()
    X, W, b = as_params_tf(X, W, b)
    check_param_shapes(_shape(X), _shape(W), _shape(b), (_shape(X)[0], _shape(W)[0]))
    item_idx, user_idx, y = check_triples(item_idx, user_idx, y, _shape(X)[0], _shape(W)[0])
    lam = check_lambda(lambda_)
    return observed_cost_tf(
        X, W, b, tf_.constant(item_idx), tf_.constant(user_idx), tf_.constant(y, X.dtype), lam
    )
