"""Tests for recsys_utils.features: hand-derived user and movie features, no leakage, scaling,
bad input."""

import doctest

import numpy as np
import pandas as pd
import pytest

from recsys_utils import features, leave_one_out, movie_metadata, standardize
from recsys_utils.features import (
    fit_standardizer,
    genre_matrix,
    item_features,
    parse_year,
    user_features,
)
from recsys_utils.movielens import load_movielens

# Three movies and three ratings, small enough to derive every feature by hand.
#   movie 10: "A|B", 1995    movie 20: "B", 2000    movie 30: "C", no year in the title
#   user 1 rated 10 -> 4.0 and 20 -> 2.0;   user 2 rated 10 -> 5.0
MOVIES = pd.DataFrame(
    {
        "movieId": [10, 20, 30],
        "title": ["First (1995)", "Second (2000)", "Third"],
        "genres": ["A|B", "B", "C"],
    }
)
RATINGS = pd.DataFrame({"userId": [1, 1, 2], "movieId": [10, 20, 10], "rating": [4.0, 2.0, 5.0]})
GLOBAL_MEAN = 11 / 3  # (4 + 2 + 5) / 3


@pytest.mark.parametrize("module", [features, movie_metadata, standardize, leave_one_out])
def test_doctests(module):
    # features re-exports what moved to the other three; their examples run where they live.
    result = doctest.testmod(module)
    assert result.failed == 0 and (module is features or result.attempted > 0)


def test_moved_names_are_the_same_objects_in_features():
    for module in (movie_metadata, standardize, leave_one_out):
        for name in module.__all__:
            assert getattr(features, name) is getattr(module, name), name
            assert name in features.__all__, name
    # FeatureTable lives in a private module but is shown where users import it from.
    assert features.FeatureTable.__module__ == "recsys_utils.features"


def test_parse_year():
    got = parse_year(["Toy Story (1995)", "Babylon 5", "Fawlty Towers (1975-1979) ", "Up (2009)  "])
    np.testing.assert_array_equal(got[[0, 2, 3]], [1995, 1975, 2009])
    assert np.isnan(got[1])
    # A year in the middle of a title is not the release year.
    assert np.isnan(parse_year(["1984 (film)"])[0])


def test_genre_matrix_given_names_and_unknown_genres():
    G, names = genre_matrix(["A|B", "B", "C|Z"], names=["C", "B", "A"])
    assert names == ("C", "B", "A")
    np.testing.assert_array_equal(G, [[0, 1, 1], [0, 1, 0], [1, 0, 0]])  # "Z" is not a column


def test_genre_matrix_no_genres_listed_is_a_column_unless_left_out():
    # By default MovieLens' placeholder is a column ('(' sorts before the letters); leaving it
    # out of names gives the movie without genres an all-zero row (as notebook 07 does).
    genres = ["Comedy|Romance", "Action", "(no genres listed)", "Action|Comedy"]
    G, names = genre_matrix(genres)
    assert names == ("(no genres listed)", "Action", "Comedy", "Romance")
    np.testing.assert_array_equal(G[2], [1, 0, 0, 0])
    G, names = genre_matrix(genres, names=["Action", "Comedy", "Romance"])
    np.testing.assert_array_equal(G, [[0, 1, 1], [1, 0, 0], [0, 0, 0], [1, 1, 0]])


def test_item_features_by_hand():
    t = item_features(MOVIES, RATINGS, strength=0.0)
    assert t.names == ("year", "log_n_ratings", "mean_rating", "genre=A", "genre=B", "genre=C")
    np.testing.assert_array_equal(t.ids, [10, 20, 30])
    # year: 1995, 2000, and the median of the known years for "Third": (1995 + 2000) / 2
    np.testing.assert_allclose(t.column("year"), [1995, 2000, 1997.5])
    # two ratings, one, none
    np.testing.assert_allclose(t.column("log_n_ratings"), np.log([3, 2, 1]))
    # raw means 4.5 and 2; the unrated movie gets the global mean 11/3
    np.testing.assert_allclose(t.column("mean_rating"), [4.5, 2.0, GLOBAL_MEAN])
    np.testing.assert_array_equal(t.X[:, 3:], [[1, 1, 0], [0, 1, 0], [0, 0, 1]])


def test_item_mean_is_shrunk_towards_the_global_mean():
    t = item_features(MOVIES, RATINGS, strength=1.0)
    # (4 + 5 + 11/3) / 3 = 38/9 ; (2 + 11/3) / 2 = 17/6 ; unrated: 11/3
    np.testing.assert_allclose(t.column("mean_rating"), [38 / 9, 17 / 6, GLOBAL_MEAN])


