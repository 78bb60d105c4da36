"""Fixtures for the checks' tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def passes(capsys) -> Callable[..., None]:
    """``passes(check, fn, name, n=4)``: the check accepts ``fn`` and prints its one line."""

    def check_passes(check: Callable, fn: Callable, name: str, n: int = 4) -> None:
        check(fn)
        assert capsys.readouterr().out == f"✓ {name}: all {n} checks passed\n"

    return check_passes
