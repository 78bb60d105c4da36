"""The known mistakes that :mod:`recsys_utils.checks` recognises, as data.

Most mistakes are *wrong variants*: the reference formula with one knob turned (the 1/2
dropped, the mask forgotten, the regularization left out...). A learner's output that
matches a variant on the failing cases gets that variant's message. Structural mistakes
(None returned, an array instead of a number, wrong order or shapes) are predicates.
"""

from __future__ import annotations

from functools import partial
from itertools import permutations
from typing import Any

import numpy as np

from ._check_engine import Mistake, Trial, close, fmt, shape_name
from .binary_labels import sigmoid

# ----------------------------------------------------------------------------- structure
RETURNED_NONE = Mistake("your function returned None: did you forget the `return` statement?",
                        when=lambda t: t.got is None)
NOT_A_NUMBER = Mistake(
    lambda t: f"the result should be a single number, but your function returned an array of "
              f"shape {np.shape(t.got)}: add everything up with np.sum",
    when=lambda t: t.got is not None and np.ndim(t.got) > 0)
ELEMENTWISE = Mistake(
    lambda t: f"you returned an array of shape {np.shape(t.got)}, not a number: w * x multiplies "
              "element by element; add the products up, np.dot(w, x) + b (or w @ x + b)",
    when=lambda t: np.shape(t.got) == np.shape(t.case.args[0]))


