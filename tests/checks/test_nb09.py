"""Notebook 09's checks: combine_candidates, rank_candidates and the in-batch softmax loss.

The wrong implementations below are written the way a learner would write them (plain NumPy),
not with the checks' own wrong variants, so they test the diagnoses independently.
"""

import numpy as np
import pytest

from recsys_utils import checks
from recsys_utils.checks.engine import CheckFailed


# ----------------------------------------------------------------------------- combine_candidates (09)
def combine(lists, exclude):  # notebook 09's solution
    skip, kept, out = {int(i) for i in exclude}, set(), []
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
    return list({int(i) for items in lists for i in items} - set(exclude.tolist()))


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


# ----------------------------------------------------------------------------- in-batch softmax loss (09)
def softmax_loss(vu, vm, log_q, temperature):  # notebook 09's solution
    logits = vu @ vm.T / temperature - log_q[None, :]
    top = logits.max(axis=1, keepdims=True)
    return float(np.mean(top[:, 0] + np.log(np.exp(logits - top).sum(axis=1)) - np.diag(logits)))


def _lse(logits):
    return np.log(np.exp(logits).sum(axis=1))


def test_in_batch_softmax_loss_accepts_the_references(passes):
    from recsys_utils.engagement import in_batch_softmax_loss_loop

    # in_batch_softmax_loss_loop as a learner's copy (the check refuses the package's own object)
    for fn in (softmax_loss, in_batch_softmax_loss_loop):
        passes(checks.check_in_batch_softmax_loss, fn, "in_batch_softmax_loss", n=5)


@pytest.mark.parametrize("wrong, pattern", [
    (lambda vu, vm, q, t: softmax_loss(vu, vm, q, 1.0), r"the temperature is missing"),
    (lambda vu, vm, q, t: softmax_loss(vu, vm, -q, t), r"log q is added"),
    (lambda vu, vm, q, t: float(np.mean(_lse(vu @ vm.T / t - q[:, None]) - np.diag(vu @ vm.T / t - q[:, None]))),
     r"the logQ correction has no effect.*subtracting it from each row"),
    (lambda vu, vm, q, t: softmax_loss(vu, vm, np.zeros_like(q), t), r"the logQ correction has no effect"),
    (lambda vu, vm, q, t: softmax_loss(vu, vm, q, t) * len(vu), r"the sum over the batch"),
    (lambda vu, vm, q, t: float(np.mean(_lse(vu @ vm.T / t - q[None, :]) - (vu @ vm.T / t - q[None, :])[:, 0])),
     r"the positive of row a is column a"),
    (lambda vu, vm, q, t: float(np.mean(_lse(vu @ vm.T / t - q[None, :]) - np.diag(vu @ vm.T / t - q[None, :]))),
     r"inf or nan for large logits: subtract each row's maximum"),
])
def test_in_batch_softmax_loss_names_the_mistake(wrong, pattern):
    with np.errstate(all="ignore"), pytest.raises(AssertionError, match=pattern):
        checks.check_in_batch_softmax_loss(wrong)


def test_in_batch_softmax_loss_names_every_mistake_of_its_data():
    # Each SOFTMAX mistake with a wrong variant, made by that variant, is named by its own message
    # (no other mistake explains more of the failing cases).
    for mistake in checks.nb09.SOFTMAX:
        if mistake.wrong is None:
            continue
        with np.errstate(all="ignore"), pytest.raises(CheckFailed) as info:
            checks.check_in_batch_softmax_loss(mistake.wrong)
        assert mistake.message in str(info.value)


# ----------------------------------------------------------------------------- not answered, delegated (09)
def notebook(code: str) -> dict:
    """Run ``code`` as notebook 09's cells would, in a fresh namespace, and return that namespace."""
    namespace = {}
    exec("import numpy as np\nimport recsys_utils as ru\n" + code, namespace)  # noqa: S102 (the test's own code)
    return namespace


