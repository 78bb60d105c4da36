"""Notebook 01, making recommendations: one prediction ``w · x + b`` and one user's cost.

The exercises, their references and the mistakes the checks name:

* ``predict(w, x, b)`` (:func:`recsys_utils.cofi_cost.predict`): :data:`PREDICT`;
* ``user_cost(w, b, X, y, r, lambda_)`` (:func:`recsys_utils.cofi_cost.user_cost`):
  :data:`USER_COST`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from ..cofi_cost import predict, predict_all, user_cost
from .cases import cofi_cases
from .engine import Case, Mistake, run_check
from .mistakes import with_structure

__all__ = ["check_predict", "check_user_cost", "PREDICT", "USER_COST", "EXERCISES"]

#: The notebook's function names -> the exercise they answer.
EXERCISES = {"predict": "Exercise 1", "user_cost": "Exercise 2"}


# ----------------------------------------------------------------------------- the mistakes
def _user_cost(w, b, X, y, r, lambda_, *, err=0.5, reg=0.5, reg_b=0.0, masked=True, by="m",
               reg_by_m=True, square_of_sum=False):
    """One user's cost with one knob turned: ``by`` is what the sum is divided by ("m" = m(j),
    "n_movies", or None for nothing); ``square_of_sum``: the penalty (Σ_k w_k)² for Σ_k w_k²."""
    e = (X @ w + b - y) * (r if masked else 1.0)
    n = {"m": r.sum(), "n_movies": len(y), None: 1.0}[by]
    penalty = np.sum(w) ** 2 if square_of_sum else np.sum(w**2)
    reg_n = n if reg_by_m else 1.0
    return err * np.sum(e**2) / n + lambda_ * (reg * penalty + reg_b * b**2) / reg_n


PREDICT = [
    Mistake(lambda t: f"you returned an array of shape {np.shape(t.got)}, not a number: w * x "
                      "multiplies "
                      "element by element; add the products up, np.dot(w, x) + b (or w @ x + b)",
            when=lambda t: np.shape(t.got) == np.shape(t.case.args[0])),
    Mistake("the bias b is missing: the prediction is w · x + b",
            wrong=lambda w, x, b: float(w @ x)),
    Mistake("you subtracted b: the prediction is w · x + b",
            wrong=lambda w, x, b: float(w @ x) - b),
]

USER_COST = [
    Mistake("exactly twice the expected value: did you drop the 1/2?",
            partial(_user_cost, err=1.0, reg=1.0)),
    Mistake("the squared errors are missing their 1/2: J = 1/(2m(j)) Σ (w · x(i) + b - y(i))² + "
            "λ/(2m(j)) Σ_k w_k²; the 1/2 multiplies both terms", partial(_user_cost, err=1.0)),
    Mistake("the penalty squares the sum of w, (Σ_k w_k)²: it is the sum of the squares, "
            "Σ_k w_k² = np.sum(w**2) (on the lecture's w = [5, 0] the two agree, on other w they "
            "do not)",
            partial(_user_cost, square_of_sum=True)),
    Mistake("you divided by the number of movies n_m = {n_movies} instead of m(j) = {m}, the "
            "number "
            "of movies this user rated (r.sum())", partial(_user_cost, by="n_movies")),
    Mistake("you did not divide by m(j) = {m}: this cost is 1/(2m(j)) times the sum (the form "
            "without m(j) comes later, summed over all users)", partial(_user_cost, by=None)),
    Mistake("you summed over unrated entries: multiply the errors by r so only the movies this "
            "user rated count", partial(_user_cost, masked=False)),
    Mistake("the regularization term (λ/(2m(j))) Σ_k w_k² is missing",
            partial(_user_cost, reg=0.0)),
    Mistake("you regularized b: the penalty (λ/(2m(j))) Σ_k w_k² is on w only",
            partial(_user_cost, reg_b=0.5)),
    Mistake("the regularization term has λ/m(j) where the lecture has λ/(2m(j))",
            partial(_user_cost, reg=1.0)),
    Mistake("divide the regularization term by m(j) = {m} as well: (λ/(2m(j))) Σ_k w_k²",
            partial(_user_cost, reg_by_m=False)),
]


# ----------------------------------------------------------------------------- the checks
def check_predict(fn: Callable) -> None:
    """Check ``fn(w, x, b) -> float``, the prediction ``w · x + b`` for one user and movie.

    ``w`` and ``x`` have shape ``(n_features,)``, ``b`` is a float. The first case is the
    lecture's 5 x 0.99 + 0 = 4.95. Diagnoses: an array returned (``w * x`` not summed), the
    bias forgotten or subtracted.

    >>> def my_predict(w, x, b):
    ...     return float(np.dot(w, x) + b)
    >>> check_predict(my_predict)
    ✓ predict: all 4 checks passed
    """
    rng = np.random.default_rng(0)
    cases = [Case("the lecture's example, Alice on 'Cute puppies of love' "
                  "(w=[5, 0], x=[0.99, 0], b=0)",
                  (np.array([5.0, 0.0]), np.array([0.99, 0.0]), 0.0))]
    for n in (3, 5, 1):
        cases.append(Case(f"random w, x with {n} features", (rng.normal(size=n), rng.normal(size=n),
                                                            float(rng.normal()))))
    run_check("predict", fn, predict, cases, with_structure(PREDICT), rtol=1e-5, hint="w · x + b.",
              references=(predict, predict_all), exercises=EXERCISES)


def check_user_cost(fn: Callable) -> None:
    """Check ``fn(w, b, X, y, r, lambda_) -> float``, one user's cost with the lecture's
    ``1/(2m(j))``.

    ``w`` is ``(n_features,)``, ``b`` a float, ``X`` ``(n_movies, n_features)``, ``y`` and ``r``
    ``(n_movies,)`` (the user's columns of ``Y`` and ``R``). Diagnoses: the 1/2 dropped,
    divided by n_movies or not at all instead of m(j), unrated entries summed, regularization
    missing, not divided by m(j), with λ for λ/2, or on b.
    """
    cases = []
    for case in cofi_cases():
        X, W, b, Y, R, lam = case.args
        j = int(np.argmax(R.sum(axis=0)))  # the user with most ratings (Alice on the toy table)
        args = (W[j].copy(), float(b[0, j]), X, Y[:, j].copy(), R[:, j].copy(), lam)
        label = case.label.replace("(", f"(user j={j}, ", 1)
        cases.append(Case(label, args, {**case.fields, "m": int(R[:, j].sum())}))
    run_check("user_cost", fn, user_cost, cases, with_structure(USER_COST), rtol=1e-5,
              hint="J = 1/(2m) Σ_{i: r(i)=1} (w · x(i) + b - y(i))² + λ/(2m) Σ_k w_k², "
                   "m = r.sum().",
              references=(user_cost,), exercises=EXERCISES)
