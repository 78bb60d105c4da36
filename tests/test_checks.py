"""The exercise checks: the reference solution passes, each plausible mistake gets its message.

The wrong implementations below are written the way a learner would write them (plain NumPy),
not with the checks' own wrong variants, so they test the diagnoses independently.
"""

import doctest
import math
import subprocess
import sys
from functools import partial

import numpy as np
import pytest

from recsys_utils import checks
from recsys_utils.binary_labels import binary_cost, binary_cost_loop, sigmoid
from recsys_utils.cofi_cost import (
    cofi_cost,
    cofi_cost_loop,
    cofi_gradients,
    cofi_gradients_loop,
    predict,
    user_cost,
)
from recsys_utils.new_user import fit_new_user
from recsys_utils.normalization import normalize_ratings


def rejects(pattern):
    """The check must raise AssertionError whose message matches ``pattern``."""
    return pytest.raises(AssertionError, match=pattern)


def passes(check, fn, capsys, name, n=4):
    check(fn)
    assert capsys.readouterr().out == f"✓ {name}: all {n} checks passed\n"


# ----------------------------------------------------------------------------- check_close
def test_check_close_passes_the_lectures_prediction(capsys):
    # w(1) . x(3) + b(1) = 5 * 0.99 + 0 * 0 + 0 = 4.95
    checks.check_close("w·x + b", np.dot([5, 0], [0.99, 0]) + 0, 4.95)
    assert capsys.readouterr().out == "✓ w·x + b = 4.95\n"


def test_check_close_names_value_and_difference():
    with pytest.raises(AssertionError, match=r"prediction: largest difference 0\.45\n  expected: 4\.95\n  got:      4\.5"):
        checks.check_close("prediction", 4.5, 4.95)


def test_check_close_names_both_shapes():
    with pytest.raises(AssertionError, match=r"mu: expected shape \(5, 1\), got shape \(5,\)"):
        checks.check_close("mu", np.ones(5), np.ones((5, 1)))