def _kind(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    return f"{type(value).__name__} with shape {np.shape(value)}"


def _order(t: Trial) -> tuple[int, ...] | None:
    """The permutation of the expected parts whose shapes the learner's parts have, if any."""
    got = [np.shape(g) for g in t.got]
    exp = [np.shape(e) for e in t.expected]
    if got == exp:
        return None
    return next((p for p in permutations(range(len(exp))) if all(got[k] == exp[p[k]] for k in p)), None)


def _shape_text(t: Trial) -> str:
    dims = t.case.fields.get("dims", {})
    k = next(k for k in range(len(t.expected)) if np.shape(t.got[k]) != np.shape(t.expected[k]))
    g, e = np.shape(t.got[k]), np.shape(t.expected[k])
    if g == e[::-1]:
        advice = "did you transpose?"
    elif np.prod(g) == np.prod(e):
        advice = "keep the dimensions with keepdims=True, or reshape"
    else:
        advice = "check which matrices you multiply and along which axis you sum"
    return f"{t.parts[k]} has shape {shape_name(g, dims)} but should be {shape_name(e, dims)}: {advice}"


def shape_mistakes(parts: tuple[str, ...]) -> list[Mistake]:
    """Mistakes in the structure of a tuple result: not a tuple, wrong order, wrong shapes."""
    names = ", ".join(parts)
    return [
        Mistake(lambda t: f"return {len(parts)} values, in this order: {names}; "
                          f"your function returned {_kind(t.got)}",
                when=lambda t: not (isinstance(t.got, (tuple, list)) and len(t.got) == len(parts))),
        Mistake(lambda t: f"the values come back in the wrong order: return {names}; yours look like "
                          f"({', '.join(parts[i] for i in _order(t))})",
                when=lambda t: _order(t) is not None),
        Mistake(_shape_text, when=lambda t: any(np.shape(g) != np.shape(e)
                                                for g, e in zip(t.got, t.expected))),
    ]


# ----------------------------------------------------------------------------- variants
def _user_cost(w, b, X, y, r, lambda_, *, err=0.5, reg=0.5, reg_b=0.0, masked=True, by="m",
               reg_by_m=True):
    e = (X @ w + b - y) * (r if masked else 1.0)
    n = {"m": r.sum(), "n_movies": len(y), None: 1.0}[by]
    return err * np.sum(e**2) / n + lambda_ * (reg * np.sum(w**2) + reg_b * b**2) / (n if reg_by_m else 1.0)


def _cofi_cost(X, W, b, Y, R, lambda_, *, err=0.5, reg_w=0.5, reg_x=0.5, reg_b=0.0, masked=True,
               divide=None):
    E = (X @ W.T + b - Y) * (R if masked else 1.0)
    n = {None: 1.0, "ratings": R.sum(), "cells": R.size}[divide]
    return err * np.sum(E**2) / n + lambda_ * (reg_w * np.sum(W**2) + reg_x * np.sum(X**2)
                                               + reg_b * np.sum(b**2))


def _grads(X, W, b, Y, R, lambda_, *, reg=1.0, reg_b=0.0, masked=True, sign=1.0):
    E = sign * (X @ W.T + b - Y) * (R if masked else 1.0)
    return (E @ W + reg * lambda_ * X, E.T @ X + reg * lambda_ * W,
            E.sum(axis=0, keepdims=True) + reg_b * lambda_ * b)


def _binary_cost(X, W, b, Y, R, lambda_, *, loss="log", masked=True, reg=0.5, reg_b=0.0, divide=None):
    Z = X @ W.T + b
    L = {"log": lambda: np.logaddexp(0.0, Z) - Y * Z,
         "swapped": lambda: np.logaddexp(0.0, Z) - (1 - Y) * Z,
         "squared": lambda: 0.5 * (sigmoid(Z) - Y) ** 2,
         "squared_no_half": lambda: (sigmoid(Z) - Y) ** 2,
         "linear": lambda: 0.5 * (Z - Y) ** 2}[loss]() * (R if masked else 1.0)
    n = {None: 1.0, "ratings": R.sum(), "cells": R.size}[divide]
    return np.sum(L) / n + lambda_ * (reg * (np.sum(W**2) + np.sum(X**2)) + reg_b * np.sum(b**2))


def _normalize(Y, R, *, over="rated", masked=True):
    mu = ((Y * R).sum(axis=1, keepdims=True) / R.sum(axis=1, keepdims=True) if over == "rated"
          else Y.mean(axis=1, keepdims=True))
    return ((Y - mu) * R if masked else Y - mu), mu


def _gd_step(X, W, b, Y, R, lambda_, alpha, *, sign=-1.0, use_alpha=True, **grad_knobs):
    a = sign * (alpha if use_alpha else 1.0)
    dX, dW, db = _grads(X, W, b, Y, R, lambda_, **grad_knobs)
    return X + a * dX, W + a * dW, b + a * db


# ----------------------------------------------------------------------------- per exercise
_TWICE = "exactly twice the expected value: did you drop the 1/2?"
_MEAN = ("you averaged instead of summing: J adds the squared errors up (½ Σ over the rated "
         "entries), with no division by the number of ratings")

USER_COST = [
    Mistake(_TWICE, partial(_user_cost, err=1.0, reg=1.0)),
    Mistake("you divided by the number of movies n_m = {n_movies} instead of m(j) = {m}, the number "
            "of movies this user rated (r.sum())", partial(_user_cost, by="n_movies")),
    Mistake("you did not divide by m(j) = {m}: this cost is 1/(2m(j)) times the sum (the form "
            "without m(j) comes later, summed over all users)", partial(_user_cost, by=None)),
    Mistake("you summed over unrated entries: multiply the errors by r so only the movies this "
            "user rated count", partial(_user_cost, masked=False)),
    Mistake("the regularization term (λ/(2m(j))) Σ_k w_k² is missing", partial(_user_cost, reg=0.0)),
    Mistake("you regularized b: the penalty (λ/(2m(j))) Σ_k w_k² is on w only",
            partial(_user_cost, reg_b=0.5)),
    Mistake("the regularization term has λ/m(j) where the lecture has λ/(2m(j))",
            partial(_user_cost, reg=1.0)),
    Mistake("divide the regularization term by m(j) = {m} as well: (λ/(2m(j))) Σ_k w_k²",
            partial(_user_cost, reg_by_m=False)),
]

COFI_COST = [
    Mistake(_TWICE, partial(_cofi_cost, err=1.0, reg_w=1.0, reg_x=1.0)),
    Mistake("the sum of squared errors is missing its 1/2: J = ½ Σ (w·x + b - y)² + ...",
            partial(_cofi_cost, err=1.0)),
    Mistake("you summed over unrated entries: multiply the error matrix by R so only rated "
            "entries count", partial(_cofi_cost, masked=False)),
    Mistake("the regularization term is missing: add (λ/2) Σ W² + (λ/2) Σ X²",
            partial(_cofi_cost, reg_w=0.0, reg_x=0.0)),
    Mistake("only W is regularized: add (λ/2) Σ X² for the movie features too",
            partial(_cofi_cost, reg_x=0.0)),
    Mistake("only X is regularized: add (λ/2) Σ W² for the user parameters too",
            partial(_cofi_cost, reg_w=0.0)),
    Mistake("you regularized b: only W and X are regularized, not b", partial(_cofi_cost, reg_b=0.5)),
    Mistake("the regularization term uses λ where the formula has λ/2",
            partial(_cofi_cost, reg_w=1.0, reg_x=1.0)),
    Mistake(_MEAN, partial(_cofi_cost, divide="ratings")),
    Mistake(_MEAN, partial(_cofi_cost, divide="cells")),
]

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
            "a rounded g(z) loses the value). " + _STABLE, when=lambda t: t.case.fields.get("large")),
    Mistake(_SQUARED, partial(_binary_cost, loss="squared")),
    Mistake(_SQUARED, partial(_binary_cost, loss="squared_no_half")),
    Mistake(_SQUARED, partial(_binary_cost, loss="linear")),
    Mistake("you summed over entries that were never shown (R = 0): multiply the loss by R",
            partial(_binary_cost, masked=False)),
    Mistake("the regularization term is missing: add (λ/2) Σ W² + (λ/2) Σ X²",
            partial(_binary_cost, reg=0.0)),
    Mistake("you regularized b: only W and X are regularized, not b", partial(_binary_cost, reg_b=0.5)),
    Mistake("the labels are swapped: the loss is -y log g(z) - (1 - y) log(1 - g(z)); yours has "
            "y and 1 - y exchanged", partial(_binary_cost, loss="swapped")),
    Mistake("you averaged instead of summing: J is the sum of the losses over the entries with "
            "R = 1", partial(_binary_cost, divide="ratings")),
    Mistake("you averaged instead of summing: J is the sum of the losses over the entries with "
            "R = 1", partial(_binary_cost, divide="cells")),
]


