"""Tests for recsys_utils.engagement: the in-batch softmax loss against its NumPy reference, and
what the logQ correction does to a planted popularity bias."""

import doctest

import numpy as np
import pytest

from recsys_utils import engagement
from recsys_utils.engagement import (
    in_batch_softmax_loss,
    in_batch_softmax_loss_loop,
    item_log_q,
    train_engagement,
)
from recsys_utils.two_tower import build_two_tower


def test_doctests():
    assert doctest.testmod(engagement).failed == 0


def test_loss_by_hand_two_events():
    # vu = vm = I (2 x 2), tau = 1: s = I, each row's softmax of the positive is e / (e + 1),
    # so L = log(1 + e^-1) = 0.31326. With tau = 0.5 the logits double: log(1 + e^-2) = 0.12693.
    I2 = np.eye(2)
    assert in_batch_softmax_loss_loop(I2, I2) == pytest.approx(np.log1p(np.exp(-1)))
    assert float(in_batch_softmax_loss(I2, I2, temperature=0.5)) == pytest.approx(
        np.log1p(np.exp(-2))
    )
    # logQ: subtracting log q_b from column b; q = (1/2, 1/2) shifts every logit equally: no change.
    assert in_batch_softmax_loss_loop(I2, I2, np.log([0.5, 0.5])) == pytest.approx(
        np.log1p(np.exp(-1))
    )
    # q = (e^-1, 1): column 0 gains 1 -> row 0: log(1 + e^(0 - 2)),
    # row 1: log(1 + e^(1 - 1)) = log 2
    want = (np.log1p(np.exp(-2)) + np.log(2)) / 2
    assert in_batch_softmax_loss_loop(I2, I2, [-1.0, 0.0]) == pytest.approx(want)


@pytest.mark.parametrize("seed", range(5))
def test_tensorflow_loss_equals_the_loop(seed):
    rng = np.random.default_rng(seed)
    B, d = 7, 3
    vu, vm = rng.normal(size=(B, d)), rng.normal(size=(B, d))
    log_q = np.log(rng.dirichlet(np.ones(B)))
    ids = rng.integers(0, 4, B)  # repeated movies: accidental hits
    tau = float(rng.uniform(0.05, 2))
    for args in ((None, None), (log_q, None), (None, ids), (log_q, ids)):
        want = in_batch_softmax_loss_loop(vu, vm, args[0], tau, args[1])
        got = float(in_batch_softmax_loss(vu, vm, args[0], tau, args[1]))  # float64 all the way
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12)
    # an accidental hit removes a term from the denominator, so the loss can only fall
    assert (
        in_batch_softmax_loss_loop(vu, vm, None, tau, ids)
        <= in_batch_softmax_loss_loop(vu, vm, None, tau) + 1e-12
    )


def test_item_log_q():
    # counts 3, 1, 0 out of 4 events: log(3/4), log(1/4), log(0.5/4)
    np.testing.assert_allclose(item_log_q(np.array([0, 0, 1, 0]), 3), np.log([0.75, 0.25, 0.125]))


def _planted(seed=0):
    # 20 users in two groups: group A watches only even movies, B only odd ones; within its
    # movies a user picks movie m with probability proportional to 1 / (m + 1) (planted popularity).
    rng = np.random.default_rng(seed)
    n_users, n_items = 20, 40
    pop = 1.0 / (1 + np.arange(n_items))
    liked = [np.arange(0, n_items, 2), np.arange(1, n_items, 2)]
    u = np.repeat(np.arange(n_users), 200)
    i = np.concatenate(
        [
            rng.choice(liked[j % 2], 200, p=pop[liked[j % 2]] / pop[liked[j % 2]].sum())
            for j in range(n_users)
        ]
    )
    return u, i, pop, liked, np.eye(n_users, dtype=np.float32), np.eye(n_items, dtype=np.float32)


def _rank_corr(a, b):
    return np.corrcoef(np.argsort(np.argsort(a)), np.argsort(np.argsort(b)))[0, 1]


def test_logq_correction_recovers_a_planted_popularity_bias():
    # Without the correction a popular movie is a negative in many more batches, so the learned
    # score is about log p(i | j) - log q_i: popularity cancels (rank correlation with it near 0).
    # With it, v_u . v_m ~ log p(i | j) + const: within a user's own movies the scores follow
    # popularity (rank correlation near 1). Both keep the two groups apart.
    u, i, pop, liked, Xu, Xm = _planted()
    corr = {}
    for correct in (True, False):
        tt = build_two_tower(20, 40, layers=(16,), embedding_dim=8, seed=0)
        hist = train_engagement(
            tt,
            Xu,
            Xm,
            u,
            i,
            epochs=10,
            batch_size=64,
            learning_rate=1e-2,
            temperature=0.1,
            log_q_correction=correct,
            seed=0,
        )
        assert hist["loss"][-1] < hist["loss"][0]
        S = tt.user_tower(Xu).numpy() @ tt.item_tower(Xm).numpy().T
        for j in range(20):
            assert np.isin(np.argsort(-S[j])[:10], liked[j % 2]).all(), (
                "the top 10 are the user's group's movies"
            )
        corr[correct] = np.mean(
            [_rank_corr(S[j, liked[j % 2]], pop[liked[j % 2]]) for j in range(20)]
        )
    assert corr[True] > 0.8, corr
    assert corr[False] < 0.5, corr


def test_training_is_deterministic():
    u, i, _, _, Xu, Xm = _planted()
    out = []
    for _ in range(2):
        tt = build_two_tower(20, 40, layers=(8,), embedding_dim=4, seed=3)
        out.append(train_engagement(tt, Xu, Xm, u, i, epochs=1, batch_size=100, seed=1)["loss"])
        out.append(tt.item_tower(Xm).numpy())
    assert out[0] == out[2]
    np.testing.assert_array_equal(out[1], out[3])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: in_batch_softmax_loss_loop(np.ones((2, 3)), np.ones((3, 3))),
            ValueError,
            r"vu has shape \(2, 3\)",
        ),
        (
            lambda: in_batch_softmax_loss_loop(np.ones((2, 3)), np.ones((2, 3)), temperature=0),
            ValueError,
            "temperature",
        ),
        (
            lambda: in_batch_softmax_loss_loop(np.ones((2, 3)), np.ones((2, 3)), log_q=[0.0]),
            ValueError,
            "log_q has 1",
        ),
        (lambda: item_log_q([0, 5], 3), ValueError, "n_items is 3"),
        (lambda: item_log_q([0.5], 3), TypeError, "int array"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_train_bad_input():
    u, i, _, _, Xu, Xm = _planted()
    tt = build_two_tower(20, 40, layers=(4,), embedding_dim=2)
    with pytest.raises(ValueError, match="item_idx holds indices from 0 to 40"):
        train_engagement(tt, Xu, Xm[:40], u, np.r_[i[:-1], 40])
    with pytest.raises(ValueError, match="fewer than one batch"):
        train_engagement(tt, Xu, Xm, u[:10], i[:10], batch_size=64)
    with pytest.raises(TypeError, match="TwoTower"):
        train_engagement(tt.model, Xu, Xm, u, i)
    with pytest.raises(ValueError, match="temperature"):
        train_engagement(tt, Xu, Xm, u, i, temperature=-1.0)
