"""Evaluation metrics: rating error, probability quality and ranking quality.

* :func:`rmse`, :func:`mae` — how far predicted ratings are from held-out ratings.
* :func:`log_loss`, :func:`roc_auc` — how good predicted probabilities of engagement are.
* :func:`precision_at_k`, :func:`recall_at_k` — how many of the top-k items shown to a user
  were relevant to them (the lecture's "relevant recommendations" in retrieval & ranking).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np

from .validation import as_matrix, check_int

__all__ = ["rmse", "mae", "log_loss", "roc_auc", "precision_at_k", "recall_at_k"]


def _pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    t = as_matrix("y_true", y_true, ndim=np.ndim(y_true))
    p = as_matrix("y_pred", y_pred, ndim=np.ndim(y_pred))
    if t.shape != p.shape:
        raise ValueError(f"y_true has shape {t.shape} but y_pred has shape {p.shape}; they must match")
    if t.size == 0:
        raise ValueError("y_true is empty: there is nothing to evaluate")
    return t.ravel(), p.ravel()


def rmse(y_true: Any, y_pred: Any) -> float:
    """Root-mean-squared error :math:`\\sqrt{\\frac{1}{N}\\sum_t (\\hat y_t - y_t)^2}`.

    >>> rmse([4, 2], [3, 2])  # errors 1 and 0: sqrt(1/2)
    0.7071067811865476
    """
    t, p = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((p - t) ** 2)))


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error :math:`\\frac{1}{N}\\sum_t |\\hat y_t - y_t|`."""
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.abs(p - t)))


def _labels(t: np.ndarray) -> None:
    if np.any((t != 0) & (t != 1)):
        raise ValueError("y_true must hold binary labels 0 or 1")


def log_loss(y_true: Any, p_pred: Any, eps: float = 1e-12) -> float:
    """Mean binary cross-entropy of probabilities ``p_pred`` against labels ``y_true``.

    Probabilities are clipped to ``[eps, 1 - eps]`` so a confident mistake costs a large
    but finite amount. (Training uses the logit form; see ``binary_labels``.)
    """
    t, p = _pair(y_true, p_pred)
    _labels(t)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p_pred must hold probabilities in [0, 1]; pass sigmoid(logits)")
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


def roc_auc(y_true: Any, score: Any) -> float:
    """Area under the ROC curve: the probability that a random positive outscores a random negative.

    Computed from ranks (Mann–Whitney U) with ties counted as one half, in ``O(N log N)``.

    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    t, s = _pair(y_true, score)
    _labels(t)
    n_pos = int(t.sum())
    n_neg = t.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError(f"roc_auc needs both classes; got {n_pos} positive and {n_neg} negative labels")
    order = np.argsort(s, kind="mergesort")
    s_sorted = s[order]
    ranks = np.empty(t.size)
    # average rank for ties
    _, first, counts = np.unique(s_sorted, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    u = ranks[t == 1].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def _at_k(recommended: Mapping[Any, Iterable[Any]], relevant: Mapping[Any, Iterable[Any]], k: int,
          denominator: str) -> float:
    check_int("k", k)
    scores = []
    for user, items in relevant.items():
        rel = set(items)
        if not rel:
            continue
        top = list(recommended.get(user, []))[:k]
        hits = len(rel.intersection(top))
        scores.append(hits / (k if denominator == "k" else len(rel)))
    if not scores:
        raise ValueError("no user has any relevant item: there is nothing to evaluate")
    return float(np.mean(scores))


def precision_at_k(recommended: Mapping[Any, Iterable[Any]], relevant: Mapping[Any, Iterable[Any]],
                   k: int = 10) -> float:
    """Mean over users of (relevant items among the top ``k`` recommended) / ``k``.

    Parameters
    ----------
    recommended : mapping user -> ranked sequence of items (best first)
    relevant : mapping user -> items the user engaged with in the held-out data;
        users with no relevant item are skipped.
    k : int

    >>> precision_at_k({"ann": [1, 2, 3]}, {"ann": [3, 9]}, k=2)
    0.0
    >>> precision_at_k({"ann": [1, 2, 3]}, {"ann": [3, 9]}, k=3)
    0.3333333333333333
    """
    return _at_k(recommended, relevant, k, "k")


def recall_at_k(recommended: Mapping[Any, Iterable[Any]], relevant: Mapping[Any, Iterable[Any]],
                k: int = 10) -> float:
    """Mean over users of (relevant items among the top ``k``) / (number of relevant items)."""
    return _at_k(recommended, relevant, k, "relevant")