def test_user_features_by_hand():
    u = user_features(RATINGS, MOVIES, strength=0.0)
    assert u.names == (
        "log_n_ratings",
        "mean_rating",
        "avg=A",
        "avg=B",
        "avg=C",
        "share=A",
        "share=B",
        "share=C",
    )
    np.testing.assert_array_equal(u.ids, [1, 2])
    # user 1: 2 ratings, mean 3; A: movie 10 only -> 4; B: movies 10, 20 -> (4 + 2) / 2 = 3;
    #   C: none -> falls back to the user's mean 3. Shares: A 1/2, B 2/2, C 0.
    # user 2: 1 rating, mean 5; A: 5, B: 5, C: fallback 5; shares 1, 1, 0.
    np.testing.assert_allclose(
        u.X,
        [
            [np.log(3), 3.0, 4.0, 3.0, 3.0, 0.5, 1.0, 0.0],
            [np.log(2), 5.0, 5.0, 5.0, 5.0, 1.0, 1.0, 0.0],
        ],
    )


def test_user_genre_average_is_shrunk_towards_the_users_mean():
    u = user_features(RATINGS, MOVIES, strength=1.0)
    # user 1 (mean 3): A (4 + 3) / 2 = 3.5, B (6 + 3) / 3 = 3, C (0 + 3) / 1 = 3
    np.testing.assert_allclose(u.X[0, 2:5], [3.5, 3.0, 3.0])


def test_user_rows_follow_users_and_a_user_without_ratings_gets_the_global_mean():
    u = user_features(RATINGS, MOVIES, users=[2, 1, 9], strength=2.0)
    np.testing.assert_array_equal(u.ids, [2, 1, 9])
    np.testing.assert_allclose(u.column("mean_rating"), [5.0, 3.0, GLOBAL_MEAN])
    np.testing.assert_allclose(u.X[2, 2:5], GLOBAL_MEAN)  # (0 + 2 * mean) / (0 + 2)
    np.testing.assert_allclose(u.X[2, [0, 5, 6, 7]], 0.0)


def test_features_use_only_the_ratings_given():
    # Held-out ratings must not leak in: a new rating of movie 20 changes movie 20's features
    # (and the global mean, hence the unrated movie 30's mean) and nothing else of movie 10.
    more = pd.concat([RATINGS, pd.DataFrame({"userId": [2], "movieId": [20], "rating": [0.5]})])
    before, after = (
        item_features(MOVIES, RATINGS, strength=0.0),
        item_features(MOVIES, more, strength=0.0),
    )
    np.testing.assert_array_equal(before.X[0], after.X[0])
    assert after.column("mean_rating")[1] == pytest.approx(1.25)  # (2 + 0.5) / 2


def test_standardizer():
    X = np.array([[1.0, 7.0, 0.0], [3.0, 7.0, 4.0], [5.0, 7.0, 8.0]])
    s = fit_standardizer(X)
    # means 3, 7, 4; population std sqrt(8/3), 0 -> 1, sqrt(32/3)
    np.testing.assert_allclose(s.mean, [3, 7, 4])
    np.testing.assert_allclose(s.std, [np.sqrt(8 / 3), 1.0, np.sqrt(32 / 3)])
    Z = s.transform(X)
    assert Z.dtype == np.float32
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(Z[:, 1], 0)
    np.testing.assert_allclose(s.inverse_transform(Z), X, atol=1e-5)  # float32 round trip


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: parse_year("Toy Story (1995)"), TypeError, "sequence"),
        (lambda: parse_year([1995]), TypeError, r"titles\[0\]"),
        (lambda: genre_matrix("A|B"), TypeError, "one genre string per movie"),
        (lambda: genre_matrix(["A"], names=["A", "A"]), ValueError, "more than once"),
        (lambda: genre_matrix([]), ValueError, "empty"),
        (lambda: genre_matrix(["A", None]), TypeError, r"genres\[1\]"),
        (lambda: item_features(MOVIES, RATINGS, strength=-1), ValueError, "strength"),
        (lambda: user_features(RATINGS, MOVIES, strength=np.nan), ValueError, "strength"),
        (lambda: item_features(MOVIES.drop(columns="movieId"), RATINGS), TypeError, "movies"),
        (
            lambda: item_features(MOVIES, RATINGS.assign(rating=[4.0, 2.0, 7.0])),
            ValueError,
            "outside the scale",
        ),
        (
            lambda: item_features(MOVIES, RATINGS.assign(movieId=[10, 20, 99])),
            ValueError,
            "not in movies",
        ),
        (lambda: fit_standardizer([[1.0, np.nan]]), ValueError, "NaN"),
        (
            lambda: fit_standardizer(np.ones((3, 2))).transform(np.ones((3, 3))),
            ValueError,
            "3 columns",
        ),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_column_names_a_missing_feature():
    with pytest.raises(KeyError, match="no feature 'age'"):
        user_features(RATINGS, MOVIES).column("age")


