"""Ranking each user's slate, with an optional cap on flagged items, and measuring slates.

Lecture: "Ethical use of recommender systems".

* :func:`top_k_per_user` (:func:`recsys_utils.retrieval.top_k` on a score table) and
  :func:`rerank_with_cap` — rank by any score, optionally capping the share of flagged
  items in each slate;
* :func:`slate_metrics` and :func:`gini` — engagement, welfare, harmful share, coverage and
  the Gini coefficient of exposure of what was shown, against a simulated
  :class:`~recsys_utils.simulated_catalogue.Catalogue`'s truth.

NumPy only; every name is also importable from :mod:`recsys_utils.simulation`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .retrieval import top_k
from .simulated_catalogue import Catalogue
from .validation import as_matrix, check_number

__all__ = ["top_k_per_user", "rerank_with_cap", "gini", "SlateMetrics", "slate_metrics"]


def top_k_per_user(scores: Any, k: int, *, exclude: Any = None) -> np.ndarray:
    """Indices of the ``k`` highest scores in each row, best first (ties: lower index first).

    Parameters
    ----------
    scores : array_like, shape (n_users, n_items)
    k : int
    exclude : array_like of bool, shape (n_items,) or (n_users, n_items), optional
        Items never to return (e.g. flagged ones).

    Returns
    -------
    ndarray of int64, shape (n_users, k)

    Notes
    -----
    :func:`recsys_utils.retrieval.top_k` on scores already computed: item ``i`` is the one-hot
    vector :math:`e_i`, and ``scores[j] @ e_i`` is ``scores[j, i]`` exactly.

    Examples
    --------
    >>> top_k_per_user([[0.1, 0.9, 0.5], [3.0, 1.0, 3.0]], 2)
    array([[1, 2],
           [0, 2]])
    """
    S = as_matrix("scores", scores)
    if exclude is not None:
        exclude = np.asarray(exclude, dtype=bool)
        if exclude.shape == (S.shape[1],):
            exclude = np.broadcast_to(exclude, S.shape)  # the same items for every user
    k = check_number(k, "k", integer=True, low=1)
    return top_k(S, np.eye(S.shape[1]), k, exclude=exclude).indices


def rerank_with_cap(ranked: Any, flagged: Any, k: int, max_share: float) -> np.ndarray:
    """Each user's top ``k`` of a full ranking, at most ``floor(max_share * k)`` of them flagged.

    Parameters
    ----------
    ranked : array_like of int, shape (n_users, n_candidates)
        Each user's candidates, best first (e.g. ``top_k_per_user(scores, n_items)``).
    flagged : array_like of bool, shape (n_items,)
    k : int
        Slate size.
    max_share : float in [0, 1]
        Largest share of flagged items allowed in a slate; 0 filters them all out.

    Returns
    -------
    ndarray of int64, shape (n_users, k)
        The first ``k`` candidates in ranked order, skipping flagged ones once the cap is
        reached. Order among the kept items is unchanged.

    Examples
    --------
    Items 1 and 2 are flagged; with k = 3 and max_share = 0.34 one flagged item may stay:

    >>> rerank_with_cap([[1, 2, 0, 3, 4]], [False, True, True, False, False], 3, 0.34)
    array([[1, 0, 3]])
    """
    ranked = np.asarray(ranked)
    if ranked.ndim != 2 or not np.issubdtype(ranked.dtype, np.integer):
        raise TypeError(
            "ranked must be a 2-D integer array (n_users, n_candidates), "
            f"got {ranked.dtype} {ranked.shape}"
        )
    flagged = np.asarray(flagged, dtype=bool)
    k = check_number(k, "k", integer=True, low=1)
    cap = int(np.floor(check_number(max_share, "max_share", low=0, high=1) * k + 1e-9))
    out = np.empty((ranked.shape[0], k), dtype=np.int64)
    for u, row in enumerate(ranked):
        kept, n_flagged = [], 0
        for i in row:
            if flagged[i]:
                if n_flagged == cap:
                    continue
                n_flagged += 1
            kept.append(i)
            if len(kept) == k:
                break
        if len(kept) < k:
            raise ValueError(
                f"user {u} has only {len(kept)} candidates within the cap; rank more candidates"
            )
        out[u] = kept
    return out


def gini(x: Any) -> float:
    """Gini coefficient of non-negative amounts (0 = all equal, (n - 1)/n = one item has all).

    Notes
    -----
    With :math:`x` sorted ascending and :math:`i = 1..n`,
    :math:`G = \\frac{2 \\sum_i i\\, x_{(i)}}{n \\sum_i x_i} - \\frac{n + 1}{n}`.

    Examples
    --------
    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4])
    (0.0, 0.75)
    """
    x = as_matrix("x", x, ndim=1)
    if (x < 0).any():
        raise ValueError("x must be non-negative (e.g. exposure counts)")
    total = x.sum()
    if total == 0:
        return 0.0
    n = x.size
    xs = np.sort(x)
    return float(2 * np.sum(np.arange(1, n + 1) * xs) / (n * total) - (n + 1) / n)


class SlateMetrics(NamedTuple):
    """What a set of slates delivered, averaged over every shown slot."""

    engagement: float  #: expected engagements per slot
    welfare: float  #: mean true value per slot
    harmful_share: float  #: share of slots holding a harmful item
    coverage: float  #: share of the catalogue shown to anyone
    gini: float  #: Gini coefficient of exposure over all items


def slate_metrics(catalogue: Catalogue, shown: Any) -> SlateMetrics:
    """Measure slates ``shown`` (int array ``(n_users, k)``) against the catalogue's truth."""
    shown = np.asarray(shown)
    n_users, n_items = catalogue.value.shape
    if shown.ndim != 2 or shown.shape[0] != n_users or not np.issubdtype(shown.dtype, np.integer):
        raise ValueError(
            f"shown must be an integer array of shape ({n_users}, k), "
            f"got {shown.dtype} {shown.shape}"
        )
    rows = np.arange(n_users)[:, None]
    exposure = np.bincount(shown.ravel(), minlength=n_items)
    return SlateMetrics(
        float(catalogue.engagement[rows, shown].mean()),
        float(catalogue.value[rows, shown].mean()),
        float(catalogue.harmful[shown].mean()),
        float((exposure > 0).mean()),
        gini(exposure),
    )
