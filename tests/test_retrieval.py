"""Tests for recsys_utils.retrieval.

Hand-worked answers, loop == vectorized (ties too), exclusion, bad input."""

import doctest

import numpy as np
import pytest

from recsys_utils import retrieval
from recsys_utils.retrieval import related_items, top_k, top_k_loop
from recsys_utils.toy import load_toy_features

# Three items in 2-D and the query q = [1, 0]:
#   dot:         [0, 1]·q = 0,  [2, 0]·q = 2,  [1, 5]·q = 1      -> best first: 1 (2), 2 (1), 0 (0)
#   sqeuclidean: (1 + 1) = 2,   (1 + 0) = 1,   (0 + 25) = 25
#                -> nearest first: 1 (1), 0 (2), 2 (25)
ITEMS = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 5.0]])
Q = np.array([1.0, 0.0])


@pytest.mark.parametrize("fn", [top_k, top_k_loop])
def test_hand_worked_dot_and_distance(fn):
    got = fn(Q, ITEMS, k=3, metric="dot")
    np.testing.assert_array_equal(got.indices, [1, 2, 0])
    np.testing.assert_allclose(got.scores, [2.0, 1.0, 0.0])
    got = fn(Q, ITEMS, k=3, metric="sqeuclidean")
    np.testing.assert_array_equal(got.indices, [1, 0, 2])
    np.testing.assert_allclose(got.scores, [1.0, 2.0, 25.0])


@pytest.mark.parametrize("fn", [top_k, top_k_loop])
def test_ties_go_to_the_smaller_index(fn):
    # Items 0, 2, 3 all score 1 against q = [1, 0]; item 1 scores 3. With k = 3 the tie at
    # the boundary keeps items 0 and 2 (smaller indices) and drops 3.
    items = np.array([[1.0, 0.0], [3.0, 0.0], [1.0, 7.0], [1.0, -2.0]])
    got = fn([1.0, 0.0], items, k=3)
    np.testing.assert_array_equal(got.indices, [1, 0, 2])
    np.testing.assert_allclose(got.scores, [3.0, 1.0, 1.0])


def _integer_problem(seed, n_queries, n_items, n_features):
    # Small integers make many exact ties, and every product and sum is exact in float64,
    # so the loop's direct sums and the vectorized expansion agree to the last bit.
    rng = np.random.default_rng(seed)
    return (
        rng.integers(-2, 3, size=(n_queries, n_features)).astype(float),
        rng.integers(-2, 3, size=(n_items, n_features)).astype(float),
    )


@pytest.mark.parametrize("metric", ["dot", "sqeuclidean"])
@pytest.mark.parametrize("seed", range(6))
def test_loop_equals_vectorized_with_many_ties(metric, seed):
    Q, V = _integer_problem(seed, n_queries=9, n_items=40, n_features=2)
    for k in (1, 5, 40):
        loop, fast = top_k_loop(Q, V, k, metric=metric), top_k(Q, V, k, metric=metric, chunk_size=4)
        np.testing.assert_array_equal(fast.indices, loop.indices)
        np.testing.assert_allclose(fast.scores, loop.scores, atol=1e-12)


@pytest.mark.parametrize("metric", ["dot", "sqeuclidean"])
def test_loop_equals_vectorized_on_random_reals(metric):
    rng = np.random.default_rng(7)
    Q, V = rng.normal(size=(13, 5)), rng.normal(size=(200, 5))
    mask = rng.random((13, 200)) < 0.3
    loop = top_k_loop(Q, V, 10, metric=metric, exclude=mask)
    for chunk in (None, 1, 5):
        fast = top_k(Q, V, 10, metric=metric, exclude=mask, chunk_size=chunk)
        np.testing.assert_array_equal(fast.indices, loop.indices)
        np.testing.assert_allclose(fast.scores, loop.scores, rtol=1e-10, atol=1e-10)


def test_scores_are_sorted_best_first():
    rng = np.random.default_rng(3)
    Q, V = rng.normal(size=(20, 8)), rng.normal(size=(500, 8))
    dot = top_k(Q, V, 15, metric="dot")
    assert np.all(np.diff(dot.scores, axis=1) <= 0)
    dist = top_k(Q, V, 15, metric="sqeuclidean")
    assert np.all(np.diff(dist.scores, axis=1) >= 0)
    # and they are the true scores of the returned items
    np.testing.assert_allclose(dot.scores, np.einsum("qk,qjk->qj", Q, V[dot.indices]))
    np.testing.assert_allclose(dist.scores, ((V[dist.indices] - Q[:, None, :]) ** 2).sum(-1))


