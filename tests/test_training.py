"""Tests for recsys_utils.training.

The corrected lecture loop, Eve, determinism, dense == observed."""

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from recsys_utils.cofi_cost import cofi_cost  # noqa: E402
from recsys_utils.cofi_cost_tf import observed_from_matrices  # noqa: E402
from recsys_utils.normalization import normalize_ratings  # noqa: E402
from recsys_utils.toy import load_toy_binary, load_toy_mean_normalization  # noqa: E402
from recsys_utils.training import init_params, train_cofi, train_cofi_observed  # noqa: E402


@pytest.fixture(scope="module")
def eve_model():
    toy = load_toy_mean_normalization()
    Ynorm, mu = normalize_ratings(toy.Y, toy.R)
    model = train_cofi(
        Ynorm, toy.R, n_features=3, lambda_=1.0, learning_rate=0.1, iterations=200, seed=1234
    )
    return toy, Ynorm, mu, model


def test_cost_falls_and_history_is_the_cost_at_each_step(eve_model):
    toy, Ynorm, _, model = eve_model
    assert model.history.shape == (200,)
    assert model.history[-1] < 0.5 * model.history[0]
    X0, W0, b0 = init_params(5, 5, 3, seed=1234)
    # the first history entry is the cost of the seeded initial parameters
    assert model.history[0] == pytest.approx(cofi_cost(X0, W0, b0, Ynorm, toy.R, 1.0), rel=1e-12)


def test_eve_keeps_b_zero_and_is_predicted_mu(eve_model):
    _, _, mu, model = eve_model
    # Eve has no ratings: dJ/db(5) = 0 at every step, so b(5) stays exactly 0 ...
    assert model.b[0, 4] == 0.0
    # ... and only the regulariser acts on w(5), shrinking it towards 0, so her predictions
    # approach mu = [2.5, 2.5, 2, 2.25, 1.25] (tolerance: what Adam leaves of w after 200 steps).
    eve = model.predict()[:, 4] + mu[:, 0]
    np.testing.assert_allclose(eve, [2.5, 2.5, 2.0, 2.25, 1.25], atol=0.05)
    assert eve[0] == pytest.approx(2.5, abs=0.05)


def test_fit_on_rated_entries(eve_model):
    toy, Ynorm, mu, model = eve_model
    err = (model.predict() - Ynorm) * toy.R
    rmse = np.sqrt((err**2).sum() / toy.R.sum())
    assert rmse < 0.8  # lambda = 1 on a 5 x 4 table leaves some error; measured about 0.5


def test_reruns_repeat_exactly():
    toy = load_toy_mean_normalization()
    Ynorm, _ = normalize_ratings(toy.Y, toy.R)
    a = train_cofi(Ynorm, toy.R, n_features=2, iterations=30, seed=7)
    b = train_cofi(Ynorm, toy.R, n_features=2, iterations=30, seed=7)
    c = train_cofi(Ynorm, toy.R, n_features=2, iterations=30, seed=8)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.history, b.history)
    assert not np.array_equal(a.X, c.X)


def test_observed_path_follows_the_dense_path():
    rng = np.random.default_rng(0)
    R = (rng.random((30, 20)) < 0.3).astype(float)
    Y = rng.uniform(-2, 2, size=R.shape) * R
    dense = train_cofi(Y, R, n_features=4, lambda_=0.5, iterations=50, seed=3)
    i, u, y = observed_from_matrices(Y, R)
    obs = train_cofi_observed(i, u, y, 30, 20, n_features=4, lambda_=0.5, iterations=50, seed=3)
    np.testing.assert_allclose(obs.history, dense.history, rtol=1e-9)
    np.testing.assert_allclose(obs.X, dense.X, atol=1e-8)
    np.testing.assert_allclose(obs.predict(), dense.predict(), atol=1e-8)
    np.testing.assert_allclose(obs.predict_pairs(i, u), dense.predict()[i, u], atol=1e-12)


def test_item_bias_learns_movie_offsets():
    # two movies everybody rates +1 and -1 (normalized): the movie bias picks that up
    n_movies, n_users = 2, 6
    i = np.repeat(np.arange(n_movies), n_users)
    u = np.tile(np.arange(n_users), n_movies)
    y = np.where(i == 0, 1.0, -1.0)
    m = train_cofi_observed(
        i,
        u,
        y,
        n_movies,
        n_users,
        n_features=1,
        lambda_=10.0,
        iterations=300,
        item_bias=True,
        seed=0,
    )
    np.testing.assert_allclose(m.c[:, 0], [1.0, -1.0], atol=0.05)


def test_binary_loss_training_on_the_toy_labels():
    toy = load_toy_binary()
    m = train_cofi(toy.Y, toy.R, n_features=2, lambda_=0.1, iterations=300, loss="binary", seed=0)
    prob = 1 / (1 + np.exp(-m.predict()))
    rated = toy.R == 1
    assert ((prob[rated] > 0.5) == (toy.Y[rated] == 1)).all()


def test_callback_and_progress(capsys):
    toy = load_toy_binary()
    seen = []
    train_cofi(
        toy.Y,
        toy.R,
        n_features=2,
        iterations=25,
        callback=lambda it, cost, m: seen.append((it, m.X.shape)),
        callback_every=10,
    )
    assert seen == [(10, (5, 2)), (20, (5, 2)), (25, (5, 2))]


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"loss": "hinge"}, "loss must be"),
        ({"iterations": 0}, "iterations must be a positive integer"),
        ({"learning_rate": -1.0}, "learning_rate must be"),
        ({"n_features": 0}, "n_features must be a positive integer"),
        ({"lambda_": -0.1}, "lambda_ must be"),
    ],
)
def test_bad_settings(kwargs, match):
    toy = load_toy_binary()
    with pytest.raises(ValueError, match=match):
        train_cofi(toy.Y, toy.R, **kwargs)


