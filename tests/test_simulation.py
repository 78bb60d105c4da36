"""Tests for recsys_utils.simulation: the toy world of notebook 10 (ethics)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from recsys_utils import simulated_catalogue, simulation, slates
from recsys_utils.simulation import (
    Catalogue,
    gini,
    make_catalogue,
    rerank_with_cap,
    simulate_feedback_loop,
    slate_metrics,
    top_k_per_user,
)


@pytest.mark.parametrize("module", [simulation, simulated_catalogue, slates])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0


def test_moved_names_are_the_same_objects_in_simulation():
    # The checks stub rerank_with_cap by identity in every recsys_utils module, so the
    # re-export must be the very same function, not a wrapper.
    for module in (simulated_catalogue, slates):
        for name in module.__all__:
            assert getattr(simulation, name) is getattr(module, name), name
            assert name in simulation.__all__, name


@pytest.fixture(scope="module")
def cat():
    return make_catalogue(n_users=40, n_items=200, seed=3)


# ---------------------------------------------------------------- make_catalogue


def test_catalogue_shapes_and_invariants(cat):
    assert cat.value.shape == cat.engagement.shape == (40, 200)
    assert cat.bait.shape == cat.harmful.shape == cat.flagged.shape == (200,)
    assert cat.harmful.sum() == 10  # round(0.05 * 200)
    assert ((cat.engagement > 0) & (cat.engagement < 1)).all() and (cat.bait >= 0).all()


def test_catalogue_is_seeded():
    a, b = (
        make_catalogue(n_users=5, n_items=30, seed=1),
        make_catalogue(n_users=5, n_items=30, seed=1),
    )
    for name in Catalogue.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    c = make_catalogue(n_users=5, n_items=30, seed=2)
    assert not np.array_equal(a.value, c.value)


def test_catalogue_engagement_and_value_differ_only_by_bait_and_harm():
    # value = m - harm h and logit(engagement) = m + bait_pull * bait - 1, so
    # logit(engagement) - value = bait_pull * bait + harm * h - 1 is the same for every user.
    c = make_catalogue(n_users=6, n_items=50, bait_pull=2.0, harm=3.0, seed=0)
    logit = np.log(c.engagement / (1 - c.engagement))
    expected = 2.0 * c.bait + 3.0 * c.harmful - 1.0
    np.testing.assert_allclose(logit - c.value, np.broadcast_to(expected, c.value.shape), atol=1e-9)


def test_flags_follow_recall_and_false_positive_rate():
    c = make_catalogue(
        n_users=2,
        n_items=1000,
        harmful_share=0.2,
        flag_recall=1.0,
        flag_false_positive_rate=0.0,
        seed=0,
    )
    np.testing.assert_array_equal(c.flagged, c.harmful)  # a perfect classifier
    c = make_catalogue(
        n_users=2,
        n_items=1000,
        harmful_share=0.2,
        flag_recall=0.0,
        flag_false_positive_rate=0.0,
        seed=0,
    )
    assert not c.flagged.any()


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n_items=0), ValueError, "n_items must be a positive integer, got 0"),
        (
            dict(harmful_share=1.5),
            ValueError,
            r"harmful_share must be a number in \[0, 1\], got 1.5",
        ),
        (dict(harm=-1.0), ValueError, "harm must be a number >= 0, got -1.0"),
        (
            dict(flag_recall=True),
            TypeError,
            r"flag_recall must be a number in \[0, 1\], got bool True",
        ),
        (dict(seed=-1), ValueError, "seed must be an integer in"),
        (dict(seed=None), TypeError, "seed must be an integer in .*, got NoneType None"),
        (dict(seed=True), TypeError, "seed must be an integer in .*, got bool True"),
    ],
)
def test_catalogue_refuses_bad_settings(kwargs, error, match):
    # seed=None drew an unseeded (irreproducible) catalogue and seed=True was seed 1, silently
    with pytest.raises(error, match=match):
        make_catalogue(**kwargs)


def test_numpy_scalar_settings_are_numbers():
    a = make_catalogue(
        n_users=np.int64(5), n_items=20, harmful_share=np.float32(0.25), seed=np.int64(3)
    )
    b = make_catalogue(n_users=5, n_items=20, harmful_share=float(np.float32(0.25)), seed=3)
    np.testing.assert_array_equal(a.value, b.value)
    h = simulate_feedback_loop(
        a, n_rounds=2, k=np.int64(3), exploration=np.float32(0.5), seed=np.int64(1)
    )
    assert h.engagement.shape == (2,)
    with pytest.raises(TypeError, match="seed must be an integer"):
        simulate_feedback_loop(a, n_rounds=2, k=3, seed=None)


# ---------------------------------------------------------------- top_k_per_user


def test_top_k_by_hand_with_ties_and_exclude():
    S = [[0.1, 0.9, 0.5, 0.9], [3.0, 1.0, 3.0, 2.0]]
    np.testing.assert_array_equal(top_k_per_user(S, 2), [[1, 3], [0, 2]])  # ties: lower index first
    np.testing.assert_array_equal(
        top_k_per_user(S, 2, exclude=[False, True, False, False]), [[3, 2], [0, 2]]
    )
    per_user = [[True, False, False, False], [False, False, False, False]]
    np.testing.assert_array_equal(top_k_per_user(S, 1, exclude=per_user), [[1], [0]])


def test_top_k_agrees_with_a_full_sort():
    S = np.random.default_rng(0).normal(size=(7, 30))
    top = top_k_per_user(S, 5)
    np.testing.assert_array_equal(top, np.argsort(-S, axis=1)[:, :5])


@pytest.mark.parametrize("seed", [0, 1])
def test_top_k_with_many_ties_and_exclude_is_a_stable_full_sort(seed):
    # Integer scores 0..4 over 40 items tie a lot; a stable sort of -score keeps ties in
    # index order, and excluded items go last (key +inf).
    rng = np.random.default_rng(seed)
    S = rng.integers(0, 5, size=(6, 40)).astype(float)
    for exclude in (rng.random(40) < 0.3, rng.random((6, 40)) < 0.3):
        mask = np.broadcast_to(exclude, S.shape)
        expected = np.argsort(np.where(mask, np.inf, -S), axis=1, kind="stable")[:, :7]
        got = top_k_per_user(S, 7, exclude=exclude)
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, expected)


def test_top_k_refuses_bad_input():
    with pytest.raises(ValueError, match="k must"):
        top_k_per_user(np.ones((2, 3)), 0)
    with pytest.raises(ValueError, match="only 3 candidate item"):
        top_k_per_user(np.ones((2, 3)), 4)
    with pytest.raises(ValueError, match=r"exclude has shape \(2,\) but must be"):
        top_k_per_user(np.ones((2, 3)), 1, exclude=[True, False])
    with pytest.raises(ValueError, match=r"only 1 candidate item\(s\) \(3 items, 2 excluded\)"):
        top_k_per_user(np.ones((2, 3)), 2, exclude=[True, True, False])
    with pytest.raises(ValueError, match="NaN"):
        top_k_per_user([[np.nan, 1.0]], 1)


# ---------------------------------------------------------------- rerank_with_cap


def test_cap_by_hand():
    flagged = [False, True, True, False, False]
    ranked = [[1, 2, 0, 3, 4], [0, 3, 1, 2, 4]]
    # k = 3, cap floor(0.34 * 3) = 1: user 0 keeps 1 (flagged), skips 2, then 0 and 3;
    # user 1 has no flagged item in its top 3 and is unchanged.
    np.testing.assert_array_equal(rerank_with_cap(ranked, flagged, 3, 0.34), [[1, 0, 3], [0, 3, 1]])
    np.testing.assert_array_equal(rerank_with_cap(ranked, flagged, 3, 0.0), [[0, 3, 4], [0, 3, 4]])
    np.testing.assert_array_equal(rerank_with_cap(ranked, flagged, 3, 1.0), [[1, 2, 0], [0, 3, 1]])
    # floor(0.7 * 3) = 2 flagged at most (0.7 * 3 = 2.0999...)
    np.testing.assert_array_equal(rerank_with_cap(ranked, flagged, 3, 0.7), [[1, 2, 0], [0, 3, 1]])


def test_cap_holds_and_keeps_order_on_random_rankings():
    rng = np.random.default_rng(1)
    flagged = rng.random(50) < 0.3
    ranked = np.argsort(rng.random((20, 50)), axis=1)
    out = rerank_with_cap(ranked, flagged, 10, 0.2)
    assert (flagged[out].sum(axis=1) <= 2).all()
    for row, kept in zip(ranked, out, strict=False):
        pos = [int(np.flatnonzero(row == i)[0]) for i in kept]
        assert pos == sorted(pos), "kept items must stay in ranked order"
        # Every unflagged item ranked above the last kept one is kept.
        assert set(row[: pos[-1] + 1][~flagged[row[: pos[-1] + 1]]]) <= set(kept)


def test_cap_refuses_bad_input():
    with pytest.raises(TypeError, match="2-D integer"):
        rerank_with_cap([1, 2, 3], [False] * 4, 2, 0.5)
    with pytest.raises(ValueError, match="max_share"):
        rerank_with_cap([[0, 1]], [False, False], 1, 1.5)
    with pytest.raises(ValueError, match="only 1 candidates"):
        rerank_with_cap([[0, 1]], [False, True], 2, 0.0)


# ---------------------------------------------------------------- gini and metrics


def test_gini_by_hand():
    assert gini([1, 1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)  # (n - 1) / n
    # [1, 2, 3]: 2 (1 + 4 + 9) / (3 x 6) - 4/3 = 28/18 - 24/18 = 2/9.
    assert gini([3, 1, 2]) == pytest.approx(2 / 9)
    assert gini([0, 0]) == 0.0
    with pytest.raises(ValueError, match="non-negative"):
        gini([1, -1])


def test_gini_matches_the_mean_absolute_difference_formula():
    x = np.random.default_rng(0).exponential(size=40)
    mad = np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())
    assert gini(x) == pytest.approx(mad)


def test_slate_metrics_by_hand():
    c = Catalogue(
        value=np.array([[1.0, -2.0, 3.0], [0.0, 4.0, -1.0]]),
        engagement=np.array([[0.1, 0.9, 0.5], [0.2, 0.6, 0.4]]),
        bait=np.zeros(3),
        harmful=np.array([False, True, False]),
        flagged=np.zeros(3, bool),
    )
    m = slate_metrics(c, np.array([[1, 2], [1, 1]]))
    # slots: (u0, 1), (u0, 2), (u1, 1), (u1, 1): engagement (0.9 + 0.5 + 0.6 + 0.6) / 4 = 0.65,
    # value (-2 + 3 + 4 + 4) / 4 = 2.25, harmful 3/4, items shown {1, 2} of 3, exposure [0, 3, 1].
    assert m.engagement == pytest.approx(0.65) and m.welfare == pytest.approx(2.25)
    assert m.harmful_share == pytest.approx(0.75) and m.coverage == pytest.approx(2 / 3)
    assert m.gini == pytest.approx(gini([0, 3, 1]))
    with pytest.raises(ValueError, match="shown must be"):
        slate_metrics(c, np.array([[1, 2]]))


def test_ranking_by_value_beats_engagement_on_welfare(cat):
    logit = np.log(cat.engagement / (1 - cat.engagement))
    by_engagement = slate_metrics(cat, top_k_per_user(logit, 10))
    by_value = slate_metrics(cat, top_k_per_user(cat.value, 10))
    assert by_engagement.engagement > by_value.engagement
    assert by_value.welfare > by_engagement.welfare
    assert by_value.harmful_share <= by_engagement.harmful_share


# ---------------------------------------------------------------- feedback loop


def test_feedback_loop_without_exploration_locks_in(cat):
    h = simulate_feedback_loop(cat, 6, 5, seed=0)
    assert all(len(a) == 6 for a in h)
    # After round 0 everyone sees the same 5 items: coverage stops growing, Gini rises.
    assert h.coverage[-1] == h.coverage[0]
    assert np.all(np.diff(h.gini) > 0)


def test_feedback_loop_exploration_lowers_gini_and_is_seeded(cat):
    greedy = simulate_feedback_loop(cat, 10, 5, exploration=0.0, seed=1)
    explore = simulate_feedback_loop(cat, 10, 5, exploration=0.5, seed=1)
    assert explore.gini[-1] < greedy.gini[-1]
    again = simulate_feedback_loop(cat, 10, 5, exploration=0.5, seed=1)
    for a, b in zip(explore, again, strict=False):
        np.testing.assert_array_equal(a, b)


def test_feedback_loop_never_shows_excluded_items(cat):
    h = simulate_feedback_loop(cat, 5, 5, exploration=0.5, score="ctr", exclude=cat.harmful, seed=0)
    assert (h.harmful_share == 0).all()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(score="clicks"), "score"),
        (dict(exploration=2), "exploration"),
        (dict(k=200), "smaller than"),
        (dict(prior_strength=0), "prior_strength"),
        (dict(exclude=np.ones(200, bool)), "left after exclude"),
        (dict(exclude=[True]), "exclude must"),
    ],
)
def test_feedback_loop_refuses_bad_settings(cat, kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate_feedback_loop(cat, 2, **{"k": 5, **kwargs})
