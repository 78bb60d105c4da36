"""Input checks of :mod:`recsys_utils.retrieval`: queries, items, ``k``, ``metric`` and ``exclude``.

Kept apart so ``retrieval`` reads as the algorithm; every check runs once per call.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import as_matrix, check_number

METRICS = ("dot", "sqeuclidean")


def _as_vectors(name: str, value: Any, ndim: int) -> np.ndarray:
    """Validate like `as_matrix`, but keep float32 as float32 (half the memory of float64)."""
    if isinstance(value, np.ndarray) and value.dtype == np.float32:
        if value.ndim != ndim:
            raise ValueError(
                f"{name} must be {ndim}-dimensional, got shape {value.shape} ({value.ndim}-D)"
            )
        if value.size == 0:
            raise ValueError(f"{name} is empty (shape {value.shape}); it needs at least one entry")
        if not np.isfinite(value).all():
            raise ValueError(f"{name} contains NaN/infinite values")
        return value
    return as_matrix(name, value, ndim=ndim)


def _prepare(queries: Any, items: Any, k: Any, metric: str, exclude: Any):
    """Validate everything once; return 2-D queries, items, k, the exclusion, a single flag."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    k = check_number(k, "k", integer=True, low=1)
    items = _as_vectors("items", items, 2)
    single = np.ndim(queries) == 1
    queries = _as_vectors("queries", queries, 1 if single else 2)
    Q = queries[None, :] if single else queries
    n_queries, n_items = Q.shape[0], items.shape[0]
    if Q.shape[1] != items.shape[1]:
        raise ValueError(
            f"queries has shape {queries.shape} and items has shape {items.shape}; they must have "
            f"the same number of features (columns), here {Q.shape[1]} vs {items.shape[1]}"
        )
    excluded = _exclusion(exclude, n_queries, n_items, single)
    n_excluded = (
        np.zeros(n_queries, dtype=np.int64)
        if excluded is None
        else excluded.sum(axis=1)
        if isinstance(excluded, np.ndarray)
        else np.array([len(e) for e in excluded], dtype=np.int64)
    )
    candidates = n_items - n_excluded
    short = np.flatnonzero(candidates < k)
    if short.size:
        q = int(short[0])
        raise ValueError(
            f"k={k} but query {q} has only {int(candidates[q])} candidate item(s) "
            f"({n_items} items, {int(n_excluded[q])} excluded); choose k <= {int(candidates.min())}"
        )
    return Q, items, k, excluded, single


def _exclusion(exclude: Any, n_queries: int, n_items: int, single: bool):
    """``None``, a bool mask of shape (n_queries, n_items), or a list of unique index arrays."""
    if exclude is None:
        return None
    if isinstance(exclude, np.ndarray) and exclude.dtype == bool:
        mask = exclude[None, :] if single and exclude.ndim == 1 else exclude
        if mask.shape != (n_queries, n_items):
            want = f"({n_items},)" if single else f"(n_queries, n_items) = ({n_queries}, {n_items})"
            transposed = mask.shape == (n_items, n_queries)
            hint = " (pass R.T, not R: R is (n_movies, n_users))" if transposed else ""
            raise ValueError(f"exclude has shape {exclude.shape} but must be {want}{hint}")
        return mask
    if (
        isinstance(exclude, np.ndarray)
        and np.issubdtype(exclude.dtype, np.integer)
        and exclude.shape in ((n_queries, n_items), (n_items,) if single else None)
        and np.isin(exclude, (0, 1)).all()
    ):
        raise TypeError(
            "exclude must be a bool mask or one list of item indices per query, "
            "got an "
            f"integer array of 0s and 1s of shape {exclude.shape}; pass exclude == 1 "
            "for a mask (its rows would otherwise be read as the indices 0 and 1)"
        )
    lists = [exclude] if single else list(exclude)
    if len(lists) != n_queries:
        raise ValueError(
            f"exclude has {len(lists)} index lists but there are {n_queries} queries; "
            "give one list per query (or a boolean mask)"
        )
    out = []
    for q, idx in enumerate(lists):
        idx = np.asarray(idx)
        if idx.size == 0:
            out.append(np.zeros(0, dtype=np.int64))
            continue
        if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(
                f"exclude[{q}] must be a 1-D list of item indices (int), got dtype "
                f"{idx.dtype} shape {idx.shape}; for a mask pass a bool array"
            )
        if idx.min() < 0 or idx.max() >= n_items:
            raise ValueError(
                f"exclude[{q}] holds indices from {idx.min()} to {idx.max()} "
                f"but items has {n_items} rows: they must lie in [0, {n_items})"
            )
        out.append(np.unique(idx).astype(np.int64))
    return out