def _user_means(t: Trial) -> bool:
    """mu matches the users' means (over rated entries, NaN or 0 for Eve; or over all)."""
    Y, R = t.case.args
    mu, rated = np.ravel(t.got[1]), (Y * R).sum(axis=0) / R.sum(axis=0)
    return any(close(mu, m) for m in (rated, np.nan_to_num(rated), Y.mean(axis=0)))


NORMALIZE_SHAPES = [
    Mistake("mu has shape ({n_movies},) but should be a column, (n_movies, 1) = ({n_movies}, 1): "
            "sum with keepdims=True, or use mu.reshape(-1, 1); a flat mu subtracted from Y "
            "broadcasts along the wrong axis",
            when=lambda t: np.shape(t.got[1]) == (t.case.fields["n_movies"],)
            and close(np.ravel(t.got[1]), np.ravel(t.expected[1]))),
    Mistake("mu looks like each user's mean (axis=0): mu is each movie's mean over the users who "
            "rated it, a sum along axis=1: (Y * R).sum(axis=1, keepdims=True) / R.sum(axis=1, "
            "keepdims=True)", when=_user_means),
]

NORMALIZE = [
    Mistake(lambda t: f"mu = {fmt(np.ravel(t.got[1]), shape=False)}: you averaged over unrated entries too: "
                      "divide each movie's sum of ratings by its number of ratings, "
                      "R.sum(axis=1), not by n_users", partial(_normalize, over="all")),
    Mistake("Ynorm is -mu at the unrated entries (Y holds a placeholder 0 there): multiply by R, "
            "Ynorm = (Y - mu) * R, so unrated entries stay 0", partial(_normalize, masked=False)),
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


# ----------------------------------------------------------------------------- new user
def _fit_new_user(X, mu, item_idx, ratings, lambda_, *, reg=1.0, d_zero="last", center=True,
                  ones="last"):
    """The new user's solve with one knob turned; ``lstsq`` so a singular λ = 0 system still solves.

    ``ones``: where A's column of ones goes ("last", "first" or None); theta is always read as
    w = theta[:n], b = theta[n]. ``d_zero``: which diagonal entry of D is 0 ("last", "first", None).
    """
    n, m = X.shape[1], len(item_idx)
    if m == 0:
        return np.zeros(n), 0.0
    t = np.asarray(ratings, dtype=float) - (mu[item_idx, 0] if center else 0.0)
    cols = {"last": [X[item_idx], np.ones((m, 1))], "first": [np.ones((m, 1)), X[item_idx]],
            None: [X[item_idx]]}[ones]
    A = np.hstack(cols)
    d = np.ones(A.shape[1])
    if d_zero is not None:
        d[{"last": -1, "first": 0}[d_zero]] = 0.0
    theta = np.linalg.lstsq(A.T @ A + reg * lambda_ * np.diag(d), A.T @ t, rcond=None)[0]
    return theta[:n], (0.0 if ones is None else float(theta[n]))


def _w_shape(t: Trial) -> str:
    g, n, m = np.shape(t.got[0]), t.case.fields["n_features"], t.case.fields["m"]
    flat = f"w has shape {g} but should be flat, (n_features,) = ({n},)"
    if g == (1, n):
        return f"{flat}, like one row of W taken as W[j]: return theta[:n] of a 1-D theta (or np.ravel(w))"
    if g == (n, 1):
        return (f"{flat}: your targets t are a column because mu[item_idx] is one, shape (m, 1) = ({m}, 1); "
                "use mu[item_idx, 0] so that t = ratings - mu[item_idx, 0] has shape (m,) and theta is 1-D")
    return (f"{flat}: ratings, shape (m,) = ({m},), minus mu[item_idx], shape (m, 1), broadcasts into an "
            f"(m, m) = ({m}, {m}) matrix; use mu[item_idx, 0] so that t has shape (m,)")


def _w_is_matrix(t: Trial) -> bool:
    g, n = np.shape(t.got[0]), t.case.fields["n_features"]
    return len(g) == 2 and (g[0] == n or g == (1, n))


FIT_NEW_USER = [
    Mistake(_w_shape, when=_w_is_matrix),
    Mistake("w has n_features + 1 = {n_plus_1} entries: theta holds w and then b, so w = theta[:n] "
            "and b = theta[n]", when=lambda t: np.shape(t.got[0]) == (t.case.fields["n_features"] + 1,)),
    Mistake(lambda t: f"b should be a single number, but yours has shape {np.shape(t.got[1])}: "
                      "return b = float(theta[n])",
            when=lambda t: np.ndim(t.got[1]) > 0 and np.shape(t.got[0]) == np.shape(t.expected[0])),
    Mistake("b was regularized too: D = diag(1, ..., 1, 0) has a 0 in its last entry, the one for b, "
            "because b is not regularized", partial(_fit_new_user, d_zero=None)),
    Mistake("the 0 in D is on the first diagonal entry, so b is regularized and w_1 is not: with "
            "the column of ones last in A, b is theta[n], so set D[n, n] = 0",
            partial(_fit_new_user, d_zero="first")),
    Mistake("your A has the column of ones first, so theta[0] is b and theta[1:] is w; you took "
            "w = theta[:n], b = theta[n]", partial(_fit_new_user, ones="first", d_zero="first")),
    Mistake("μ was not subtracted: the model was trained on normalized ratings, so the targets are "
            "t = ratings - mu[item_idx, 0], not the raw ratings", partial(_fit_new_user, center=False)),
    Mistake("λ is missing: the penalty (λ/2)||w||² adds lambda_ * D to the matrix, "
            "(A.T @ A + lambda_ * D) theta = A.T @ t", partial(_fit_new_user, reg=0.0)),
    Mistake("the matrix has λ/2 where it needs λ: the derivative of (λ/2)||w||² is λ w, so use "
            "A.T @ A + lambda_ * D", partial(_fit_new_user, reg=0.5)),
    Mistake("b is missing (it came out 0): A needs a column of ones, A = [X[item_idx], 1], so that "
            "theta[n] is b", partial(_fit_new_user, ones=None, d_zero=None)),
    Mistake("Eve has rated nothing, so there is nothing to solve: return w = np.zeros(n_features) "
            "and b = 0.0 when len(item_idx) == 0", when=lambda t: t.case.fields.get("eve")),
]
