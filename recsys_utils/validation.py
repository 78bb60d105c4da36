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
    "check_number",
    "check_indices",
    "check_unique_pairs",
    "check_triples",
    "check_labels",
    "check_int",
    "check_lambda",
    "check_seed",
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


def _shown(value: Any) -> str:
    """``repr`` of a value for a message, NumPy scalars as plain Python numbers."""
    return repr(value.item()) if isinstance(value, np.generic) else repr(value)


def _expected(integer: bool, low: float | None, high: float | None, low_open: bool,
              high_open: bool) -> str:
    kind, a = ("integer", "an") if integer else ("number", "a")
    fmt = (lambda v: str(int(v))) if integer else (lambda v: f"{v:g}")
    if low is not None and high is not None:
        return (f"{a} {kind} in {'(' if low_open else '['}{fmt(low)}, {fmt(high)}"
                f"{')' if high_open else ']'}")
    if integer and low == 1 and not low_open:
        return "a positive integer"
    if low is not None:
        return f"{a} {kind} {'>' if low_open else '>='} {fmt(low)}"
    if high is not None:
        return f"{a} {kind} {'<' if high_open else '<='} {fmt(high)}"
    return "an integer" if integer else "a finite number"


def check_number(value: Any, name: str, *, integer: bool = False, low: float | None = None,
                 high: float | None = None, low_open: bool = False,
                 high_open: bool = False) -> Any:
    """Return the scalar ``value`` as a Python ``int`` or ``float``, or raise (the one rule).

    Parameters
    ----------
    value
        A Python or NumPy scalar (``np.float32(0.1)`` is a number); ``bool`` is not.
    name : str
        The argument, as the learner typed it, for the message.
    integer : bool
        Require an integer (``int`` or ``np.integer``); else any finite real number.
    low, high : float, optional
        Bounds, inclusive unless ``low_open`` / ``high_open``.

    Raises
    ------
    TypeError
        For the wrong type: ``"k must be a positive integer, got float 1.5"``.
    ValueError
        For NaN, infinity or a value out of range: ``"k must be a positive integer, got 0"``.
    """
    want = _expected(integer, low, high, low_open, high_open)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    types = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, types):
        raise TypeError(f"{name} must be {want}, got {type(value).__name__} {_shown(value)}")
    number = int(value) if integer else float(value)
    if not integer and not np.isfinite(number):
        raise ValueError(f"{name} must be {want}, got {_shown(value)}")
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be {want}, got {_shown(value)}")
    return number


def check_indices(value: Any, name: str, n: int, *, into: str, unique: bool = False) -> np.ndarray:
    """Return ``value`` as a 1-D int64 array of indices in ``[0, n)``, or raise.

    ``into`` says what the indices point into (``"the rows of X"``, ``"the users"``).
    Negative indices are refused: NumPy would wrap ``-1`` round to the last row.
    """
    if value is None:
        raise TypeError(f"{name} must be a 1-D array of integer indices into {into}, got None")
    idx = np.asarray(value)
    if idx.size == 0 and idx.ndim == 1:
        return idx.astype(np.int64)
    if idx.dtype == bool:
        raise TypeError(f"{name} must hold integer indices into {into}, got a boolean mask; "
                        f"pass np.flatnonzero({name}) for the indices it selects")
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"{name} must hold integer indices into {into}, got dtype {idx.dtype}")
    if idx.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {idx.shape}")
    bad = (idx < 0) | (idx >= n)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} must lie in [0, {n}) ({into}), got {int(idx[first])} "
                         f"at position {first}; negative indices do not wrap around here")
    idx = idx.astype(np.int64, copy=False)
    if unique:
        uniq, counts = np.unique(idx, return_counts=True)
        if (counts > 1).any():
            raise ValueError(f"{name} must list each of {into} at most once, "
                             f"got {int(uniq[counts > 1][0])} {int(counts.max())} times")
    return idx


