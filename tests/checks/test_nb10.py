"""Notebook 10's check: cap_flagged.

The wrong implementations below are written the way a learner would write them (plain NumPy),
not with the checks' own wrong variants, so they test the diagnoses independently.
"""

import numpy as np
import pytest

from recsys_utils import checks


def cap_flagged(ranked, flagged, k, max_share, *, cap=None, flagged_last=False):
    """Notebook 10's solution, with knobs for the wrong versions below."""
    if cap is None:
        cap = int(np.floor(max_share * k + 1e-9))  # 0.29 * 100 is 28.999999999999996
    out = np.zeros((len(ranked), k), dtype=int)
    for u, candidates in enumerate(ranked):
        kept, n_flagged = [], 0
        for item in candidates:
            if flagged[item]:
                if n_flagged == cap:
                    continue
                n_flagged += 1
            kept.append(item)
            if len(kept) == k:
                break
        if flagged_last:
            kept = [i for i in kept if not flagged[i]] + [i for i in kept if flagged[i]]
        out[u] = kept
    return out


def test_cap_flagged_accepts_the_solution(passes):
    passes(checks.check_cap_flagged, cap_flagged, "cap_flagged")


@pytest.mark.parametrize("wrong, pattern", [
    # k = 3, max_share = 0.5: 1.5 rounds to 2 (Python rounds half to even, 2), the floor is 1.
    (lambda r, f, k, s: cap_flagged(r, f, k, s, cap=round(s * k)),
     r"you rounded max_share \* k = 1\.5 to the nearest whole number, 2; the cap is floor\(max_share \* k\) = 1"),
    # 0.29 x 100 = 28.999999999999996 in floating point: int() gives 28, the floor with a margin 29.
    (lambda r, f, k, s: cap_flagged(r, f, k, s, cap=int(s * k)),
     r"int\(max_share \* k\) \(or np\.floor\) gives 28 here: .* is 28\.999999999999996, just below 29"),
    (lambda r, f, k, s: cap_flagged(r, f, k, s, cap=0), r"you removed every flagged item"),
    (lambda r, f, k, s: cap_flagged(r, f, k, s, cap=k), r"no cap: these are the first k candidates"),
    (lambda r, f, k, s: cap_flagged(r, f, k, s, flagged_last=True), r"kept items must stay in ranked order"),
    (lambda r, f, k, s: cap_flagged(r, f, k, s)[:, :-1], r"shape \(n_users, k\) = \(2, 3\); yours has shape \(2, 2\)"),
])
def test_cap_flagged_names_the_mistake(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern):
        checks.check_cap_flagged(wrong)


def test_ceil_is_told_to_round_down():
    import math

    with pytest.raises(AssertionError, match=r"you rounded max_share \* k = \d.* up; the cap is floor"):
        checks.check_cap_flagged(lambda r, f, k, s: cap_flagged(r, f, k, s, cap=math.ceil(s * k)))
