"""Tests for recsys_utils.validation helpers not already covered through the cost functions."""

import numpy as np
import pytest

from recsys_utils.validation import check_int, check_scale


@pytest.mark.parametrize("value", [0, -3, 2.0, True, "4"])
def test_check_int_refuses_what_is_not_a_count(value):
    # the old spelling, for modules not yet on check_number: ValueError for the type too
    with pytest.raises(ValueError, match=r"n_features must be a positive integer, got"):
        check_int("n_features", value)


def test_check_int_with_a_minimum():
    assert check_int("n_test", 0, minimum=0) == 0
    with pytest.raises(ValueError, match=r"n_test must be an integer >= 0, got -1"):
        check_int("n_test", -1, minimum=0)


def test_check_scale_names_the_first_rating_outside():
    Y = np.array([[4.0, 7.0], [0.0, 2.5]])
    R = np.array([[1.0, 1.0], [0.0, 1.0]])
    check_scale(Y, R, (0, 7))  # unrated cells never count
    with pytest.raises(
        ValueError, match=r"1 rating\(s\) outside the scale \[0, 5\], the first 7 at index \(0, 1\)"
    ):
        check_scale(Y, R, (0, 5))
    with pytest.raises(ValueError, match="low < high"):
        check_scale(Y, R, (5, 0))


# ---- check_number: one helper, keyword-only bounds,
#      TypeError for the type, ValueError for the range
from recsys_utils.validation import check_indices, check_number, check_triples  # noqa: E402


@pytest.mark.parametrize(
    "value,kwargs,want",
    [
        (np.float32(0.5), {"low": 0}, 0.5),  # NumPy scalars are numbers
        (np.int64(3), {"integer": True, "low": 1}, 3),
        (np.array(2.5), {}, 2.5),  # a 0-d array too
        (0, {"low": 0}, 0.0),  # the bound is inclusive by default
        (1, {"low": 0, "high": 1}, 1.0),
    ],
)
def test_check_number_accepts(value, kwargs, want):
    got = check_number(value, "x", **kwargs)
    assert got == want and type(got) is (int if kwargs.get("integer") else float)


@pytest.mark.parametrize(
    "value,kwargs,error,message",
    [
        ("0.1", {}, TypeError, "x must be a finite number, got str '0.1'"),
        (None, {"low": 0}, TypeError, "x must be a number >= 0, got NoneType None"),
        (
            True,
            {"integer": True, "low": 1},
            TypeError,
            "x must be a positive integer, got bool True",
        ),
        (1.5, {"integer": True, "low": 0}, TypeError, "x must be an integer >= 0, got float 1.5"),
        (np.float32(2.0), {"integer": True}, TypeError, "x must be an integer, got float32 2.0"),
        ([0.1], {}, TypeError, "x must be a finite number, got list [0.1]"),
        (float("nan"), {"low": 0}, ValueError, "x must be a number >= 0, got nan"),
        (float("inf"), {}, ValueError, "x must be a finite number, got inf"),
        (-0.1, {"low": 0}, ValueError, "x must be a number >= 0, got -0.1"),
        (0.0, {"low": 0, "low_open": True}, ValueError, "x must be a number > 0, got 0.0"),
        (1.5, {"low": 0, "high": 1}, ValueError, r"x must be a number in [0, 1], got 1.5"),
        (
            np.int64(0),
            {"integer": True, "low": 1},
            ValueError,
            "x must be a positive integer, got 0",
        ),
    ],
)
def test_check_number_refuses_with_type_or_range_error(value, kwargs, error, message):
    with pytest.raises(error) as info:
        check_number(value, "x", **kwargs)
    assert str(info.value) == message


def test_check_indices():
    np.testing.assert_array_equal(check_indices([2, 0], "idx", 3, into="the rows of X"), [2, 0])
    assert (
        check_indices([], "idx", 3, into="the rows of X").dtype == np.int64
    )  # [] is float64 to NumPy
    cases = [
        (
            [0, -1],
            ValueError,
            r"idx must lie in \[0, 3\) \(the rows of X\), got -1 at position 1; "
            "negative indices do not wrap around",
        ),
        ([3], ValueError, r"got 3 at position 0"),
        (
            [0.0, 1.0],
            TypeError,
            "idx must hold integer indices into the rows of X, got dtype float64",
        ),
        (np.array([True, False, True]), TypeError, r"boolean mask; pass np.flatnonzero\(idx\)"),
        ([[0, 1]], ValueError, r"idx must be 1-dimensional, got shape \(1, 2\)"),
        (None, TypeError, "got None"),
    ]
    for value, error, match in cases:
        with pytest.raises(error, match=match):
            check_indices(value, "idx", 3, into="the rows of X")
    with pytest.raises(
        ValueError, match="idx must list each of the rows of X at most once, got 1 2 times"
    ):
        check_indices([1, 0, 1], "idx", 3, into="the rows of X", unique=True)


def test_check_triples_refuses_a_pair_listed_twice():
    # Rating (movie 1, user 0) twice would be counted twice by every triples cost.
    with pytest.raises(
        ValueError,
        match=r"1 duplicated pair\(s\), the first \(movie 1, user 0\) "
        r"at positions \[0, 2\]",
    ):
        check_triples([1, 0, 1], [0, 0, 0], [4.0, 3.0, 5.0], 2, 1)
    i, u, y = check_triples([1, 0, 1], [0, 0, 1], [4.0, 3.0, 5.0], 2, 2)  # same movie, other user
    assert i.dtype == u.dtype == np.int32 and y.dtype == np.float64
