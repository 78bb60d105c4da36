"""Notebook 05's checks: normalize_ratings and fit_new_user.

The wrong implementations below are written the way a learner would write them (plain NumPy),
not with the checks' own wrong variants, so they test the diagnoses independently.
"""

from functools import partial

import numpy as np
import pytest

from recsys_utils import checks
from recsys_utils.new_user import fit_new_user
from recsys_utils.normalization import normalize_ratings


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
def test_normalize_ratings_accepts_the_references(reference, passes):
    passes(checks.check_normalize_ratings, reference, "normalize_ratings")


@pytest.mark.parametrize("wrong, pattern", [
    # Eve's matrix, averaged over all 5 columns: [10/5, 5/5, 4/5, 9/5, 5/5] = [2, 1, 0.8, 1.8, 1]
    (normalize_over_all, r"mu = \[2, 1, 0\.8, 1\.8, 1\]: you averaged over unrated entries too"),
    (normalize_unmasked, r"Ynorm is -mu at the unrated entries"),
    (normalize_flat_mu, r"mu has shape \(5,\) but should be a column, \(n_movies, 1\) = \(5, 1\)"),
    (normalize_over_users, r"mu looks like each user's mean \(axis=0\)"),
    (lambda Y, R: normalize_course_lab(Y, R)[::-1], r"wrong order: return Ynorm, mu"),
])
def test_normalize_ratings_names_the_mistake(wrong, pattern):
    with np.errstate(all="ignore"), pytest.raises(AssertionError, match=pattern):
        checks.check_normalize_ratings(wrong)


def test_a_wrong_value_is_reported_before_a_later_exception():
    # A flat mu broadcasts silently on the square Eve matrix and raises on the others.
    with pytest.raises(AssertionError, match=r"(?s)mu has shape \(5,\).*It also raised ValueError on random"):
        checks.check_normalize_ratings(normalize_flat_mu)


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
def test_fit_new_user_accepts_the_references(reference, passes):
    passes(checks.check_fit_new_user, reference, "fit_new_user", n=6)


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
    (lambda *args: np.append(*solve_new_user(*args)), r"return 2 values, in this order: w, b"),
    (lambda *args: solve_new_user(*args)[::-1], r"wrong order: return w, b"),
    (lambda *args: (np.append(*solve_new_user(*args)), 0.0), r"w has n_features \+ 1 = 3 entries"),
    (new_user_eve_gets_mean, r"Eve has rated nothing, so there is nothing to solve"),
])
def test_fit_new_user_names_the_mistake(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
        checks.check_fit_new_user(wrong)


def test_fit_new_user_without_the_no_ratings_case_is_told_about_eve():
    # The solve alone: for Eve A is (0, 3) and A.T @ A + λD = diag(1, 1, 0) is singular.
    with pytest.raises(AssertionError, match=r"fit_new_user: your function raised LinAlgError: Singular "
                                             r"matrix\n  in your code, line \d+: theta = np\.linalg\.solve.*\n  when called on .*Eve, who has rated nothing: "
                                             r"no data, so w = 0, b = 0"):
        checks.check_fit_new_user(new_user_no_eve_case)


def test_fit_new_user_message_shows_eves_numbers():
    # Eve given the mean of the lecture's mu as her b: (2.5 + 2.5 + 2 + 2.25 + 1.25) / 5 = 10.5 / 5 = 2.1.
    with pytest.raises(AssertionError, match=r"1 of 6 checks failed\. On the lecture's toy features, Eve.*\n"
                                             r".*\n  expected b: 0\n  got b:      2\.1$"):
        checks.check_fit_new_user(new_user_eve_gets_mean)
