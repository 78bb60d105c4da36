"""Notebook 04's checks: sigmoid and binary_cost.

The wrong implementations below are written the way a learner would write them (plain NumPy),
not with the checks' own wrong variants, so they test the diagnoses independently.
"""

import math

import numpy as np
import pytest

from recsys_utils import checks
from recsys_utils.binary_labels import binary_cost, binary_cost_loop, sigmoid


# ----------------------------------------------------------------------------- sigmoid
def test_sigmoid_accepts_the_reference_and_the_textbook_form(passes):
    passes(checks.check_sigmoid, sigmoid, "sigmoid")
    with np.errstate(over="ignore"):  # e^1000 overflows to inf, and 1 / (1 + inf) is exactly 0
        passes(checks.check_sigmoid, lambda z: 1 / (1 + np.exp(-z)), "sigmoid")


@pytest.mark.parametrize("wrong, pattern", [
    (lambda z: 1 / (1 + np.exp(z)), r"the sign of z is flipped"),
    (lambda z: np.exp(z) / (1 + np.exp(z)), r"NaN or inf, .*np\.exp overflows"),
    (lambda z: 1 / 1 + np.exp(-z), r"missing parentheses"),
    (lambda z: np.sum(1 / (1 + np.exp(-np.clip(z, -500, 500)))), r"same shape as z, \(13,\)"),
])
def test_sigmoid_names_the_mistake(wrong, pattern):
    with np.errstate(all="ignore"), pytest.raises(AssertionError, match=pattern):
        checks.check_sigmoid(wrong)


def test_sigmoid_with_math_exp_gets_a_hint():
    with pytest.raises(AssertionError, match=r"raised TypeError.*\n  in your code, line \d+: .*math\.exp.*\n.*\n  Hint: an array was used .*math\.exp .* use np\.exp"):
        checks.check_sigmoid(lambda z: 1 / (1 + math.exp(-z)))


# ----------------------------------------------------------------------------- binary_cost
def _reg(W, X, lambda_):
    return lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


def bce_naive(X, W, b, Y, R, lambda_):
    f = 1 / (1 + np.exp(-(X @ W.T + b)))
    return np.sum((-Y * np.log(f) - (1 - Y) * np.log(1 - f)) * R) + _reg(W, X, lambda_)


def bce_clipped(X, W, b, Y, R, lambda_):
    f = np.clip(1 / (1 + np.exp(-(X @ W.T + b))), 1e-15, 1 - 1e-15)
    return np.sum((-Y * np.log(f) - (1 - Y) * np.log(1 - f)) * R) + _reg(W, X, lambda_)


def bce_squared(X, W, b, Y, R, lambda_):
    return 0.5 * np.sum(((sigmoid(X @ W.T + b) - Y) * R) ** 2) + _reg(W, X, lambda_)


def bce_unmasked(X, W, b, Y, R, lambda_):
    Z = X @ W.T + b
    return np.sum(np.logaddexp(0, Z) - Y * Z) + _reg(W, X, lambda_)


def bce_unregularized(X, W, b, Y, R, lambda_):
    Z = X @ W.T + b
    return np.sum((np.logaddexp(0, Z) - Y * Z) * R)


def bce_swapped(X, W, b, Y, R, lambda_):
    Z = X @ W.T + b
    return np.sum((np.logaddexp(0, Z) - (1 - Y) * Z) * R) + _reg(W, X, lambda_)


def bce_mean(X, W, b, Y, R, lambda_):  # like Keras' BinaryCrossentropy, whose default is the mean
    Z = X @ W.T + b
    return np.sum((np.logaddexp(0, Z) - Y * Z) * R) / R.sum() + _reg(W, X, lambda_)


@pytest.mark.parametrize("reference", [binary_cost, binary_cost_loop])
def test_binary_cost_accepts_the_references(reference, passes):
    passes(checks.check_binary_cost, reference, "binary_cost")


@pytest.mark.parametrize("wrong, pattern", [
    (bce_naive, r"for logits as large as \|z\| = \d+: g\(z\) rounds to exactly 0 or 1"),
    (bce_clipped, r"correct for moderate logits but not when \|z\| reaches \d+"),
    (bce_squared, r"this is the squared-error cost"),
    (bce_unmasked, r"never shown \(R = 0\): multiply the loss by R"),
    (bce_unregularized, r"the regularization term is missing"),
    (bce_swapped, r"the labels are swapped"),
    (bce_mean, r"you averaged instead of summing"),
])
def test_binary_cost_names_the_mistake(wrong, pattern):
    with np.errstate(all="ignore"), pytest.raises(AssertionError, match=pattern):
        checks.check_binary_cost(wrong)
