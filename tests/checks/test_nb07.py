"""Notebook 07's checks: related and same_genres_mean.

The wrong implementations below are written the way a learner would write them (plain NumPy),
not with the checks' own wrong variants, so they test the diagnoses independently.
"""

import numpy as np
import pytest

from recsys_utils import checks


# ----------------------------------------------------------------------------- related
def related(X, i, k=10):  # notebook 07's solution
    distances = np.sum((X - X[i]) ** 2, axis=1)
    distances[i] = np.inf
    return np.argsort(distances, kind="stable")[:k]


def related_farthest_first(X, i, k=10):
    d = np.sum((X - X[i]) ** 2, axis=1)
    d[i] = -np.inf  # so that i sorts last when sorting descending
    return np.argsort(-d)[:k]


def related_k_minus_1(X, i, k=10):
    return np.argsort(np.sum((X - X[i]) ** 2, axis=1))[1:k]


def related_by_dot(X, i, k=10):
    s = X @ X[i]
    s[i] = -np.inf
    return np.argsort(-s)[:k]


def test_related_accepts_the_solution(passes):
    passes(checks.check_related, related, "related", n=3)


@pytest.mark.parametrize("wrong, pattern", [
    # The issue: farthest first was told "ranked by dot product", k - 1 was told "the first k only".
    (related_farthest_first, r"farthest first: sort by increasing distance"),
    (related_k_minus_1, r"you returned k - 1 = 9 movies: after leaving movie 0 out, take the first k"),
    (related_by_dot, r"you ranked by the largest dot product x\(k\) · x\(i\)"),
    (lambda X, i, k: np.argsort(np.sum((X - X[i]) ** 2, axis=1))[:k], r"movie 0 is in its own list"),
])
def test_related_names_the_mistake(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
        checks.check_related(wrong)


# ----------------------------------------------------------------------------- same_genres_mean
def same_genres_mean(genres, values, known, *, fallback="known", only_known=True, group=True, split=False):
    """Notebook 07's solution, with knobs for the wrong versions below."""
    sums, n = {}, {}
    for g, v, ok in zip(genres, values, known, strict=True):
        if ok or not only_known:
            for key in (g.split("|") if split else [g]) if group else ["all"]:
                sums[key] = sums.get(key, 0.0) + v
                n[key] = n.get(key, 0) + 1
    values, known = np.asarray(values), np.asarray(known)
    fall = {"known": values[known].mean(), "all": values.mean(), "zero": 0.0, "nan": np.nan}[fallback]
    out = []
    for g in genres:
        keys = [k for k in ((g.split("|") if split else [g]) if group else ["all"]) if k in n]
        out.append(np.mean([sums[k] / n[k] for k in keys]) if keys else fall)
    return np.array(out)


def test_same_genres_mean_accepts_the_solution(passes):
    passes(checks.check_same_genres_mean, same_genres_mean, "same_genres_mean", n=3)


@pytest.mark.parametrize("knobs, pattern", [
    # The issue: a fallback over all movies passed (the notebook's known and overall means are
    # both 3). With the unknown movies rated 5: known (4 + 2 + 3) / 3 = 3, all 19 / 5 = 3.8.
    ({"fallback": "all"}, r"the fallback is the mean over the known movies only \(3\); yours is the mean "
                          r"over every movie \(3\.8\)"),
    ({"fallback": "nan"}, r"NaN: a genre string that no known movie has needs the fallback"),
    ({"fallback": "zero"}, r"got 0: give it the mean of the known values"),
    ({"only_known": False}, r"you used the values of movies that are not known"),
    ({"group": False}, r"every movie got the overall mean"),
    ({"split": True}, r"you split the genre strings into genres"),
])
def test_same_genres_mean_names_the_mistake(knobs, pattern):
    def wrong(genres, values, known):
        return same_genres_mean(genres, values, known, **knobs)

    with np.errstate(all="ignore"), pytest.raises(AssertionError, match=pattern):
        checks.check_same_genres_mean(wrong)
