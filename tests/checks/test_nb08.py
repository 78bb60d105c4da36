"""Notebook 08's checks: genre_average, two_tower and nearest_movies.

The wrong implementations below are written the way a learner would write them (plain NumPy),
not with the checks' own wrong variants, so they test the diagnoses independently.
"""

from functools import partial

import numpy as np
import pytest

from recsys_utils import checks


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


def test_genre_average_accepts_the_reference(passes):
    passes(checks.check_genre_average, genre_avg, "genre_average", n=5)


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
    with np.errstate(all="ignore"), pytest.raises(AssertionError, match=pattern):
        checks.check_genre_average(wrong)


def test_genre_average_message_shows_the_hand_made_numbers():
    # User 1 rated 4, 5, 2, 3, 4.5 (mean 18.5 / 5 = 3.7); Comedy: 4 + 5 + 4.5 = 13.5 over 3 movies.
    # Shrunk with strength 5: (13.5 + 5 x 3.7) / (3 + 5) = 32 / 8 = 4. All 13 ratings add up to
    # 18.5 + 13.5 + 14 = 46, mean 3.53846, so towards it: (13.5 + 5 x 46/13) / 8 = 3.89904.
    with pytest.raises(AssertionError, match=r"(?s)user 1 .*'Comedy', strength=5.*expected: 4\n  got:      3\.89904"):
        checks.check_genre_average(partial(genre_avg, towards="global"))


def test_genre_average_leaves_the_tables_unchanged(passes):
    def sloppy(train, movies, user_id, genre, strength=5.0):
        train["genres"] = train["movieId"].map(movies.set_index("movieId")["genres"])  # in place
        return genre_avg(train, movies, user_id, genre, strength)

    passes(checks.check_genre_average, sloppy, "genre_average", n=5)


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


def test_two_tower_accepts_the_lectures_model_and_the_packages(keras_loaded, passes):
    from recsys_utils.two_tower import build_two_tower

    passes(checks.check_two_tower, two_tower, "two_tower", n=2)
    passes(checks.check_two_tower, lambda nu, ni: build_two_tower(nu, ni).model, "two_tower", n=2)


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
    (two_tower_int_shape, r"raised ValueError: Cannot convert '5' to a shape.*\n.*\n.*\n  Hint: a shape is a tuple"),
])
def test_two_tower_names_the_mistake(keras_loaded, wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
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
def test_nearest_movies_accepts_the_references(reference, passes):
    passes(checks.check_nearest_movies, reference, "nearest_movies", n=3)


@pytest.mark.parametrize("wrong, pattern", [
    (nearest_with_itself, r"movie 0 is in its own list"),
    (nearest_skips_first, r"you returned k - 1 = 9 movies"),
    (nearest_farthest_first, r"farthest first"),
    (nearest_by_dot, r"you ranked by the largest dot product"),
    (nearest_distances, r"return movie indices \(np\.argsort\), not distances"),
    (nearest_unsorted, r"the right movies in the wrong order: nearest first"),
])
def test_nearest_movies_names_the_mistake(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
        checks.check_nearest_movies(wrong)
