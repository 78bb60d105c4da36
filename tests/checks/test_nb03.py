"""Notebook 03's checks: cofi_gradients and gradient_descent_step.

The wrong implementations below are written the way a learner would write them (plain NumPy),
not with the checks' own wrong variants, so they test the diagnoses independently.
"""

import pytest

from recsys_utils import checks
from recsys_utils.cofi_cost import cofi_gradients, cofi_gradients_loop


# ----------------------------------------------------------------------------- cofi_gradients
def grads_transposed_dW(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return E @ W + lambda_ * X, X.T @ E + lambda_ * W.T, E.sum(axis=0, keepdims=True)


def grads(X, W, b, Y, R, lambda_):  # notebook 03's solution
    E = (X @ W.T + b - Y) * R
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0, keepdims=True)


def grads_wrong_order(X, W, b, Y, R, lambda_):
    dX, dW, db = grads(X, W, b, Y, R, lambda_)
    return dW, dX, db


def grads_unregularized(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return E @ W, E.T @ X, E.sum(axis=0, keepdims=True)


def grads_unmasked(X, W, b, Y, R, lambda_):
    E = X @ W.T + b - Y
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0, keepdims=True)


def grads_regularize_b(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0, keepdims=True) + lambda_ * b


def grads_dW_unregularized_only(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return E @ W + lambda_ * X, E.T @ X, E.sum(axis=0, keepdims=True)


@pytest.mark.parametrize("reference", [cofi_gradients, cofi_gradients_loop])
def test_cofi_gradients_accepts_the_references(reference, passes):
    passes(checks.check_cofi_gradients, reference, "cofi_gradients")


@pytest.mark.parametrize("wrong, pattern", [
    (grads_transposed_dW, r"dW has shape \(n_features, n_users\) = \(2, 4\) but should be "
                          r"\(n_users, n_features\) = \(4, 2\): did you transpose\?"),
    (grads_wrong_order, r"wrong order: return dX, dW, db; yours look like \(dW, dX, db\)"),
    (grads_unregularized, r"regularization term is missing from dX and dW"),
    (grads_dW_unregularized_only, r"regularization term is missing from dW:"),
    (grads_unmasked, r"unrated entries are not masked in dX and dW and db"),
    (grads_regularize_b, r"db has a regularization term"),
])
def test_cofi_gradients_names_the_mistake(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
        checks.check_cofi_gradients(wrong)


# ----------------------------------------------------------------------------- gradient step
def step(X, W, b, Y, R, lambda_, alpha):
    dX, dW, db = cofi_gradients(X, W, b, Y, R, lambda_)
    return X - alpha * dX, W - alpha * dW, b - alpha * db


def step_uphill(X, W, b, Y, R, lambda_, alpha):
    dX, dW, db = cofi_gradients(X, W, b, Y, R, lambda_)
    return X + alpha * dX, W + alpha * dW, b + alpha * db


def step_no_alpha(X, W, b, Y, R, lambda_, alpha):
    dX, dW, db = cofi_gradients(X, W, b, Y, R, lambda_)
    return X - dX, W - dW, b - db


def step_regularizes_b(X, W, b, Y, R, lambda_, alpha):
    dX, dW, db = cofi_gradients(X, W, b, Y, R, lambda_)
    return X - alpha * dX, W - alpha * dW, b - alpha * (db + lambda_ * b)


def step_forgets_X(X, W, b, Y, R, lambda_, alpha):
    dX, dW, db = cofi_gradients(X, W, b, Y, R, lambda_)
    return X, W - alpha * dW, b - alpha * db


def test_gradient_descent_step_accepts_the_reference(passes):
    passes(checks.check_gradient_descent_step, step, "gradient_descent_step")


@pytest.mark.parametrize("wrong, pattern", [
    (step_uphill, r"you moved uphill"),
    (step_no_alpha, r"the learning rate is missing"),
    (step_regularizes_b, r"b was updated with a regularization term"),
    (step_forgets_X, r"X did not change"),
])
def test_gradient_descent_step_names_the_mistake(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
        checks.check_gradient_descent_step(wrong)


# ----------------------------------------------------------------------------- gaps found in class
def grads_half_kept(X, W, b, Y, R, lambda_):
    E = 0.5 * (X @ W.T + b - Y) * R
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0, keepdims=True)


def grads_half_everywhere(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return 0.5 * (E @ W + lambda_ * X), 0.5 * (E.T @ X + lambda_ * W), 0.5 * E.sum(axis=0, keepdims=True)


def step_sequential(X, W, b, Y, R, lambda_, alpha):  # the update the prose warns about
    X = X - alpha * grads(X, W, b, Y, R, lambda_)[0]
    W = W - alpha * grads(X, W, b, Y, R, lambda_)[1]
    return X, W, b - alpha * grads(X, W, b, Y, R, lambda_)[2]


@pytest.mark.parametrize("wrong, check, pattern", [
    (grads_half_kept, checks.check_cofi_gradients, r"kept the ½ of J: the 2 from differentiating"),
    (grads_half_everywhere, checks.check_cofi_gradients, r"kept the ½ of J on every term"),
    (step_sequential, checks.check_gradient_descent_step, r"you updated one parameter before taking the next"),
])
def test_gradients_and_step_name_the_gaps_found_in_class(wrong, check, pattern):
    with pytest.raises(AssertionError, match=pattern):
        check(wrong)