@pytest.mark.parametrize("check, name, exercise", [
    (checks.check_combine_candidates, "my_combine", "Exercise 1"),
    (checks.check_rank_candidates, "my_rank", "Exercise 2"),
    (checks.check_in_batch_softmax_loss, "my_softmax_loss", "Exercise 3"),
])
def test_an_unanswered_exercise_of_09_is_told_so(check, name, exercise):
    # What `python tools/notebooks.py student` leaves in notebook 09's solution cells.
    fn = notebook(f"def {name}(*args):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n")[name]
    with pytest.raises(CheckFailed, match=rf"^\w+: {exercise} is not answered yet: replace "
                                          rf"`raise NotImplementedError\(\)` in {name} with your code"):
        check(fn)


def imported(module: str, name: str, call: str) -> str:
    """The body of an answer that imports the package's function, then returns ``call``."""
    return f"from recsys_utils.{module} import {name}\n    return {call}"


# check, the notebook's function, its delegating body, the package name it borrows, "Exercise N"
DELEGATES = [(checks.check_combine_candidates, "my_combine", body, borrowed, "Exercise 1") for body, borrowed in (
    ("return ru.candidates.combine_candidates(*a)", "combine_candidates"),
    ("return ru.candidates.combine_candidates_loop(*a)", "combine_candidates_loop"),
    (imported("candidates", "combine_candidates", "combine_candidates(*a)"), "combine_candidates"),
)] + [(checks.check_rank_candidates, "my_rank", body, borrowed, "Exercise 2") for body, borrowed in (
    ("return ru.candidates.rank_candidates(*a)", "rank_candidates"),
    (imported("candidates", "rank_candidates", "rank_candidates(*a)"), "rank_candidates"),
)] + [(checks.check_in_batch_softmax_loss, "my_softmax_loss", body, borrowed, "Exercise 3") for body, borrowed in (
    ("return ru.engagement.in_batch_softmax_loss_loop(*a)", "in_batch_softmax_loss_loop"),
    (imported("engagement", "in_batch_softmax_loss_loop", "in_batch_softmax_loss_loop(*a)"),
     "in_batch_softmax_loss_loop"),
    ("return float(ru.engagement.in_batch_softmax_loss(*a))", "in_batch_softmax_loss"),  # the TensorFlow loss
    (imported("engagement", "in_batch_softmax_loss", "float(in_batch_softmax_loss(*a))"), "in_batch_softmax_loss"),
)]


@pytest.mark.parametrize("check, name, body, borrowed, exercise", DELEGATES,
                         ids=[f"{d[1]}-{d[3]}-{k}" for k, d in enumerate(DELEGATES)])
def test_an_answer_that_calls_the_package_fails_in_09(check, name, body, borrowed, exercise):
    fn = notebook(f"def {name}(*a):\n    {body}\n")[name]
    with pytest.raises(CheckFailed, match=rf"calls the package's own answer: write this yourself — the check "
                                          rf"cannot use `ru\.{borrowed}`\. {exercise} asks you"):
        check(fn)


def test_a_name_the_old_setup_cell_imported_is_unavailable_during_the_check():
    # Notebook 09's setup cell used to import the references; a hand-out edited to import them again
    # still cannot hand them in, and the notebook's name works again after the check.
    ns = notebook("from recsys_utils.engagement import in_batch_softmax_loss_loop\n"
                  "def my_softmax_loss(vu, vm, log_q, temperature):\n"
                  "    return in_batch_softmax_loss_loop(vu, vm, log_q, temperature)\n")
    with pytest.raises(CheckFailed, match=r"cannot use `ru\.in_batch_softmax_loss_loop`\. Exercise 3 asks you"):
        checks.check_in_batch_softmax_loss(ns["my_softmax_loss"])
    # vu = vm = I (2 x 2), no correction, tau = 1: log(1 + 1/e) = 0.3133, as in the notebook
    assert ns["in_batch_softmax_loss_loop"](np.eye(2), np.eye(2)) == pytest.approx(np.log1p(np.exp(-1)))


def test_passing_the_package_loss_itself_fails():
    from recsys_utils.engagement import in_batch_softmax_loss_loop

    with pytest.raises(CheckFailed, match=r"you passed `ru\.in_batch_softmax_loss_loop` itself"):
        checks.check_in_batch_softmax_loss(in_batch_softmax_loss_loop)
