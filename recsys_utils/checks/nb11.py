"""Notebook 11, scaling up: the cost of one mini-batch.

The exercise, its reference and the mistakes the check names:

* the batch cost :math:`J_{\\mathcal{B}}`,
  ``fn(X, W, b, c, item_idx, user_idx, y, lambda_, n_ratings)``
  (:func:`recsys_utils.minibatch.batch_cost`): :data:`BATCH_COST`.

The wrong variants are written in NumPy; nothing here imports TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from ..minibatch import batch_cost, batch_cost_loop
from .engine import Case, Mistake, run_check
from .mistakes import NOT_A_NUMBER, RETURNED_NONE

__all__ = ["check_batch_cost", "BATCH_COST", "EXERCISES"]

#: The notebook's function names -> the exercise they answer.
EXERCISES = {"batch_cost": "The exercise"}  # the notebook's only one


def _batch_cost(
    X,
    W,
    b,
    c,
    item_idx,
    user_idx,
    y,
    lambda_,
    n_ratings,
    *,
    scale="N/B",
    scale_reg=False,
    err=0.5,
    reg=0.5,
    item_bias=True,
    user_bias=True,
    reg_rows="all",
):
    """:math:`J_{\\mathcal{B}}` with one knob turned.

    ``scale``: the data term's factor, "N/B", "1" (none), "B/N" or "1/B" (a mean). ``scale_reg``:
    the regulariser multiplied by the same factor. ``reg_rows``: "all" rows of X and W, or the
    batch's "gathered" rows (once per rating).
    """
    B = len(y)
    factor = {"N/B": n_ratings / B, "1": 1.0, "B/N": B / n_ratings, "1/B": 1.0 / B}[scale]
    Xg, Wg = X[item_idx], W[user_idx]
    pred = np.sum(Xg * Wg, axis=1)
    if user_bias:
        pred = pred + b[0, user_idx]
    if item_bias:
        pred = pred + c[item_idx, 0]
    data = factor * err * np.sum((pred - y) ** 2)
    penalty = np.sum(W**2) + np.sum(X**2) if reg_rows == "all" else np.sum(Wg**2) + np.sum(Xg**2)
    return data + (factor if scale_reg else 1.0) * lambda_ * reg * penalty


BATCH_COST = [
    Mistake(
        "the batch's squared errors are not scaled up: a batch of B = {B} of the N = {N} ratings "
        "must count N/B = {N_over_B:g} times, so that the batches of an epoch add up to J",
        partial(_batch_cost, scale="1"),
    ),
    Mistake(
        "you scaled by B/N = {B_over_N:g}; it is the other way round, N/B = {N_over_B:g}: "
        "a small batch stands for many more ratings",
        partial(_batch_cost, scale="B/N"),
    ),
    Mistake(
        "you averaged the batch's squared errors (divided by B = {B}); J_B multiplies their sum "
        "by N/B = {N_over_B:g}",
        partial(_batch_cost, scale="1/B"),
    ),
    Mistake(
        "you scaled the regularization term by N/B too: it is about X and W, "
        "not about the ratings, "
        "so it appears once, (λ/2)(Σ W² + Σ X²)",
        partial(_batch_cost, scale_reg=True),
    ),
    Mistake(
        "the squared errors are missing their 1/2: (N/B) · ½ Σ (pred - y)²",
        partial(_batch_cost, err=1.0),
    ),
    Mistake(
        "the regularization term is missing: add (λ/2)(Σ W² + Σ X²) over all of W and X",
        partial(_batch_cost, reg=0.0),
    ),
    Mistake(
        "the regularization term uses λ where the formula has λ/2", partial(_batch_cost, reg=1.0)
    ),
    Mistake(
        "you regularized the batch's gathered rows, X[item_idx] and W[user_idx]; the formula "
        "regularizes X and W themselves",
        partial(_batch_cost, reg_rows="gathered"),
    ),
    Mistake(
        "the movie bias c is missing from the prediction: add c[item_idx, 0]",
        partial(_batch_cost, item_bias=False),
    ),
    Mistake(
        "the user bias b is missing from the prediction: add b[0, user_idx]",
        partial(_batch_cost, user_bias=False),
    ),
]


def _case(label: str, X, W, b, c, item_idx, user_idx, y, lam: float, n_ratings: int) -> Case:
    B = len(y)
    fields = {
        "B": B,
        "N": n_ratings,
        "N_over_B": n_ratings / B,
        "B_over_N": B / n_ratings,
        "lambda_": lam,
    }
    return Case(
        f"{label} ({X.shape[0]} movies x {W.shape[0]} users, {X.shape[1]} features, a batch of "
        f"B = {B} of N = {n_ratings:,} ratings, lambda_={lam:g})",
        (
            X,
            W,
            b,
            c,
            np.asarray(item_idx),
            np.asarray(user_idx),
            np.asarray(y, dtype=float),
            lam,
            n_ratings,
        ),
        fields,
    )


def _cases() -> list[Case]:
    """The notebook's worked example (x = [1], w = [2], a batch of one of two ratings), then three
    seeded random batches with different N/B and lambda_."""
    cases = [
        _case(
            "the worked example: x(1) = [1], x(2) = [0], w(1) = [2], b = c = 0",
            np.array([[1.0], [0.0]]),
            np.array([[2.0]]),
            np.zeros((1, 1)),
            np.zeros((2, 1)),
            [0],
            [0],
            [1.0],
            1.0,
            2,
        )
    ]
    for seed, (n_m, n_u, n, B, N, lam) in enumerate(
        ((6, 5, 3, 8, 100, 0.5), (9, 4, 2, 5, 1_000, 2.0), (4, 7, 4, 12, 36, 1.0)), start=1
    ):
        rng = np.random.default_rng(seed)
        X, W = rng.normal(size=(n_m, n)), rng.normal(size=(n_u, n))
        b, c = rng.normal(size=(1, n_u)), rng.normal(size=(n_m, 1)) + 3
        cells = rng.choice(
            n_m * n_u, B, replace=False
        )  # distinct (movie, user) pairs, as ratings are
        cases.append(
            _case(
                f"random batch (seed {seed})",
                X,
                W,
                b,
                c,
                cells // n_u,
                cells % n_u,
                rng.integers(1, 11, B) / 2,
                lam,
                N,
            )
        )
    return cases


def check_batch_cost(fn: Callable) -> None:
    """Check ``fn(X, W, b, c, item_idx, user_idx, y, lambda_, n_ratings)``, a mini-batch's cost.

    ``X`` is ``(n_movies, n_features)``, ``W`` ``(n_users, n_features)``, ``b`` ``(1, n_users)``,
    ``c`` ``(n_movies, 1)``, ``item_idx``, ``user_idx``, ``y`` ``(B,)``; the result is a number,
    :math:`\\frac{N}{B} \\cdot \\frac12 \\sum_{t \\in \\mathcal{B}} (w \\cdot x + b + c - y)^2
    + \\frac{\\lambda}{2}(\\sum W^2 + \\sum X^2)` with ``N = n_ratings``.

    Diagnoses: no N/B, B/N instead, a mean, N/B on the regulariser too, the 1/2 dropped, the
    regulariser missing, with λ for λ/2, or on the gathered rows; a bias missing; None or an array.

    >>> def my_batch_cost(X, W, b, c, item_idx, user_idx, y, lambda_, n_ratings):
    ...     pred = np.sum(X[item_idx] * W[user_idx], axis=1) + b[0, user_idx] + c[item_idx, 0]
    ...     data = n_ratings / len(y) * 0.5 * np.sum((pred - y) ** 2)
    ...     return data + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))
    >>> check_batch_cost(my_batch_cost)
    ✓ batch_cost: all 4 checks passed
    """
    run_check(
        "batch_cost",
        fn,
        batch_cost,
        _cases(),
        [RETURNED_NONE, *BATCH_COST, NOT_A_NUMBER],
        rtol=1e-5,
        hint="pred = Σ_k X[item_idx] * W[user_idx] (row-wise) + b[0, user_idx] + c[item_idx, 0]; "
        "J_B = (N/B) · ½ Σ (pred - y)² + (λ/2)(Σ W² + Σ X²).",
        references=(batch_cost, batch_cost_loop),
        exercises=EXERCISES,
        answer=fn,
    )