def test_mask_and_index_lists_exclude_the_same_items():
    rng = np.random.default_rng(11)
    Q, V = rng.normal(size=(6, 3)), rng.normal(size=(30, 3))
    mask = rng.random((6, 30)) < 0.5
    lists = [np.flatnonzero(row) for row in mask]
    a = top_k(Q, V, 5, exclude=mask)
    b = top_k(Q, V, 5, exclude=lists)
    c = top_k_loop(Q, V, 5, exclude=lists)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.indices, c.indices)
    for q in range(6):
        assert not set(a.indices[q]) & set(lists[q]), f"query {q} got an excluded item"


def test_excluding_the_best_item_promotes_the_next():
    # Hand-worked: dot order for q = [1, 0] is 1, 2, 0; excluding item 1 gives 2, 0.
    np.testing.assert_array_equal(top_k(Q, ITEMS, 2, exclude=[1]).indices, [2, 0])
    np.testing.assert_array_equal(
        top_k(Q, ITEMS, 2, exclude=np.array([False, True, False])).indices, [2, 0]
    )
    # duplicates in an index list count once: 2 candidates remain
    np.testing.assert_array_equal(top_k_loop(Q, ITEMS, 2, exclude=[1, 1]).indices, [2, 0])


def test_already_rated_movies_are_not_recommended_on_the_toy_table():
    # Toy features x (5 movies) and Alice's w = [5, 0]: scores 5 * x1 = 4.5, 5, 4.95, 0.5, 0.
    # Alice rated movies 0, 1, 3, 4 (R[:, 0]); the only candidate is movie 2,
    # "Cute puppies of love".
    from recsys_utils.toy import load_toy_ratings

    X = load_toy_features().X
    R = load_toy_ratings().R
    got = top_k(np.array([[5.0, 0.0]]), X, 1, exclude=(R.T == 1)[:1])
    assert got.indices[0, 0] == 2
    assert got.scores[0, 0] == pytest.approx(4.95)


def test_related_items_excludes_the_item_itself():
    X = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [1.0, 0.05]])
    # distances from item 0: item 1: 0.01 + 0.01 = 0.02, item 2: 1 + 1 = 2, item 3: 0.0025
    got = related_items(X, 0, k=3)
    np.testing.assert_array_equal(got.indices, [3, 1, 2])
    np.testing.assert_allclose(got.scores, [0.0025, 0.02, 2.0])
    both = related_items(X, [0, 2], k=3)
    assert both.indices.shape == (2, 3)
    np.testing.assert_array_equal(both.indices[0], [3, 1, 2])
    assert 2 not in both.indices[1]


def test_related_items_with_duplicates_prefers_the_smaller_index():
    X = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [5.0, 5.0]])
    np.testing.assert_array_equal(related_items(X, 1, k=2).indices, [0, 2])
    np.testing.assert_array_equal(related_items(X, 1, k=2).scores, [0.0, 0.0])


def test_toy_movies_related_to_love_at_last():
    # Toy features: "Love at last" [0.9, 0], "Romance forever" [1.0, 0.01],
    # "Cute puppies" [0.99, 0],
    # "Nonstop car chases" [0.1, 1.0], "Swords vs. karate" [0, 0.9].
    # Squared distances from movie 0: 0.0101, 0.0081, 1.0, 0.81 -> nearest: 2, 1, 4, 3.
    X = load_toy_features().X
    got = related_items(X, 0, k=4)
    np.testing.assert_array_equal(got.indices, [2, 1, 4, 3])


def test_float32_stays_float32_and_agrees():
    rng = np.random.default_rng(5)
    Q, V = rng.normal(size=(4, 6)).astype(np.float32), rng.normal(size=(1000, 6)).astype(np.float32)
    got = top_k(Q, V, 10, metric="sqeuclidean")
    assert got.scores.dtype == np.float32
    ref = top_k(Q.astype(float), V.astype(float), 10, metric="sqeuclidean")
    assert (got.indices == ref.indices).mean() > 0.95  # rounding may swap near-ties


def test_default_chunk_keeps_blocks_small(monkeypatch):
    monkeypatch.setattr(retrieval, "MAX_BLOCK", 50)  # 50 entries over 20 items: 2 queries a chunk
    rng = np.random.default_rng(9)
    Q, V = rng.normal(size=(7, 3)), rng.normal(size=(20, 3))
    np.testing.assert_array_equal(top_k(Q, V, 4).indices, top_k_loop(Q, V, 4).indices)


@pytest.mark.parametrize("fn", [top_k, top_k_loop])
def test_k_larger_than_candidates_is_refused(fn):
    with pytest.raises(
        ValueError, match=r"k=4 but query 0 has only 3 candidate item\(s\) \(3 items, 0 excluded\)"
    ):
        fn(Q, ITEMS, k=4)
    mask = np.array([[False, False, False], [True, True, False]])
    with pytest.raises(ValueError, match=r"k=2 but query 1 has only 1 candidate .*2 excluded"):
        fn(np.stack([Q, Q]), ITEMS, k=2, exclude=mask)
    with pytest.raises(ValueError, match=r"k=3 but query 0 has only 2 candidate"):
        related_items(ITEMS, 0, k=3)


