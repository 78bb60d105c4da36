"""Validation of arrays and of the collaborative-filtering matrices Y, R, X, W and b.

Re-exported by :mod:`recsys_utils.validation` (import them from there): ``as_matrix`` turns
anything array-like into a finite float64 array or says what is wrong with it; the others
check the lecture's shapes and guess the mistake ("did you transpose W?").
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["as_matrix", "check_ratings_R", "check_scale", "check_params", "check_param_shapes"]


def as_matrix(name: str, value: Any, ndim: int = 2, allow_empty: bool = False) -> np.ndarray:
    """Return ``value`` as a float64 array with ``ndim`` dimensions, or raise.

    Raises
    ------
    TypeError
        If ``value`` is not numeric (strings, objects, None).
    ValueError
        If it has the wrong number of dimensions, is empty, or holds NaN or infinity.
    """
    if value is None:
        raise TypeError(f"{name} is None; expected a numeric array")
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):  # tf.Tensor / tf.Variable
        value = value.numpy()
    arr = np.asarray(value)
    if arr.dtype == bool:
        arr = arr.astype(np.float64)
    if not (np.issubdtype(arr.dtype, np.number)):
        raise TypeError(f"{name} must be numeric, got an array of dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape} ({arr.ndim}-D)")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one entry")
    arr = arr.astype(np.float64, copy=False)
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(k) for k in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} contains {int(bad.sum())} NaN/infinite value(s), the first at index {where}; "
            "unrated entries belong in R (R = 0) with any finite placeholder in Y, e.g. 0"
        )
    return arr


def check_ratings_R(Y: Any, R: Any, allow_empty: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Validate the rating matrix ``Y`` and indicator ``R``; both ``(n_movies, n_users)``.

    ``R`` must hold only 0 and 1, and ``Y`` must be finite everywhere (put any finite
    placeholder, such as 0, where ``R == 0``).
    """
    Y = as_matrix("Y", Y, allow_empty=allow_empty)
    R = as_matrix("R", R, allow_empty=allow_empty)
    if R.shape != Y.shape:
        raise ValueError(
            f"R has shape {R.shape} but Y has shape {Y.shape}; both must be (n_movies, n_users)"
        )
    not_binary = (R != 0) & (R != 1)
    if not_binary.any():
        where = tuple(int(k) for k in np.argwhere(not_binary)[0])
        raise ValueError(
            f"R must contain only 0 and 1 (R[i, j] = 1 iff user j rated movie i); "
            f"found {R[where]!r} at index {where}"
        )
    return Y, R


def check_scale(Y: np.ndarray, R: np.ndarray, scale: tuple[float, float] | None) -> None:
    """Raise if a rated entry of ``Y`` (where ``R == 1``) lies outside ``scale = (low, high)``."""
    if scale is None:
        return
    low, high = (float(s) for s in scale)
    if not low < high:
        raise ValueError(f"scale must be (low, high) with low < high, got {scale!r}")
    rated = R == 1
    outside = rated & ((Y < low) | (Y > high))
    if outside.any():
        where = tuple(int(k) for k in np.argwhere(outside)[0])
        raise ValueError(
            f"Y has {int(outside.sum())} rating(s) outside the scale [{low:g}, {high:g}], "
            f"the first {Y[where]:g} at index {where}; check the scale argument "
            "(toy tables 0-5, MovieLens 0.5-5, binary labels 0-1)"
        )


def check_params(
    X: Any, W: Any, b: Any, Y: Any, R: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate the collaborative-filtering parameters against ``Y`` and ``R``.

    Shapes: ``X`` ``(n_movies, n_features)``, ``W`` ``(n_users, n_features)``,
    ``b`` ``(1, n_users)``, ``Y`` and ``R`` ``(n_movies, n_users)``. Returns float64 copies.
    """
    Y, R = check_ratings_R(Y, R)
    X = as_matrix("X", X)
    W = as_matrix("W", W)
    b = as_matrix("b", b, ndim=max(np.ndim(b), 1))  # shape judged below, with a reshape hint
    check_param_shapes(X.shape, W.shape, b.shape, Y.shape)
    return X, W, b, Y, R


def check_param_shapes(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    b_shape: tuple[int, ...],
    y_shape: tuple[int, int],
) -> None:
    """Raise unless ``X``, ``W``, ``b`` shapes fit a ``Y`` of shape ``y_shape``.

    Works on shapes alone, so it can check ``tf.Variable`` parameters without reading them.
    """
    x_shape, w_shape, b_shape = tuple(x_shape), tuple(w_shape), tuple(b_shape)
    n_movies, n_users = y_shape
    for name, shape, want in (
        ("X", x_shape, "(n_movies, n_features)"),
        ("W", w_shape, "(n_users, n_features)"),
    ):
        if len(shape) != 2:
            raise ValueError(f"{name} has shape {shape} but must be 2-dimensional, {want}")
    if x_shape[0] != n_movies:
        hint = " (did you transpose X?)" if x_shape[1] == n_movies else ""
        raise ValueError(
            f"X has shape {x_shape} but Y has shape {tuple(y_shape)}; X must be "
            f"(n_movies, n_features) = ({n_movies}, n_features){hint}"
        )
    if w_shape[0] != n_users:
        hint = " (did you transpose W?)" if w_shape[1] == n_users else ""
        raise ValueError(
            f"W has shape {w_shape} but Y has shape {tuple(y_shape)}; W must be "
            f"(n_users, n_features) = ({n_users}, n_features){hint}"
        )
    if w_shape[1] != x_shape[1]:
        raise ValueError(
            f"W has shape {w_shape} and X has shape {x_shape}; they must have the same "
            "number of features (columns)"
        )
    if b_shape != (1, n_users):
        raise ValueError(
            f"b has shape {b_shape} but must be (1, n_users) = (1, {n_users}); "
            "reshape with b.reshape(1, -1)"
        )
