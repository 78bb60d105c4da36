"""Checks for the notebooks' exercises: run the learner's function, name the probable mistake.

Each ``check_*(fn)`` takes the learner's function (not its result), calls it on the lecture's
toy table and on seeded random problems of a few shapes, and compares it with the reference
in this package (tolerance ``rtol=1e-5``, so float32 code passes too).

* All agree: it prints one line, ``✓ cofi_cost: all 4 checks passed``.
* Some differ, or ``fn`` raises: ``AssertionError`` naming the case, the expected and the
  received values, and the known mistake that explains them ("exactly twice the expected
  value: did you drop the 1/2?"). Passing something that is not callable: ``TypeError``.

Each check is data: its cases and a list of mistakes (:mod:`recsys_utils._check_mistakes`),
run by :mod:`recsys_utils._check_engine`. Nothing here imports TensorFlow. Shapes follow the
series' notation: ``X`` (n_movies, n_features), ``W`` (n_users, n_features), ``b`` (1, n_users),
``Y`` and ``R`` (n_movies, n_users), ``mu`` (n_movies, 1).

Notebook 06's checks are defined in :mod:`recsys_utils._checks_movielens`, notebooks 08 and
09's in :mod:`recsys_utils._checks_content`; all are served from here.

>>> from recsys_utils.cofi_cost import cofi_cost
>>> check_cofi_cost(cofi_cost)
✓ cofi_cost: all 4 checks passed
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import _check_mistakes as mk
from ._check_engine import Case, Mistake, close, fmt, random_problem, run_check, show
from ._checks_content import (
    check_combine_candidates,
    check_genre_average,
    check_nearest_movies,
    check_rank_candidates,
    check_two_tower,
)
from ._checks_movielens import check_cofi_cost_observed, check_shrunk_movie_means
from .binary_labels import binary_cost, sigmoid
from .cofi_cost import cofi_cost, cofi_gradients, predict, user_cost
from .gradient_descent import gradient_descent_step
from .new_user import fit_new_user
from .normalization import normalize_ratings
from .toy import load_toy_binary, load_toy_features, load_toy_mean_normalization, load_toy_ratings

__all__ = [
    "check_close",
    "check_predict",
    "check_user_cost",
    "check_cofi_cost",
    "check_cofi_gradients",
    "check_sigmoid",
    "check_binary_cost",
    "check_normalize_ratings",
    "check_gradient_descent_step",
    "check_fit_new_user",
    "check_cofi_cost_observed",
    "check_shrunk_movie_means",
    "check_genre_average",
    "check_two_tower",
    "check_nearest_movies",
    "check_combine_candidates",
    "check_rank_candidates",
]

#: The lecture's user parameters: w(1) = w(2) = [5, 0], w(3) = w(4) = [0, 5] (b = 0).
LECTURE_W = np.array([[5.0, 0.0], [5.0, 0.0], [0.0, 5.0], [0.0, 5.0]])
#: (n_movies, n_users, n_features, lambda_, seed) of the random problems: no two sizes equal,
#: so a transposed result has a different shape.
RANDOM_SHAPES = ((6, 4, 3, 0.7, 1), (10, 7, 5, 1.3, 2), (4, 9, 2, 2.0, 3))
GRADS = ("dX", "dW", "db")


def check_close(name: str, got: Any, expected: Any, rtol: float = 1e-6, *, atol: float = 1e-9) -> None:
    """Assert that ``got`` has the shape of ``expected`` and equals it within ``rtol``/``atol``.

    Prints ``✓ name`` (with the value, for a number) on success. Raises ``AssertionError``
    naming both shapes, or the largest difference and where it is, otherwise.

    >>> check_close("w·x + b", 5 * 0.99 + 0, 4.95)
    ✓ w·x + b = 4.95
    """
    if close(got, expected, rtol, atol):
        print(f"✓ {name}" + (f" = {fmt(got)}" if np.ndim(got) == 0 else ""))
        return
    try:
        g_shape, e_shape = np.shape(np.asarray(got, dtype=float)), np.shape(expected)
    except (TypeError, ValueError):
        raise AssertionError(f"{name}: expected {fmt(expected)}, got {fmt(got)}") from None
    if g_shape != e_shape:
        problem = f"expected shape {e_shape}, got shape {g_shape}"
    else:
        diff = np.abs(np.asarray(got, dtype=float) - np.asarray(expected, dtype=float))
        k = np.unravel_index(np.nanargmax(diff), diff.shape) if diff.ndim else ()
        where = f" at index {tuple(int(i) for i in k)}" if k else ""
        problem = f"largest difference {np.nanmax(diff):.3g}{where}"
    raise AssertionError(f"{name}: {problem}\n{show('expected', fmt(expected), 10)}\n"
                         f"{show('got', fmt(got), 10)}")


# ----------------------------------------------------------------------------- the cases
def _cofi_cases(binary: bool = False, large: bool = False, alphas: tuple = ()) -> list[Case]:
    """The toy table with the lecture's W and b = 0 (lambda_ = 1), then random problems.

    With ``alphas``, each case's arguments end with its learning rate.
    """
    Y, R, _, _ = load_toy_binary() if binary else load_toy_ratings()
    toy = (load_toy_features().X, LECTURE_W.copy(), np.zeros((1, 4)), Y, R, 1.0)
    cases = [_cofi_case("the lecture's toy table", toy, seed=None)]
    for n_m, n_u, n, lam, seed in RANDOM_SHAPES[: 2 if large else 3]:
        problem = random_problem(n_m, n_u, n, seed, binary=binary)
        cases.append(_cofi_case("random data", (*problem, lam), seed))
    if large:  # logits in the hundreds: log(g(z)) underflows unless computed from z
        X, W, b, Y, R = random_problem(6, 5, 3, seed=4, binary=True, scale=12.0)
        cases.append(_cofi_case("random data with large logits", (X, W, b, Y, R, 0.5), 4, large=True))
    if alphas:
        cases = [_cofi_case(c.label.split(" (")[0], (*c.args, a), c.fields["seed"])
                 for c, a in zip(cases, alphas)]
    return cases


def _cofi_case(source: str, args: tuple, seed: int | None, **extra: Any) -> Case:
    X, W, b, Y, R, lam = args[:6]
    dims = {"n_movies": Y.shape[0], "n_users": Y.shape[1], "n_features": X.shape[1]}
    seed_text = "" if seed is None else f"seed {seed}: "
    alpha = f", alpha={args[6]:g}" if len(args) > 6 else ""
    label = (f"{source} ({seed_text}{dims['n_movies']} movies x {dims['n_users']} users, "
             f"{dims['n_features']} features, lambda_={lam:g}{alpha})")
    zmax = float(np.abs(X @ W.T + b).max())
    return Case(label, args, {**dims, "dims": dims, "lambda_": lam, "zmax": zmax, "seed": seed, **extra})


def _run(name: str, fn: Callable, reference: Callable, cases: list[Case], mistakes: list[Mistake],
         parts: tuple[str, ...] | None = None, hint: str = "", scalar: bool = True) -> None:
    """Run a check with the structural mistakes added: None returned, then the exercise's own
    mistakes, then an array instead of a number (``scalar``) or wrong tuple/order/shapes."""
    shape = mk.shape_mistakes(parts) if parts else [mk.NOT_A_NUMBER] if scalar else []
    run_check(name, fn, reference, cases, [mk.RETURNED_NONE, *mistakes, *shape], parts=parts,
              rtol=1e-5, hint=hint)


# ----------------------------------------------------------------------------- the checks
def check_predict(fn: Callable) -> None:
    """Check ``fn(w, x, b) -> float``, the prediction ``w · x + b`` for one user and movie.

    ``w`` and ``x`` have shape ``(n_features,)``, ``b`` is a float. The first case is the
    lecture's 5 x 0.99 + 0 = 4.95. Diagnoses: an array returned (``w * x`` not summed), the
    bias forgotten or subtracted.
    """
    rng = np.random.default_rng(0)
    cases = [Case("the lecture's example, Alice on 'Cute puppies of love' (w=[5, 0], x=[0.99, 0], b=0)",
                  (np.array([5.0, 0.0]), np.array([0.99, 0.0]), 0.0))]
    for n in (3, 5, 1):
        cases.append(Case(f"random w, x with {n} features", (rng.normal(size=n), rng.normal(size=n),
                                                            float(rng.normal()))))
    mistakes = [
        Mistake("the bias b is missing: the prediction is w · x + b", wrong=lambda w, x, b: float(w @ x)),
        Mistake("you subtracted b: the prediction is w · x + b", wrong=lambda w, x, b: float(w @ x) - b),
    ]
    _run("predict", fn, predict, cases, [mk.ELEMENTWISE, *mistakes], hint="w · x + b.")


def check_user_cost(fn: Callable) -> None:
    """Check ``fn(w, b, X, y, r, lambda_) -> float``, one user's cost with the lecture's ``1/(2m(j))``.

    ``w`` is ``(n_features,)``, ``b`` a float, ``X`` ``(n_movies, n_features)``, ``y`` and ``r``
    ``(n_movies,)`` (the user's columns of ``Y`` and ``R``). Diagnoses: the 1/2 dropped,
    divided by n_movies or not at all instead of m(j), unrated entries summed, regularization
    missing, not divided by m(j), with λ for λ/2, or on b.
    """
    cases = []
    for case in _cofi_cases():
        X, W, b, Y, R, lam = case.args
        j = int(np.argmax(R.sum(axis=0)))  # the user with most ratings (Alice on the toy table)
        args = (W[j].copy(), float(b[0, j]), X, Y[:, j].copy(), R[:, j].copy(), lam)
        label = case.label.replace("(", f"(user j={j}, ", 1)
        cases.append(Case(label, args, {**case.fields, "m": int(R[:, j].sum())}))
    _run("user_cost", fn, user_cost, cases, mk.USER_COST,
         hint="J = 1/(2m) Σ_{i: r(i)=1} (w · x(i) + b - y(i))² + λ/(2m) Σ_k w_k², m = r.sum().")


def check_cofi_cost(fn: Callable) -> None:
    """Check ``fn(X, W, b, Y, R, lambda_) -> float``, the combined cost ``J(w, b, x)``.

    Use it for the loop and the vectorized exercise alike. Diagnoses: the 1/2 dropped,
    unrated entries included, regularization missing or on W only / X only / b too, λ for
    λ/2, an array returned, a mean instead of a sum.
    """
    _run("cofi_cost", fn, cofi_cost, _cofi_cases(), mk.COFI_COST,
         hint="J = ½ Σ R ⊙ (X Wᵀ + b - Y)² + (λ/2) Σ W² + (λ/2) Σ X².")


def check_cofi_gradients(fn: Callable) -> None:
    """Check ``fn(X, W, b, Y, R, lambda_) -> (dX, dW, db)``, the gradients of ``J(w, b, x)``.

    Diagnoses: wrong order, wrong (transposed) shapes, regularization missing or halved,
    unrated entries not masked, ``db`` regularized, the sign of the error flipped.
    """
    _run("cofi_gradients", fn, cofi_gradients, _cofi_cases(), mk.COFI_GRADIENTS, parts=GRADS,
         hint="E = R ⊙ (X Wᵀ + b - Y), dX = E W + λX, dW = Eᵀ X + λW, db = the column sums of E.")


def check_sigmoid(fn: Callable) -> None:
    """Check ``fn(z)``, the sigmoid ``g(z) = 1 / (1 + e^(-z))``, element by element.

    Diagnoses: the sign of z flipped, missing parentheses, NaN/inf for z = ±1000, a shape
    different from z's.
    """
    rng = np.random.default_rng(0)
    cases = [Case("z = 0", (0.0,)), Case("z = [-6, -5, ..., 6]", (np.arange(-6.0, 7.0),)),
             Case("a random 3 x 4 matrix z", (rng.normal(scale=3.0, size=(3, 4)),)),
             Case("z = [-1000, -50, 0, 50, 1000]", (np.array([-1000.0, -50, 0, 50, 1000]),))]
    _run("sigmoid", fn, sigmoid, cases, mk.SIGMOID, hint="g(z) = 1 / (1 + np.exp(-z)).", scalar=False)


def check_binary_cost(fn: Callable) -> None:
    """Check ``fn(X, W, b, Y, R, lambda_) -> float``, the binary-label (log-loss) cost.

    Diagnoses: squared error used, mask forgotten, NaN/inf or inaccuracy for large logits,
    regularization missing or on b, labels swapped, a mean instead of a sum.
    """
    _run("binary_cost", fn, binary_cost, _cofi_cases(binary=True, large=True), mk.BINARY_COST,
         hint="J = Σ_{r(i,j)=1} [-y log g(z) - (1-y) log(1-g(z))] + (λ/2)(Σ W² + Σ X²), z = X Wᵀ + b.")


def check_normalize_ratings(fn: Callable) -> None:
    """Check ``fn(Y, R) -> (Ynorm, mu)``, mean normalization over the rated entries.

    On the lecture's 5 x 5 matrix with Eve, ``mu = [2.5, 2.5, 2, 2.25, 1.25]`` (as a column).
    Diagnoses: averaged over unrated entries too, ``Ynorm`` not masked with ``R``, ``mu`` of
    shape ``(n_movies,)``, a mean over users (axis 0). Every movie in the cases has a rating,
    so the fallback for an unrated movie is not checked.
    """
    Y, R, _, _ = load_toy_mean_normalization()
    cases = [Case("the lecture's 5 x 5 matrix with Eve", (Y, R),
                  {"n_movies": 5, "n_users": 5, "dims": {"n_movies": 5, "n_users": 5}})]
    for n_m, n_u, _, _, seed in RANDOM_SHAPES:
        _, _, _, Y, R = random_problem(n_m, n_u, 1, seed)
        dims = {"n_movies": n_m, "n_users": n_u}
        cases.append(Case(f"random ratings (seed {seed}: {n_m} movies x {n_u} users)", (Y, R),
                          {**dims, "dims": dims}))
    _run("normalize_ratings", fn, normalize_ratings, cases, [*mk.NORMALIZE_SHAPES, *mk.NORMALIZE],
         parts=("Ynorm", "mu"), hint="mu = (Y * R).sum(axis=1, keepdims=True) / "
                                     "R.sum(axis=1, keepdims=True), Ynorm = (Y - mu) * R.")


def check_gradient_descent_step(fn: Callable) -> None:
    """Check ``fn(X, W, b, Y, R, lambda_, alpha) -> (X, W, b)``, one gradient-descent step.

    Diagnoses: + instead of -, alpha forgotten, b updated with a regularization term,
    regularization left out of the gradients, a parameter not updated, wrong order/shapes.
    """
    cases = _cofi_cases(alphas=(0.01, 0.05, 0.1, 0.02))
    _run("gradient_descent_step", fn, gradient_descent_step, cases, mk.GD_STEP, parts=("X", "W", "b"),
         hint="X - alpha * dX, W - alpha * dW, b - alpha * db, with dX, dW, db the gradients of J.")


def _new_user_case(label: str, X: np.ndarray, mu: np.ndarray, rated: dict[int, float], lam: float,
                   **extra: Any) -> Case:
    """A new user who gave ``rated[i]`` stars to movie row ``i``, against features ``X`` and means ``mu``."""
    idx, y = np.array(list(rated), dtype=np.int64), np.array(list(rated.values()), dtype=float)
    n_movies, n = X.shape
    dims = {"n_movies": n_movies, "n_features": n, "m": len(idx)}
    ratings = f"{len(idx)} rating{'' if len(idx) == 1 else 's'}"
    return Case(f"{label} ({n_movies} movies, {n} features, {ratings}, lambda_={lam:g})",
                (X, mu, idx, y, lam), {**dims, "dims": dims, "n_plus_1": n + 1, "lambda_": lam, **extra})


def check_fit_new_user(fn: Callable) -> None:
    """Check ``fn(X, mu, item_idx, ratings, lambda_) -> (w, b)``, a new user's regularized solve.

    ``w`` has shape ``(n_features,)`` and ``b`` is a float, as
    :func:`recsys_utils.new_user.fit_new_user` returns them. The cases: the lecture's toy features
    and ``mu`` with three ratings, Eve with none (``w = 0``, ``b = 0``), one rating ('Romance
    forever', 4 stars: ``w = 0``, ``b = 4 - 2.5 = 1.5``), then seeded random problems. Diagnoses:
    b regularized (or the 0 of D in the wrong place), μ not subtracted, λ missing or halved, no
    column of ones (b stuck at 0), the ones first in A but theta read as if last, no special case
    for no ratings, ``w`` of shape ``(1, n)``, ``(n, 1)`` or ``(n + 1,)``, ``b`` an array.
    """
    X = load_toy_features().X
    mu = normalize_ratings(*load_toy_mean_normalization()[:2])[1]  # [2.5, 2.5, 2, 2.25, 1.25]
    cases = [
        _new_user_case("the lecture's toy features and mu, a newcomer who rated 'Love at last' 5, "
                       "'Nonstop car chases' 1, 'Swords vs. karate' 2", X, mu,
                       {0: 5.0, 3: 1.0, 4: 2.0}, 1.0),
        _new_user_case("the lecture's toy features, Eve, who has rated nothing: no data, so w = 0, b = 0",
                       X, mu, {}, 1.0, eve=True),
        _new_user_case("the lecture's toy features, one rating: 'Romance forever', 4 stars",
                       X, mu, {1: 4.0}, 1.0),
    ]
    for n_movies, n, m, lam, seed in ((9, 3, 5, 2.0, 1), (12, 4, 7, 0.5, 2), (10, 5, 8, 1.5, 3)):
        rng = np.random.default_rng(seed)
        X_r, mu_r = rng.normal(size=(n_movies, n)), rng.uniform(1.5, 4.5, size=(n_movies, 1))
        idx = rng.choice(n_movies, size=m, replace=False)
        rated = dict(zip(idx.tolist(), (rng.integers(1, 11, size=m) / 2).tolist()))
        cases.append(_new_user_case(f"random data (seed {seed})", X_r, mu_r, rated, lam))
    _run("fit_new_user", fn, fit_new_user, cases, mk.FIT_NEW_USER, parts=("w", "b"),
         hint="A = [X[item_idx], 1], t = ratings - mu[item_idx, 0], D = diag(1, ..., 1, 0); solve "
              "(A.T @ A + lambda_ * D) theta = A.T @ t; w = theta[:n], b = theta[n].")
