"""Notebook 09's checks: combine_candidates and rank_candidates.

The wrong implementations below are written the way a learner would write them (plain NumPy),
not with the checks' own wrong variants, so they test the diagnoses independently.
"""

import numpy as np
import pytest

from recsys_utils import checks


# ----------------------------------------------------------------------------- combine_candidates (09)
def combine(lists, exclude):  # notebook 09's solution
    skip, kept, out = set(int(i) for i in exclude), set(), []
    for items in lists:
        for i in items:
            if int(i) not in kept and int(i) not in skip:
                kept.add(int(i))
                out.append(int(i))
    return np.array(out, dtype=np.int64)


def combine_keeps_duplicates(lists, exclude):
    return [int(i) for items in lists for i in items if i not in set(exclude.tolist())]


def combine_keeps_watched(lists, exclude):
    return list(dict.fromkeys(int(i) for items in lists for i in items))


def combine_sorted(lists, exclude):
    allc = np.concatenate(lists)
    return np.setdiff1d(np.unique(allc), exclude)


def combine_resets_in_loop(lists, exclude):
    for items in lists:
        kept, out = set(), []
        for i in items:
            if int(i) not in kept and int(i) not in set(exclude.tolist()):
                kept.add(int(i))
                out.append(int(i))
    return out


def combine_set_order(lists, exclude):
    return list(set(int(i) for items in lists for i in items) - set(exclude.tolist()))


def test_combine_candidates_accepts_the_references(passes):
    from recsys_utils.candidates import combine_candidates, combine_candidates_loop

    for fn in (combine, combine_candidates, combine_candidates_loop):
        passes(checks.check_combine_candidates, fn, "combine_candidates")


@pytest.mark.parametrize("wrong, pattern", [
    (combine_keeps_duplicates, r"the result has duplicates"),
    (combine_keeps_watched, r"movies already watched \(in exclude\) are still there"),
    (combine_sorted, r"sorted by movie index"),
    (combine_resets_in_loop, r"only the last list's movies are there"),
    (combine_set_order, r"the right movies in the wrong order|sorted by movie index"),
])
def test_combine_candidates_names_the_mistake(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
        checks.check_combine_candidates(wrong)


# ----------------------------------------------------------------------------- rank_candidates (09)
def rank(vu, VM, candidates, k=10):  # notebook 09's solution
    candidates = np.asarray(candidates)
    return candidates[np.argsort(-(VM[candidates] @ vu), kind="stable")[:k]]


@pytest.mark.parametrize("wrong, pattern", [
    # notebook 09's example: candidates [4, 2, 1, 3] score -1, 0.6, 0, 0.8; positions [3, 1, 2]
    (lambda vu, VM, c, k: np.argsort(-(VM[c] @ vu))[:k], r"you returned positions in the candidate list"),
    (lambda vu, VM, c, k: c[np.argsort(VM[c] @ vu)[:k]], r"worst first"),
    (lambda vu, VM, c, k: np.argsort(-(VM @ vu))[:k], r"you ranked every movie of VM, not just the candidates"),
    (lambda vu, VM, c, k: c[np.argsort(-(VM[c] @ vu))], r"return only the k = 3 best candidates"),
    (lambda vu, VM, c, k: np.sort(-(VM[c] @ vu))[:k] * -1, r"return movie indices, not scores"),
    (lambda vu, VM, c, k: np.sort(rank(vu, VM, c, k)), r"the right movies in the wrong order: best first"),
])
def test_rank_candidates_names_the_mistake(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
        checks.check_rank_candidates(wrong)


def test_rank_candidates_accepts_the_references(passes):
    from recsys_utils.candidates import rank_candidates

    for fn in (rank, rank_candidates):
        passes(checks.check_rank_candidates, fn, "rank_candidates")


def test_rank_candidates_message_shows_notebook_09s_example():
    # Candidates [4, 2, 1, 3] score -1, 0.6, 0, 0.8 against vu = [1, 0]: best first [3, 2, 1];
    # worst first [4, 1, 2].
    with pytest.raises(AssertionError, match=r"(?s)notebook 09's 5 movies.*expected: \[3, 2, 1\].*got:      \[4, 1, 2\]"):
        checks.check_rank_candidates(lambda vu, VM, c, k: c[np.argsort(VM[c] @ vu)[:k]])
