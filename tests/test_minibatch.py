"""recsys_utils.minibatch: the batch cost (loop == vectorized == TensorFlow, batches average to J),
mini-batch training reaching the planted noise floor, pipelines, determinism, and the XLA option
of train_cofi_observed."""

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from recsys_utils.cofi_cost_tf import cofi_cost_observed  # noqa: E402
from recsys_utils.minibatch import (  # noqa: E402
    PeakMemory,
    _batch_cost_tf,
    batch_cost,
    batch_cost_loop,
    rmse_pairs,
    train_minibatch,
)
from recsys_utils.synthetic import synthetic_ratings, train_test_indices  # noqa: E402
from recsys_utils.training import train_cofi_observed  # noqa: E402


def _params(seed=0, n_movies=7, n_users=5, n=3):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(n_movies, n)),
        rng.normal(size=(n_users, n)),
        rng.normal(size=(1, n_users)),
        rng.normal(size=(n_movies, 1)),
    )


def _ratings(seed=1, n=20, n_movies=7, n_users=5):
    rng = np.random.default_rng(seed)
    cells = rng.choice(n_movies * n_users, n, replace=False)  # each (movie, user) pair once
    return cells // n_users, cells % n_users, rng.uniform(0.5, 5, n)


def test_hand_worked_batch_cost():
    # x = [1], w = [2], b = c = 0: predictions 2 and 0 against y = 1 and 1 -> errors 1 and -1.
    # Full batch (N = B = 2): 1/2 (1 + 1) = 1; lambda = 1 adds 1/2 (2^2 + 1^2 + 0^2) = 2.5 -> 3.5.
    X, W, b, c = np.array([[1.0], [0.0]]), np.array([[2.0]]), np.zeros((1, 1)), np.zeros((2, 1))
    assert batch_cost(X, W, b, c, [0, 1], [0, 0], [1.0, 1.0], 1.0, 2) == pytest.approx(3.5)
    # One rating of the two (B = 1, N = 2): its error counts twice, 2 * 1/2 * 1 = 1, plus 2.5.
    assert batch_cost(X, W, b, c, [0], [0], [1.0], 1.0, 2) == pytest.approx(3.5)


def test_loop_vectorized_and_tensorflow_agree():
    import tensorflow as tf

    X, W, b, c = _params()
    i, u, y = _ratings()
    ref = batch_cost_loop(X, W, b, c, i, u, y, 0.7, 100)
    assert batch_cost(X, W, b, c, i, u, y, 0.7, 100) == pytest.approx(ref, rel=1e-12)
    params = [tf.constant(p) for p in (X, W, b, c)]
    got = _batch_cost_tf(
        params,
        tf.constant(i, tf.int32),
        tf.constant(u, tf.int32),
        tf.constant(y),
        0.7,
        0.0,
        100 / len(y),
    )
    assert float(got) == pytest.approx(ref, rel=1e-12)


def test_batches_of_an_epoch_average_to_the_full_cost():
    X, W, b, _ = _params()
    c = np.zeros(
        (7, 1)
    )  # with c = 0 the model is the lecture's, whose J cofi_cost_observed computes
    i, u, y = _ratings(n=24)
    J = cofi_cost_observed(X, W, b, i, u, y, 0.3)
    perm = np.random.default_rng(5).permutation(24)
    costs = [batch_cost(X, W, b, c, i[k], u[k], y[k], 0.3, 24) for k in np.split(perm, 4)]
    assert np.mean(costs) == pytest.approx(J, rel=1e-12)
    assert batch_cost(X, W, b, c, i, u, y, 0.3, 24) == pytest.approx(J, rel=1e-12)


def test_batch_cost_refuses_bad_input():
    X, W, b, c = _params()
    with pytest.raises(ValueError, match="empty"):
        batch_cost(X, W, b, c, np.array([], int), np.array([], int), [], 1.0, 10)
    with pytest.raises(ValueError, match="item_idx"):
        batch_cost(X, W, b, c, [9], [0], [1.0], 1.0, 10)
    with pytest.raises(ValueError, match="n_ratings"):
        batch_cost(X, W, b, c, [0], [0], [1.0], 1.0, 0)