def test_divergence_is_reported():
    toy = load_toy_mean_normalization()
    with pytest.raises(FloatingPointError, match="learning rate"):
        train_cofi(toy.Y * 1e150, toy.R, n_features=2, iterations=50, learning_rate=1e3)


def test_binary_loss_refuses_ratings_as_labels():
    # train_cofi(loss="binary") trained on 0-5 ratings (cost 11 -> -195,155) without a word.
    toy = load_toy_mean_normalization()
    with pytest.raises(ValueError, match=r"Y must hold binary labels 0 or 1 where R == 1 .* got 5"):
        train_cofi(toy.Y, toy.R, loss="binary", iterations=2)
    i, u, y = observed_from_matrices(toy.Y, toy.R)
    with pytest.raises(
        ValueError, match="y must hold binary labels 0 or 1 for the binary loss, got 5"
    ):
        train_cofi_observed(i, u, y, *toy.Y.shape, loss="binary", iterations=2)


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"dtype": "float16x"}, ValueError, "dtype must be 'float32' or 'float64', got 'float16x'"),
        ({"dtype": "int32"}, ValueError, "dtype must be 'float32' or 'float64'"),
        ({"dtype": None}, TypeError, "dtype must be 'float32' or 'float64', got NoneType"),
        ({"callback_every": 0}, ValueError, "callback_every must be a positive integer, got 0"),
        (
            {"callback_every": 2.5},
            TypeError,
            "callback_every must be a positive integer, got float",
        ),
        ({"seed": -1}, ValueError, r"seed must be an integer in \[0, 4294967295\], got -1"),
        ({"seed": 1.5}, TypeError, "seed must be an integer"),
        ({"seed": True}, TypeError, "seed must be an integer"),
        ({"init_std": "0.1"}, TypeError, "init_std must be a number >= 0, got str"),
        ({"init_std": -0.1}, ValueError, "init_std must be a number >= 0, got -0.1"),
        ({"learning_rate": 0}, ValueError, "learning_rate must be a number > 0, got 0"),
        ({"iterations": 2.0}, TypeError, "iterations must be a positive integer, got float 2.0"),
        ({"lambda_": np.nan}, ValueError, "lambda_ must be a number >= 0, got nan"),
    ],
)
def test_settings_follow_the_one_rule(kwargs, error, match):
    toy = load_toy_binary()
    with pytest.raises(error, match=match):
        train_cofi(toy.Y, toy.R, **{"iterations": 2, **kwargs})


def test_numpy_scalar_settings_are_numbers():
    # np.float32(0.1) was refused: "learning_rate must be a number > 0, got np.float32(0.1)".
    toy = load_toy_binary()
    a = train_cofi(
        toy.Y,
        toy.R,
        n_features=np.int64(2),
        learning_rate=np.float32(0.1),
        lambda_=np.float64(1.0),
        iterations=np.int64(3),
        seed=np.int64(7),
        dtype=np.float64,
    )
    b = train_cofi(
        toy.Y,
        toy.R,
        n_features=2,
        learning_rate=float(np.float32(0.1)),
        lambda_=1.0,
        iterations=3,
        seed=7,
    )
    np.testing.assert_array_equal(a.history, b.history)


def test_a_non_finite_starting_cost_is_not_blamed_on_the_learning_rate():
    toy = load_toy_mean_normalization()
    with pytest.raises(
        FloatingPointError,
        match=r"at the starting parameters, before any step .* "
        r"init_std \(here 1e\+200\)",
    ) as info:
        train_cofi(toy.Y, toy.R, init_std=1e200, iterations=2)
    assert "too large" not in str(info.value)


def test_predict_pairs_refuses_indices_outside_the_model():
    # Index -1 wrapped round to the last movie (NumPy indexing) without a word.
    X, W, b = init_params(5, 4, 2)
    model = train_cofi(np.zeros((5, 4)), np.ones((5, 4)), n_features=2, iterations=1)
    np.testing.assert_allclose(model.predict_pairs([4, 0], [3, 1]), model.predict()[[4, 0], [3, 1]])
    for items, users, error, match in [
        ([-1], [0], ValueError, r"item_idx must lie in \[0, 5\) \(the rows of X\), got -1"),
        ([0], [4], ValueError, r"user_idx must lie in \[0, 4\) \(the rows of W\), got 4"),
        ([0.0], [0], TypeError, "item_idx must hold integer indices into the rows of X"),
        ([0, 1], [0], ValueError, "one \\(movie, user\\) pair per entry"),
    ]:
        with pytest.raises(error, match=match):
            model.predict_pairs(items, users)


def test_observed_training_refuses_a_rating_listed_twice():
    toy = load_toy_mean_normalization()
    i, u, y = observed_from_matrices(toy.Y, toy.R)
    with pytest.raises(
        ValueError, match=r"got 1 duplicated pair\(s\), the first \(movie 0, user 0\)"
    ):
        train_cofi_observed(np.r_[i, 0], np.r_[u, 0], np.r_[y, 5.0], *toy.Y.shape, iterations=2)
