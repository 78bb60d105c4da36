"""Tests for recsys_utils.candidates: the lecture's retrieval recipe on a hand-sized catalogue.

Loop == vectorized, and ranking.
"""

import doctest

import numpy as np
import pytest

from recsys_utils import candidate_lists, candidates
from recsys_utils.candidates import (
    Retriever,
    combine_candidates,
    combine_candidates_loop,
    rank_candidates,
    recent_items,
    top_genres,
    top_items_by_genre,
)


@pytest.mark.parametrize("module", [candidates, candidate_lists])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


def test_moved_names_are_the_same_objects_in_candidates():
    for name in candidate_lists.__all__:
        assert getattr(candidates, name) is getattr(candidate_lists, name), name
        assert name in candidates.__all__, name


@pytest.mark.parametrize("combine", [combine_candidates, combine_candidates_loop])
def test_combine_by_hand(combine):
    # [4, 2, 4] [2, 7] [0, 9]: first occurrences in order 4, 2, 7, 0, 9; 7 and 0 were watched.
    got = combine([np.array([4, 2, 4]), [2, 7], [0, 9]], exclude=[7, 0])
    np.testing.assert_array_equal(got, [4, 2, 9])
    assert got.dtype == np.int64
    np.testing.assert_array_equal(combine([[], [3]], exclude=[]), [3])
    assert combine([[5]], exclude=[5]).size == 0


def test_combine_loop_equals_vectorized_on_random_lists():
    rng = np.random.default_rng(0)
    for _ in range(50):
        lists = [rng.integers(0, 30, size=rng.integers(0, 15)) for _ in range(rng.integers(1, 5))]
        exclude = rng.integers(0, 30, size=rng.integers(0, 10))
        np.testing.assert_array_equal(
            combine_candidates(lists, exclude), combine_candidates_loop(lists, exclude)
        )


def test_recent_items_newest_first_ties_by_row_order():
    # user 0 rated items 10 (t=5), 11 (t=9), 12 (t=9, later row), 13 (t=1);
    # user 2 rated 20; user 1 nothing
    got = recent_items([0, 0, 0, 0, 2], [10, 11, 12, 13, 20], [5, 9, 9, 1, 3], n_users=3, n=3)
    np.testing.assert_array_equal(got[0], [12, 11, 10])
    assert got[1].size == 0
    np.testing.assert_array_equal(got[2], [20])


def test_top_genres_and_genre_charts_by_hand():
    # Items x genres (A, B, C): 0: A; 1: A, B; 2: B; 3: C
    G = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]])
    # user 0 watched 0, 1, 2 -> views A 2, B 2, C 0 -> A, B (tie -> smaller index first)
    # user 1 watched 3, 2    -> views A 0, B 1, C 1 -> B, C
    np.testing.assert_array_equal(
        top_genres([0, 0, 0, 1, 1], [0, 1, 2, 3, 2], G, n_users=2, n=2), [[0, 1], [1, 2]]
    )
    charts = top_items_by_genre(G, [3.0, 1.0, 2.0, 5.0], n=5)
    np.testing.assert_array_equal(charts[0], [0, 1])  # A: item 0 (3) before item 1 (1)
    np.testing.assert_array_equal(charts[1], [2, 1])  # B: item 2 (2) before item 1 (1)
    np.testing.assert_array_equal(charts[2], [3])


def _tiny_retriever():
    # 8 items; each item's 2 nearest neighbours; 2 genres; one user who watched items 0 and 1
    # (1 most recently) and whose top genre is genre 1.
    neighbours = np.array([[1, 2], [0, 3], [3, 0], [2, 1], [5, 6], [4, 6], [5, 7], [6, 5]])
    return Retriever(
        neighbours=neighbours,
        recent=[np.array([1, 0])],
        genres=np.array([[1, 0]]),
        genre_charts=[np.array([0, 4, 2]), np.array([6, 3, 7])],
        chart=np.array([5, 1, 4, 0]),
        seen=[np.array([0, 1])],
    )


def test_retriever_follows_the_recipe():
    r = _tiny_retriever()
    src = r.sources(0, n_recent=2, n_similar=2, n_genres=1, n_genre=2, n_top=3)
    # similar: neighbours of 1 -> [0, 3], of 0 -> [1, 2]; genre 1's top 2 -> [6, 3];
    # chart top 3 -> [5, 1, 4]
    np.testing.assert_array_equal(src["similar"], [0, 3, 1, 2])
    np.testing.assert_array_equal(src["genre"], [6, 3])
    np.testing.assert_array_equal(src["top"], [5, 1, 4])
    # combined: 0 3 1 2 6 3 5 1 4 -> drop repeats -> 0 3 1 2 6 5 4 -> drop seen 0, 1 -> 3 2 6 5 4
    np.testing.assert_array_equal(
        r.candidates(0, n_recent=2, n_similar=2, n_genres=1, n_genre=2, n_top=3), [3, 2, 6, 5, 4]
    )
    # more of every list never loses a candidate: the sets are nested
    small = set(r.candidates(0, n_recent=1, n_similar=1, n_genres=1, n_genre=1, n_top=1).tolist())
    assert small <= set(
        r.candidates(0, n_recent=2, n_similar=2, n_genres=2, n_genre=3, n_top=4).tolist()
    )


