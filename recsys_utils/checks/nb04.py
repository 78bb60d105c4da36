"""Notebook 04, binary labels: the sigmoid and the log-loss cost.

The exercises, their references and the mistakes the checks name:

* ``sigmoid(z)`` (:func:`recsys_utils.binary_labels.sigmoid`): :data:`SIGMOID`;
* ``binary_cost(X, W, b, Y, R, lambda_)`` (:func:`recsys_utils.binary_labels.binary_cost`):
  :data:`BINARY_COST`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from ..binary_labels import binary_cost, binary_cost_loop, binary_cost_tf, sigmoid
from .cases import cofi_cases
from .engine import Case, Mistake, run_check
from .mistakes import with_structure

__all__ = ["check_sigmoid", "check_binary_cost", "SIGMOID", "BINARY_COST", "EXERCISES"]

#: The notebook's function names -> the exercise they answer.
EXERCISES = {"my_sigmoid": "Exercise 1", "my_binary_cost": "Exercise 2"}


# ----------------------------------------------------------------------------- the mistakes
def _binary_cost(X, W, b, Y, R, lambda_, *, loss="log", masked=True, reg=0.5, reg_b=0.0,
                 divide=None):
    """The cost with one knob turned: ``loss`` "log", "swapped" labels, "squared" error of g(z)
    (with or without the 1/2) or "linear" (of z); ``divide`` by nothing, the "ratings" or the
    "cells"."""
    Z = X @ W.T + b
    L = {"log": lambda: np.logaddexp(0.0, Z) - Y * Z,
         "swapped": lambda: np.logaddexp(0.0, Z) - (1 - Y) * Z,
         "squared": lambda: 0.5 * (sigmoid(Z) - Y) ** 2,
         "squared_no_half": lambda: (sigmoid(Z) - Y) ** 2,
         "linear": lambda: 0.5 * (Z - Y) ** 2}[loss]() * (R if masked else 1.0)
    n = {None: 1.0, "ratings": R.sum(), "cells": R.size}[divide]
    return np.sum(L) / n + lambda_ * (reg * (np.sum(W**2) + np.sum(X**2)) + reg_b * np.sum(b**2))


SIGMOID = [
    Mistake(lambda t: f"g(z) must have the same shape as z, {np.shape(t.expected)}, but yours has "
                      f"shape {np.shape(t.got)}: apply np.exp to the whole array",
            when=lambda t: np.shape(t.got) != np.shape(t.expected)),
    Mistake("g(z) came out as NaN or inf, {got}: for z = ±1000 np.exp overflows to inf, and "
            "inf / inf is NaN. Write it as 1 / (1 + np.exp(-z)), which gives 0 and 1 there",
            when=lambda t: not np.all(np.isfinite(np.asarray(t.got, dtype=float)))),
    Mistake("the sign of z is flipped: you computed 1 / (1 + e^z), which falls as z grows; "
            "g(z) = 1 / (1 + e^(-z)), e.g. g(2) = 0.881, not 0.119", lambda z: 1 / (1 + np.exp(z))),
    Mistake("missing parentheses: 1 / 1 + np.exp(-z) is 1 + e^(-z); write 1 / (1 + np.exp(-z))",
            lambda z: 1 + np.exp(-z)),
]

_SQUARED = ("this is the squared-error cost: for binary labels use the log loss "
            "-y log g(z) - (1 - y) log(1 - g(z)) summed over the entries with R = 1")
_STABLE = ("Compute the loss from the logit z = w·x + b: -y log g(z) - (1-y) log(1-g(z)) equals "
           "log(1 + e^z) - y z, i.e. np.logaddexp(0, z) - y * z, which is exact for any z")
BINARY_COST = [
    Mistake("your cost is {got} for logits as large as |z| = {zmax:.0f}: g(z) rounds to exactly 0 "
            "or 1 there and log(0) = -inf. " + _STABLE,
            when=lambda t: not np.all(np.isfinite(np.asarray(t.got, dtype=float)))),
    Mistake("correct for moderate logits but not when |z| reaches {zmax:.0f} (clipping or log of "
            "a rounded g(z) loses the value). " + _STABLE,
            when=lambda t: t.case.fields.get("large")),
    Mistake(_SQUARED, partial(_binary_cost, loss="squared")),
    Mistake(_SQUARED, partial(_binary_cost, loss="squared_no_half")),
    Mistake(_SQUARED, partial(_binary_cost, loss="linear")),
    Mistake("you summed over entries that were never shown (R = 0): multiply the loss by R",
            partial(_binary_cost, masked=False)),
    Mistake("the regularization term is missing: add (λ/2) Σ W² + (λ/2) Σ X²",
            partial(_binary_cost, reg=0.0)),
    Mistake("you regularized b: only W and X are regularized, not b",
            partial(_binary_cost, reg_b=0.5)),
    Mistake("the labels are swapped: the loss is -y log g(z) - (1 - y) log(1 - g(z)); yours has "
            "y and 1 - y exchanged", partial(_binary_cost, loss="swapped")),
    Mistake("you averaged instead of summing: J is the sum of the losses over the entries with "
            "R = 1", partial(_binary_cost, divide="ratings")),
    Mistake("you averaged instead of summing: J is the sum of the losses over the entries with "
            "R = 1", partial(_binary_cost, divide="cells")),
]



# ----------------------------------------------------------------------------- the checks
def check_sigmoid(fn: Callable) -> None:
    """Check ``fn(z)``, the sigmoid ``g(z) = 1 / (1 + e^(-z))``, element by element.

    Diagnoses: the sign of z flipped, missing parentheses, NaN/inf for z = ±1000, a shape
    different from z's.
    """
    rng = np.random.default_rng(0)
    cases = [Case("z = 0", (0.0,)), Case("z = [-6, -5, ..., 6]", (np.arange(-6.0, 7.0),)),
             Case("a random 3 x 4 matrix z", (rng.normal(scale=3.0, size=(3, 4)),)),
             Case("z = [-1000, -50, 0, 50, 1000]", (np.array([-1000.0, -50, 0, 50, 1000]),))]
    run_check("sigmoid", fn, sigmoid, cases, with_structure(SIGMOID, scalar=False), rtol=1e-5,
              hint="g(z) = 1 / (1 + np.exp(-z)).", references=(sigmoid,), exercises=EXERCISES)


def check_binary_cost(fn: Callable) -> None:
    """Check ``fn(X, W, b, Y, R, lambda_) -> float``, the binary-label (log-loss) cost.

    Diagnoses: squared error used, mask forgotten, NaN/inf or inaccuracy for large logits,
    regularization missing or on b, labels swapped, a mean instead of a sum.
    """
    run_check("binary_cost", fn, binary_cost, cofi_cases(binary=True, large=True),
              with_structure(BINARY_COST), rtol=1e-5,
              hint="J = Σ_{r(i,j)=1} [-y log g(z) - (1-y) log(1-g(z))] + (λ/2)(Σ W² + Σ X²), "
                   "z = X Wᵀ + b.",
              references=(binary_cost, binary_cost_loop, binary_cost_tf), exercises=EXERCISES)
