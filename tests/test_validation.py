"""Tests for recsys_utils.validation helpers not already covered through the cost functions."""

import numpy as np
import pytest

from recsys_utils.validation import check_int, check_scale


@pytest.mark.parametrize("value", [0, -3, 2.0, True, "4"])
def test_check_int_refuses_what_is_not_a_count(value):
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
    with pytest.raises(ValueError, match=r"1 rating\(s\) outside the scale \[0, 5\], the first 7 at index \(0, 1\)"):
        check_scale(Y, R, (0, 5))
    with pytest.raises(ValueError, match="low < high"):
        check_scale(Y, R, (5, 0))