@pytest.fixture(scope="module")
def small():
    d = synthetic_ratings(600, 300, 36_000, n_factors=2, noise=0.5, seed=2)
    tr, te = train_test_indices(d.n_ratings, 0.1, seed=0)
    return d, tr, te


def _train(small, **kw):
    d, tr, te = small
    args = dict(
        n_features=4,
        lambda_=5.0,
        learning_rate=0.02,
        epochs=12,
        batch_size=2048,
        seed=1,
        dtype="float64",
        validation=(d.item_idx[te], d.user_idx[te], d.rating[te]),
    )
    return train_minibatch(
        d.item_idx[tr], d.user_idx[tr], d.rating[tr], d.n_movies, d.n_users, **(args | kw)
    )


@pytest.fixture(scope="module")
def trained(small):
    return _train(small)


def test_training_approaches_the_planted_noise_floor(small, trained):
    d, tr, te = small
    floor = d.noise_floor(te)  # ~0.52: sigma 0.5 and half-star rounding
    # The movie-mean-and-user-bias predictor can not explain w.x (sd 0.45), so its RMSE is
    # about sqrt(floor^2 + 0.45^2) = 0.69; the trained model must get most of the way down.
    assert trained.val_rmse.shape == (12,) and trained.epoch_seconds.shape == (12,)
    assert trained.val_rmse[-1] < floor + 0.05, (trained.val_rmse, floor)
    assert trained.val_rmse[-1] < trained.val_rmse[0]
    assert trained.model.history[-1] < trained.model.history[0]
    assert rmse_pairs(trained.model, d.item_idx[te], d.user_idx[te], d.rating[te]) == pytest.approx(
        trained.val_rmse[-1], rel=1e-9
    )
    assert (
        trained.model.c.shape == (d.n_movies, 1) and trained.model.settings["path"] == "minibatch"
    )


def test_reruns_repeat_exactly(small, trained):
    again = _train(small)
    np.testing.assert_array_equal(again.model.X, trained.model.X)
    np.testing.assert_array_equal(again.val_rmse, trained.val_rmse)


def test_tf_data_pipeline_and_xla_train_as_well(small, trained):
    d, _, te = small
    floor = d.noise_floor(te)
    via_data = _train(small, pipeline="tf.data")
    assert via_data.val_rmse[-1] < floor + 0.05
    # Another shuffle order: not the same numbers, the same quality.
    assert via_data.val_rmse[-1] == pytest.approx(trained.val_rmse[-1], abs=0.02)
    xla = _train(small, jit_compile=True, epochs=2)
    np.testing.assert_allclose(xla.val_rmse, trained.val_rmse[:2], rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(pipeline="torch"), ValueError, "pipeline"),
        (dict(batch_size=0), ValueError, "batch_size"),
        (dict(epochs=1.5), ValueError, "epochs"),
        (dict(learning_rate=-1), ValueError, "learning_rate"),
        (dict(lambda_bias=-1.0), ValueError, "lambda_bias"),
        (dict(validation=[1, 2, 3]), TypeError, "validation"),
        (dict(dtype="float16"), ValueError, "dtype"),
    ],
)
def test_bad_settings(kwargs, exc, match):
    i, u, y = _ratings()
    with pytest.raises(exc, match=match):
        train_minibatch(i, u, y, 7, 5, **kwargs)


def test_train_cofi_observed_jit_compile_gives_the_same_model():
    i, u, y = _ratings(n=30)
    plain = train_cofi_observed(i, u, y, 7, 5, n_features=3, iterations=20, seed=3, item_bias=True)
    xla = train_cofi_observed(
        i, u, y, 7, 5, n_features=3, iterations=20, seed=3, item_bias=True, jit_compile=True
    )
    np.testing.assert_allclose(xla.history, plain.history, rtol=1e-9)
    np.testing.assert_allclose(xla.X, plain.X, atol=1e-9)


def test_peak_memory_sees_an_allocation():
    with PeakMemory() as pm:
        a = np.ones(50_000_000 // 8 * 8)  # 400 MB of float64, touched
        a[::512] += 1
    del a
    assert 300 < pm.peak_mb < 1_000
