"""Notebook 06's training-loop check: the NumPy reference is Keras' Adam, and every usual mistake
is named.

The loops below are written the way a learner writes them — TensorFlow, tf.Variables, a tape,
Adam — each with one mistake, so they test the diagnoses independently of the check's own
NumPy variants.
"""

from __future__ import annotations

import numpy as np
import pytest

from recsys_utils import checks
from recsys_utils.checks.training_loop import TRAINING_LOOP_ERRORS, training_loop_reference
from recsys_utils.cofi_cost_tf import observed_from_matrices
from recsys_utils.toy import load_toy_ratings
from recsys_utils.training import init_params, train_cofi_observed

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")


def _cost(X, W, b, item_idx, user_idx, y, lambda_):
    pred = tf.reduce_sum(tf.gather(X, item_idx) * tf.gather(W, user_idx), axis=1) + tf.gather(b[0], user_idx)
    return 0.5 * tf.reduce_sum((pred - y) ** 2) + lambda_ / 2 * (tf.reduce_sum(X**2) + tf.reduce_sum(W**2))


def learner_loop(X0, W0, b0, item_idx, user_idx, y, lambda_, learning_rate, iterations, *, mistake=None):
    X, W, b = tf.Variable(X0), tf.Variable(W0), tf.Variable(b0)
    if mistake == "constants":
        X, W, b = tf.constant(X0), tf.constant(W0), tf.constant(b0)
    optimizer = keras.optimizers.Adam() if mistake == "default lr" else keras.optimizers.Adam(learning_rate=learning_rate)
    lam = 0.0 if mistake == "no regularization" else lambda_
    history = []
    for _ in range(iterations):
        if mistake == "optimizer in loop":
            optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
        with tf.GradientTape() as tape:
            cost = None if mistake == "no tape" else _cost(X, W, b, item_idx, user_idx, y, lam)
        if mistake == "no tape":
            cost = _cost(X, W, b, item_idx, user_idx, y, lam)
        variables = [X, W] if mistake == "b not in list" else [X, W, b]
        if mistake == "other order":
            grads = tape.gradient(cost, [W, X, b])
        else:
            grads = tape.gradient(cost, variables)
        pairs = zip(variables, grads) if mistake == "swapped" else zip(grads, variables)
        if mistake == "sgd":
            for g, v in zip(grads, variables):
                v.assign_sub(learning_rate * g)
        else:
            optimizer.apply_gradients(pairs)
        history.append(float(cost))
    if mistake == "returned start":
        return X0, W0, b0, history
    return X.numpy(), W.numpy(), b.numpy(), history


def with_mistake(mistake):
    def loop(*args):
        return learner_loop(*args, mistake=mistake)
    return loop


def test_reference_is_keras_adam():
    # The check's NumPy loop and the package's compiled TensorFlow loop, from the same start.
    Y, R, _, _ = load_toy_ratings()
    item_idx, user_idx, y = observed_from_matrices(Y, R)
    model = train_cofi_observed(item_idx, user_idx, y, 5, 4, n_features=2, lambda_=1.0, learning_rate=0.1,
                                iterations=40, seed=3, dtype="float64")
    X0, W0, b0 = init_params(5, 4, 2, seed=3)
    X, W, b, history = training_loop_reference(X0, W0, b0, item_idx, user_idx, y, 1.0, 0.1, 40)
    for got, want in ((X, model.X), (W, model.W), (b, model.b), (history, model.history)):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


def test_a_correct_loop_passes(passes):
    passes(checks.check_training_loop, learner_loop, "training_loop", n=3)


@pytest.mark.parametrize("mistake, message", [
    ("no tape", r"compute the cost \*inside\* `with tf\.GradientTape\(\) as tape:`"),
    ("constants", r"X, W, b are not tf\.Variables"),
    ("swapped", r"gradient first, not zip\(\[X, W, b\], grads\)"),
    ("other order", r"list the variables in the same order"),
    ("b not in list", r"b never changed: ask the tape for the gradients of all three"),
    ("no regularization", r"the regularization is missing"),
    ("default lr", r"Keras' default 0\.001"),
    ("optimizer in loop", r"create it once, before the loop"),
    ("sgd", r"plain gradient descent"),
    ("returned start", r"return the variables' values after the loop"),
])
def test_each_mistake_is_named(mistake, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_training_loop(with_mistake(mistake))


def test_other_errors_pass_through_unchanged():
    def broken(*args):
        raise KeyError("something else")

    with pytest.raises(AssertionError, match=r"raised KeyError: 'something else'") as info:
        checks.check_training_loop(broken)
    assert "Hint" not in str(info.value)


def test_error_table_is_data():
    assert all(isinstance(needle, str) and meaning for needle, meaning in TRAINING_LOOP_ERRORS)
