"""Train collaborative filtering while watching held-out error.

:func:`train_tracked` wraps :func:`~recsys_utils.training.train_cofi_observed`: it trains on
residuals from a baseline (the lecture's mean normalization is the movie-mean baseline),
measures train and validation RMSE every few iterations through the training callback, and
returns a :class:`TrackedRun` whose ``predict`` adds the baseline back and applies the
cold-movie fallback. Both names are also importable from :mod:`recsys_utils.explorer`, whose
widget retrains with it. TensorFlow is imported when training starts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .cofi_cost_tf import _check_triples
from .training import CofiModel
from .validation import check_int

__all__ = ["TrackedRun", "train_tracked"]


def _as_triples(name: str, data: Any) -> tuple[Any, Any, Any]:
    """Accept ``(item_idx, user_idx, y)`` or an object with those as attributes
    (``RatingTriples``)."""
    if all(hasattr(data, a) for a in ("item_idx", "user_idx", "ratings")):
        return data.item_idx, data.user_idx, data.ratings
    try:
        item_idx, user_idx, y = data
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be (item_idx, user_idx, y) or a RatingTriples, got {type(data).__name__}"
        ) from None
    return item_idx, user_idx, y


@dataclass(frozen=True)
class TrackedRun:
    """A trained model with its baseline, learning curves and the cold-movie fallback.

    Attributes
    ----------
    model : CofiModel
        Trained on ``y - baseline.predict(...)``.
    baseline : object with ``predict(item_idx, user_idx)``
        E.g. a :mod:`recsys_utils.baselines` model: the movie means (mean normalization) or
        the global mean.
    train_counts : ndarray of int, shape (n_movies,)
        Training ratings per movie; 0 marks a cold movie.
    iterations, train_rmse, validation_rmse : ndarray, shape (k,)
        RMSE (stars) measured every ``track_every`` iterations (``validation_rmse`` is empty
        without validation data).
    seconds : float
        Wall time of the training, tracking included.
    settings : dict
        Training settings (``model.settings`` plus ``track_every`` and ``cold_fallback``).
    """

    model: CofiModel
    baseline: Any
    train_counts: np.ndarray
    iterations: np.ndarray
    train_rmse: np.ndarray
    validation_rmse: np.ndarray
    seconds: float
    settings: dict = field(default_factory=dict)

    def predict(
        self, item_idx: Any, user_idx: Any, *, cold_fallback: bool | None = None
    ) -> np.ndarray:
        """Predicted ratings for ``(item_idx, user_idx)`` pairs, shape ``(n_pairs,)``.

        Parameters
        ----------
        cold_fallback : bool, optional
            For a movie without training ratings, drop :math:`w^{(j)} \\cdot x^{(i)}` and the
            movie bias :math:`c^{(i)}` (both learned from nothing but noise and the
            regulariser): predict the baseline (the global mean) plus the user's bias
            :math:`b^{(j)}`. Default: the setting the run was trained with.

        Notes
        -----
        :math:`\\hat y^{(i,j)} = w^{(j)} \\cdot x^{(i)} + b^{(j)} (+ c^{(i)})
        + \\text{baseline}(i, j)`.
        """
        fallback = (
            self.settings.get("cold_fallback", True) if cold_fallback is None else cold_fallback
        )
        item_idx, user_idx = np.asarray(item_idx), np.asarray(user_idx)
        pred = self.model.predict_pairs(item_idx, user_idx)
        if fallback:
            cold = self.train_counts[item_idx] == 0
            pred = np.where(cold, self.model.b[0, user_idx], pred)
        return pred + self.baseline.predict(item_idx, user_idx)

    @property
    def final_validation_rmse(self) -> float:
        """The validation RMSE after the last iteration (NaN without validation data)."""
        return float(self.validation_rmse[-1]) if self.validation_rmse.size else float("nan")


def _rmse(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.sqrt(np.mean((p - y) ** 2)))


def train_tracked(
    train: Any,
    validation: Any,
    n_movies: int,
    n_users: int,
    *,
    baseline: Any,
    track_every: int = 10,
    cold_fallback: bool = True,
    **train_kwargs: Any,
) -> TrackedRun:
    """Train on residuals from ``baseline`` and track train / validation RMSE.

    Parameters
    ----------
    train : (item_idx, user_idx, y) or RatingTriples
        Training ratings; ``y`` of shape ``(n_ratings,)`` in stars.
    validation : (item_idx, user_idx, y) or RatingTriples, or None
        Held-out ratings to measure during training (never used to fit).
    n_movies, n_users : int
    baseline : object with ``predict(item_idx, user_idx)``
        Fitted on ``train`` (e.g. ``movie_mean_baseline(...)`` for mean normalization).
    track_every : int, default 10
        Measure the RMSEs every this many iterations (and after the last one).
    cold_fallback : bool, default True
        Apply the cold-movie fallback (see :meth:`TrackedRun.predict`) when measuring.
    **train_kwargs
        Passed to :func:`~recsys_utils.training.train_cofi_observed` (``n_features``,
        ``lambda_``, ``learning_rate``, ``iterations``, ``init_std``, ``item_bias``,
        ``lambda_bias``, ``dtype``, ``seed``, ``progress``).

    Returns
    -------
    TrackedRun

    Notes
    -----
    The model learns the residuals :math:`y^{(i,j)} - \\text{baseline}(i,j)`; with the movie-mean
    baseline this is the lecture's mean normalization, :math:`y - \\mu_i`.
    """
    from .training import train_cofi_observed

    if not hasattr(baseline, "predict"):
        raise TypeError(
            "baseline must have a predict(item_idx, user_idx) method, "
            f"got {type(baseline).__name__}"
        )
    check_int("track_every", track_every)
    for reserved in ("callback", "callback_every"):
        if reserved in train_kwargs:
            raise TypeError(f"train_tracked sets {reserved} itself; do not pass it")
    tr = _check_triples(*_as_triples("train", train), n_movies, n_users)
    va = (
        None
        if validation is None
        else _check_triples(*_as_triples("validation", validation), n_movies, n_users)
    )
    counts = np.bincount(tr[0], minlength=n_movies)
    off_tr = baseline.predict(tr[0], tr[1])
    off_va = None if va is None else baseline.predict(va[0], va[1])
    cold_va = None if va is None else (counts[va[0]] == 0)
    its, rm_tr, rm_va = [], [], []

    def callback(iteration: int, cost: float, model: CofiModel) -> None:
        its.append(iteration)
        rm_tr.append(_rmse(tr[2], model.predict_pairs(tr[0], tr[1]) + off_tr))
        if va is not None:
            p = model.predict_pairs(va[0], va[1])
            if cold_fallback:
                p = np.where(cold_va, model.b[0, va[1]], p)
            rm_va.append(_rmse(va[2], p + off_va))

    start = time.perf_counter()
    model = train_cofi_observed(
        tr[0],
        tr[1],
        tr[2] - off_tr,
        n_movies,
        n_users,
        callback=callback,
        callback_every=track_every,
        **train_kwargs,
    )
    seconds = time.perf_counter() - start
    settings = dict(model.settings, track_every=track_every, cold_fallback=cold_fallback)
    return TrackedRun(
        model,
        baseline,
        counts,
        np.asarray(its),
        np.asarray(rm_tr),
        np.asarray(rm_va),
        seconds,
        settings,
    )
