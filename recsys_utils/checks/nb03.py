"""Notebook 03, gradient descent: the gradients of ``J(w, b, x)`` and one descent step.

The exercises, their references and the mistakes the checks name:

* ``cofi_gradients(X, W, b, Y, R, lambda_)`` (:func:`recsys_utils.cofi_cost.cofi_gradients`):
  :data:`COFI_GRADIENTS`;
* ``gradient_descent_step(X, W, b, Y, R, lambda_, alpha)``
  (:func:`recsys_utils.gradient_descent.gradient_descent_step`): :data:`GD_STEP`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..cofi_cost import cofi_gradients
from ..gradient_descent import gradient_descent_step
from .cases import cofi_cases
from .engine import Mistake, run_check
from .mistakes import with_structure

__all__ = ["check_cofi_gradients", "check_gradient_descent_step", "COFI_GRADIENTS", "GD_STEP"]

GRADS = ("dX", "dW", "db")


# ----------------------------------------------------------------------------- the mistakes
def _grads(X, W, b, Y, R, lambda_, *, reg=1.0, reg_b=0.0, masked=True, sign=1.0):
    """(dX, dW, db) with one knob turned: ``reg`` scales λ, ``sign`` -1 flips the error."""
    E = sign * (X @ W.T + b - Y) * (R if masked else 1.0)
    return (E @ W + reg * lambda_ * X, E.T @ X + reg * lambda_ * W,
            E.sum(axis=0, keepdims=True) + reg_b * lambda_ * b)



def _gd_step(X, W, b, Y, R, lambda_, alpha, *, sign=-1.0, use_alpha=True, **grad_knobs):
    """One step with one knob turned: ``sign`` +1 climbs, ``grad_knobs`` go to the gradients."""
    a = sign * (alpha if use_alpha else 1.0)
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
]

GD_STEP = [
    Mistake("you moved uphill: {parts} went along the gradient; subtract it, X - alpha * dX",
            partial(_gd_step, sign=1.0)),
    Mistake("the learning rate is missing: the step is X - alpha * dX, not X - dX",
            partial(_gd_step, use_alpha=False)),
    Mistake("b was updated with a regularization term: b is not regularized, so db has no "
            "lambda_ * b", partial(_gd_step, reg_b=1.0)),
    Mistake("the gradients for {parts} leave out the regularization term: dX = E @ W + lambda_ * X, "
            "dW = E.T @ X + lambda_ * W", partial(_gd_step, reg=0.0)),
    Mistake("the gradients for {parts} are not masked: multiply the error matrix by R first",
            partial(_gd_step, masked=False)),
    Mistake("{parts} did not change: return the updated values, e.g. X - alpha * dX",
            lambda X, W, b, *_: (X, W, b)),
]



# ----------------------------------------------------------------------------- the checks
def check_cofi_gradients(fn: Callable) -> None:
    """Check ``fn(X, W, b, Y, R, lambda_) -> (dX, dW, db)``, the gradients of ``J(w, b, x)``.

    Diagnoses: wrong order, wrong (transposed) shapes, regularization missing or halved,
    unrated entries not masked, ``db`` regularized, the sign of the error flipped.
    """
    run_check("cofi_gradients", fn, cofi_gradients, cofi_cases(),
              with_structure(COFI_GRADIENTS, GRADS), parts=GRADS, rtol=1e-5,
              hint="E = R ⊙ (X Wᵀ + b - Y), dX = E W + λX, dW = Eᵀ X + λW, db = the column sums of E.")


def check_gradient_descent_step(fn: Callable) -> None:
    """Check ``fn(X, W, b, Y, R, lambda_, alpha) -> (X, W, b)``, one gradient-descent step.

    Diagnoses: + instead of -, alpha forgotten, b updated with a regularization term,
    regularization left out of the gradients, a parameter not updated, wrong order/shapes.
    """
    cases = cofi_cases(alphas=(0.01, 0.05, 0.1, 0.02))
    parts = ("X", "W", "b")
    run_check("gradient_descent_step", fn, gradient_descent_step, cases, with_structure(GD_STEP, parts),
              parts=parts, rtol=1e-5,
              hint="X - alpha * dX, W - alpha * dW, b - alpha * db, with dX, dW, db the gradients of J.")
