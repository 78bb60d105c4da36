"""The engine of :mod:`recsys_utils.checks`: run a learner's function, compare, diagnose.

A check is data: a reference function, a few :class:`Case` inputs (the lecture's toy table
and seeded random problems) and a list of :class:`Mistake` diagnoses. :func:`run_check`
calls the learner's function on every case, compares each result with the reference, and
when some differ picks the mistake that explains the most failing cases:

* a *wrong variant* (``wrong=``) explains a failing case when the learner's output matches
  what the wrong function returns, on every part of the output that is wrong;
* a *predicate* (``when=``) explains it when it returns True for the :class:`Trial`.

Nothing here imports TensorFlow.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import answers, verdicts
from .verdicts import CheckFailed

__all__ = ["Case", "Trial", "Mistake", "CheckFailed", "run_check", "check_close", "close",
           "copying", "fmt", "show", "shape_name"]


@dataclass(frozen=True)
class Case:
    """One set of inputs: ``args`` for the function, a ``label`` saying where they come from,
    and ``fields`` (e.g. ``n_movies``, ``lambda_``) that mistake messages may use."""

    label: str
    args: tuple
    fields: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Trial:
    """A failed case: what the learner's function returned and what was expected.

    ``wrong`` holds the indices of the output parts that differ (``(0,)`` for a single output).
    """

    case: Case
    got: Any
    expected: Any
    wrong: tuple[int, ...]
    parts: tuple[str, ...] | None

    def part(self, value: Any, k: int) -> Any:
        return value if self.parts is None else value[k]

    def fields(self) -> dict:
        """Names for message templates: the case's fields, plus ``got``/``expected``/``part`` for
        the smallest wrong part of the output (the easiest to read) and ``parts`` for all of
        them."""
        k = min(self.wrong, key=lambda i: np.size(self.part(self.expected, i)))
        names = self.parts or ("the result",)
        got = self.got[k] if self.parts and _is_tuple(self.got, len(self.parts)) else self.got
        return {**self.case.fields, "got": fmt(got), "expected": fmt(self.part(self.expected, k)),
                "part": names[k], "parts": " and ".join(names[i] for i in self.wrong)}


@dataclass(frozen=True)
class Mistake:
    """A known mistake: a ``message`` for the learner, and either ``wrong`` (a function with
    the reference's signature that makes the mistake) or ``when`` (a predicate on a Trial).

    ``message`` is a ``str.format`` template over :meth:`Trial.fields`, or a callable of the Trial.
    """

    message: str | Callable[[Trial], str]
    wrong: Callable[..., Any] | None = None
    when: Callable[[Trial], bool] | None = None

    def explains(self, trial: Trial, rtol: float, atol: float) -> bool:
        try:
            with np.errstate(all="ignore"):
                if self.when is not None:
                    return bool(self.when(trial))
                alt = self.wrong(*_copies(trial.case.args))
            return all(close(trial.part(trial.got, k), trial.part(alt, k), rtol, atol)
                       for k in trial.wrong)
        except Exception:  # a variant that cannot even be compared explains nothing
            return False

    def text(self, trial: Trial) -> str:
        if callable(self.message):
            return self.message(trial)
        return self.message.format(**trial.fields())


def close(got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """True if ``got`` has exactly the shape of ``expected`` and matches it within tolerance."""
    try:
        g = np.asarray(got, dtype=float)
        e = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False
    return g.shape == e.shape and bool(np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True))


def fmt(value: Any, shape: bool = True) -> str:
    """A short, readable rendering of a number, an array (with its shape) or anything else."""
    if value is None:
        return "None"
    try:
        arr = np.asarray(value, dtype=float) + 0.0  # + 0.0 turns -0 into 0
    except (TypeError, ValueError):
        return f"{type(value).__name__} {value!r}"[:120]
    if arr.ndim == 0:
        return f"{float(arr):.6g}"
    if arr.ndim == 2 and arr.shape[1] == 1 and arr.shape[0] > 1:  # a column: print it as a row
        return fmt(arr[:, 0], shape=False) + (f" as a column (shape {arr.shape})" if shape else "")
    text = np.array2string(arr, separator=", ", threshold=12, edgeitems=2, max_line_width=88,
                           formatter={"float_kind": lambda v: f"{v:.4g}"})
    return f"{text} (shape {arr.shape})" if shape else text


def shape_name(shape: tuple[int, ...], dims: dict[str, int]) -> str:
    """``(6, 3)`` -> ``"(n_movies, n_features) = (6, 3)"`` when the sizes identify the names."""
    by_size: dict[int, list[str]] = {}
    for name, size in dims.items():
        by_size.setdefault(size, []).append(name)
    names = [by_size[s][0] if len(by_size.get(s, [])) == 1 else ("1" if s == 1 else "?")
             for s in shape]
    if "?" in names or names == [str(s) for s in shape]:
        return str(tuple(shape))
    return f"({', '.join(names)}{',' if len(names) == 1 else ''}) = {tuple(shape)}"


def _is_tuple(value: Any, n: int) -> bool:
    return isinstance(value, (tuple, list)) and len(value) == n


def _copies(args: tuple) -> tuple:
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _wrong_parts(got: Any, expected: Any, parts: tuple[str, ...] | None,
                 rtol: float, atol: float) -> tuple[int, ...]:
    if parts is None:
        return () if close(got, expected, rtol, atol) else (0,)
    if not _is_tuple(got, len(parts)):
        return tuple(range(len(parts)))
    return tuple(k for k in range(len(parts)) if not close(got[k], expected[k], rtol, atol))


def run_check(name: str, fn: Callable[..., Any], reference: Callable[..., Any],
              cases: Sequence[Case], mistakes: Sequence[Mistake], *,
              parts: tuple[str, ...] | None = None, rtol: float = 1e-6, atol: float = 1e-9,
              hint: str = "", references: Sequence[Callable] = (), exercises: dict | None = None,
              answer: Callable | None = None, substitute: dict | None = None) -> None:
    """Run ``fn`` on every case; print one line if all agree with ``reference``, else raise.

    ``references``: the package's functions that answer the exercise; they raise while ``fn``
    runs. ``exercises``: the notebook's function names -> "Exercise N", for the messages.
    ``answer``: the learner's own function when ``fn`` wraps it (default ``fn``).
    ``substitute``: learner functions of earlier exercises -> the references put in their place.

    Raises
    ------
    TypeError
        If ``fn`` is not callable (e.g. the result of calling the function was passed).
    CheckFailed
        (an AssertionError) If ``fn`` raises, or its output differs from the reference on some
        case; the message names the case, the expected and received values, and the probable
        mistake; or says that the exercise is not answered yet, or that it calls the package's
        own answer.
    """
    if not callable(fn):
        raise TypeError(f"check_{name} expects your function itself, e.g. "
                        f"check_{name}(my_function) "
                        f"without parentheses after my_function; got {type(fn).__name__}")
    answer = fn if answer is None else answer
    exercise = (exercises or {}).get(getattr(inspect.unwrap(answer), "__name__", None))
    if any(inspect.unwrap(answer) is r for r in references):
        raise verdicts.delegated(name, answers.ReferenceUnavailable(
            f"you passed `ru.{answer.__name__}` itself; write this yourself"), exercise)
    failed: list[Trial] = []
    raised: list[tuple[Exception, Case]] = []
    expected = [reference(*_copies(case.args)) for case in cases]
    with answers.references_unavailable(references, answer), \
            answers.substituted(substitute or {}, answer):
        for case, want in zip(cases, expected, strict=True):
            try:
                got = fn(*_copies(case.args))
            except Exception as exc:  # the learner's code: report whatever it raised
                raised.append((exc, case))
                continue
            wrong = _wrong_parts(got, want, parts, rtol, atol)
            if wrong:
                failed.append(Trial(case, got, want, wrong, parts))
    answers.ANSWERS[name] = (answer, not failed and not raised)
    if not failed and not raised:
        print(f"✓ {name}: all {len(cases)} checks passed")
        return
    if raised and not failed and all(answers.not_answered(e) for e, _ in raised):
        raise verdicts.not_answered(name, answer, exercise) from None
    borrowed = [e for e, _ in raised if isinstance(e, answers.ReferenceUnavailable)]
    if borrowed:
        raise verdicts.delegated(name, borrowed[0], exercise) from None
    scores = [sum(m.explains(t, rtol, atol) for t in failed) for m in mistakes]
    best = max(range(len(mistakes)), key=lambda i: (scores[i], -i), default=None)
    if best is not None and scores[best] > 0:
        mistake = mistakes[best]
        trial = next(t for t in failed if mistake.explains(t, rtol, atol))
        diagnosis = mistake.text(trial)
    elif raised:  # an exception says more than an unexplained wrong value
        exc, case = raised[0]
        raise verdicts.raised(name, exc, case) from exc
    else:
        trial = failed[0]
        diagnosis = ("This does not match any of the usual mistakes; compare your code with the "
                     f"formula, term by term: {hint}")
    if raised:
        exc, case = raised[0]
        diagnosis += f"\n  (It also raised {type(exc).__name__} on {case.label}.)"
    f = trial.fields()
    what = "" if parts is None else f" {f['part']}"
    raise CheckFailed(
        f"{name}: {len(failed) + len(raised)} of {len(cases)} checks failed. "
        f"On {trial.case.label}:\n"
        f"  {diagnosis}\n{show('expected' + what, f['expected'], 10 + len(what))}\n"
        f"{show('got' + what, f['got'], 10 + len(what))}"
    )


def show(label: str, text: str, width: int) -> str:
    """``  label: value`` on one line, or the label then the value indented below it."""
    if "\n" not in text:
        return f"  {label + ':':<{width}}{text}"
    return f"  {label}:\n    " + text.replace("\n", "\n    ")


def check_close(name: str, got: Any, expected: Any, rtol: float = 1e-6, *,
                atol: float = 1e-9) -> None:
    """Assert that ``got`` has the shape of ``expected`` and equals it within ``rtol``/``atol``.

    Prints ``✓ name`` (with the value, for a number) on success. Raises ``AssertionError``
    naming both shapes, or the largest difference and where it is, otherwise.

    >>> check_close("w·x + b", 5 * 0.99 + 0, 4.95)
    ✓ w·x + b = 4.95
    """
    if close(got, expected, rtol, atol):
        print(f"✓ {name}" + (f" = {fmt(got)}" if np.ndim(got) == 0 else ""))
        return
    try:
        g_shape, e_shape = np.shape(np.asarray(got, dtype=float)), np.shape(expected)
    except (TypeError, ValueError):
        raise CheckFailed(f"{name}: expected {fmt(expected)}, got {fmt(got)}") from None
    if g_shape != e_shape:
        problem = f"expected shape {e_shape}, got shape {g_shape}"
    else:
        diff = np.abs(np.asarray(got, dtype=float) - np.asarray(expected, dtype=float))
        k = np.unravel_index(np.nanargmax(diff), diff.shape) if diff.ndim else ()
        where = f" at index {tuple(int(i) for i in k)}" if k else ""
        problem = f"largest difference {np.nanmax(diff):.3g}{where}"
    raise CheckFailed(f"{name}: {problem}\n{show('expected', fmt(expected), 10)}\n"
                         f"{show('got', fmt(got), 10)}")


def copying(fn: Callable, copy: Callable[[tuple], tuple]) -> Callable:
    """``fn`` called on copies of its arguments, so that a learner's function that changes them
    in place cannot change the next case."""
    if not callable(fn):
        return fn

    @functools.wraps(fn)
    def call(*args):
        return fn(*copy(args))

    return call
