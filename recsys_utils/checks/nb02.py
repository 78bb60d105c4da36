"""Notebook 02, the collaborative-filtering cost ``J(w, b, x)`` (loop and vectorized).

The exercise, its reference and the mistakes the check names: ``cofi_cost(X, W, b, Y, R,
lambda_)`` (:func:`recsys_utils.cofi_cost.cofi_cost`): :data:`COFI_COST`. The cases
(:func:`recsys_utils.checks.cases.cofi_cases`) are the lecture's toy table with
:data:`~recsys_utils.checks.cases.LECTURE_W` and three seeded random problems.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from ..cofi_cost import cofi_cost, cofi_cost_loop
from ..cofi_cost_tf import cofi_cost_observed, cofi_cost_observed_tf, cofi_cost_tf
from .cases import cofi_cases
from .engine import Mistake, run_check
from .mistakes import with_structure

__all__ = ["check_cofi_cost", "COFI_COST", "EXERCISES", "REFERENCES"]

#: The notebook's function names -> the exercise they answer.
EXERCISES = {"my_cofi_cost_loop": "Exercise 1", "my_cofi_cost": "Exercise 2"}
#: The package's functions that compute J(w, b, x): unavailable while the check runs.
REFERENCES = (cofi_cost, cofi_cost_loop, cofi_cost_tf, cofi_cost_observed, cofi_cost_observed_tf)


# ----------------------------------------------------------------------------- the mistakes
def _cofi_cost(X, W, b, Y, R, lambda_, *, err=0.5, reg_w=0.5, reg_x=0.5, reg_b=0.0, masked=True,
               divide=None, mask_before_b=False):
    """``J`` with one knob turned: ``divide`` by nothing (None), the number of "ratings" or of
    "cells";
    ``mask_before_b``: R multiplies X Wᵀ only, so b - Y is left unmasked."""
    if mask_before_b:
        E = (X @ W.T) * R + b - Y
    else:
        E = (X @ W.T + b - Y) * (R if masked else 1.0)
    n = {None: 1.0, "ratings": R.sum(), "cells": R.size}[divide]
    return err * np.sum(E**2) / n + lambda_ * (reg_w * np.sum(W**2) + reg_x * np.sum(X**2)
                                               + reg_b * np.sum(b**2))


_MEAN = ("you averaged instead of summing: J adds the squared errors up (½ Σ over the rated "
         "entries), with no division by the number of ratings")

COFI_COST = [
    Mistake("exactly twice the expected value: did you drop the 1/2?",
            partial(_cofi_cost, err=1.0, reg_w=1.0, reg_x=1.0)),
    Mistake("the sum of squared errors is missing its 1/2: J = ½ Σ (w·x + b - y)² + ...",
            partial(_cofi_cost, err=1.0)),
    Mistake("you summed over unrated entries: multiply the error matrix by R so only rated "
            "entries count", partial(_cofi_cost, masked=False)),
    Mistake("R multiplies X @ W.T before b is added, so every unrated entry still counts b²: "
            "multiply the whole error, E = (X @ W.T + b - Y) * R (the lecture's table has b = 0, "
            "which hides this)", partial(_cofi_cost, mask_before_b=True)),
    Mistake("the regularization term is missing: add (λ/2) Σ W² + (λ/2) Σ X²",
            partial(_cofi_cost, reg_w=0.0, reg_x=0.0)),
    Mistake("only W is regularized: add (λ/2) Σ X² for the movie features too",
            partial(_cofi_cost, reg_x=0.0)),
    Mistake("only X is regularized: add (λ/2) Σ W² for the user parameters too",
            partial(_cofi_cost, reg_w=0.0)),
    Mistake("you regularized b: only W and X are regularized, not b",
            partial(_cofi_cost, reg_b=0.5)),
    Mistake("the regularization term uses λ where the formula has λ/2",
            partial(_cofi_cost, reg_w=1.0, reg_x=1.0)),
    Mistake(_MEAN, partial(_cofi_cost, divide="ratings")),
    Mistake(_MEAN, partial(_cofi_cost, divide="cells")),
]


# ----------------------------------------------------------------------------- the check
def check_cofi_cost(fn: Callable) -> None:
    """Check ``fn(X, W, b, Y, R, lambda_) -> float``, the combined cost ``J(w, b, x)``.

    Use it for the loop and the vectorized exercise alike. Diagnoses: the 1/2 dropped,
    unrated entries included, regularization missing or on W only / X only / b too, λ for
    λ/2, an array returned, a mean instead of a sum.

    >>> def my_cofi_cost(X, W, b, Y, R, lambda_):
    ...     E = (X @ W.T + b - Y) * R
    ...     return 0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))
    >>> check_cofi_cost(my_cofi_cost)
    ✓ cofi_cost: all 4 checks passed
    """
    run_check("cofi_cost", fn, cofi_cost, cofi_cases(), with_structure(COFI_COST), rtol=1e-5,
              hint="J = ½ Σ R ⊙ (X Wᵀ + b - Y)² + (λ/2) Σ W² + (λ/2) Σ X².",
              references=REFERENCES, exercises=EXERCISES)
