"""Input validation shared by every module: refuse bad input loudly, naming the argument.

Every public function of the package calls these before computing anything, so a learner
who passes a transposed matrix, a NaN or a rating of 7 on a 0–5 scale gets a ``ValueError``
(or ``TypeError``) that says which argument was wrong, what it was, and what was expected —
never a silent broadcast and never NaN passed through.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "as_matrix",
    "check_int",
    "check_lambda",
    "check_rated_rows",
    "check_ratings_R",
    "check_scale",
    "check_params",
    "check_param_shapes",
]


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
        raise ValueError(
            f"{name} must be {ndim}-dimensional, got shape {arr.shape} ({arr.ndim}-D)"
        )
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


def check_int(name: str, value: Any, minimum: int = 1) -> int:
    """Return ``value`` as an ``int``, refusing bools, floats and values below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        need = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{name} must be {need}, got {value!r}")
    return int(value)


def check_lambda(lambda_: Any, name: str = "lambda_") -> float:
    """Return ``lambda_`` as a float, refusing negatives, NaN and non-numbers (named ``name``)."""
    if isinstance(lambda_, bool) or not isinstance(lambda_, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(lambda_).__name__}")
    lam = float(lambda_)
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {lambda_!r}")
    return lam


def check_rated_rows(name: str, idx: Any, ratings: Any, n_rows: int, rows_of: str,
                     what: str) -> tuple[np.ndarray, np.ndarray]:
    """Validate one newcomer's ratings: rows ``idx`` of the matrix ``rows_of``, each rated once.

    ``name`` is the argument (``"item_idx"``), ``rows_of`` the matrix whose rows it indexes
    (``"X"``, ``n_rows`` rows) and ``what`` one row in words (``"movie"``), for the messages.
    Returns ``idx`` as int64 and ``ratings`` as float64, both of shape ``(m,)``; ``m`` may be 0.
    """
    idx = np.asarray(idx)
    if idx.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {idx.shape}")
    if idx.size and not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"{name} must hold integer row indices of {rows_of}, got dtype {idx.dtype}")
    idx = idx.astype(np.int64)
    y = as_matrix("ratings", ratings, ndim=1, allow_empty=True)
    if y.shape != idx.shape:
        raise ValueError(f"ratings has shape {y.shape} but {name} has shape {idx.shape}; "
                         f"give one rating per {what}")
    if idx.size:
        bad = (idx < 0) | (idx >= n_rows)
        if bad.any():
            raise ValueError(f"{name} holds {int(idx[bad][0])}, outside the rows of {rows_of} (0 .. {n_rows - 1})")
        uniq, counts = np.unique(idx, return_counts=True)
        if (counts > 1).any():
            raise ValueError(f"{name} lists {what} row {int(uniq[counts > 1][0])} more than once; "
                             f"keep one rating per {what}")
    return idx, y


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
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], b_shape: tuple[int, ...],
    y_shape: tuple[int, int],
) -> None:
    """Raise unless ``X``, ``W``, ``b`` shapes fit a ``Y`` of shape ``y_shape``.

    Works on shapes alone, so it can check ``tf.Variable`` parameters without reading them.
    """
    x_shape, w_shape, b_shape = tuple(x_shape), tuple(w_shape), tuple(b_shape)
    n_movies, n_users = y_shape
    for name, shape, want in (("X", x_shape, "(n_movies, n_features)"),
                              ("W", w_shape, "(n_users, n_features)")):
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
