"""ratings_to_matrices / ratings_to_triples and binarize (the splits: test_splits.py)."""

import doctest

import numpy as np
import pandas as pd
import pytest

from recsys_utils import ratings as ratings_module
from recsys_utils.movielens import load_movielens
from recsys_utils.ratings import binarize, ratings_to_matrices, ratings_to_triples
from recsys_utils.splits import split_by_time
from recsys_utils.toy import load_toy_binary, load_toy_ratings


def toy_long():
    """The lecture's toy table as a ratings table (one row per rated cell; 15 rows)."""
    Y, R, movies, users = load_toy_ratings()
    rows = [
        {"user": users[j], "movie": movies[i], "stars": Y[i, j]}
        for i, j in zip(*np.nonzero(R), strict=False)
    ]
    return pd.DataFrame(rows)


TOY_KW = dict(scale=(0, 5), user_col="user", item_col="movie", rating_col="stars")


# --- matrices and triples ----------------------------------------------------------------


def test_toy_table_round_trips():
    toy = load_toy_ratings()
    m = ratings_to_matrices(toy_long(), movies=list(toy.movies), users=list(toy.users), **TOY_KW)
    np.testing.assert_array_equal(m.Y, toy.Y)
    np.testing.assert_array_equal(m.R, toy.R)
    assert m.Y.dtype == m.R.dtype == np.float64
    assert m.item_index["Cute puppies of love"] == 2 and m.user_index["Bob"] == 1
    assert m.Y[m.item_index["Cute puppies of love"], m.user_index["Bob"]] == 4  # y(3,2) = 4


def test_default_order_is_sorted_ids(small):
    m = ratings_to_matrices(small)
    np.testing.assert_array_equal(m.item_ids, [1, 3, 8])
    np.testing.assert_array_equal(m.user_ids, [7, 9])
    # Rows 1, 3, 8; columns 7, 9 (0 where unrated: user 9 did not rate movie 1).
    np.testing.assert_array_equal(m.Y, [[5.0, 0.0], [4.0, 0.5], [3.0, 2.5]])
    np.testing.assert_array_equal(m.R, [[1, 0], [1, 1], [1, 1]])
    assert m.item_index == {1: 0, 3: 1, 8: 2} and m.user_index == {7: 0, 9: 1}


def test_all_movies_get_rows(small):
    movies = pd.DataFrame({"movieId": [1, 2, 3, 8], "title": ["a", "b", "c", "d"]})
    m = ratings_to_matrices(small, movies=movies)
    assert m.Y.shape == (4, 2)
    np.testing.assert_array_equal(m.R[1], [0, 0])  # movie 2: nobody rated it
    assert m.R.sum() == 5


def test_triples_agree_with_matrices(small):
    t = ratings_to_triples(small)
    m = ratings_to_matrices(small)
    assert t.item_idx.dtype == t.user_idx.dtype == np.int32
    assert t.ratings.dtype == np.float64
    np.testing.assert_array_equal(m.Y[t.item_idx, t.user_idx], small["rating"])
    np.testing.assert_array_equal(m.R[t.item_idx, t.user_idx], 1)
    assert m.R.sum() == len(t.ratings)
    dense = t.to_matrices()
    np.testing.assert_array_equal(dense.Y, m.Y)
    np.testing.assert_array_equal(dense.R, m.R)
    assert t.item_index == m.item_index and t.user_index == m.user_index


def test_maps_reused_across_splits(small):
    full = ratings_to_matrices(small)
    train, _, test = split_by_time(small)
    m_train = ratings_to_matrices(train, movies=full.item_ids, users=full.user_ids)
    t_test = ratings_to_triples(test, movies=full.item_ids, users=full.user_ids)
    assert m_train.Y.shape == full.Y.shape
    np.testing.assert_array_equal(m_train.R + t_test.to_matrices().R, full.R)


def test_unknown_ids_are_refused(small):
    unknown = r"1 movieId value\(s\) that are not in movies, e.g. \[8\]"
    with pytest.raises(ValueError, match=unknown):
        ratings_to_matrices(small, movies=[1, 3])
    with pytest.raises(ValueError, match="more than once"):
        ratings_to_matrices(small, movies=[1, 3, 8, 3])


# --- bad input ---------------------------------------------------------------------------


def test_not_a_dataframe():
    with pytest.raises(TypeError, match="ratings must be a pandas DataFrame, got ndarray"):
        ratings_to_matrices(np.zeros((3, 3)))


def test_missing_column(small):
    with pytest.raises(ValueError, match=r"no column\(s\) \['stars'\].*user_col="):
        ratings_to_matrices(small, rating_col="stars")


def test_empty(small):
    with pytest.raises(ValueError, match="ratings is empty"):
        ratings_to_matrices(small.iloc[:0])


