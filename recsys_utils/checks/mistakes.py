"""The mistakes every exercise can make, whatever its formula: their shape, not their maths.

Each notebook's module (``nb01`` ... ``nb09``) lists its exercises' own mistakes as *wrong
variants*: the reference formula with one knob turned (the 1/2 dropped, the mask forgotten,
the regularization left out...). The mistakes here are *predicates* on what came back: None
returned, an array instead of a number, a tuple of the wrong length, order or shapes.
:func:`with_structure` puts them around an exercise's own list, in the order the engine
tries them.
"""

from __future__ import annotations

from itertools import permutations
from typing import Any

import numpy as np

from .engine import Mistake, Trial, shape_name

__all__ = ["RETURNED_NONE", "NOT_A_NUMBER", "shape_mistakes", "with_structure",
           "same_set_other_order",
           "not_indices"]

# ----------------------------------------------------------------------------- structure
RETURNED_NONE = Mistake("your function returned None: did you forget the `return` statement?",
                        when=lambda t: t.got is None)
NOT_A_NUMBER = Mistake(
    lambda t: f"the result should be a single number, but your function returned an array of "
              f"shape {np.shape(t.got)}: add everything up with np.sum",
    when=lambda t: t.got is not None and np.ndim(t.got) > 0)


def _kind(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    return f"{type(value).__name__} with shape {np.shape(value)}"


def _order(t: Trial) -> tuple[int, ...] | None:
    """The permutation of the expected parts whose shapes the learner's parts have, if any."""
    got = [np.shape(g) for g in t.got]
    exp = [np.shape(e) for e in t.expected]
    if got == exp:
        return None
    fits = (p for p in permutations(range(len(exp))) if all(got[k] == exp[p[k]] for k in p))
    return next(fits, None)


def _shape_text(t: Trial) -> str:
    dims = t.case.fields.get("dims", {})
    k = next(k for k in range(len(t.expected)) if np.shape(t.got[k]) != np.shape(t.expected[k]))
    g, e = np.shape(t.got[k]), np.shape(t.expected[k])
    if g == e[::-1]:
        advice = "did you transpose?"
    elif np.prod(g) == np.prod(e):
        advice = "keep the dimensions with keepdims=True, or reshape"
    else:
        advice = "check which matrices you multiply and along which axis you sum"
    return (f"{t.parts[k]} has shape {shape_name(g, dims)} but should be {shape_name(e, dims)}: "
            f"{advice}")


def shape_mistakes(parts: tuple[str, ...]) -> list[Mistake]:
    """Mistakes in the structure of a tuple result: not a tuple, wrong order, wrong shapes."""
    names = ", ".join(parts)
    return [
        Mistake(lambda t: f"return {len(parts)} values, in this order: {names}; "
                          f"your function returned {_kind(t.got)}",
                when=lambda t: not (isinstance(t.got, (tuple, list)) and len(t.got) == len(parts))),
        Mistake(lambda t: f"the values come back in the wrong order: return {names}; "
                          "yours look like "
                          f"({', '.join(parts[i] for i in _order(t))})",
                when=lambda t: _order(t) is not None),
        Mistake(_shape_text, when=lambda t: any(np.shape(g) != np.shape(e)
                                                for g, e in zip(t.got, t.expected, strict=False))),
    ]


def with_structure(mistakes: list[Mistake], parts: tuple[str, ...] | None = None,
                   scalar: bool = True) -> list[Mistake]:
    """``mistakes`` with the structural ones around them: None returned first, then the
    exercise's own, then a tuple of the wrong length/order/shapes (``parts``) or an array
    where a number belongs (``scalar``)."""
    shape = shape_mistakes(parts) if parts else [NOT_A_NUMBER] if scalar else []
    return [RETURNED_NONE, *mistakes, *shape]


def same_set_other_order(t: Trial) -> bool:
    """The learner returned the expected items, in another order."""
    got = np.asarray(t.got).ravel().tolist() if t.got is not None else None
    want = np.asarray(t.expected).ravel().tolist()
    return got is not None and sorted(got) == sorted(want) and got != want


def not_indices(t: Trial) -> bool:
    """The learner returned numbers that are not whole, so not indices (scores, distances)."""
    got = np.asarray(t.got, dtype=float)
    return got.size > 0 and not np.all(got == np.round(got))
