"""Notebook 10, ethics: cap the share of flagged items in each user's list.

The exercise, its reference and the mistakes the check names: ``cap_flagged(ranked, flagged, k,
max_share)`` (:func:`recsys_utils.simulation.rerank_with_cap`): :data:`CAP_FLAGGED`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np

from ..simulation import rerank_with_cap
from .engine import Case, Mistake, copying, run_check
from .mistakes import RETURNED_NONE, same_set_other_order

__all__ = ["check_cap_flagged", "CAP_FLAGGED", "EXERCISES"]

#: The notebook's function names -> the exercise they answer.
EXERCISES = {"cap_flagged": "The exercise"}  # the notebook's only one


def _cap(ranked, flagged, k, max_share, *, cap="floor", keep_order=True):
    """Each user's first k within a cap of flagged items, with one knob turned: ``cap`` "floor"
    (with a 1e-9 margin), "round", "int" (no margin: int(0.3 * 10) = 2), "ceil", "none" or
    "zero"; ``keep_order`` False: the kept flagged items moved to the end."""
    s = max_share * k
    n_cap = {"floor": math.floor(s + 1e-9), "round": round(s), "int": int(s),
             "ceil": math.ceil(s - 1e-9), "none": k, "zero": 0}[cap]
    out = []
    for row in np.asarray(ranked):
        kept, n_flagged = [], 0
        for item in row:
            if flagged[item]:
                if n_flagged == n_cap:
                    continue
                n_flagged += 1
            kept.append(int(item))
            if len(kept) == k:
                break
        if not keep_order:
            kept = [i for i in kept if not flagged[i]] + [i for i in kept if flagged[i]]
        out.append(kept)
    return np.array(out, dtype=np.int64)


_FLOOR = "the cap is floor(max_share * k) = {cap}: round down, int(np.floor(max_share * k + 1e-9))"
CAP_FLAGGED = [
    Mistake(lambda t: f"return one list of k items per user, shape (n_users, k) = "
                      f"{np.shape(t.expected)}; yours has shape {np.shape(t.got)}",
            when=lambda t: np.shape(t.got) != np.shape(t.expected)),
    Mistake("you rounded max_share * k = {share_k:g} to the nearest whole number, {round_cap}; "
            + _FLOOR,
            partial(_cap, cap="round")),
    Mistake("int(max_share * k) (or np.floor) gives {int_cap} here: in floating point "
            "max_share * k is {share_k!r}, just below {cap}, so add a small margin, "
            "int(np.floor(max_share * k + 1e-9)) = {cap}",
            partial(_cap, cap="int")),
    Mistake("you rounded max_share * k = {share_k:g} up; " + _FLOOR, partial(_cap, cap="ceil")),
    Mistake("you removed every flagged item: the cap allows floor(max_share * k) = {cap} per list "
            "here",
            partial(_cap, cap="zero")),
    Mistake("no cap: these are the first k candidates; skip a flagged item once {cap} are in the "
            "list",
            partial(_cap, cap="none")),
    Mistake("kept items must stay in ranked order: a flagged item within the cap keeps its place",
            partial(_cap, keep_order=False)),
    Mistake("the right items in the wrong order: keep the ranked order", when=same_set_other_order),
]


def _cap_case(label: str, ranked: np.ndarray, flagged: np.ndarray, k: int,
              max_share: float) -> Case:
    s = max_share * k
    fields = {"cap": math.floor(s + 1e-9), "share_k": s, "int_cap": int(s), "round_cap": round(s)}
    return Case(f"{label} ({len(ranked)} users, k={k}, max_share={max_share:g})",
                (ranked, flagged, k, max_share), fields)


def check_cap_flagged(fn: Callable) -> None:
    """Check ``fn(ranked, flagged, k, max_share) -> slates``, shape ``(n_users, k)``.

    ``ranked`` is ``(n_users, n_candidates)`` (each user's candidates, best first), ``flagged`` a
    boolean array over items. Each user's first ``k`` candidates in ranked order, skipping a
    flagged one once floor(max_share * k) are kept, as
    :func:`recsys_utils.simulation.rerank_with_cap` does. The cases: the notebook's (items 1 and
    2 flagged, k = 3, max_share 0.34: floor(1.02) = 1), k = 3 with 0.5 (floor 1.5 = 1, round 2),
    random rankings with 0.45 of 10 (floor 4.5 = 4, ceil 5) and 0.29 of 100 (0.29 x 100 is
    28.999999999999996 in floating point: floor with a margin 29, int() or np.floor 28).

    Diagnoses: every flagged item removed, no cap, round(), int() or np.floor without a margin,
    or ceil() for the floor, the kept flagged items moved, a wrong shape.
    """
    flags = np.array([False, True, True, False, False])
    toy = np.array([[1, 2, 0, 3, 4], [0, 3, 1, 2, 4]])
    rng = np.random.default_rng(10)
    many = rng.random(200) < 0.4
    ranked = np.array([rng.permutation(200) for _ in range(4)])
    rand = "random rankings of 200 items (seed 10), 40 % flagged"
    cases = [_cap_case("the notebook's 2 users, items 1 and 2 flagged", toy, flags, 3, 0.34),
             _cap_case("the notebook's 2 users, half the list may be flagged", toy, flags, 3, 0.5),
             _cap_case(rand, ranked[:, :30], many, 10, 0.45),
             _cap_case(rand, ranked, many, 100, 0.29)]
    copy = copying(fn, lambda a: (a[0].copy(), a[1].copy(), *a[2:]))
    run_check("cap_flagged", copy, rerank_with_cap, cases, [RETURNED_NONE, *CAP_FLAGGED],
              hint="cap = int(np.floor(max_share * k + 1e-9)); walk each user's ranking, keep an "
                   "item unless it is flagged and the cap is reached, stop at k.",
              references=(rerank_with_cap,), exercises=EXERCISES, answer=fn)
