"""The verdicts of :func:`~recsys_utils.checks.engine.run_check` that are not about a value:
the learner's function raised, is not answered yet, or calls the package's own answer.

Each is a :class:`CheckFailed`, an AssertionError that a notebook shows as its message alone.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from typing import Any

__all__ = ["CheckFailed", "raised", "not_answered", "delegated"]

#: Frames that are not the learner's: the package's and installed libraries'.
_NOT_YOURS = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "site-packages",
              "dist-packages")
_INDEX_HINT = ("an index is out of range: check which index array goes with which array (movie "
               "indices such as item_idx for rows of X, user indices such as user_idx for rows of "
               "W and columns of b)")
_EXCEPTION_HINTS = (
    ("can be converted to Python scalars",
     "an array was used where a single number is needed: math.exp / math.log and float() take "
     "one number, so use np.exp / np.log on arrays, and check the shape of what you pass to "
     "float()"),
    ("matmul: Input operand",
     "the shapes do not fit together for @: print the shapes of both sides"),
    ("could not be broadcast", "the shapes do not fit together: print the shapes of both sides"),
    ("to a shape",
     "a shape is a tuple, and a tuple of one value needs a comma: shape=(n,); (n) is just n"),
    ("is not in [0", _INDEX_HINT),
    ("out of bounds for axis", _INDEX_HINT),
)


class CheckFailed(AssertionError):
    """A check's verdict: in a notebook, only the message is shown, not the frames of the package.

    IPython shows what :meth:`_render_traceback_` returns instead of the full traceback, so the
    diagnosis is the first thing the learner reads.
    """

    def _render_traceback_(self) -> list[str]:
        return f"{type(self).__name__}: {self}".split("\n")


def _in_your_code(exc: BaseException) -> str:
    """``line N: <source>`` of the last frame of the learner's code in ``exc``'s traceback."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not any(part in f.filename for part in _NOT_YOURS)]
    if not frames or not frames[-1].line:
        return ""
    return f"\n  in your code, line {frames[-1].lineno}: {frames[-1].line.strip()}"


def raised(name: str, exc: Exception, case: Any) -> CheckFailed:
    text = (f"{name}: your function raised {type(exc).__name__}: {exc}{_in_your_code(exc)}\n"
            f"  when called on {case.label}")
    for needle, hint in _EXCEPTION_HINTS:
        if needle in str(exc):
            text += f"\n  Hint: {hint}."
            break
    return CheckFailed(text)


def not_answered(name: str, answer: Callable, exercise: str | None) -> CheckFailed:
    what = exercise or "This exercise"
    yours = getattr(answer, "__name__", "your function")
    return CheckFailed(f"{name}: {what} is not answered yet: replace `raise NotImplementedError()` "
                       f"in {yours} with your code, then run this cell again.")


def delegated(name: str, exc: Exception, exercise: str | None) -> CheckFailed:
    what = f"{exercise} asks" if exercise else "this exercise asks"
    return CheckFailed(f"{name}: your function calls the package's own answer: {exc}. "
                       f"{what[0].upper()}{what[1:]} you to compute it with NumPy (or TensorFlow), "
                       "step by step.")
