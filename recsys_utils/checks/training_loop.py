"""The training loop learners write in notebook 06: tf.Variables, GradientTape, Adam.

The exercise: ``fn(X0, W0, b0, item_idx, user_idx, y, lambda_, learning_rate, iterations)``
creates ``tf.Variable``\\ s from the starting values, runs ``iterations`` Adam steps on the cost
over the observed ratings (each step: the cost inside ``tf.GradientTape``, its gradients with
respect to ``[X, W, b]``, ``optimizer.apply_gradients``) and returns ``(X, W, b, history)`` as
NumPy arrays and the list of costs, one per step, computed before that step's update.

The reference is the same loop in NumPy, with Keras 3's Adam written out (``beta_1 = 0.9``,
``beta_2 = 0.999``, ``epsilon = 1e-7``); ``tests/checks/test_nb06.py`` holds it to
:func:`recsys_utils.training.train_cofi_observed` within 1e-9. The mistakes are data, as
everywhere in :mod:`recsys_utils.checks`:

* wrong variants (:data:`TRAINING_LOOP`): the reference with one knob turned — the
  regularization left out, ``b`` missing from the list of gradients, Keras' default learning
  rate, a new optimizer in every iteration, plain gradient descent instead of Adam;
* errors TensorFlow raises for the others (:data:`TRAINING_LOOP_ERRORS`), translated into the
  exercise's words — no tape around the cost (or constants instead of variables), the pairs
  of ``apply_gradients`` swapped, gradients and variables listed in different orders.

Nothing here imports TensorFlow.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import partial

import numpy as np

from ..cofi_cost_tf import observed_from_matrices
from ..toy import load_toy_ratings
from ..training import init_params, train_cofi, train_cofi_observed
from .cases import random_problem
from .engine import Case, Mistake, run_check
from .mistakes import with_structure

__all__ = ["check_training_loop", "training_loop_reference", "TRAINING_LOOP", "TRAINING_LOOP_ERRORS",
           "TrainingLoopError"]

PARTS = ("X", "W", "b", "history")
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7  # Keras 3 Adam's defaults
# Keras turns beta_1, beta_2 and the learning rate into float32 tensors before casting them to the
# variables' dtype, so float64 training uses their float32 roundings in the step size.
_F32 = np.float32
KERAS_DEFAULT_LR = 0.001


def training_loop_reference(X0, W0, b0, item_idx, user_idx, y, lambda_, learning_rate, iterations, *,
                            reg=1.0, trained=("X", "W", "b"), optimizer="adam", fresh_optimizer=False,
                            lr=None, untrained=False):
    """The loop in NumPy, with one knob turned for the wrong variants.

    ``reg`` scales lambda_ in the cost; ``trained`` lists the parameters that get their gradients;
    ``optimizer`` is "adam" or "sgd" (``p -= lr * grad``); ``fresh_optimizer`` restarts Adam's
    moments every step (an optimizer created inside the loop); ``lr`` overrides the learning rate;
    ``untrained`` returns the starting values with the history.
    """
    params = {"X": np.array(X0, dtype=float), "W": np.array(W0, dtype=float), "b": np.array(b0, dtype=float)}
    item_idx, user_idx, y = np.asarray(item_idx), np.asarray(user_idx), np.asarray(y, dtype=float)
    rate = learning_rate if lr is None else lr
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    step = {k: 0 for k in params}
    history = []
    for _ in range(int(iterations)):
        X, W, b = params["X"], params["W"], params["b"]
        err = np.sum(X[item_idx] * W[user_idx], axis=1) + b[0, user_idx] - y
        history.append(float(0.5 * np.sum(err**2) + reg * lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))))
        dX = reg * lambda_ * X
        np.add.at(dX, item_idx, err[:, None] * W[user_idx])
        dW = reg * lambda_ * W
        np.add.at(dW, user_idx, err[:, None] * X[item_idx])
        db = np.bincount(user_idx, weights=err, minlength=b.shape[1])[None, :]
        for name, grad in (("X", dX), ("W", dW), ("b", db)):
            if name not in trained:
                continue
            if optimizer == "sgd":
                params[name] = params[name] - rate * grad
                continue
            m, v = (np.zeros_like(grad), np.zeros_like(grad)) if fresh_optimizer else moments[name]
            step[name] = 1 if fresh_optimizer else step[name] + 1
            m = m + (grad - m) * (1 - BETA_1)
            v = v + (grad**2 - v) * (1 - BETA_2)
            b1, b2 = float(_F32(BETA_1)), float(_F32(BETA_2))
            alpha = float(_F32(rate)) * np.sqrt(1 - b2 ** step[name]) / (1 - b1 ** step[name])
            params[name] = params[name] - m * alpha / (np.sqrt(v) + EPSILON)
            moments[name] = (m, v)
    if untrained:
        return np.array(X0, dtype=float), np.array(W0, dtype=float), np.array(b0, dtype=float), history
    return params["X"], params["W"], params["b"], history


_ref = training_loop_reference
TRAINING_LOOP = [
    Mistake("the regularization is missing: the cost must include (lambda_ / 2) * (sum of W² + sum of X²) "
            "— with ru.cofi_cost_observed_tf, pass lambda_ (not 0)", partial(_ref, reg=0.0)),
    Mistake("b never changed: ask the tape for the gradients of all three variables, "
            "tape.gradient(cost, [X, W, b]), and apply all three", partial(_ref, trained=("X", "W"))),
    Mistake("W never changed: ask the tape for the gradients of [X, W, b] and apply all three",
            partial(_ref, trained=("X", "b"))),
    Mistake("X never changed: ask the tape for the gradients of [X, W, b] and apply all three",
            partial(_ref, trained=("W", "b"))),
    Mistake(f"the steps are too small: keras.optimizers.Adam() without learning_rate uses Keras' "
            f"default {KERAS_DEFAULT_LR}; pass learning_rate=learning_rate", partial(_ref, lr=KERAS_DEFAULT_LR)),
    Mistake("a new optimizer in every iteration forgets Adam's running averages: create it once, "
            "before the loop", partial(_ref, fresh_optimizer=True)),
    Mistake("this is plain gradient descent (p - learning_rate * gradient), not Adam: use "
            "keras.optimizers.Adam(learning_rate=learning_rate) and optimizer.apply_gradients",
            partial(_ref, optimizer="sgd")),
    Mistake("nothing was trained: return the variables' values after the loop (X.numpy(), ...), "
            "not the starting values", partial(_ref, untrained=True)),
]

#: (text in the exception, what it means in the exercise), first match wins.
TRAINING_LOOP_ERRORS = (
    ("No gradients provided",
     "the tape recorded nothing it could differentiate: compute the cost *inside* "
     "`with tf.GradientTape() as tape:` (indented under it), and make X, W and b tf.Variables "
     "(the tape watches variables, not NumPy arrays or constants)"),
    ("_unique_id",
     "apply_gradients takes (gradient, variable) pairs, and the second of each pair must be a "
     "tf.Variable: either the pairs are swapped — write zip(grads, [X, W, b]), gradient first, not "
     "zip([X, W, b], grads) — or X, W, b are not tf.Variables (tf.Variable(X0), not tf.constant or NumPy)"),
    ("Incompatible shapes",
     "a gradient was applied to the wrong variable: list the variables in the same order in "
     "tape.gradient(cost, [X, W, b]) and in zip(grads, [X, W, b])"),
    ("can only be called once on non-persistent tapes",
     "tape.gradient was called twice on one tape: ask for all gradients at once, "
     "tape.gradient(cost, [X, W, b])"),
)


class TrainingLoopError(RuntimeError):
    """What TensorFlow raised inside the learner's loop, with what it means in the exercise."""