def check_unique_pairs(item_idx: np.ndarray, user_idx: np.ndarray, n_users: int) -> None:
    """Refuse a (movie, user) pair listed twice: a triples cost would count that rating twice."""
    if item_idx.size < 2:
        return
    key = item_idx.astype(np.int64) * int(n_users) + user_idx
    uniq, first, counts = np.unique(key, return_index=True, return_counts=True)
    if counts.max() > 1:
        d = int(np.argmax(counts > 1))
        i, j = divmod(int(uniq[d]), int(n_users))
        rows = np.flatnonzero(key == uniq[d])[:2].tolist()
        raise ValueError(
            "item_idx and user_idx must list each (movie, user) pair once, "
            f"got {int((counts > 1).sum())} "
            f"duplicated pair(s), the first (movie {i}, user {j}) at positions {rows}; keep one "
            "rating per pair (e.g. the latest: table.drop_duplicates([user, movie], keep='last'))"
        )


def check_triples(item_idx: Any, user_idx: Any, y: Any, n_movies: int,
                  n_users: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate observed ratings as triples: indices in range, one rating per (movie, user).

    Returns ``item_idx`` and ``user_idx`` as int32 and ``y`` as float64, shape ``(n_ratings,)``.
    """
    y = as_matrix("y", y, ndim=1, allow_empty=True)  # no ratings: a cost is its regulariser
    for name, idx in (("item_idx", item_idx), ("user_idx", user_idx)):
        if np.ndim(idx) == 1 and np.shape(idx) != y.shape:
            raise ValueError(f"{name} has shape {np.shape(idx)} but y has shape {y.shape}; "
                             "give one entry per rating")
    item_idx = check_indices(item_idx, "item_idx", n_movies, into="the rows of X")
    user_idx = check_indices(user_idx, "user_idx", n_users, into="the rows of W")
    check_unique_pairs(item_idx, user_idx, n_users)
    return item_idx.astype(np.int32), user_idx.astype(np.int32), y


def check_labels(Y: np.ndarray, R: np.ndarray | None = None, name: str = "Y") -> None:
    """Refuse anything but 0 and 1 in ``Y`` where ``R == 1`` (everywhere if ``R`` is None)."""
    bad = (Y != 0) & (Y != 1)
    if R is not None:
        bad &= R == 1
    if bad.any():
        where = tuple(int(k) for k in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must hold binary labels 0 or 1{' where R == 1' if R is not None else ''} for "
            f"the binary loss, got {Y[where]:g} at index {where if len(where) > 1 else where[0]} "
            "(turn ratings into labels first, e.g. recsys_utils.binarize)"
        )


def check_int(name: str, value: Any, minimum: int = 1) -> int:
    """Old spelling of ``check_number(value, name, integer=True, low=minimum)``.

    Kept for the modules not yet moved to :func:`check_number`; unlike it, this raises
    ``ValueError`` for a wrong type too (what their tests expect). New code: ``check_number``.
    """
    try:
        return check_number(value, name, integer=True, low=minimum)
    except TypeError as e:
        raise ValueError(str(e)) from None


def check_lambda(lambda_: Any, name: str = "lambda_") -> float:
    """``check_number(lambda_, name, low=0)``: a regulariser is a finite number >= 0."""
    return check_number(lambda_, name, low=0)


def check_seed(seed: Any, name: str = "seed") -> int:
    """A seed is an integer in ``[0, 2**32)`` (what NumPy and Keras both accept)."""
    return check_number(seed, name, integer=True, low=0, high=2**32 - 1)


def check_rated_rows(name: str, idx: Any, ratings: Any, n_rows: int, rows_of: str,
                     what: str) -> tuple[np.ndarray, np.ndarray]:
    """Validate one newcomer's ratings: rows ``idx`` of the matrix ``rows_of``, each rated once.

    ``name`` is the argument (``"item_idx"``), ``rows_of`` the matrix whose rows it indexes
    (``"X"``, ``n_rows`` rows) and ``what`` one row in words (``"movie"``), for the messages.
    Returns ``idx`` as int64 and ``ratings`` as float64, both of shape ``(m,)``; ``m`` may be 0.
    """
    idx = check_indices(idx, name, n_rows, into=f"the rows of {rows_of}")
    y = as_matrix("ratings", ratings, ndim=1, allow_empty=True)
    if y.shape != idx.shape:
        raise ValueError(f"ratings has shape {y.shape} but {name} has shape {idx.shape}; "
                         f"give one rating per {what}")
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
