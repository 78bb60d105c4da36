"""Notebook 03, gradient descent: the gradients of ``J(w, b, x)`` and one descent step.

The exercises, their references and the mistakes the checks name:

* ``cofi_gradients(X, W, b, Y, R, lambda_)`` (:func:`recsys_utils.cofi_cost.cofi_gradients`):
  :data:`COFI_GRADIENTS`;
* ``gradient_descent_step(X, W, b, Y, R, lambda_, alpha)``
  (:func:`recsys_utils.gradient_descent.gradient_descent_step`): :data:`GD_STEP`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import partial

from ..cofi_cost import cofi_gradients, cofi_gradients_loop
from ..cofi_cost_tf import cofi_cost_observed_tf, cofi_cost_tf
from ..gradient_descent import gradient_descent, gradient_descent_step
from .answers import ANSWERS, namespace_of
from .cases import cofi_cases
from .engine import Mistake, run_check
from .mistakes import with_structure

__all__ = ["check_cofi_gradients", "check_gradient_descent_step", "COFI_GRADIENTS", "GD_STEP",
           "EXERCISES"]

#: The notebook's function names -> the exercise they answer.
EXERCISES = {"my_cofi_gradients": "Exercise 1", "my_gradient_descent_step": "Exercise 2"}

GRADS = ("dX", "dW", "db")


# ----------------------------------------------------------------------------- the mistakes
def _grads(X, W, b, Y, R, lambda_, *, reg=1.0, reg_b=0.0, masked=True, sign=1.0, half=1.0):
    """(dX, dW, db) with one knob turned: ``reg`` scales λ, ``sign`` -1 flips the error, ``half``
    scales the error (0.5: the ½ of J kept)."""
    E = half * sign * (X @ W.T + b - Y) * (R if masked else 1.0)
    return (E @ W + reg * lambda_ * X, E.T @ X + reg * lambda_ * W,
            E.sum(axis=0, keepdims=True) + reg_b * lambda_ * b)



def _gd_step(X, W, b, Y, R, lambda_, alpha, *, sign=-1.0, use_alpha=True, sequential=False,
             **grad_knobs):
    """One step with one knob turned: ``sign`` +1 climbs, ``grad_knobs`` go to the gradients,
    ``sequential``: X updated first, then W's gradient taken at the new X, then b's at both."""
    a = sign * (alpha if use_alpha else 1.0)
    if sequential:
        X = X + a * _grads(X, W, b, Y, R, lambda_, **grad_knobs)[0]
        W = W + a * _grads(X, W, b, Y, R, lambda_, **grad_knobs)[1]
        return X, W, b + a * _grads(X, W, b, Y, R, lambda_, **grad_knobs)[2]
    dX, dW, db = _grads(X, W, b, Y, R, lambda_, **grad_knobs)
    return X + a * dX, W + a * dW, b + a * db



COFI_GRADIENTS = [
    Mistake("the regularization term is missing from {parts}: dX needs + lambda_ * X and dW "
            "needs + lambda_ * W", partial(_grads, reg=0.0)),
    Mistake("unrated entries are not masked in {parts}: multiply the error matrix by R first, "
            "E = (X @ W.T + b - Y) * R", partial(_grads, masked=False)),
    Mistake("db has a regularization term: b is not regularized, so db is just the column sums "
            "of the error matrix", partial(_grads, reg_b=1.0)),
    Mistake("{parts} has the wrong sign: the error is prediction - rating, X @ W.T + b - Y, "
            "not Y - (X @ W.T + b)", partial(_grads, sign=-1.0)),
    Mistake("{parts}: the derivative of (λ/2) w² is λ w, not (λ/2) w", partial(_grads, reg=0.5)),
    Mistake("{parts} kept the ½ of J: the 2 from differentiating the square cancels it, so "
            "dX = E @ W + lambda_ * X with E = (X @ W.T + b - Y) * R, no ½",
            partial(_grads, half=0.5)),
    Mistake("{parts} kept the ½ of J on every term: the 2 from differentiating the squares cancels "
            "it, dX = E @ W + lambda_ * X, dW = E.T @ X + lambda_ * W",
            partial(_grads, half=0.5, reg=0.5)),
]

GD_STEP = [
    Mistake("you moved uphill: {parts} went along the gradient; subtract it, X - alpha * dX",
            partial(_gd_step, sign=1.0)),
    Mistake("you updated one parameter before taking the next one's gradient: compute dX, dW "
            "and db "
            "all at the old X, W, b first, then update all three (a simultaneous update)",
            partial(_gd_step, sequential=True)),
    Mistake("the learning rate is missing: the step is X - alpha * dX, not X - dX",
            partial(_gd_step, use_alpha=False)),
    Mistake("b was updated with a regularization term: b is not regularized, so db has no "
            "lambda_ * b", partial(_gd_step, reg_b=1.0)),
    Mistake("the gradients for {parts} leave out the regularization term: "
            "dX = E @ W + lambda_ * X, "
            "dW = E.T @ X + lambda_ * W", partial(_gd_step, reg=0.0)),
    Mistake("the gradients for {parts} are not masked: multiply the error matrix by R first",
            partial(_gd_step, masked=False)),
    Mistake("{parts} did not change: return the updated values, e.g. X - alpha * dX",
            lambda X, W, b, *_: (X, W, b)),
]



def _their_gradients(step: Callable) -> list[Callable]:
    """The learner's gradient functions that their step may call: the one Exercise 1's check
    last ran, and whatever their notebook calls ``my_cofi_gradients``."""
    namespace, code = namespace_of(step) or {}, getattr(inspect.unwrap(step), "__code__", None)
    called = [namespace.get(n) for n in (code.co_names if code else ())]
    exercise_1 = [namespace.get(n) for n, ex in EXERCISES.items() if ex == "Exercise 1"]
    last = [ANSWERS["cofi_gradients"][0]] if "cofi_gradients" in ANSWERS else []
    found = [g for g in called if callable(g) and any(g is h for h in exercise_1 + last)]
    return [g for k, g in enumerate(found)
            if g is not cofi_gradients and all(g is not h for h in found[:k])]


# ----------------------------------------------------------------------------- the checks
def check_cofi_gradients(fn: Callable) -> None:
    """Check ``fn(X, W, b, Y, R, lambda_) -> (dX, dW, db)``, the gradients of ``J(w, b, x)``.

    Diagnoses: wrong order, wrong (transposed) shapes, regularization missing or halved,
    unrated entries not masked, ``db`` regularized, the sign of the error flipped.
    """
    run_check("cofi_gradients", fn, cofi_gradients, cofi_cases(),
              with_structure(COFI_GRADIENTS, GRADS), parts=GRADS, rtol=1e-5,
              hint="E = R ⊙ (X Wᵀ + b - Y), dX = E W + λX, dW = Eᵀ X + λW, "
                   "db = the column sums of E.",
              references=(cofi_gradients, cofi_gradients_loop, gradient_descent_step,
                          gradient_descent,
                          cofi_cost_tf, cofi_cost_observed_tf), exercises=EXERCISES)


def check_gradient_descent_step(fn: Callable) -> None:
    """Check ``fn(X, W, b, Y, R, lambda_, alpha) -> (X, W, b)``, one gradient-descent step.

    Diagnoses: + instead of -, alpha forgotten, b updated with a regularization term,
    regularization left out of the gradients, a parameter not updated, wrong order/shapes.

    Each mistake costs once: while it runs, the learner's gradient function (Exercise 1) is
    replaced by the package's :func:`~recsys_utils.cofi_cost.cofi_gradients`, so a step built on
    wrong gradients is graded on the step alone, and told to fix Exercise 1.
    """
    cases = cofi_cases(alphas=(0.01, 0.05, 0.1, 0.02))
    parts = ("X", "W", "b")
    theirs = _their_gradients(fn)
    run_check("gradient_descent_step", fn, gradient_descent_step, cases,
              with_structure(GD_STEP, parts),
              parts=parts, rtol=1e-5,
              hint="X - alpha * dX, W - alpha * dW, b - alpha * db, with dX, dW, db the "
                   "gradients of J.",
              references=(gradient_descent_step, gradient_descent), exercises=EXERCISES,
              substitute={g: cofi_gradients for g in theirs})
    wrong = [g for g in theirs if not ANSWERS.get("cofi_gradients", (g, True))[1]]
    if wrong:
        print(f"  Your step is right for the package's gradients, put in place of your "
              f"{wrong[0].__name__} while this check ran; Exercise 1's check does not accept your "
              "gradients yet: fix them there.")
