"""Input validation shared by every module: refuse bad input loudly, naming the argument.

Every public function of the package calls these before computing anything, so a learner
who passes a transposed matrix, a NaN or a rating of 7 on a 0–5 scale gets a ``ValueError``
(or ``TypeError``) that says which argument was wrong, what it was, and what was expected —
never a silent broadcast and never NaN passed through.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._matrices import as_matrix, check_param_shapes, check_params, check_ratings_R, check_scale

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


def _shown(value: Any) -> str:
    """``repr`` of a value for a message, NumPy scalars as plain Python numbers."""
    return repr(value.item()) if isinstance(value, np.generic) else repr(value)


def _expected(
    integer: bool, low: float | None, high: float | None, low_open: bool, high_open: bool
) -> str:
    kind, a = ("integer", "an") if integer else ("number", "a")
    fmt = (lambda v: str(int(v))) if integer else (lambda v: f"{v:g}")
    if low is not None and high is not None:
        return (
            f"{a} {kind} in {'(' if low_open else '['}{fmt(low)}, {fmt(high)}"
            f"{')' if high_open else ']'}"
        )
    if integer and low == 1 and not low_open:
        return "a positive integer"
    if low is not None:
        return f"{a} {kind} {'>' if low_open else '>='} {fmt(low)}"
    if high is not None:
        return f"{a} {kind} {'<' if high_open else '<='} {fmt(high)}"
    return "an integer" if integer else "a finite number"


def check_number(
    value: Any,
    name: str,
    *,
    integer: bool = False,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> Any:
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
        raise TypeError(
            f"{name} must hold integer indices into {into}, got a boolean mask; "
            f"pass np.flatnonzero({name}) for the indices it selects"
        )
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"{name} must hold integer indices into {into}, got dtype {idx.dtype}")
    if idx.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {idx.shape}")
    bad = (idx < 0) | (idx >= n)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} must lie in [0, {n}) ({into}), got {int(idx[first])} "
            f"at position {first}; negative indices do not wrap around here"
        )
    idx = idx.astype(np.int64, copy=False)
    if unique:
        uniq, counts = np.unique(idx, return_counts=True)
        if (counts > 1).any():
            raise ValueError(
                f"{name} must list each of {into} at most once, "
                f"got {int(uniq[counts > 1][0])} {int(counts.max())} times"
            )
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


def check_triples(
    item_idx: Any, user_idx: Any, y: Any, n_movies: int, n_users: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate observed ratings as triples: indices in range, one rating per (movie, user).

    Returns ``item_idx`` and ``user_idx`` as int32 and ``y`` as float64, shape ``(n_ratings,)``.
    """
    y = as_matrix("y", y, ndim=1, allow_empty=True)  # no ratings: a cost is its regulariser
    for name, idx in (("item_idx", item_idx), ("user_idx", user_idx)):
        if np.ndim(idx) == 1 and np.shape(idx) != y.shape:
            raise ValueError(
                f"{name} has shape {np.shape(idx)} but y has shape {y.shape}; "
                "give one entry per rating"
            )
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


def check_rated_rows(
    name: str, idx: Any, ratings: Any, n_rows: int, rows_of: str, what: str
) -> tuple[np.ndarray, np.ndarray]:
    """Validate one newcomer's ratings: rows ``idx`` of the matrix ``rows_of``, each rated once.

    ``name`` is the argument (``"item_idx"``), ``rows_of`` the matrix whose rows it indexes
    (``"X"``, ``n_rows`` rows) and ``what`` one row in words (``"movie"``), for the messages.
    Returns ``idx`` as int64 and ``ratings`` as float64, both of shape ``(m,)``; ``m`` may be 0.
    """
    idx = check_indices(idx, name, n_rows, into=f"the rows of {rows_of}")
    y = as_matrix("ratings", ratings, ndim=1, allow_empty=True)
    if y.shape != idx.shape:
        raise ValueError(
            f"ratings has shape {y.shape} but {name} has shape {idx.shape}; "
            f"give one rating per {what}"
        )
    uniq, counts = np.unique(idx, return_counts=True)
    if (counts > 1).any():
        raise ValueError(
            f"{name} lists {what} row {int(uniq[counts > 1][0])} more than once; "
            f"keep one rating per {what}"
        )
    return idx, y