def test_check_close_points_at_the_worst_entry():
    with pytest.raises(AssertionError, match=r"at index \(1, 0\)"):
        checks.check_close("Ynorm", np.array([[1.0, 2.0], [3.5, 4.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]))


# ----------------------------------------------------------------------------- predict
def test_predict_accepts_the_reference(capsys):
    passes(checks.check_predict, predict, capsys, "predict")


@pytest.mark.parametrize("wrong, pattern", [
    (lambda w, x, b: np.dot(w, x), r"the bias b is missing"),
    (lambda w, x, b: w * x + b, r"w \* x multiplies element by element"),
    (lambda w, x, b: np.dot(w, x) - b, r"you subtracted b"),
    (lambda w, x, b: print(np.dot(w, x) + b), r"returned None: did you forget the `return`"),
])
def test_predict_names_the_mistake(wrong, pattern):
    with rejects(pattern):
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


def test_user_cost_accepts_the_reference(capsys):
    passes(checks.check_user_cost, user_cost, capsys, "user_cost")


@pytest.mark.parametrize("wrong, pattern", [
    (user_cost_no_half, r"exactly twice the expected value: did you drop the 1/2\?"),
    (user_cost_by_n_movies, r"divided by the number of movies n_m = 5 instead of m\(j\) = 4"),
    (user_cost_unmasked, r"you summed over unrated entries: multiply the errors by r"),
    (user_cost_unregularized, r"regularization term .* is missing"),
    (user_cost_regularizes_b, r"you regularized b"),
])
def test_user_cost_names_the_mistake(wrong, pattern):
    with rejects(pattern):
        checks.check_user_cost(wrong)


def test_user_cost_message_shows_the_toy_numbers():
    # Alice (w = [5, 0], b = 0, lambda_ = 1) rated 4 movies, m = 4; errors 0.5, 0, 0.5, 0.
    # J = (0.25 + 0.25) / (2 * 4) + 1 * (25 + 0) / (2 * 4) = 0.0625 + 3.125 = 3.1875;
    # dividing by n_movies = 5 instead gives (0.5 + 25) / 10 = 2.55.
    with pytest.raises(AssertionError, match=r"(?s)toy table \(user j=0.*expected: 3\.1875\n  got:      2\.55"):
        checks.check_user_cost(user_cost_by_n_movies)


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
    return cofi_cost(X, W, b, Y, R, lambda_) + lambda_ / 2 * np.sum(b**2)


def cost_full_lambda(X, W, b, Y, R, lambda_):
    return 0.5 * np.sum(((X @ W.T + b - Y) * R) ** 2) + lambda_ * (np.sum(W**2) + np.sum(X**2))


def cost_array(X, W, b, Y, R, lambda_):
    return 0.5 * ((X @ W.T + b - Y) * R) ** 2 + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


def cost_mean(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return 0.5 * np.sum(E**2) / R.sum() + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


@pytest.mark.parametrize("reference", [cofi_cost, cofi_cost_loop])
def test_cofi_cost_accepts_loop_and_vectorized_references(reference, capsys):
    passes(checks.check_cofi_cost, reference, capsys, "cofi_cost")


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
    with rejects(pattern):
        checks.check_cofi_cost(wrong)


def test_cofi_cost_message_shows_the_toy_numbers():
    # Toy table, lecture W, b = 0, lambda_ = 1. Squared errors over the rated cells:
    # Alice 0.25 + 0 + 0.25 + 0 = 0.5; Bob 0.25 + 0.95² + 0.25 + 0 = 1.4025; Carol 0 + 0 + 0 + 0.25;
    # Dave 0 + 0.05² + 1 = 1.0025; sum 3.155, halved 1.5775. Regularization (1/2)(ΣW² + ΣX²) =
    # (100 + 4.6102) / 2 = 52.3051. J = 53.8826; dropping the 1/2 gives 107.765.
    with pytest.raises(AssertionError, match=r"(?s)toy table.*expected: 53\.8826\n  got:      107\.765"):
        checks.check_cofi_cost(cost_no_half)


# ----------------------------------------------------------------------------- cofi_gradients
def grads_transposed_dW(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return E @ W + lambda_ * X, X.T @ E + lambda_ * W.T, E.sum(axis=0, keepdims=True)


def grads_wrong_order(X, W, b, Y, R, lambda_):
    dX, dW, db = cofi_gradients(X, W, b, Y, R, lambda_)
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
def test_cofi_gradients_accepts_the_references(reference, capsys):
    passes(checks.check_cofi_gradients, reference, capsys, "cofi_gradients")


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
    with rejects(pattern):
        checks.check_cofi_gradients(wrong)


# ----------------------------------------------------------------------------- sigmoid
def test_sigmoid_accepts_the_reference_and_the_textbook_form(capsys):
    passes(checks.check_sigmoid, sigmoid, capsys, "sigmoid")
    with np.errstate(over="ignore"):  # e^1000 overflows to inf, and 1 / (1 + inf) is exactly 0
        passes(checks.check_sigmoid, lambda z: 1 / (1 + np.exp(-z)), capsys, "sigmoid")


@pytest.mark.parametrize("wrong, pattern", [
    (lambda z: 1 / (1 + np.exp(z)), r"the sign of z is flipped"),
    (lambda z: np.exp(z) / (1 + np.exp(z)), r"NaN or inf, .*np\.exp overflows"),
    (lambda z: 1 / 1 + np.exp(-z), r"missing parentheses"),
    (lambda z: np.sum(1 / (1 + np.exp(-np.clip(z, -500, 500)))), r"same shape as z, \(13,\)"),
])
def test_sigmoid_names_the_mistake(wrong, pattern):
    with np.errstate(all="ignore"), rejects(pattern):
        checks.check_sigmoid(wrong)


def test_sigmoid_with_math_exp_gets_a_hint():
    with pytest.raises(AssertionError, match=r"raised TypeError.*\n.*\n  Hint: an array was used .*math\.exp .* use np\.exp"):
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
def test_binary_cost_accepts_the_references(reference, capsys):
    passes(checks.check_binary_cost, reference, capsys, "binary_cost")


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
    with np.errstate(all="ignore"), rejects(pattern):
        checks.check_binary_cost(wrong)


# ----------------------------------------------------------------------------- normalize_ratings
def normalize_over_all(Y, R):
    mu = Y.mean(axis=1, keepdims=True)
    return (Y - mu) * R, mu


def normalize_unmasked(Y, R):
    mu = (Y * R).sum(axis=1, keepdims=True) / R.sum(axis=1, keepdims=True)
    return Y - mu, mu


def normalize_flat_mu(Y, R):
    mu = (Y * R).sum(axis=1) / R.sum(axis=1)
    return (Y - mu) * R, mu


def normalize_over_users(Y, R):
    mu = (Y * R).sum(axis=0, keepdims=True) / (R.sum(axis=0, keepdims=True) + 1e-12)
    return (Y - mu) * R, mu


def normalize_course_lab(Y, R):  # the course lab's normalizeRatings: accepted
    Ymean = (np.sum(Y * R, axis=1) / (np.sum(R, axis=1) + 1e-12)).reshape(-1, 1)
    return Y - np.multiply(Ymean, R), Ymean


@pytest.mark.parametrize("reference", [normalize_ratings, normalize_course_lab])
def test_normalize_ratings_accepts_the_references(reference, capsys):
    passes(checks.check_normalize_ratings, reference, capsys, "normalize_ratings")


@pytest.mark.parametrize("wrong, pattern", [
    # Eve's matrix, averaged over all 5 columns: [10/5, 5/5, 4/5, 9/5, 5/5] = [2, 1, 0.8, 1.8, 1]
    (normalize_over_all, r"mu = \[2, 1, 0\.8, 1\.8, 1\]: you averaged over unrated entries too"),
    (normalize_unmasked, r"Ynorm is -mu at the unrated entries"),
    (normalize_flat_mu, r"mu has shape \(5,\) but should be a column, \(n_movies, 1\) = \(5, 1\)"),
    (normalize_over_users, r"mu looks like each user's mean \(axis=0\)"),
    (lambda Y, R: normalize_ratings(Y, R)[::-1], r"wrong order: return Ynorm, mu"),
])
def test_normalize_ratings_names_the_mistake(wrong, pattern):
    with np.errstate(all="ignore"), rejects(pattern):
        checks.check_normalize_ratings(wrong)


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


def test_gradient_descent_step_accepts_the_reference(capsys):
    passes(checks.check_gradient_descent_step, step, capsys, "gradient_descent_step")


@pytest.mark.parametrize("wrong, pattern", [
    (step_uphill, r"you moved uphill"),
    (step_no_alpha, r"the learning rate is missing"),
    (step_regularizes_b, r"b was updated with a regularization term"),
    (step_forgets_X, r"X did not change"),
])
def test_gradient_descent_step_names_the_mistake(wrong, pattern):
    with rejects(pattern):
        checks.check_gradient_descent_step(wrong)


# ----------------------------------------------------------------------------- any check
def test_a_wrong_value_is_reported_before_a_later_exception():
    # A flat mu broadcasts silently on the square Eve matrix and raises on the others.
    with pytest.raises(AssertionError, match=r"(?s)mu has shape \(5,\).*It also raised ValueError on random"):
        checks.check_normalize_ratings(normalize_flat_mu)


def test_a_function_that_raises_is_reported_with_its_exception():
    def broken(X, W, b, Y, R, lambda_):
        return np.sum((X @ W + b - Y) * R)  # W not transposed: matmul shape error

    with pytest.raises(AssertionError, match=r"cofi_cost: your function raised ValueError: matmul.*"
                                             r"\n  when called on the lecture's toy table") as info:
        checks.check_cofi_cost(broken)
    assert isinstance(info.value.__cause__, ValueError)


def test_an_unknown_mistake_still_shows_expected_and_got():
    with pytest.raises(AssertionError, match=r"(?s)does not match any of the usual mistakes; compare .*formula.*expected: 53\.8826"):
        checks.check_cofi_cost(lambda X, W, b, Y, R, lambda_: 42.0)


def test_float32_code_passes(capsys):
    def cost32(X, W, b, Y, R, lambda_):
        return cofi_cost(*(np.float32(a) for a in (X, W, b, Y, R)), lambda_)

    passes(checks.check_cofi_cost, cost32, capsys, "cofi_cost")


def test_docstring_examples_run():
    from recsys_utils import _checks_movielens

    assert doctest.testmod(checks, raise_on_error=True).attempted >= 2
    assert doctest.testmod(_checks_movielens, raise_on_error=True).attempted == 2


def test_passing_the_result_instead_of_the_function_is_a_type_error():
    with pytest.raises(TypeError, match=r"expects your function itself, e\.g\. check_cofi_cost\(my_function\)"):
        checks.check_cofi_cost(53.88)


def test_checks_never_import_tensorflow():
    code = ("import sys; from recsys_utils import checks; from recsys_utils.binary_labels import binary_cost;"
            "checks.check_binary_cost(binary_cost); assert 'tensorflow' not in sys.modules, 'imported TF'")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


# ----------------------------------------------------------------------------- fit_new_user
def solve_new_user(X, mu, item_idx, ratings, lambda_, *, D0=-1, subtract_mu=True, lam_scale=1.0):
    """The notebook's solution, with a knob or two for the wrong versions below."""
    item_idx, ratings = np.asarray(item_idx), np.asarray(ratings, dtype=float)
    n = X.shape[1]
    if len(item_idx) == 0:
        return np.zeros(n), 0.0
    A = np.hstack([X[item_idx], np.ones((len(item_idx), 1))])
    t = ratings - mu[item_idx, 0] if subtract_mu else ratings
    D = np.eye(n + 1)
    if D0 is not None:
        D[D0, D0] = 0.0
    theta = np.linalg.solve(A.T @ A + lam_scale * lambda_ * D, A.T @ t)
    return theta[:n], float(theta[n])


def new_user_tall_lstsq(X, mu, item_idx, ratings, lambda_):  # the penalty as extra rows: accepted
    n, m = X.shape[1], len(item_idx)
    A = np.hstack([X[item_idx], np.ones((m, 1))])
    tall = np.vstack([A, np.hstack([np.sqrt(lambda_) * np.eye(n), np.zeros((n, 1))])])
    theta = np.linalg.lstsq(tall, np.concatenate([ratings - mu[item_idx, 0], np.zeros(n)]), rcond=None)[0]
    return theta[:n], theta[n]


def new_user_column_t(X, mu, item_idx, ratings, lambda_):
    n = X.shape[1]
    if len(item_idx) == 0:
        return np.zeros(n), 0.0
    A = np.hstack([X[item_idx], np.ones((len(item_idx), 1))])
    t = ratings.reshape(-1, 1) - mu[item_idx]      # a column, (m, 1)
    D = np.eye(n + 1)
    D[n, n] = 0.0
    theta = np.linalg.solve(A.T @ A + lambda_ * D, A.T @ t)
    return theta[:n], float(theta[n, 0])


def new_user_row_w(X, mu, item_idx, ratings, lambda_):
    w, b = solve_new_user(X, mu, item_idx, ratings, lambda_)
    return w.reshape(1, -1), b


def new_user_broadcast_t(X, mu, item_idx, ratings, lambda_):
    n = X.shape[1]
    if len(item_idx) == 0:
        return np.zeros(n), 0.0
    A = np.hstack([X[item_idx], np.ones((len(item_idx), 1))])
    t = ratings - mu[item_idx]                     # (m,) - (m, 1): an (m, m) matrix
    D = np.eye(n + 1)
    D[n, n] = 0.0
    theta = np.linalg.solve(A.T @ A + lambda_ * D, A.T @ t)
    return theta[:n], theta[n]


def new_user_no_eve_case(X, mu, item_idx, ratings, lambda_):  # the solve alone: singular for Eve
    n = X.shape[1]
    A = np.hstack([X[item_idx], np.ones((len(item_idx), 1))])
    D = np.diag([1.0] * n + [0.0])
    theta = np.linalg.solve(A.T @ A + lambda_ * D, A.T @ (ratings - mu[item_idx, 0]))
    return theta[:n], float(theta[n])


def new_user_ones_first(X, mu, item_idx, ratings, lambda_):
    n = X.shape[1]
    if len(item_idx) == 0:
        return np.zeros(n), 0.0
    A = np.hstack([np.ones((len(item_idx), 1)), X[item_idx]])   # b first, as theta_0 ...
    D = np.eye(n + 1)
    D[0, 0] = 0.0
    theta = np.linalg.solve(A.T @ A + lambda_ * D, A.T @ (ratings - mu[item_idx, 0]))
    return theta[:n], float(theta[n])                           # ... but read as if last


def new_user_no_ones(X, mu, item_idx, ratings, lambda_):
    A = X[item_idx]
    w = np.linalg.solve(A.T @ A + lambda_ * np.eye(X.shape[1]), A.T @ (ratings - mu[item_idx, 0]))
    return w, 0.0


def new_user_eve_gets_mean(X, mu, item_idx, ratings, lambda_):
    if len(item_idx) == 0:
        return np.zeros(X.shape[1]), float(mu.mean())  # mu is added when predicting, not put in b
    return solve_new_user(X, mu, item_idx, ratings, lambda_)


@pytest.mark.parametrize("reference", [fit_new_user, solve_new_user, new_user_tall_lstsq])
def test_fit_new_user_accepts_the_references(reference, capsys):
    passes(checks.check_fit_new_user, reference, capsys, "fit_new_user", n=6)


@pytest.mark.parametrize("wrong, pattern", [
    (partial(solve_new_user, D0=None), r"b was regularized too: D = diag\(1, \.\.\., 1, 0\)"),
    (partial(solve_new_user, D0=0), r"the 0 in D is on the first diagonal entry"),
    (partial(solve_new_user, subtract_mu=False), r"μ was not subtracted: .* t = ratings - mu\[item_idx, 0\]"),
    (partial(solve_new_user, lam_scale=0.0), r"λ is missing: .*\(A\.T @ A \+ lambda_ \* D\)"),
    (partial(solve_new_user, lam_scale=0.5), r"the matrix has λ/2 where it needs λ"),
    (new_user_ones_first, r"your A has the column of ones first, so theta\[0\] is b"),
    (new_user_no_ones, r"b is missing \(it came out 0\): A needs a column of ones"),
    (new_user_column_t, r"w has shape \(2, 1\) but should be flat, \(n_features,\) = \(2,\): your "
                        r"targets t are a column because mu\[item_idx\] is one"),
    # the toy newcomer's 3 ratings: t is 3 x 3, so w is (2, 3)
    (new_user_broadcast_t, r"w has shape \(2, 3\) .* broadcasts into an \(m, m\) = \(3, 3\) matrix"),
    (new_user_row_w, r"w has shape \(1, 2\) but should be flat, .* like one row of W"),
    (lambda *args: np.append(*fit_new_user(*args)), r"return 2 values, in this order: w, b"),
    (lambda *args: fit_new_user(*args)[::-1], r"wrong order: return w, b"),
    (lambda *args: (np.append(*fit_new_user(*args)), 0.0), r"w has n_features \+ 1 = 3 entries"),
    (new_user_eve_gets_mean, r"Eve has rated nothing, so there is nothing to solve"),
])
def test_fit_new_user_names_the_mistake(wrong, pattern):
    with rejects(pattern):
        checks.check_fit_new_user(wrong)


def test_fit_new_user_without_the_no_ratings_case_is_told_about_eve():
    # The solve alone: for Eve A is (0, 3) and A.T @ A + λD = diag(1, 1, 0) is singular.
    with pytest.raises(AssertionError, match=r"fit_new_user: your function raised LinAlgError: Singular "
                                             r"matrix\n  when called on .*Eve, who has rated nothing: "
                                             r"no data, so w = 0, b = 0"):
        checks.check_fit_new_user(new_user_no_eve_case)


def test_fit_new_user_message_shows_eves_numbers():
    # Eve given the mean of the lecture's mu as her b: (2.5 + 2.5 + 2 + 2.25 + 1.25) / 5 = 10.5 / 5 = 2.1.
    with pytest.raises(AssertionError, match=r"1 of 6 checks failed\. On the lecture's toy features, Eve.*\n"
                                             r".*\n  expected b: 0\n  got b:      2\.1$"):
        checks.check_fit_new_user(new_user_eve_gets_mean)


# ----------------------------------------------------------------------------- cofi_cost_observed (06)
def _rows(X, W, item_idx, user_idx):
    return np.sum(X[item_idx] * W[user_idx], axis=1)


def observed_no_half(X, W, b, item_idx, user_idx, y, lambda_):
    err = _rows(X, W, item_idx, user_idx) + b[0, user_idx] - y
    return np.sum(err**2) + lambda_ * (np.sum(W**2) + np.sum(X**2))


def observed_unregularized(X, W, b, item_idx, user_idx, y, lambda_):
    return 0.5 * np.sum((_rows(X, W, item_idx, user_idx) + b[0, user_idx] - y) ** 2)


def observed_without_b(X, W, b, item_idx, user_idx, y, lambda_):
    err = _rows(X, W, item_idx, user_idx) - y
    return 0.5 * np.sum(err**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


def observed_b_by_item(X, W, b, item_idx, user_idx, y, lambda_):
    err = _rows(X, W, item_idx, user_idx) + b[0, item_idx] - y
    return 0.5 * np.sum(err**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


def observed_swapped(X, W, b, item_idx, user_idx, y, lambda_):
    err = np.sum(X[user_idx] * W[item_idx], axis=1) + b[0, user_idx] - y
    return 0.5 * np.sum(err**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


def observed_gathered_penalty(X, W, b, item_idx, user_idx, y, lambda_):
    Xg, Wg = X[item_idx], W[user_idx]
    err = np.sum(Xg * Wg, axis=1) + b[0, user_idx] - y
    return 0.5 * np.sum(err**2) + lambda_ / 2 * (np.sum(Wg**2) + np.sum(Xg**2))


def observed_rated_rows_penalty(X, W, b, item_idx, user_idx, y, lambda_):
    err = _rows(X, W, item_idx, user_idx) + b[0, user_idx] - y
    return 0.5 * np.sum(err**2) + lambda_ / 2 * (np.sum(W[np.unique(user_idx)] ** 2)
                                                 + np.sum(X[np.unique(item_idx)] ** 2))


def observed_matmul(X, W, b, item_idx, user_idx, y, lambda_):
    err = X[item_idx] @ W[user_idx].T + b[0, user_idx] - y  # (N, N): every movie row times every user row
    return 0.5 * np.sum(err**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


def observed_mean(X, W, b, item_idx, user_idx, y, lambda_):
    err = _rows(X, W, item_idx, user_idx) + b[0, user_idx] - y
    return 0.5 * np.mean(err**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


def observed_vector(X, W, b, item_idx, user_idx, y, lambda_):
    err = _rows(X, W, item_idx, user_idx) + b[0, user_idx] - y
    return 0.5 * err**2 + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


def test_cofi_cost_observed_accepts_the_numpy_reference(capsys):
    from recsys_utils.cofi_cost_tf import cofi_cost_observed

    check = partial(checks.check_cofi_cost_observed, tensors=False)
    passes(check, cofi_cost_observed, capsys, "cofi_cost_observed")


@pytest.mark.parametrize("wrong, pattern", [
    (observed_no_half, r"exactly twice the expected value: did you drop the 1/2\?"),
    (observed_unregularized, r"the regularization term is missing"),
    (observed_without_b, r"b is missing from the prediction: .*tf\.gather\(b\[0\], user_idx\)"),
    (observed_b_by_item, r"(?s)the bias is gathered with item_idx.*It also raised IndexError"),
    (observed_swapped, r"(?s)On random data \(seed 2\), square.*\n  the indices are swapped: rows of X are movies"),
    (observed_gathered_penalty, r"you regularized the gathered rows"),
    (observed_rated_rows_penalty, r"(?s)1 of 4 checks failed.*regularized only the movies and users that have a rating"),
    (observed_matmul, r"an N x N matrix, N = 15 ratings"),
    (observed_mean, r"you averaged instead of summing: tf\.reduce_mean divides by the number of ratings N = 15"),
    (observed_vector, r"should be a single number, but your function returned an array of shape \(15,\)"),
])
def test_cofi_cost_observed_names_the_mistake(wrong, pattern):
    with rejects(pattern):
        checks.check_cofi_cost_observed(wrong, tensors=False)


def test_cofi_cost_observed_out_of_range_index_gets_a_hint():
    def all_swapped(X, W, b, item_idx, user_idx, y, lambda_):  # X, W and b each with the other index
        err = np.sum(X[user_idx] * W[item_idx], axis=1) + b[0, item_idx] - y
        return 0.5 * np.sum(err**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))

    with pytest.raises(AssertionError, match=r"raised IndexError: index 4 is out of bounds .*\n  when called on "
                                             r"the lecture's toy table.*\n  Hint: an index is out of range"):
        checks.check_cofi_cost_observed(all_swapped, tensors=False)


def test_cofi_cost_observed_message_shows_the_toy_numbers():
    # Toy table, lecture W, b = 0, lambda_ = 1: J = 53.8826 (see the cofi_cost test above); without
    # the regularization (1/2)(ΣW² + ΣX²) = 52.3051 only the data term 1.5775 is left.
    with pytest.raises(AssertionError, match=r"(?s)toy table.*expected: 53\.8826\n  got:      1\.5775"):
        checks.check_cofi_cost_observed(observed_unregularized, tensors=False)


def test_cofi_cost_observed_passes_tensors_to_tensorflow_code(capsys):
    tf = pytest.importorskip("tensorflow")
    from recsys_utils.cofi_cost_tf import cofi_cost_observed_tf

    def learner(X, W, b, item_idx, user_idx, y, lambda_):  # notebook 06's solution
        pred = tf.reduce_sum(tf.gather(X, item_idx) * tf.gather(W, user_idx), axis=1) + tf.gather(b[0], user_idx)
        return 0.5 * tf.reduce_sum((pred - y) ** 2) + (lambda_ / 2) * (tf.reduce_sum(W**2) + tf.reduce_sum(X**2))

    def learner_mean(X, W, b, item_idx, user_idx, y, lambda_):
        pred = tf.reduce_sum(tf.gather(X, item_idx) * tf.gather(W, user_idx), axis=1) + tf.gather(b[0], user_idx)
        return 0.5 * tf.reduce_mean((pred - y) ** 2) + (lambda_ / 2) * (tf.reduce_sum(W**2) + tf.reduce_sum(X**2))

    for fn in (learner, cofi_cost_observed_tf):
        passes(checks.check_cofi_cost_observed, fn, capsys, "cofi_cost_observed")  # tensors, as TF is loaded
    with rejects(r"you averaged instead of summing"):
        checks.check_cofi_cost_observed(learner_mean, tensors=True)


# ----------------------------------------------------------------------------- shrunk_movie_means (06)
def shrunk(item_idx, y, n_movies, k):  # notebook 06's solution
    global_mean = y.mean()
    counts = np.bincount(item_idx, minlength=n_movies)
    sums = np.bincount(item_idx, weights=y, minlength=n_movies)
    return np.divide(sums + k * global_mean, counts + k, out=np.full(n_movies, global_mean), where=counts > 0)


def shrunk_loop(item_idx, y, n_movies, k):  # a plain loop, with an if for the unrated: accepted
    gm = sum(y) / len(y)
    out = []
    for i in range(n_movies):
        mine = [r for m, r in zip(item_idx, y) if m == i]
        out.append((sum(mine) + k * gm) / (len(mine) + k) if mine else gm)
    return np.array(out)


def shrunk_towards_zero(item_idx, y, n_movies, k):
    counts = np.bincount(item_idx, minlength=n_movies)
    sums = np.bincount(item_idx, weights=y, minlength=n_movies)
    return np.divide(sums, counts + k, out=np.full(n_movies, y.mean()), where=counts > 0)


def shrunk_k_on_top(item_idx, y, n_movies, k):
    counts = np.bincount(item_idx, minlength=n_movies)
    sums = np.bincount(item_idx, weights=y, minlength=n_movies)
    return np.divide(sums + k, counts + k, out=np.full(n_movies, y.mean()), where=counts > 0)


def shrunk_by_count(item_idx, y, n_movies, k):
    counts = np.bincount(item_idx, minlength=n_movies)
    sums = np.bincount(item_idx, weights=y, minlength=n_movies)
    return np.divide(sums + k * y.mean(), counts, out=np.full(n_movies, y.mean()), where=counts > 0)


def shrunk_mean_of_means(item_idx, y, n_movies, k):
    counts = np.bincount(item_idx, minlength=n_movies)
    sums = np.bincount(item_idx, weights=y, minlength=n_movies)
    prior = np.mean(sums[counts > 0] / counts[counts > 0])  # every movie counts once
    return np.divide(sums + k * prior, counts + k, out=np.full(n_movies, prior), where=counts > 0)


def shrunk_prior_per_movie(item_idx, y, n_movies, k):
    counts = np.bincount(item_idx, minlength=n_movies)
    sums = np.bincount(item_idx, weights=y, minlength=n_movies)
    prior = y.sum() / n_movies
    return (sums + k * prior) / (counts + k)


def shrunk_nan_for_unrated(item_idx, y, n_movies, k):
    counts = np.bincount(item_idx, minlength=n_movies)
    sums = np.bincount(item_idx, weights=y, minlength=n_movies)
    return (sums + k * y.mean()) / (counts + k)  # 0 / 0 when k = 0


def shrunk_zero_for_unrated(item_idx, y, n_movies, k):
    counts = np.bincount(item_idx, minlength=n_movies)
    sums = np.bincount(item_idx, weights=y, minlength=n_movies)
    return np.divide(sums + k * y.mean(), counts + k, out=np.zeros(n_movies), where=counts > 0)


def shrunk_swapped_weights(item_idx, y, n_movies, k):
    counts = np.bincount(item_idx, minlength=n_movies)
    means = np.divide(np.bincount(item_idx, weights=y, minlength=n_movies), counts,
                      out=np.zeros(n_movies), where=counts > 0)
    w = counts / (counts + k)
    return np.where(counts > 0, (1 - w) * means + w * y.mean(), y.mean())


def shrunk_no_minlength(item_idx, y, n_movies, k):
    counts, sums = np.bincount(item_idx), np.bincount(item_idx, weights=y)
    return np.divide(sums + k * y.mean(), counts + k, out=np.full(len(counts), y.mean()), where=counts > 0)


@pytest.mark.parametrize("reference", [shrunk, shrunk_loop])
def test_shrunk_movie_means_accepts_the_references(reference, capsys):
    passes(checks.check_shrunk_movie_means, reference, capsys, "shrunk_movie_means")


@pytest.mark.parametrize("wrong, pattern", [
    (shrunk_towards_zero, r"you shrank towards 0: .* add k \* ȳ"),
    # the tiny table (global mean 3) with k = 1: k * ȳ = 3
    (shrunk_k_on_top, r"you added k to the sum of ratings: .* ȳ = 3, so add k \* ȳ = 3, not k"),
    (shrunk_by_count, r"you divided by n_i only: .* divide by n_i \+ k"),
    (shrunk_mean_of_means, r"you used the average of the movies' means"),
    (shrunk_prior_per_movie, r"you divided their sum by n_movies = 8 instead of by the number of ratings"),
    (shrunk_nan_for_unrated, r"a movie without ratings came out NaN \(0 / 0 when k = 0\)"),
    (shrunk_zero_for_unrated, r"a movie without ratings got 0: it should get the global mean ȳ = 3"),
    (shrunk_swapped_weights, r"the weights are swapped"),
    (shrunk_no_minlength, r"return one mean for each of the n_movies = 3 movies, .*shape \(2,\)"),
    (lambda *args: shrunk(*args)[:, None], r"flat array, shape \(n_movies,\) = \(3,\); yours has shape \(3, 1\)"),
    (lambda item_idx, y, n_movies, k: shrunk(item_idx, y, n_movies, 0.0), r"k is ignored"),
])
def test_shrunk_movie_means_names_the_mistake(wrong, pattern):
    with np.errstate(all="ignore"), rejects(pattern):
        checks.check_shrunk_movie_means(wrong)


def test_shrunk_movie_means_message_shows_the_tiny_numbers():
    # k = 1 on the tiny table: movie 0 (5 + 3 + 1 x 3) / (2 + 1) = 11/3, movie 1 (1 + 3) / (1 + 1) = 2,
    # movie 2 the global mean 3. Shrunk towards 0 instead: 8/3, 1/2 and (fallback) 3.
    with pytest.raises(AssertionError, match=r"(?s)tiny table.*expected: \[3\.667, 2, 3\].*got:      \[2\.667, 0\.5, 3\]"):
        checks.check_shrunk_movie_means(shrunk_towards_zero)


# ----------------------------------------------------------------------------- genre_average (08)
def genre_avg(train, movies, user_id, genre, strength=5.0, *, towards="user", shrink=True, exact=False,
              everyone=False, by_count=False):
    """Notebook 08's solution, with a knob or two for the wrong versions below."""
    mine = train if everyone else train[train["userId"] == user_id]
    genres = mine["movieId"].map(movies.set_index("movieId")["genres"])
    in_genre = (genres == genre) if exact else genres.str.split("|").apply(lambda gs: genre in gs)
    in_genre = in_genre.to_numpy()
    prior = {"user": mine["rating"].mean(), "global": train["rating"].mean()}[towards]
    total = mine["rating"].to_numpy()[in_genre].sum()
    if not shrink:
        return float(mine["rating"].to_numpy()[in_genre].sum() / in_genre.sum())  # 0 / 0 for no movie
    return float((total + strength * prior) / (in_genre.sum() + (0 if by_count else strength)))


def genre_avg_hardcoded_5(train, movies, user_id, genre, strength=5.0):
    return genre_avg(train, movies, user_id, genre, 5.0)


def test_genre_average_accepts_the_reference(capsys):
    passes(checks.check_genre_average, genre_avg, capsys, "genre_average", n=5)


@pytest.mark.parametrize("wrong, pattern", [
    (partial(genre_avg, shrink=False), r"this is the plain average of the user's Comedy ratings"),
    (partial(genre_avg, towards="global"), r"shrunk towards the global mean \(3\.53846, every user's ratings\): "
                                           r"use user 1's own mean rating, ȳ\(j\) = 3\.7"),
    (partial(genre_avg, exact=True), r"only movies whose genres are exactly 'Comedy' counted"),
    (partial(genre_avg, everyone=True), r"you used every user's ratings"),
    (partial(genre_avg, by_count=True), r"divide by n \+ strength"),
    (genre_avg_hardcoded_5, r"the strength argument is ignored \(you used 5\): this case has strength=2"),
])
def test_genre_average_names_the_mistake(wrong, pattern):
    with np.errstate(all="ignore"), rejects(pattern):
        checks.check_genre_average(wrong)


def test_genre_average_message_shows_the_hand_made_numbers():
    # User 1 rated 4, 5, 2, 3, 4.5 (mean 18.5 / 5 = 3.7); Comedy: 4 + 5 + 4.5 = 13.5 over 3 movies.
    # Shrunk with strength 5: (13.5 + 5 x 3.7) / (3 + 5) = 32 / 8 = 4. All 13 ratings add up to
    # 18.5 + 13.5 + 14 = 46, mean 3.53846, so towards it: (13.5 + 5 x 46/13) / 8 = 3.89904.
    with pytest.raises(AssertionError, match=r"(?s)user 1 .*'Comedy', strength=5.*expected: 4\n  got:      3\.89904"):
        checks.check_genre_average(partial(genre_avg, towards="global"))


def test_genre_average_leaves_the_tables_unchanged(capsys):
    def sloppy(train, movies, user_id, genre, strength=5.0):
        train["genres"] = train["movieId"].map(movies.set_index("movieId")["genres"])  # in place
        return genre_avg(train, movies, user_id, genre, strength)

    passes(checks.check_genre_average, sloppy, capsys, "genre_average", n=5)


# ----------------------------------------------------------------------------- two_tower (08)
def two_tower(nu, ni, *, last=None, hidden="relu", normalize=True, swap=False, sizes=(256, 128, 32), dot=True):
    """Notebook 08's solution, with knobs for the wrong versions below."""
    import keras

    def tower(activation_last):
        return keras.Sequential([keras.layers.Dense(sizes[0], activation=hidden),
                                 keras.layers.Dense(sizes[1], activation=hidden),
                                 keras.layers.Dense(sizes[2], activation=activation_last)])

    input_user, input_item = keras.layers.Input(shape=(nu,)), keras.layers.Input(shape=(ni,))
    vu, vm = tower(last)(input_user), tower(None)(input_item)
    if normalize:
        vu, vm = keras.layers.UnitNormalization(axis=1)(vu), keras.layers.UnitNormalization(axis=1)(vm)
    output = keras.layers.Dot(axes=1)([vu, vm]) if dot else keras.layers.Multiply()([vu, vm])
    return keras.Model([input_item, input_user] if swap else [input_user, input_item], output)


def two_tower_int_shape(nu, ni):
    import keras

    return keras.layers.Input(shape=(nu))  # the slide's (n) without the comma


@pytest.fixture(scope="module")
def keras_loaded():
    pytest.importorskip("keras")
    from recsys_utils._tf import tf

    tf()  # TensorFlow's start-up notices, once


def test_two_tower_accepts_the_lectures_model_and_the_packages(keras_loaded, capsys):
    from recsys_utils.two_tower import build_two_tower

    passes(checks.check_two_tower, two_tower, capsys, "two_tower", n=2)
    passes(checks.check_two_tower, lambda nu, ni: build_two_tower(nu, ni).model, capsys, "two_tower", n=2)


@pytest.mark.parametrize("wrong, pattern", [
    (partial(two_tower, last="relu"), r"a tower's last Dense\(32\) has activation='relu'"),
    (partial(two_tower, hidden=None), r"the hidden layers need activation='relu'"),
    (partial(two_tower, normalize=False), r"predictions up to \d+.*: v_u and v_m must have length 1 "
                                          r"\(keras\.layers\.UnitNormalization\(axis=1\)"),
    (partial(two_tower, swap=True), r"the inputs are in the wrong order: .* the user's 5 features first, then the movie's 7"),
    (partial(two_tower, sizes=(128, 64, 32)), r"your Dense layers have \[32, 32, 64, 64, 128, 128\] units"),
    (partial(two_tower, dot=False), r"the output should have shape \(None, 1\), .*yours has shape \(None, 32\)"),
    (lambda nu, ni: None, r"returned None: did you forget `return model`\?"),
    (lambda nu, ni: (two_tower(nu, ni), "mse"), r"your function returned tuple"),
    (two_tower_int_shape, r"raised ValueError: Cannot convert '5' to a shape.*\n.*\n  Hint: a shape is a tuple"),
])
def test_two_tower_names_the_mistake(keras_loaded, wrong, pattern):
    with rejects(pattern):
        checks.check_two_tower(wrong)


# ----------------------------------------------------------------------------- nearest_movies (08)
def nearest(VM, i, k=10):  # notebook 08's solution
    d = np.sum((VM - VM[i]) ** 2, axis=1)
    d[i] = np.inf
    return np.argsort(d, kind="stable")[:k]


def nearest_with_itself(VM, i, k=10):
    return np.argsort(np.sum((VM - VM[i]) ** 2, axis=1))[:k]


def nearest_skips_first(VM, i, k=10):
    return np.argsort(np.sum((VM - VM[i]) ** 2, axis=1))[1:k]


def nearest_farthest_first(VM, i, k=10):
    d = np.sum((VM - VM[i]) ** 2, axis=1)
    d[i] = np.inf
    return np.argsort(d)[::-1][1:k + 1]  # drop i, which sorts last, then take the largest


def nearest_by_dot(VM, i, k=10):
    s = VM @ VM[i]
    s[i] = -np.inf
    return np.argsort(-s)[:k]


def nearest_distances(VM, i, k=10):
    d = np.sum((VM - VM[i]) ** 2, axis=1)
    d[i] = np.inf
    return np.sort(d)[:k]


def nearest_unsorted(VM, i, k=10):
    d = np.sum((VM - VM[i]) ** 2, axis=1)
    d[i] = np.inf
    return np.argpartition(d, k)[:k][::-1]


@pytest.mark.parametrize("reference", [nearest, lambda VM, i, k: list(nearest_skips_first(VM, i, k + 1))])
def test_nearest_movies_accepts_the_references(reference, capsys):
    passes(checks.check_nearest_movies, reference, capsys, "nearest_movies", n=3)


@pytest.mark.parametrize("wrong, pattern", [
    (nearest_with_itself, r"movie 0 is in its own list"),
    (nearest_skips_first, r"you returned k - 1 = 9 movies"),
    (nearest_farthest_first, r"farthest first"),
    (nearest_by_dot, r"you ranked by the largest dot product"),
    (nearest_distances, r"return movie indices \(np\.argsort\), not distances"),
    (nearest_unsorted, r"the right movies in the wrong order: nearest first"),
])
def test_nearest_movies_names_the_mistake(wrong, pattern):
    with rejects(pattern):
        checks.check_nearest_movies(wrong)


# ----------------------------------------------------------------------------- combine_candidates (09)
def combine(lists, exclude):  # notebook 09's solution
    skip, kept, out = set(int(i) for i in exclude), set(), []
    for items in lists:
        for i in items:
            if int(i) not in kept and int(i) not in skip:
                kept.add(int(i))
                out.append(int(i))
    return np.array(out, dtype=np.int64)


def combine_keeps_duplicates(lists, exclude):
    return [int(i) for items in lists for i in items if i not in set(exclude.tolist())]


def combine_keeps_watched(lists, exclude):
    return list(dict.fromkeys(int(i) for items in lists for i in items))


def combine_sorted(lists, exclude):
    allc = np.concatenate(lists)
    return np.setdiff1d(np.unique(allc), exclude)


def combine_resets_in_loop(lists, exclude):
    for items in lists:
        kept, out = set(), []
        for i in items:
            if int(i) not in kept and int(i) not in set(exclude.tolist()):
                kept.add(int(i))
                out.append(int(i))
    return out


def combine_set_order(lists, exclude):
    return list(set(int(i) for items in lists for i in items) - set(exclude.tolist()))


def test_combine_candidates_accepts_the_references(capsys):
    from recsys_utils.candidates import combine_candidates, combine_candidates_loop

    for fn in (combine, combine_candidates, combine_candidates_loop):
        passes(checks.check_combine_candidates, fn, capsys, "combine_candidates")


@pytest.mark.parametrize("wrong, pattern", [
    (combine_keeps_duplicates, r"the result has duplicates"),
    (combine_keeps_watched, r"movies already watched \(in exclude\) are still there"),
    (combine_sorted, r"sorted by movie index"),
    (combine_resets_in_loop, r"only the last list's movies are there"),
    (combine_set_order, r"the right movies in the wrong order|sorted by movie index"),
])
def test_combine_candidates_names_the_mistake(wrong, pattern):
    with rejects(pattern):
        checks.check_combine_candidates(wrong)


# ----------------------------------------------------------------------------- rank_candidates (09)
def rank(vu, VM, candidates, k=10):  # notebook 09's solution
    candidates = np.asarray(candidates)
    return candidates[np.argsort(-(VM[candidates] @ vu), kind="stable")[:k]]


@pytest.mark.parametrize("wrong, pattern", [
    # notebook 09's example: candidates [4, 2, 1, 3] score -1, 0.6, 0, 0.8; positions [3, 1, 2]
    (lambda vu, VM, c, k: np.argsort(-(VM[c] @ vu))[:k], r"you returned positions in the candidate list"),
    (lambda vu, VM, c, k: c[np.argsort(VM[c] @ vu)[:k]], r"worst first"),
    (lambda vu, VM, c, k: np.argsort(-(VM @ vu))[:k], r"you ranked every movie of VM, not just the candidates"),
    (lambda vu, VM, c, k: c[np.argsort(-(VM[c] @ vu))], r"return only the k = 3 best candidates"),
    (lambda vu, VM, c, k: np.sort(-(VM[c] @ vu))[:k] * -1, r"return movie indices, not scores"),
    (lambda vu, VM, c, k: np.sort(rank(vu, VM, c, k)), r"the right movies in the wrong order: best first"),
])
def test_rank_candidates_names_the_mistake(wrong, pattern):
    with rejects(pattern):
        checks.check_rank_candidates(wrong)


def test_rank_candidates_accepts_the_references(capsys):
    from recsys_utils.candidates import rank_candidates

    for fn in (rank, rank_candidates):
        passes(checks.check_rank_candidates, fn, capsys, "rank_candidates")


def test_rank_candidates_message_shows_notebook_09s_example():
    # Candidates [4, 2, 1, 3] score -1, 0.6, 0, 0.8 against vu = [1, 0]: best first [3, 2, 1];
    # worst first [4, 1, 2].
    with pytest.raises(AssertionError, match=r"(?s)notebook 09's 5 movies.*expected: \[3, 2, 1\].*got:      \[4, 1, 2\]"):
        checks.check_rank_candidates(lambda vu, VM, c, k: c[np.argsort(VM[c] @ vu)[:k]])
