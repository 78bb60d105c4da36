"""Notebook 01's checks: predict and user_cost accept the reference and name each mistake.

The wrong implementations below are written the way a learner would write them (plain NumPy),
not with the checks' own wrong variants, so they test the diagnoses independently.
"""

import numpy as np
import pytest

from recsys_utils import checks
from recsys_utils.cofi_cost import predict, user_cost


# ----------------------------------------------------------------------------- predict
def test_predict_accepts_the_reference(passes):
    passes(checks.check_predict, predict, "predict")


@pytest.mark.parametrize("wrong, pattern", [
    (lambda w, x, b: np.dot(w, x), r"the bias b is missing"),
    (lambda w, x, b: w * x + b, r"w \* x multiplies element by element"),
    (lambda w, x, b: np.dot(w, x) - b, r"you subtracted b"),
    (lambda w, x, b: print(np.dot(w, x) + b), r"returned None: did you forget the `return`"),
])
def test_predict_names_the_mistake(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
        checks.check_predict(wrong)


# ----------------------------------------------------------------------------- user_cost
def user_cost_no_half(w, b, X, y, r, lambda_):
    m = r.sum()
    return np.sum(((X @ w + b - y) * r) ** 2) / m + lambda_ / m * np.sum(w**2)


def user_cost_by_n_movies(w, b, X, y, r, lambda_):
    n = len(y)
    return np.sum(((X @ w + b - y) * r) ** 2) / (2 * n) + lambda_ / (2 * n) * np.sum(w**2)


def user_cost_unmasked(w, b, X, y, r, lambda_):
    m = r.sum()
    return np.sum((X @ w + b - y) ** 2) / (2 * m) + lambda_ / (2 * m) * np.sum(w**2)


def user_cost_unregularized(w, b, X, y, r, lambda_):
    return np.sum(((X @ w + b - y) * r) ** 2) / (2 * r.sum())


def user_cost_regularizes_b(w, b, X, y, r, lambda_):
    m = r.sum()
    return np.sum(((X @ w + b - y) * r) ** 2) / (2 * m) + lambda_ / (2 * m) * (np.sum(w**2) + b**2)


def test_user_cost_accepts_the_reference(passes):
    passes(checks.check_user_cost, user_cost, "user_cost")


@pytest.mark.parametrize("wrong, pattern", [
    (user_cost_no_half, r"exactly twice the expected value: did you drop the 1/2\?"),
    (user_cost_by_n_movies, r"divided by the number of movies n_m = 5 instead of m\(j\) = 4"),
    (user_cost_unmasked, r"you summed over unrated entries: multiply the errors by r"),
    (user_cost_unregularized, r"regularization term .* is missing"),
    (user_cost_regularizes_b, r"you regularized b"),
])
def test_user_cost_names_the_mistake(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
        checks.check_user_cost(wrong)


def test_user_cost_message_shows_the_toy_numbers():
    # Alice (w = [5, 0], b = 0, lambda_ = 1) rated 4 movies, m = 4; errors 0.5, 0, 0.5, 0.
    # J = (0.25 + 0.25) / (2 * 4) + 1 * (25 + 0) / (2 * 4) = 0.0625 + 3.125 = 3.1875;
    # dividing by n_movies = 5 instead gives (0.5 + 25) / 10 = 2.55.
    with pytest.raises(AssertionError, match=r"(?s)toy table \(user j=0.*expected: 3\.1875\n  got:      2\.55"):
        checks.check_user_cost(user_cost_by_n_movies)


# ----------------------------------------------------------------------------- gaps found in class
def user_cost_half_on_penalty_only(w, b, X, y, r, lambda_):
    m = r.sum()
    return np.sum(((X @ w + b - y) * r) ** 2) / m + lambda_ / (2 * m) * np.sum(w**2)


def user_cost_square_of_sum(w, b, X, y, r, lambda_):
    m = r.sum()
    return np.sum(((X @ w + b - y) * r) ** 2) / (2 * m) + lambda_ / (2 * m) * np.sum(w) ** 2


@pytest.mark.parametrize("wrong, pattern", [
    (user_cost_half_on_penalty_only, r"the squared errors are missing their 1/2"),
    # the lecture's w = [5, 0]: (5 + 0)² = 5² + 0² = 25, so only the random cases show it
    (user_cost_square_of_sum, r"3 of 4 checks failed.*\n  the penalty squares the sum of w, \(Σ_k w_k\)²"),
])
def test_user_cost_names_the_gaps_found_in_class(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
        checks.check_user_cost(wrong)
