"""Notebook 06's checks: cofi_cost_observed (NumPy and TensorFlow code) and shrunk_movie_means.

The wrong implementations below are written the way a learner would write them (plain NumPy),
not with the checks' own wrong variants, so they test the diagnoses independently.
"""

from functools import partial

import numpy as np
import pytest

from recsys_utils import checks


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


def test_cofi_cost_observed_accepts_the_numpy_reference(passes):
    from recsys_utils.cofi_cost_tf import cofi_cost_observed

    check = partial(checks.check_cofi_cost_observed, tensors=False)
    passes(check, cofi_cost_observed, "cofi_cost_observed")


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
    with pytest.raises(AssertionError, match=pattern):
        checks.check_cofi_cost_observed(wrong, tensors=False)


def test_cofi_cost_observed_out_of_range_index_gets_a_hint():
    def all_swapped(X, W, b, item_idx, user_idx, y, lambda_):  # X, W and b each with the other index
        err = np.sum(X[user_idx] * W[item_idx], axis=1) + b[0, item_idx] - y
        return 0.5 * np.sum(err**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))

    with pytest.raises(AssertionError, match=r"raised IndexError: index 4 is out of bounds .*\n  in your code, .*\n  when called on "
                                             r"the lecture's toy table.*\n  Hint: an index is out of range"):
        checks.check_cofi_cost_observed(all_swapped, tensors=False)


def test_cofi_cost_observed_message_shows_the_toy_numbers():
    # Toy table, lecture W, b = 0, lambda_ = 1: J = 53.8826 (see the cofi_cost test above); without
    # the regularization (1/2)(ΣW² + ΣX²) = 52.3051 only the data term 1.5775 is left.
    with pytest.raises(AssertionError, match=r"(?s)toy table.*expected: 53\.8826\n  got:      1\.5775"):
        checks.check_cofi_cost_observed(observed_unregularized, tensors=False)


def test_cofi_cost_observed_passes_tensors_to_tensorflow_code(passes):
    tf = pytest.importorskip("tensorflow")
    from recsys_utils.cofi_cost_tf import cofi_cost_observed_tf

    def learner(X, W, b, item_idx, user_idx, y, lambda_):  # notebook 06's solution
        pred = tf.reduce_sum(tf.gather(X, item_idx) * tf.gather(W, user_idx), axis=1) + tf.gather(b[0], user_idx)
        return 0.5 * tf.reduce_sum((pred - y) ** 2) + (lambda_ / 2) * (tf.reduce_sum(W**2) + tf.reduce_sum(X**2))

    def learner_mean(X, W, b, item_idx, user_idx, y, lambda_):
        pred = tf.reduce_sum(tf.gather(X, item_idx) * tf.gather(W, user_idx), axis=1) + tf.gather(b[0], user_idx)
        return 0.5 * tf.reduce_mean((pred - y) ** 2) + (lambda_ / 2) * (tf.reduce_sum(W**2) + tf.reduce_sum(X**2))

    for fn in (learner, cofi_cost_observed_tf):
        passes(checks.check_cofi_cost_observed, fn, "cofi_cost_observed")  # tensors, as TF is loaded
    with pytest.raises(AssertionError, match=r"you averaged instead of summing"):
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
        mine = [r for m, r in zip(item_idx, y, strict=True) if m == i]
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
def test_shrunk_movie_means_accepts_the_references(reference, passes):
    passes(checks.check_shrunk_movie_means, reference, "shrunk_movie_means")


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
    with np.errstate(all="ignore"), pytest.raises(AssertionError, match=pattern):
        checks.check_shrunk_movie_means(wrong)


def test_shrunk_movie_means_message_shows_the_tiny_numbers():
    # k = 1 on the tiny table: movie 0 (5 + 3 + 1 x 3) / (2 + 1) = 11/3, movie 1 (1 + 3) / (1 + 1) = 2,
    # movie 2 the global mean 3. Shrunk towards 0 instead: 8/3, 1/2 and (fallback) 3.
    with pytest.raises(AssertionError, match=r"(?s)tiny table.*expected: \[3\.667, 2, 3\].*got:      \[2\.667, 0\.5, 3\]"):
        checks.check_shrunk_movie_means(shrunk_towards_zero)
