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


@pytest.mark.parametrize("call,match", [
    (lambda: rmse([1, 2], [1]), r"y_true has shape \(2,\) but y_pred has shape \(1,\)"),
    (lambda: rmse([], []), "empty"),
    (lambda: rmse([1, np.nan], [1, 2]), "NaN"),
    (lambda: log_loss([0, 2], [0.5, 0.5]), "binary labels"),
    (lambda: log_loss([0, 1], [0.5, 1.5]), "probabilities"),
    (lambda: roc_auc([1, 1], [0.2, 0.3]), "both classes"),
    (lambda: precision_at_k({}, {1: [2]}, k=0), "k must be a positive integer"),
    (lambda: precision_at_k({}, {1: []}, k=5), "no user has any relevant item"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
