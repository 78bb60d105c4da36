"""Fixtures for the checks' tests."""

from __future__ import annotations

import types
from collections.abc import Callable

import pytest


def as_learner(fn: Callable) -> Callable:
    """A copy of ``fn`` (same code, same globals), as if a learner had written it: a check
    refuses the package's own function object, the answer to its exercise."""
    if not isinstance(fn, types.FunctionType) or not fn.__module__.startswith("recsys_utils"):
        return fn
    copy = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__,
                              fn.__closure__)
    copy.__kwdefaults__ = fn.__kwdefaults__
    return copy


@pytest.fixture
def passes(capsys) -> Callable[..., None]:
    """``passes(check, fn, name, n=4)``: the check accepts ``fn`` (a copy, if it is the
    package's) and prints its one line."""

    def check_passes(check: Callable, fn: Callable, name: str, n: int = 4) -> None:
        check(as_learner(fn))
        assert capsys.readouterr().out == f"✓ {name}: all {n} checks passed\n"

    return check_passes


@pytest.fixture(autouse=True)
def fresh_answers():
    """Each test starts with no remembered answers (they chain exercises, e.g. notebook 03's)."""
    from recsys_utils.checks.answers import ANSWERS

    ANSWERS.clear()
    yield
    ANSWERS.clear()
