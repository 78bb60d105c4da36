"""Notebook 11's check: batch_cost, with mistakes written the way a learner would write them."""

import doctest

import numpy as np
import pytest

from recsys_utils import checks
from recsys_utils.checks import nb11
from recsys_utils.minibatch import batch_cost


def _pred(X, W, b, c, i, u):
    return np.sum(X[i] * W[u], axis=1) + b[0, u] + c[i, 0]


def no_scaling(X, W, b, c, i, u, y, lambda_, n_ratings):
    return 0.5 * np.sum((_pred(X, W, b, c, i, u) - y) ** 2) + lambda_ / 2 * (
        np.sum(W**2) + np.sum(X**2)
    )


def mean_of_batch(X, W, b, c, i, u, y, lambda_, n_ratings):
    return 0.5 * np.mean((_pred(X, W, b, c, i, u) - y) ** 2) + lambda_ / 2 * (
        np.sum(W**2) + np.sum(X**2)
    )


def everything_scaled(X, W, b, c, i, u, y, lambda_, n_ratings):
    J = 0.5 * np.sum((_pred(X, W, b, c, i, u) - y) ** 2) + lambda_ / 2 * (
        np.sum(W**2) + np.sum(X**2)
    )
    return n_ratings / len(y) * J


def without_c(X, W, b, c, i, u, y, lambda_, n_ratings):
    err = np.sum(X[i] * W[u], axis=1) + b[0, u] - y
    return n_ratings / len(y) * 0.5 * np.sum(err**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))


def per_rating_errors(X, W, b, c, i, u, y, lambda_, n_ratings):
    return n_ratings / len(y) * 0.5 * (_pred(X, W, b, c, i, u) - y) ** 2


def correct(X, W, b, c, i, u, y, lambda_, n_ratings):
    return n_ratings / len(y) * 0.5 * np.sum((_pred(X, W, b, c, i, u) - y) ** 2) + lambda_ / 2 * (
        np.sum(W**2) + np.sum(X**2)
    )


def test_a_correct_answer_and_float32_pass(capsys):
    checks.check_batch_cost(correct)

    def in_float32(*a):
        return np.float32(
            correct(
                *(
                    np.float32(v) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v
                    for v in a
                )
            )
        )

    checks.check_batch_cost(in_float32)
    assert capsys.readouterr().out.count("✓ batch_cost: all 4 checks passed") == 2


def test_the_cases_agree_with_the_package():
    for case in nb11._cases():
        assert correct(*case.args) == pytest.approx(batch_cost(*case.args), rel=1e-12)


@pytest.mark.parametrize(
    ("fn", "match"),
    [
        (no_scaling, "not scaled up"),
        (mean_of_batch, "averaged"),
        (everything_scaled, "regularization term by N/B too"),
        (without_c, "movie bias c is missing"),
        (per_rating_errors, "single number"),
        (lambda *a: None, "returned None"),
    ],
)
def test_mistakes_are_named(fn, match):
    with pytest.raises(AssertionError, match=match):
        checks.check_batch_cost(fn)


def test_calling_the_package_is_refused():
    import recsys_utils.minibatch as mb

    def borrowed(X, W, b, c, i, u, y, lambda_, n_ratings):
        return mb.batch_cost(X, W, b, c, i, u, y, lambda_, n_ratings)

    with pytest.raises(AssertionError, match="package's own answer"):
        checks.check_batch_cost(borrowed)


def test_worked_example_value():
    # x(1) = [1], w(1) = [2]: prediction 2 against y = 1, error 1; N/B = 2 -> 2 * 1/2 * 1 = 1;
    # lambda = 1: 1/2 (2^2 + 1^2 + 0^2) = 2.5; J_B = 3.5.
    case = nb11._cases()[0]
    assert batch_cost(*case.args) == pytest.approx(3.5)


def test_docstring_example_runs():
    assert doctest.testmod(nb11, raise_on_error=True).attempted >= 1


def test_no_tensorflow_needed():
    import subprocess
    import sys

    code = (
        "import sys, doctest; from recsys_utils.checks import nb11; "
        "assert doctest.testmod(nb11, raise_on_error=True).attempted; "
        "assert 'tensorflow' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