def _translated(fn: Callable) -> Callable:
    """``fn`` with TensorFlow's errors translated by :data:`TRAINING_LOOP_ERRORS`; others pass through."""

    @functools.wraps(fn)
    def call(*args):
        try:
            return fn(*args)
        except Exception as exc:
            text = f"{type(exc).__name__}: {exc}".strip()
            for needle, meaning in TRAINING_LOOP_ERRORS:
                if needle in text:
                    raise TrainingLoopError(f"{text.splitlines()[0][:200]}\n  Hint: {meaning}.") from exc
            raise

    return call


def _cases(iterations: int = 15) -> list[Case]:
    """The lecture's toy ratings and two seeded random problems, as triples, with seeded starts."""
    problems = []
    Y, R, _, _ = load_toy_ratings()
    problems.append(("the lecture's toy table", Y, R, 2, 1.0, 0.1, 0))
    for n_m, n_u, n, lam, lr, seed in ((7, 5, 3, 0.5, 0.05, 1), (4, 6, 2, 2.0, 0.2, 2)):
        *_, Y, R = random_problem(n_m, n_u, n, seed)
        problems.append(("random data", Y, R, n, lam, lr, seed))
    cases = []
    for source, Y, R, n, lam, lr, seed in problems:
        item_idx, user_idx, y = observed_from_matrices(Y, R)
        X0, W0, b0 = init_params(Y.shape[0], Y.shape[1], n, seed=seed)
        b0 = b0 + np.random.default_rng(seed).normal(0.0, 0.1, size=b0.shape)  # b must move away from its start
        label = (f"{source} ({Y.shape[0]} movies x {Y.shape[1]} users, {len(y)} ratings, {n} features, "
                 f"lambda_={lam:g}, learning_rate={lr:g}, iterations={iterations})")
        cases.append(Case(label, (X0, W0, b0, item_idx, user_idx, y, lam, lr, iterations),
                          {"dims": {"n_movies": Y.shape[0], "n_users": Y.shape[1], "n_features": n}}))
    return cases


def check_training_loop(fn: Callable) -> None:
    """Check ``fn(X0, W0, b0, item_idx, user_idx, y, lambda_, learning_rate, iterations)``
    ``-> (X, W, b, history)``, the GradientTape/Adam loop of notebook 06.

    Diagnoses: no tape around the cost (or NumPy arrays instead of tf.Variables), the pairs of
    ``apply_gradients`` swapped, gradients listed in another order than the variables, a
    variable missing from the gradients, the regularization missing, Keras' default learning
    rate, an optimizer created in every iteration, plain gradient descent instead of Adam, the
    starting values returned; and the structure of the result (four values, shapes, order).
    """
    run_check("training_loop", _translated(fn), training_loop_reference, _cases(),
              with_structure(TRAINING_LOOP, PARTS), parts=PARTS, rtol=1e-5, atol=1e-8,
              hint="optimizer = Adam(learning_rate) once; then every iteration: with tape: cost; "
                   "grads = tape.gradient(cost, [X, W, b]); optimizer.apply_gradients(zip(grads, [X, W, b]))",
              references=(train_cofi_observed, train_cofi), exercises={"my_train": "Exercise 2"}, answer=fn)
