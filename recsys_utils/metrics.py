"""Evaluation metrics: rating error, probability quality and ranking quality.

* :func:`rmse`, :func:`mae` — how far predicted ratings are from held-out ratings.
* :func:`log_loss`, :func:`roc_auc` — how good predicted probabilities of engagement are.
* :func:`precision_at_k`, :func:`recall_at_k` — how many of the top-k items shown to a user
  were relevant to them (the lecture's "relevant recommendations" in retrieval & ranking);
  :func:`at_k_per_user` gives the same numbers user by user.
* :func:`bootstrap_mean`, :func:`paired_bootstrap` — 95 % intervals over users, for a metric and
  for the difference between two models scored on the same users.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np

from .validation import as_matrix, check_int

__all__ = [
    "rmse",
    "mae",
    "log_loss",
    "roc_auc",
    "precision_at_k",
    "recall_at_k",
    "at_k_per_user",
    "Interval",
    "bootstrap_mean",
    "paired_bootstrap",
]


def _pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    t = as_matrix("y_true", y_true, ndim=np.ndim(y_true))
    p = as_matrix("y_pred", y_pred, ndim=np.ndim(y_pred))
    if t.shape != p.shape:
        raise ValueError(
            f"y_true has shape {t.shape} but y_pred has shape {p.shape}; they must match"
        )
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
        raise ValueError(
            f"roc_auc needs both classes; got {n_pos} positive and {n_neg} negative labels"
        )
    order = np.argsort(s, kind="mergesort")
    s_sorted = s[order]
    ranks = np.empty(t.size)
    # average rank for ties
    _, first, counts = np.unique(s_sorted, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    u = ranks[t == 1].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def _check_keys(recommended: Mapping[Any, Any], users: list) -> None:
    if not isinstance(recommended, Mapping):
        raise TypeError(
            f"recommended must be a mapping user -> ranked items, got {type(recommended).__name__}"
        )
    if recommended and not any(u in recommended for u in users):
        rec_key, rel_key = next(iter(recommended)), users[0]
        raise ValueError(
            "none of the users in relevant is a key of recommended, so every score would be 0: "
            f"recommended has keys like {rec_key!r} ({type(rec_key).__name__}), "
            f"relevant like {rel_key!r} ({type(rel_key).__name__}). "
            "Key both mappings the same way (e.g. both by column index, or both by userId)"
        )


def at_k_per_user(
    recommended: Mapping[Any, Iterable[Any]],
    relevant: Mapping[Any, Iterable[Any]],
    k: int = 10,
    metric: str = "precision",
) -> tuple[list, np.ndarray]:
    """Precision@k or recall@k of every user who has a relevant item, for intervals over users.

    Parameters
    ----------
    recommended : mapping user -> ranked sequence of items (best first)
    relevant : mapping user -> held-out relevant items; users with none are skipped
    k : int
    metric : ``"precision"`` (hits / k) or ``"recall"`` (hits / number of relevant items)

    Returns
    -------
    users : list, length n
        The users scored, in the order of ``relevant``.
    values : ndarray, shape (n,)
        Their scores; the mean is :func:`precision_at_k` / :func:`recall_at_k`.

    Raises
    ------
    ValueError
        If no user has a relevant item, or no user of ``relevant`` is a key of ``recommended``
        (e.g. one keyed by column index and the other by userId): that would silently score 0.

    Examples
    --------
    >>> at_k_per_user({"ann": [1, 2, 3], "bo": [4]}, {"ann": [3, 9], "bo": [4]}, k=3)
    (['ann', 'bo'], array([0.33333333, 0.33333333]))
    """
    check_int("k", k)
    if metric not in ("precision", "recall"):
        raise ValueError(f"metric must be 'precision' or 'recall', got {metric!r}")
    users, scores = [], []
    for user, items in relevant.items():
        rel = set(items)
        if rel:
            users.append(user)
            scores.append(rel)
    if not users:
        raise ValueError("no user has any relevant item: there is nothing to evaluate")
    _check_keys(recommended, users)
    values = np.empty(len(users))
    for n, (user, rel) in enumerate(zip(users, scores, strict=True)):
        top = list(recommended.get(user, []))[:k]
        hits = len(rel.intersection(top))
        values[n] = hits / (k if metric == "precision" else len(rel))
    return users, values


def _at_k(
    recommended: Mapping[Any, Iterable[Any]],
    relevant: Mapping[Any, Iterable[Any]],
    k: int,
    denominator: str,
) -> float:
    return float(
        np.mean(
            at_k_per_user(
                recommended, relevant, k, "precision" if denominator == "k" else "recall"
            )[1]
        )
    )


def precision_at_k(
    recommended: Mapping[Any, Iterable[Any]], relevant: Mapping[Any, Iterable[Any]], k: int = 10
) -> float:
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


def recall_at_k(
    recommended: Mapping[Any, Iterable[Any]], relevant: Mapping[Any, Iterable[Any]], k: int = 10
) -> float:
    """Mean over users of (relevant items among the top ``k``) / (number of relevant items)."""
    return _at_k(recommended, relevant, k, "relevant")


class Interval(NamedTuple):
    """A mean (or a mean difference) with its bootstrap confidence interval ``[low, high]``."""

    estimate: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.estimate:.4f} [{self.low:.4f}, {self.high:.4f}]"


def _per_user_values(name: str, values: Any) -> np.ndarray:
    v = as_matrix(name, values, ndim=1)
    if v.size < 2:
        raise ValueError(f"{name} has {v.size} value; a bootstrap over users needs at least 2")
    return v


def _check_boot(n_boot: Any, level: Any, seed: Any) -> tuple[int, float, int]:
    n_boot = check_int("n_boot", n_boot)
    if (
        isinstance(level, bool)
        or not isinstance(level, (int, float, np.floating))
        or not 0 < level < 1
    ):
        raise ValueError(f"level must be a number in (0, 1), e.g. 0.95, got {level!r}")
    return n_boot, float(level), check_int("seed", seed, minimum=0)


def _interval(estimate: float, boots: np.ndarray, level: float) -> Interval:
    low, high = np.quantile(boots, [(1 - level) / 2, (1 + level) / 2])
    return Interval(float(estimate), float(low), float(high))


def bootstrap_mean(
    values: Any, *, weights: Any = None, n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> Interval:
    """The mean of per-user ``values`` with a percentile bootstrap interval over users.

    Parameters
    ----------
    values : array_like, shape (n_users,)
        One number per user, e.g. the second output of :func:`at_k_per_user`.
    weights : array_like, shape (n_users,), optional
        Weight of each user, e.g. their number of test ratings: the estimate is then
        :math:`\\sum_u w_u v_u / \\sum_u w_u` (with per-user mean squared errors and their
        rating counts, that is the mean squared error over all ratings).
    n_boot : int, default 2000
        Resamples: ``n_users`` users drawn with replacement, each time.
    level : float, default 0.95
    seed : int
        The same seed draws the same resamples (for every metric with the same ``n_users``).

    Returns
    -------
    Interval
        ``(estimate, low, high)``: the mean and the ``(1 - level) / 2`` and ``(1 + level) / 2``
        quantiles of the resampled means.

    Examples
    --------
    >>> bootstrap_mean([1.0, 1.0, 1.0]).estimate
    1.0
    >>> bootstrap_mean([1.0, 4.0], weights=[2, 1]).estimate  # (2 * 1 + 1 * 4) / 3
    2.0
    """
    v = _per_user_values("values", values)
    n_boot, level, seed = _check_boot(n_boot, level, seed)
    w = np.ones_like(v) if weights is None else as_matrix("weights", weights, ndim=1)
    if w.shape != v.shape:
        raise ValueError(
            f"weights has shape {w.shape} but values has shape {v.shape}; one weight per user"
        )
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be >= 0 with a positive sum")
    idx = np.random.default_rng(seed).integers(0, v.size, size=(n_boot, v.size))
    wb = w[idx]
    with np.errstate(invalid="ignore", divide="ignore"):
        boots = (wb * v[idx]).sum(axis=1) / wb.sum(axis=1)
    boots = boots[np.isfinite(boots)]  # a resample of only zero-weight users says nothing
    return _interval(float((w * v).sum() / w.sum()), boots, level)


def paired_bootstrap(
    a: Any, b: Any, *, weights: Any = None, n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> Interval:
    """Mean of ``a - b`` over users with a paired bootstrap interval: is model A better than B?

    Both models are scored on the same users, so the same resampled users are used for both
    and the interval is that of the *difference*; it is much narrower than the two separate
    intervals would suggest, because users who are easy for A are usually easy for B too.

    Parameters
    ----------
    a, b : array_like, shape (n_users,)
        Per-user scores of the two models, user ``u`` at the same position in both.
    weights, n_boot, level, seed : as in :func:`bootstrap_mean`

    Returns
    -------
    Interval
        The mean difference and its interval; an interval above 0 says A is better on these
        users at that level, one containing 0 says the data cannot tell.

    Notes
    -----
    For resample :math:`b = 1..B`, draw users :math:`u_1..u_n` with replacement and compute
    :math:`\\frac{1}{n}\\sum_t (a_{u_t} - b_{u_t})`; the interval is the percentiles of those means.

    Examples
    --------
    >>> paired_bootstrap([2, 3, 1], [1, 2, 0])  # A beats B by 1 for every user: no doubt
    Interval(estimate=1.0, low=1.0, high=1.0)
    """
    a = _per_user_values("a", a)
    b = _per_user_values("b", b)
    if a.shape != b.shape:
        raise ValueError(
            f"a has shape {a.shape} but b has shape {b.shape}; pass one score per user, "
            "the same users in the same order"
        )
    return bootstrap_mean(a - b, weights=weights, n_boot=n_boot, level=level, seed=seed)