@pytest.mark.movielens
def test_real_movielens(real_movielens_dir, monkeypatch):
    monkeypatch.setenv("RECSYS_DATA", str(real_movielens_dir))
    ml = load_movielens(download=False)
    years = parse_year(list(ml.movies["title"]))
    assert np.isnan(years).sum() == 12 and np.nanmin(years) == 1902 and np.nanmax(years) == 2018
    items = item_features(ml.movies, ml.ratings)
    users = user_features(ml.ratings, ml.movies)
    assert items.X.shape == (9_742, 23)  # year, count, mean + 20 genres
    assert users.X.shape == (610, 42)  # count, mean + 20 averages + 20 shares
    assert np.isfinite(items.X).all() and np.isfinite(users.X).all()
    assert (items.X[:, 3:].sum(axis=1) >= 1).all(), (
        "every movie has a genre (or '(no genres listed)')"
    )
    # Forrest Gump has the most ratings, 329: log(330)
    assert items.column("log_n_ratings").max() == pytest.approx(np.log(330))
    np.testing.assert_allclose(users.column("mean_rating").min(), 1.275, atol=1e-3)


def test_training_item_features_leave_one_out_by_hand():
    # strength 1: movie 10's training pairs are (user 1, 4.0) and (user 2, 5.0), global mean 11/3.
    # Without the 4: (5 + 11/3) / (1 + 1) = 13/3; without the 5: (4 + 11/3) / 2 = 23/6;
    # count 2 - 1 = 1.
    # Movie 20 without its only rating 2: (0 + 11/3) / (0 + 1) = 11/3, count 0 -- a cold movie.
    items = item_features(MOVIES, RATINGS, strength=1.0)
    idx, y = np.array([0, 1, 0]), RATINGS["rating"].to_numpy()
    X, cold = features.training_item_features(items, idx, y, strength=1.0)
    np.testing.assert_allclose(X[:, 2], [13 / 3, GLOBAL_MEAN, 23 / 6])
    np.testing.assert_allclose(X[:, 1], np.log1p([1, 0, 1]))
    np.testing.assert_array_equal(
        X[:, [0, 3, 4, 5]], items.X[idx][:, [0, 3, 4, 5]]
    )  # year and genres unchanged
    assert not cold.any()
    # The full-data mean of movie 10 is (4 + 5 + 11/3) / 3 = 38/9, which contains both targets.
    assert not np.isclose(X[0, 2], items.column("mean_rating")[0])


def test_training_item_features_masking_makes_pairs_look_like_a_movie_nobody_rated():
    items = item_features(MOVIES, RATINGS)
    y = RATINGS["rating"].to_numpy()
    X, cold = features.training_item_features(
        items, np.array([0, 1, 0]), y, cold_fraction=0.999, seed=0
    )
    assert cold.all()
    # a movie with no rating in item_features: log_n_ratings 0 and the global mean (movie 30's row)
    np.testing.assert_allclose(X[:, 1:3], np.tile(items.X[2, 1:3], (3, 1)))
    many_users = pd.DataFrame(
        {
            "userId": np.arange(1200),
            "movieId": np.tile([10, 20, 10], 400),
            "rating": np.tile(y, 400),
        }
    )  # 1,200 users, one rating each
    items400 = item_features(MOVIES, many_users)
    many = features.training_item_features(
        items400, np.array([0, 1, 0] * 400), np.tile(y, 400), cold_fraction=0.2, seed=1
    )[1]
    assert abs(many.mean() - 0.2) < 0.04  # 1,200 pairs: sd of the share is 0.012
    with pytest.raises(ValueError, match="items was not built from these ratings"):
        features.training_item_features(items, np.array([0, 0, 0]), y)
    with pytest.raises(ValueError, match="cold_fraction"):
        features.training_item_features(items, np.array([0, 1, 0]), y, cold_fraction=1.0)
    with pytest.raises(TypeError, match="FeatureTable"):
        features.training_item_features(items.X, np.array([0, 1, 0]), y)
