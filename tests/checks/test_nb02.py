"""Notebook 02's check: cofi_cost accepts the loop and vectorized references and names each mistake.

The wrong implementations below are written the way a learner would write them (plain NumPy),
not with the checks' own wrong variants, so they test the diagnoses independently.
"""

import numpy as np
import pytest

from recsys_utils import checks
from recsys_utils.cofi_cost import cofi_cost, cofi_cost_loop


# ----------------------------------------------------------------------------- cofi_cost
def cost_no_half(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return np.sum(E**2) + lambda_ * (np.sum(W**2) + np.sum(X**2))


def cost_unmasked(X, W, b, Y, R, lambda_):
    E = X @ W.T + b - Y
    return 0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


def cost_unregularized(X, W, b, Y, R, lambda_):
    return 0.5 * np.sum(((X @ W.T + b - Y) * R) ** 2)


def cost_only_W(X, W, b, Y, R, lambda_):
    return 0.5 * np.sum(((X @ W.T + b - Y) * R) ** 2) + lambda_ / 2 * np.sum(W**2)


def cost_regularizes_b(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return 0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2) + np.sum(b**2))


def cost_full_lambda(X, W, b, Y, R, lambda_):
    return 0.5 * np.sum(((X @ W.T + b - Y) * R) ** 2) + lambda_ * (np.sum(W**2) + np.sum(X**2))


def cost_array(X, W, b, Y, R, lambda_):
    return 0.5 * ((X @ W.T + b - Y) * R) ** 2 + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


def cost_mean(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return 0.5 * np.sum(E**2) / R.sum() + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


@pytest.mark.parametrize("reference", [cofi_cost, cofi_cost_loop])
def test_cofi_cost_accepts_loop_and_vectorized_references(reference, passes):
    passes(checks.check_cofi_cost, reference, "cofi_cost")


@pytest.mark.parametrize("wrong, pattern", [
    (cost_no_half, r"exactly twice the expected value: did you drop the 1/2\?"),
    (cost_unmasked, r"you summed over unrated entries: multiply the error matrix by R"),
    (cost_unregularized, r"the regularization term is missing"),
    (cost_only_W, r"only W is regularized"),
    (cost_regularizes_b, r"you regularized b"),
    (cost_full_lambda, r"uses λ where the formula has λ/2"),
    (cost_array, r"should be a single number, but your function returned an array of shape \(5, 4\)"),
    (cost_mean, r"you averaged instead of summing"),
])
def test_cofi_cost_names_the_mistake(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
        checks.check_cofi_cost(wrong)


def test_cofi_cost_message_shows_the_toy_numbers():
    # Toy table, lecture W, b = 0, lambda_ = 1. Squared errors over the rated cells:
    # Alice 0.25 + 0 + 0.25 + 0 = 0.5; Bob 0.25 + 0.95² + 0.25 + 0 = 1.4025; Carol 0 + 0 + 0 + 0.25;
    # Dave 0 + 0.05² + 1 = 1.0025; sum 3.155, halved 1.5775. Regularization (1/2)(ΣW² + ΣX²) =
    # (100 + 4.6102) / 2 = 52.3051. J = 53.8826; dropping the 1/2 gives 107.765.
    with pytest.raises(AssertionError, match=r"(?s)toy table.*expected: 53\.8826\n  got:      107\.765"):
        checks.check_cofi_cost(cost_no_half)


def cost_mask_before_b(X, W, b, Y, R, lambda_):
    E = (X @ W.T) * R + b - Y  # b (and -Y, 0 there) left unmasked
    return 0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


def test_cofi_cost_with_the_mask_before_b_is_told_although_the_lecture_table_passes():
    # b = 0 on the lecture's table, so the toy case passes; the three random cases have b != 0.
    with pytest.raises(AssertionError, match=r"3 of 4 checks failed.*\n  R multiplies X @ W\.T before b is added"):
        checks.check_cofi_cost(cost_mask_before_b)
