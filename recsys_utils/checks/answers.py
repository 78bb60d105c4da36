"""What happens around the learner's function while a check runs it, and in the cells after.

* **The answer cannot be borrowed.** While a check calls the learner's function, the package's
  own functions that answer the exercise (its *references*) are replaced by stubs that raise
  :class:`ReferenceUnavailable`, on every route: ``ru.cofi_cost``, ``ru.cofi_cost.cofi_cost``,
  ``recsys_utils.cofi_cost.cofi_cost`` and a name imported earlier with
  ``from recsys_utils import cofi_cost`` (:func:`references_unavailable`).
* **An unanswered exercise is told so.** The student edition's ``raise NotImplementedError()``
  makes the check say "Exercise N is not answered yet" (:func:`not_answered`), and the demo
  cells after it run on the package's function instead (:func:`yours_or`).
* **Each mistake costs once.** A check remembers the learner's function it last ran
  (:data:`ANSWERS`), so a later exercise built on it can be graded with the reference of the
  step before in its place (:func:`substituted`).
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["ReferenceUnavailable", "references_unavailable", "substituted", "namespace_of",
           "not_answered", "yours_or", "ANSWERS"]

#: check name -> (the learner's function it last ran, whether it passed).
ANSWERS: dict[str, tuple[Callable, bool]] = {}


class ReferenceUnavailable(RuntimeError):
    """Raised by a package function that answers the exercise being checked."""


def _stub(reference: Callable) -> Callable:
    name = reference.__name__

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise ReferenceUnavailable(f"write this yourself — the check cannot use `ru.{name}`")

    unavailable.__name__ = unavailable.__qualname__ = name
    return unavailable


def namespace_of(fn: Callable) -> dict | None:
    """The global names the learner's function sees (its notebook's), or None."""
    fn = inspect.unwrap(fn)
    while isinstance(fn, functools.partial):
        fn = fn.func
    namespace = getattr(fn, "__globals__", None)
    return namespace if isinstance(namespace, dict) else None


def _package_namespaces() -> list[dict]:
    return [module.__dict__ for name, module in list(sys.modules.items())
            if module is not None and (name == "recsys_utils" or name.startswith("recsys_utils."))]


@contextmanager
def _replaced(replacements: Mapping[int, tuple[Callable, Any]],
              namespaces: Sequence[dict]) -> Iterator[None]:
    saved = []
    for namespace in namespaces:
        for key, value in list(namespace.items()):
            if id(value) in replacements and replacements[id(value)][0] is value:
                saved.append((namespace, key, value))
                namespace[key] = replacements[id(value)][1]
    try:
        yield
    finally:
        for namespace, key, value in reversed(saved):
            namespace[key] = value


def references_unavailable(references: Sequence[Callable], learner: Callable) -> Any:
    """Within this context, every name bound to one of ``references`` in the package's modules
    and in the learner's notebook raises :class:`ReferenceUnavailable` when called."""
    namespaces = _package_namespaces()
    mine = namespace_of(learner)
    if mine is not None and all(mine is not n for n in namespaces):
        namespaces.append(mine)
    return _replaced({id(r): (r, _stub(r)) for r in references}, namespaces)


def substituted(replacements: Mapping[Callable, Callable], learner: Callable) -> Any:
    """Within this context, the learner's notebook names bound to a key of ``replacements``
    are bound to its value (e.g. their gradients -> the package's, for the descent step)."""
    mine = namespace_of(learner)
    pairs = {id(k): (k, v) for k, v in replacements.items()}
    return _replaced(pairs, [] if mine is None else [mine])


def not_answered(exc: BaseException) -> bool:
    """True for the student edition's ``raise NotImplementedError()``."""
    return isinstance(exc, NotImplementedError)


def yours_or(fn: Callable, reference: Callable) -> Callable:
    """``fn``, or ``reference`` while ``fn`` raises NotImplementedError (not answered yet).

    For the cells after an exercise: a blank hand-out still runs them, on the package's
    tested function, and says so once.

    >>> def my_double(x):
    ...     raise NotImplementedError()
    >>> yours_or(my_double, lambda x: 2 * x)(21)
    (my_double is not answered yet: the cells below use the package's <lambda> instead)
    42
    """
    told = False

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        nonlocal told
        try:
            return fn(*args, **kwargs)
        except NotImplementedError:
            if not told:
                told = True
                mine, theirs = (getattr(f, "__name__", "?") for f in (fn, reference))
                print(f"({mine} is not answered yet: the cells below use the package's {theirs} "
                      "instead)")
            return reference(*args, **kwargs)

    return call