@pytest.mark.parametrize("fn", [top_k, top_k_loop])
def test_bad_input_names_the_argument_and_shapes(fn):
    with pytest.raises(ValueError, match=r"queries has shape \(3,\) and items has shape \(3, 2\)"):
        fn([1.0, 0.0, 0.0], ITEMS, 1)
    with pytest.raises(
        ValueError,
        match=r"exclude has shape \(3, 2\) but must be \(n_queries, n_items\) = \(2, 3\).*R\.T",
    ):
        fn(np.stack([Q, Q]), ITEMS, 1, exclude=np.zeros((3, 2), dtype=bool))
    with pytest.raises(ValueError, match=r"exclude has 1 index lists but there are 2 queries"):
        fn(np.stack([Q, Q]), ITEMS, 1, exclude=[[0]])
    with pytest.raises(ValueError, match=r"exclude\[0\] holds indices from 0 to 3 .* \[0, 3\)"):
        fn(Q, ITEMS, 1, exclude=[0, 3])
    with pytest.raises(TypeError, match=r"exclude\[0\] must be a 1-D list of item indices"):
        fn(np.stack([Q, Q]), ITEMS, 1, exclude=np.zeros((2, 3)))  # float 0/1: pass a bool mask
    with pytest.raises(ValueError, match="metric must be one of"):
        fn(Q, ITEMS, 1, metric="cosine")
    with pytest.raises(ValueError, match="k must be a positive integer"):
        fn(Q, ITEMS, 0)
    with pytest.raises(ValueError, match="items contains 1 NaN"):
        fn(Q, [[0.0, np.nan], [1.0, 1.0]], 1)
    with pytest.raises(ValueError, match="items must be 2-dimensional"):
        fn(Q, [1.0, 2.0], 1)


def test_related_items_bad_index():
    with pytest.raises(ValueError, match=r"i must be an integer in \[0, 2\], got 3"):
        related_items(ITEMS, 3, 1)
    with pytest.raises(ValueError, match=r"i must be an integer in \[0, 2\], got -1"):
        related_items(ITEMS, -1, 1)  # not the last item, as NumPy indexing would have it
    with pytest.raises(
        ValueError, match=r"i must lie in \[0, 3\) \(the rows of X\), got -1 at position 1"
    ):
        related_items(ITEMS, [0, -1], 1)
    with pytest.raises(TypeError, match="i must be an integer in \\[0, 2\\], got float 0.5"):
        related_items(ITEMS, 0.5, 1)
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        top_k(Q, ITEMS, 1, chunk_size=0)


def test_docstring_examples():
    assert doctest.testmod(retrieval).failed == 0


def test_an_integer_0_1_mask_is_refused_not_read_as_index_lists():
    # exclude=np.array([[0, 1, 1], ...]) was read as "exclude items 0 and 1" for every query.
    Q2 = np.stack([Q, Q])
    mask = np.array([[0, 0, 1], [1, 0, 0]])
    for fn in (top_k, top_k_loop):
        with pytest.raises(
            TypeError,
            match=r"got an integer array of 0s and 1s of shape \(2, 3\); "
            "pass exclude == 1",
        ):
            fn(Q2, ITEMS, 1, exclude=mask)
        np.testing.assert_array_equal(
            fn(Q2, ITEMS, 2, exclude=mask == 1).indices,
            fn(Q2, ITEMS, 2, exclude=[[2], [0]]).indices,
        )


@pytest.mark.parametrize(
    "dtype,offset",
    [(np.float32, 100.0), (np.float32, 1000.0), (np.float64, 1e6), (np.float64, 1e155)],
)
def test_sqeuclidean_keeps_the_true_neighbours_far_from_the_origin(dtype, offset):
    # The expansion |q|^2 - 2 q.v + |v|^2 cancels catastrophically when the vectors are far from
    # the origin compared with their distances: in float32 at norm ~100-1000, recall@10 fell to
    # ~0.1, and near 1e155 the squares overflowed (inf - inf = NaN). The oracle: the direct sum
    # over differences in float64, sorted by (distance, index).
    rng = np.random.default_rng(7)
    V = (rng.normal(size=(300, 8)) * (offset / 1e3 if offset > 1e3 else 1.0) + offset).astype(dtype)
    V64 = V.astype(np.float64)
    got = top_k(V[:6], V, 10, metric="sqeuclidean")
    loop = top_k_loop(V[:6], V, 10, metric="sqeuclidean")
    for q in range(6):
        d = np.sum((V64 - V64[q]) ** 2, axis=1)
        want = np.lexsort((np.arange(len(d)), d))[:10]
        np.testing.assert_array_equal(got.indices[q], want)
        np.testing.assert_allclose(got.scores[q], d[want].astype(dtype), rtol=1e-6)
    np.testing.assert_array_equal(got.indices, loop.indices)