def test_retriever_refuses_sizes_beyond_its_tables():
    r = _tiny_retriever()
    with pytest.raises(ValueError, match="only 2 neighbours"):
        r.candidates(0, n_similar=3)
    with pytest.raises(ValueError, match="only 2 genres"):
        r.candidates(0, n_similar=2, n_genres=3)
    with pytest.raises(ValueError, match="user must be in"):
        r.candidates(1, n_similar=2)
    with pytest.raises(ValueError, match="seen has 2"):
        Retriever(
            np.zeros((3, 1), dtype=int),
            [np.array([0])],
            np.zeros((1, 1), dtype=int),
            [],
            np.array([0]),
            [np.array([0]), np.array([1])],
        )


def test_rank_candidates_by_hand_and_against_brute_force():
    V = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.8, 0.6], [-1.0, 0.0]])
    q = np.array([1.0, 0.0])
    # scores 1, 0, 0.6, 0.8, -1 over candidates [4, 2, 1, 3] -> 3 (0.8), 2 (0.6), 1 (0), 4 (-1)
    np.testing.assert_array_equal(rank_candidates(q, V, [4, 2, 1, 3], k=3), [3, 2, 1])
    np.testing.assert_array_equal(
        rank_candidates(q, V, [4, 2], k=10), [2, 4]
    )  # fewer than k: all, ranked
    rng = np.random.default_rng(1)
    V = rng.normal(size=(200, 8))
    for _ in range(10):
        cands = rng.choice(200, size=40, replace=False)
        q = rng.normal(size=8)
        want = cands[np.argsort(-(V[cands] @ q), kind="stable")[:10]]
        np.testing.assert_array_equal(rank_candidates(q, V, cands, k=10), want)


def test_retriever_refuses_negative_list_sizes():
    # n_similar=-1 used to slice off the last neighbour instead of refusing
    r = Retriever(
        np.array([[1, 2], [0, 2], [0, 1]]),
        [np.array([0])],
        np.zeros((1, 1), dtype=np.int64),
        [np.array([2])],
        np.array([1]),
        [np.array([0])],
    )
    # last watched 0 -> neighbours 1, 2; genre 0's chart [2]; top [1]; user 0 watched 0
    np.testing.assert_array_equal(r.candidates(0, n_similar=2, n_genres=1), [1, 2])
    for name in ("n_recent", "n_similar", "n_genres", "n_genre", "n_top"):
        with pytest.raises(ValueError, match=f"{name} must be an integer >= 0, got -1"):
            r.candidates(0, **{"n_genres": 1, name: -1})


def test_ranking_ties_go_to_the_smaller_item_index():
    V = np.ones((6, 2))
    np.testing.assert_array_equal(rank_candidates([1.0, 1.0], V, [5, 3, 1, 4], k=2), [1, 3])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: combine_candidates(np.array([1, 2])), TypeError, "sequence of index arrays"),
        (lambda: combine_candidates([[1.5, 2.0]]), TypeError, r"lists\[0\]"),
        (lambda: combine_candidates_loop([[1]], exclude=[0.5]), TypeError, "exclude"),
        (lambda: recent_items([0, 1], [3], [1, 2], n_users=2), ValueError, "one entry per rating"),
        (lambda: recent_items([0, 5], [3, 4], [1, 2], n_users=2), ValueError, "n_users is 2"),
        (lambda: recent_items([0], [3], [1, 2], n_users=1), ValueError, "timestamps"),
        (lambda: recent_items([0], [3], [1], n_users=1, n=0), ValueError, "n must be"),
        (lambda: top_genres([0], [5], np.eye(3), n_users=1), ValueError, "only 3 rows"),
        (lambda: top_genres([0], [1], np.eye(3), n_users=1, n=4), ValueError, "only 3 genres"),
        (lambda: top_items_by_genre(np.eye(3), [1.0, 2.0]), ValueError, "scores has 2"),
        (lambda: rank_candidates([1.0], np.ones((3, 1)), [0, 3]), ValueError, "3 rows"),
        (lambda: rank_candidates([1.0], np.ones((3, 1)), [0], k=0), ValueError, "k must be"),
        # issue #10: a duplicated candidate took two of the k slots; negative indices wrapped around
        (
            lambda: rank_candidates([1.0], np.ones((3, 1)), [0, 2, 0]),
            ValueError,
            "candidates list item 0 more than once",
        ),
        (lambda: rank_candidates([1.0], np.ones((3, 1)), [0, -1]), ValueError, "negative index -1"),
        (
            lambda: combine_candidates([[1, -2]]),
            ValueError,
            r"lists\[0\] holds the negative index -2",
        ),
        (
            lambda: combine_candidates_loop([[1]], exclude=[-1]),
            ValueError,
            "exclude holds the negative",
        ),
        (
            lambda: top_genres([0], [-1], np.eye(3), n_users=1),
            ValueError,
            "item_idx holds the negative",
        ),
        (
            lambda: top_genres([-1], [1], np.eye(3), n_users=1),
            ValueError,
            "user_idx holds the negative",
        ),
        (lambda: rank_candidates([1.0], np.ones(3), [0]), ValueError, "item_vectors"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
