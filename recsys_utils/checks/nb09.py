"""Notebook 09, retrieval and ranking: combining the retrieved lists, ranking the candidates,
the in-batch softmax loss of the engagement model.

The exercises, their references and the mistakes the checks name:

* ``combine_candidates(lists, exclude)`` (:func:`recsys_utils.candidates.combine_candidates`):
  :data:`COMBINE`;
* ``rank_candidates(vu, VM, candidates, k)`` (:func:`recsys_utils.candidates.rank_candidates`):
  :data:`RANK`;
* ``softmax_loss(vu, vm, log_q, temperature)``
  (:func:`recsys_utils.engagement.in_batch_softmax_loss_loop`): :data:`SOFTMAX`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from ..candidates import combine_candidates, combine_candidates_loop, rank_candidates
from ..engagement import in_batch_softmax_loss, in_batch_softmax_loss_loop
from .engine import Case, Mistake, copying, run_check
from .mistakes import RETURNED_NONE, not_indices, same_set_other_order

__all__ = ["check_combine_candidates", "check_rank_candidates", "check_in_batch_softmax_loss", "COMBINE", "RANK",
           "SOFTMAX", "EXERCISES"]

#: The notebook's function names -> the exercise they answer.
EXERCISES = {"my_combine": "Exercise 1", "my_rank": "Exercise 2", "my_softmax_loss": "Exercise 3"}


# ----------------------------------------------------------------------------- combine and rank
def _combine(lists, exclude, *, dedupe=True, drop=True, only_last=False, by_index=False):
    skip = set(np.asarray(exclude).tolist()) if drop else set()
    out: list[int] = []
    for items in lists:
        if only_last:
            out = []
        out += [int(i) for i in items if int(i) not in skip]
    if by_index:
        return np.array(sorted(set(out)), dtype=np.int64)
    return np.array(list(dict.fromkeys(out)) if dedupe else out, dtype=np.int64)


COMBINE = [
    Mistake("movies already watched (in exclude) are still there: skip them",
            partial(_combine, drop=False)),
    Mistake("the result has duplicates: keep only the first occurrence of each movie (remember "
            "what you kept in a set)", partial(_combine, dedupe=False)),
    Mistake("only the last list's movies are there: create the result (and the set) once, before "
            "the loop over the lists", partial(_combine, only_last=True)),
    Mistake("sorted by movie index: keep the retrieval order, first list first, each list in its "
            "own order (np.unique and sorted() both sort)", partial(_combine, by_index=True)),
    Mistake("the right movies in the wrong order: keep the retrieval order, first list first, each "
            "list in its own order, each movie where it first appears", when=same_set_other_order),
]


def _rank(vu, VM, candidates, k, *, positions=False, worst=False, everything=False, cut=True):
    pool = np.arange(len(VM)) if everything else np.asarray(candidates)
    scores = VM[pool] @ vu
    order = np.argsort(scores if worst else -scores, kind="stable")
    order = order[:k] if cut else order
    return order if positions else pool[order]


RANK = [
    Mistake("you returned positions in the candidate list: return the movie indices, "
            "candidates[order]", partial(_rank, positions=True)),
    Mistake("worst first: sort by decreasing score, the largest v_u · v_m first", partial(_rank, worst=True)),
    Mistake("you ranked every movie of VM, not just the candidates: score VM[candidates] only "
            "(the best movies overall were not all retrieved)", partial(_rank, everything=True)),
    Mistake("return only the k = {k} best candidates, not all of them ranked", partial(_rank, cut=False)),
    Mistake("return movie indices, not scores", when=not_indices),
    Mistake("the right movies in the wrong order: best first, by decreasing v_u · v_m",
            when=same_set_other_order),
]


# ----------------------------------------------------------------------------- in-batch softmax loss
def _softmax(vu, vm, log_q, temperature, *, tau=True, q_sign=-1.0, reduce="mean",
             stable=True, labels="diagonal"):
    logits = vu @ vm.T / (temperature if tau else 1.0)
    logits = logits + q_sign * log_q[None, :]
    top = logits.max(axis=1, keepdims=True) if stable else np.zeros((len(logits), 1))
    log_norm = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    positive = np.diag(logits) if labels == "diagonal" else logits[:, 0]
    loss = log_norm - positive
    return float(loss.sum() if reduce == "sum" else loss.mean())


def _overflowed(trial) -> bool:
    return not np.isfinite(np.asarray(trial.got, dtype=float)).all()


SOFTMAX = [
    Mistake("the temperature is missing: divide the dot products by temperature before the softmax",
            partial(_softmax, tau=False)),
    Mistake("log q is added: the correction *subtracts* log q_b from column b's logits "
            "(popular movies appear as negatives more often, so their logits are lowered in training)",
            partial(_softmax, q_sign=1.0)),
    Mistake("the logQ correction has no effect: subtract log q_b from each *column* b (the movie), "
            "log_q[None, :]; subtracting it from each row (log_q[:, None]), or not at all, changes nothing",
            partial(_softmax, q_sign=0.0)),
    Mistake("the sum over the batch: return the mean over the B events", partial(_softmax, reduce="sum")),
    Mistake("the positive of row a is column a (the diagonal), not column 0 for every row",
            partial(_softmax, labels="first")),
    Mistake("the result is inf or nan for large logits: subtract each row's maximum before np.exp "
            "(log-sum-exp)", when=_overflowed),
]


# ----------------------------------------------------------------------------- the checks
def check_combine_candidates(fn: Callable) -> None:
    """Check ``fn(lists, exclude) -> indices``: the retrieved lists concatenated in order, each movie
    once (where it first appears), without the movies in ``exclude``.

    ``lists`` is a list of 1-D int arrays, ``exclude`` a 1-D int array; the result may be a list
    or an array, as :func:`recsys_utils.candidates.combine_candidates` returns. Diagnoses:
    duplicates kept, watched movies kept, only the last list kept, sorted by index or otherwise
    out of order.
    """
    rng = np.random.default_rng(3)
    random_lists = [rng.choice(20, size=n, replace=False) for n in (6, 5, 0, 8)]
    raw = [("repeats within and across lists; 7 and 0 watched", [[4, 2, 4], [2, 7], [0, 9]], [7, 0]),
           ("an empty list, nothing watched", [[5, 1], [], [3, 1, 5]], []),
           ("everything watched", [[8]], [8]),
           ("random lists (seed 3) of 6, 5, 0 and 8 movies, 5 watched", random_lists, rng.choice(20, 5, replace=False))]
    cases = []
    for label, lists, exclude in raw:
        lists = [np.asarray(items, dtype=np.int64) for items in lists]
        text = label if label.startswith("random") else f"lists {[x.tolist() for x in lists]}, exclude {list(exclude)}: {label}"
        cases.append(Case(text, (lists, np.asarray(exclude, dtype=np.int64)), {"n_lists": len(lists)}))
    copy = copying(fn, lambda a: ([x.copy() for x in a[0]], a[1].copy()))
    run_check("combine_candidates", copy, combine_candidates, cases, [RETURNED_NONE, *COMBINE],
              hint="for each list, for each movie: keep it if it is neither in exclude nor already kept.",
              references=(combine_candidates, combine_candidates_loop), exercises=EXERCISES, answer=fn)


def check_rank_candidates(fn: Callable) -> None:
    """Check ``fn(vu, VM, candidates, k) -> indices``, the ``k`` candidates with the largest
    ``vu · VM[i]``, best first, as movie indices (rows of ``VM``).

    ``vu`` is ``(n_features,)``, ``VM`` ``(n_movies, n_features)``, ``candidates`` a 1-D int array;
    the result has shape ``(min(k, n_candidates),)``, as
    :func:`recsys_utils.candidates.rank_candidates` returns. The first case is notebook 09's:
    movies 0..4 score 1, 0, 0.6, 0.8, -1 and candidates [4, 2, 1, 3] with k = 3 give [3, 2, 1].

    Diagnoses: positions in the candidate list returned, worst first, the whole catalogue
    ranked, not cut at k, scores instead of indices, other orders.
    """
    V = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.8, 0.6], [-1.0, 0.0]])
    cases = [Case("notebook 09's 5 movies, vu = [1, 0], candidates [4, 2, 1, 3], k=3",
                  (np.array([1.0, 0.0]), V, np.array([4, 2, 1, 3]), 3), {"k": 3})]
    for seed, n_movies, n_cand, k in ((1, 30, 12, 5), (2, 50, 25, 10), (3, 20, 4, 10)):
        rng = np.random.default_rng(seed)
        vu, VM = rng.normal(size=5), rng.normal(size=(n_movies, 5))
        cand = rng.choice(n_movies, n_cand, replace=False)
        cases.append(Case(f"random vectors (seed {seed}), {n_movies} movies, {n_cand} candidates, k={k}",
                          (vu, VM, cand, k), {"k": k}))
    run_check("rank_candidates", fn, rank_candidates, cases, [RETURNED_NONE, *RANK],
              hint="scores = VM[candidates] @ vu; candidates[np.argsort(-scores)[:k]].",
              references=(rank_candidates,), exercises=EXERCISES)


def check_in_batch_softmax_loss(fn: Callable) -> None:
    """Check ``fn(vu, vm, log_q, temperature) -> float``, the in-batch softmax loss.

    ``vu`` and ``vm`` are ``(B, d)`` (row ``a`` of each is event ``a``), ``log_q`` is ``(B,)``;
    the result is :math:`-\\frac1B\\sum_a \\log \\frac{e^{s_{aa}}}{\\sum_b e^{s_{ab}}}` with
    :math:`s_{ab} = v_u^{(a)} \\cdot v_m^{(b)} / \\tau - \\log q_b`, as
    :func:`recsys_utils.engagement.in_batch_softmax_loss_loop` computes (without accidental hits).
    The first case is notebook 09's: ``vu = vm = I`` (2 x 2), no correction, ``tau = 1``:
    :math:`\\log(1 + e^{-1}) = 0.3133`.

    Diagnoses: temperature missing, log q added, applied to rows (no effect) or missing, summed instead of
    averaged, the wrong positive, overflow without the row maximum.
    """
    I2 = np.eye(2)
    cases = [Case("notebook 09's batch: vu = vm = I (2 x 2), log_q = 0, temperature = 1",
                  (I2, I2.copy(), np.zeros(2), 1.0), {}),
             Case("vu = vm = I (2 x 2), log_q = (-1, 0), temperature = 1", (I2, I2.copy(), np.array([-1.0, 0.0]), 1.0), {})]
    for seed, B, d, tau, scale in ((1, 5, 3, 0.5, 1.0), (2, 8, 4, 0.05, 1.0), (3, 6, 4, 0.05, 100.0)):
        rng = np.random.default_rng(seed)
        vu, vm = rng.normal(size=(B, d)) * scale, rng.normal(size=(B, d)) * scale
        log_q = np.log(rng.dirichlet(np.ones(B)))
        label = f"random batch (seed {seed}), B={B}, d={d}, temperature={tau}"
        cases.append(Case(label + (", large vectors (logits in the thousands)" if scale > 1 else ""),
                          (vu, vm, log_q, tau), {}))
    run_check("in_batch_softmax_loss", fn, in_batch_softmax_loss_loop, cases, [RETURNED_NONE, *SOFTMAX],
              hint="logits = vu @ vm.T / temperature - log_q[None, :]; mean of logsumexp(row) - diagonal.",
              references=(in_batch_softmax_loss, in_batch_softmax_loss_loop), exercises=EXERCISES)
