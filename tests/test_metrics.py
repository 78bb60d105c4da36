"""Tests for recsys_utils.metrics, with hand-derived values."""

import doctest

import numpy as np
import pytest

from recsys_utils import metrics
from recsys_utils.metrics import log_loss, mae, precision_at_k, recall_at_k, rmse, roc_auc


def test_doctests():
    assert doctest.testmod(metrics).failed == 0


def test_rmse_and_mae():
    # errors 1, -1, 2: squares 1 + 1 + 4 = 6, mean 2, sqrt 2 = 1.414...; |errors| mean 4/3
    assert rmse([3, 4, 1], [4, 3, 3]) == pytest.approx(np.sqrt(2))
    assert mae([3, 4, 1], [4, 3, 3]) == pytest.approx(4 / 3)


def test_log_loss_of_a_coin_is_log_2():
    assert log_loss([0, 1, 1], [0.5, 0.5, 0.5]) == pytest.approx(np.log(2))
    assert np.isfinite(log_loss([1], [0.0]))


def test_auc_against_the_pairwise_definition():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    s = np.round(rng.random(200), 1)  # many ties
    pos, neg = s[y == 1], s[y == 0]
    pairwise = ((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])).mean()
    assert roc_auc(y, s) == pytest.approx(pairwise)


def test_precision_and_recall_at_k():
    rec = {1: [10, 11, 12, 13], 2: [20, 21, 22, 23]}
    rel = {1: [11, 13, 99], 2: [23], 3: [5]}  # user 3 got no recommendations: scores 0
    # user 1: 2 hits in top 4 -> 2/4, recall 2/3; user 2: 1/4, 1/1; user 3: 0, 0
    assert precision_at_k(rec, rel, k=4) == pytest.approx((0.5 + 0.25 + 0) / 3)
    assert recall_at_k(rec, rel, k=4) == pytest.approx((2 / 3 + 1 + 0) / 3)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: rmse([1, 2], [1]), r"y_true has shape \(2,\) but y_pred has shape \(1,\)"),
        (lambda: rmse([], []), "empty"),
        (lambda: rmse([1, np.nan], [1, 2]), "NaN"),
        (lambda: log_loss([0, 2], [0.5, 0.5]), "binary labels"),
        (lambda: log_loss([0, 1], [0.5, 1.5]), "probabilities"),
        (lambda: roc_auc([1, 1], [0.2, 0.3]), "both classes"),
        (lambda: precision_at_k({}, {1: [2]}, k=0), "k must be a positive integer"),
        (lambda: precision_at_k({}, {1: []}, k=5), "no user has any relevant item"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_per_user_at_k_matches_the_means_and_keys_must_match():
    rec = {1: [10, 11, 12, 13], 2: [20, 21, 22, 23]}
    rel = {1: [11, 13, 99], 2: [23], 3: [5], 4: []}  # user 4 has nothing relevant: skipped
    users, p = metrics.at_k_per_user(rec, rel, k=4)
    assert users == [1, 2, 3]
    np.testing.assert_allclose(p, [0.5, 0.25, 0.0])  # 2/4, 1/4, 0/4
    _, r = metrics.at_k_per_user(rec, rel, k=4, metric="recall")
    np.testing.assert_allclose(r, [2 / 3, 1.0, 0.0])
    assert precision_at_k(rec, rel, k=4) == pytest.approx(p.mean())
    # keyed by userId (str) on one side and column index (int) on the other: every score would be 0
    with pytest.raises(
        ValueError, match=r"none of the users in relevant is a key of recommended.*'1' \(str\)"
    ):
        precision_at_k({"1": [11]}, {1: [11]}, k=1)
    with pytest.raises(ValueError, match="none of the users"):
        recall_at_k({0: [11], 1: [13]}, {5: [11], 6: [13]}, k=1)
    with pytest.raises(ValueError, match="metric must be"):
        metrics.at_k_per_user(rec, rel, metric="ndcg")


def test_bootstrap_mean_interval_covers_the_mean_and_is_seeded():
    # 0/1 values with mean 0.3 over 200 users: the standard error is sqrt(0.3 * 0.7 / 200) = 0.0324,
    # so a 95 % interval is about 0.3 +- 1.96 * 0.0324 = [0.236, 0.364].
    v = np.r_[np.ones(60), np.zeros(140)]
    iv = metrics.bootstrap_mean(v, seed=1)
    assert iv.estimate == pytest.approx(0.3)
    assert iv.low == pytest.approx(0.236, abs=0.02) and iv.high == pytest.approx(0.364, abs=0.02)
    assert metrics.bootstrap_mean(v, seed=1) == iv and metrics.bootstrap_mean(v, seed=2) != iv
    assert "0.3000 [" in str(iv)


def test_paired_bootstrap_is_narrower_than_separate_intervals():
    # B = A - 0.01 plus small noise: users vary a lot (sd 0.2) but the difference hardly (sd 0.005).
    rng = np.random.default_rng(0)
    a = rng.random(300) * 0.7
    b = a - 0.01 + rng.normal(0, 0.005, 300)
    d = metrics.paired_bootstrap(a, b, seed=0)
    assert d.estimate == pytest.approx(np.mean(a - b))
    assert 0 < d.low < d.estimate < d.high  # A is better, and the interval says so
    ia, ib = metrics.bootstrap_mean(a), metrics.bootstrap_mean(b)
    assert ia.low < ib.high  # separately the intervals overlap: they could not tell
    assert d.high - d.low < 0.1 * (ia.high - ia.low)
    # swapped: the same interval, mirrored
    r = metrics.paired_bootstrap(b, a, seed=0)
    assert r.estimate == pytest.approx(-d.estimate) and r.low == pytest.approx(-d.high)


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (
            lambda: metrics.paired_bootstrap([1, 2, 3], [1, 2]),
            ValueError,
            r"a has shape \(3,\) but b has shape \(2,\)",
        ),
        (lambda: metrics.bootstrap_mean([1.0]), ValueError, "at least 2"),
        (lambda: metrics.bootstrap_mean([1.0, np.nan]), ValueError, "NaN"),
        (
            lambda: metrics.bootstrap_mean([1.0, 2.0], level=95),
            ValueError,
            "level must be a number in",
        ),
        (lambda: metrics.bootstrap_mean([1.0, 2.0], n_boot=0), ValueError, "n_boot"),
        (
            lambda: metrics.precision_at_k([[1]], {0: [1]}),
            TypeError,
            "recommended must be a mapping",
        ),
    ],
)
def test_bootstrap_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_weighted_bootstrap_is_the_pooled_mean_over_ratings():
    # Per-user MSEs 1 (3 ratings) and 4 (1 rating):
    # pooled MSE over the 4 ratings = (3 + 4) / 4 = 1.75.
    iv = metrics.bootstrap_mean([1.0, 4.0], weights=[3, 1])
    assert iv.estimate == pytest.approx(1.75)
    assert 1.0 <= iv.low <= iv.estimate <= iv.high <= 4.0
    # equal weights are the plain mean, with the same resamples
    assert metrics.bootstrap_mean([1.0, 2.0, 6.0], weights=[2, 2, 2]) == metrics.bootstrap_mean(
        [1.0, 2.0, 6.0]
    )
    d = metrics.paired_bootstrap([2.0, 5.0], [1.0, 4.0], weights=[3, 1])
    assert d == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="weights has shape"):
        metrics.bootstrap_mean([1.0, 2.0], weights=[1.0])
    with pytest.raises(ValueError, match="weights must be >= 0"):
        metrics.bootstrap_mean([1.0, 2.0], weights=[0, 0])