@pytest.mark.parametrize("col", ["rating", "userId", "movieId"])
def test_nan(small, col):
    small[col] = small[col].astype(float)
    small.loc[3, col] = np.nan
    message = rf"ratings\['{col}'\] has 1 missing value\(s\) \(NaN\), the first in row 3"
    with pytest.raises(ValueError, match=message):
        ratings_to_matrices(small)


def test_infinite_rating(small):
    small.loc[0, "rating"] = np.inf
    with pytest.raises(ValueError, match="NaN/infinite"):
        ratings_to_matrices(small, scale=None)


def test_out_of_scale(small):
    small.loc[1, "rating"] = 7.0
    message = r"1 value\(s\) outside the scale \[0.5, 5\], the first 7 by userId=7 for movieId=3"
    with pytest.raises(ValueError, match=message):
        ratings_to_matrices(small)
    # 0 stars is fine on the toy scale but not on MovieLens'.
    small.loc[1, "rating"] = 0.0
    with pytest.raises(ValueError, match="outside the scale"):
        ratings_to_triples(small)
    assert ratings_to_triples(small, scale=(0, 5)).ratings[1] == 0.0
    small.loc[1, "rating"] = 70.0
    assert ratings_to_triples(small, scale=None).ratings[1] == 70.0


@pytest.mark.parametrize("scale", [(5, 0.5), (1, 2, 3), "high"])
def test_bad_scale(small, scale):
    with pytest.raises(ValueError, match="scale must be"):
        ratings_to_matrices(small, scale=scale)


def test_non_numeric_rating(small):
    small["rating"] = ["good"] * len(small)
    with pytest.raises(TypeError, match=r"ratings\['rating'\] must be numeric"):
        ratings_to_matrices(small)


def test_duplicate_pairs(small):
    doubled = pd.concat([small, small.iloc[[2]]], ignore_index=True)
    message = r"2 rows for repeated \(userId, movieId\) pairs, e.g. \(7, 1\).*drop_duplicates"
    with pytest.raises(ValueError, match=message):
        ratings_to_matrices(doubled)


# --- binarize ----------------------------------------------------------------------------


def test_binarize_toy_gives_the_lecture_table():
    # Rule: rating >= 4 -> 1, else 0; ? stays ?. Toy ratings 5, 5, 4, 5, 4, 5, 5 -> seven 1s.
    toy, binary = load_toy_ratings(), load_toy_binary()
    np.testing.assert_array_equal(binarize(toy.Y, 4.0, R=toy.R), binary.Y)
    labels = binarize(toy_long(), 4.0, rating_col="stars")
    kw = dict(TOY_KW, scale=(0, 1), movies=list(toy.movies), users=list(toy.users))
    m = ratings_to_matrices(labels, **kw)
    np.testing.assert_array_equal(m.Y, binary.Y)
    np.testing.assert_array_equal(m.R, binary.R)


def test_binarize_table_is_a_copy(small):
    labels = binarize(small, threshold=3.0)
    assert labels["rating"].tolist() == [0.0, 1.0, 1.0, 0.0, 1.0]
    assert small["rating"].tolist() == [0.5, 4.0, 5.0, 2.5, 3.0]


def test_binarize_bad_input(small):
    with pytest.raises(TypeError, match="threshold must be a finite number, got str '4'"):
        binarize(small, threshold="4")
    with pytest.raises(ValueError, match="threshold must be a finite number, got nan"):
        binarize(small, threshold=np.nan)
    # a NumPy scalar is a number
    labels = binarize(small, threshold=np.float32(4.0))["rating"].tolist()
    assert labels == [0.0, 1.0, 1.0, 0.0, 0.0]  # ratings 0.5, 4, 5, 2.5, 3 against 4
    with pytest.raises(ValueError, match="R is only for a matrix"):
        binarize(small, R=np.ones((2, 2)))
    with pytest.raises(ValueError, match="R has shape"):
        binarize(np.zeros((5, 4)), R=np.ones((4, 5)))


def test_docstring_examples_run():
    result = doctest.testmod(ratings_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# --- on the real MovieLens ---------------------------------------------------------------


@pytest.mark.movielens
def test_real_movielens_matrices_and_splits(real_movielens_dir, monkeypatch):
    monkeypatch.setenv("RECSYS_DATA", str(real_movielens_dir))
    ml = load_movielens(download=False)
    m = ratings_to_matrices(ml.ratings, movies=ml.movies)
    assert m.Y.shape == (9_742, 610)
    assert m.R.sum() == 100_836
    assert (m.R.sum(axis=1) == 0).sum() == 18  # 9,742 - 9,724 movies nobody rated
    assert (m.Y * m.R).sum() / m.R.sum() == pytest.approx(3.5016, abs=5e-5)
    train, valid, test = split_by_time(ml.ratings, n_test=2, n_validation=1)
    assert (len(valid), len(test)) == (610, 1_220)
    t = ratings_to_triples(test, movies=m.item_ids, users=m.user_ids)
    np.testing.assert_array_equal(m.Y[t.item_idx, t.user_idx], test["rating"])
