"""Project-wide pytest hooks (this file sits at the root so that it also covers ``notebooks/``).

1. **Wrong interpreter.** A bare ``pytest`` from outside the project's ``.venv`` usually lacks
   the package's dependencies and would fail with an ImportError deep in a test module; stop
   at once and say what to run instead.
2. **What a learner sees.** ``pytest --nbval-lax`` fails a cell only when it raises. A figure
   that fails to render, or a callback that crashes, prints its traceback and the cell still
   "succeeds". :func:`pytest_runtest_call` fails every executed notebook cell whose outputs
   hold an error or a traceback on stderr, using the outputs nbval already collected (no
   second execution).
"""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest

# What `make test` installs and the suite cannot run without.
REQUIRED = ("numpy", "pandas", "matplotlib", "ipywidgets", "nbval", "recsys_utils")

# A stderr stream (or any text output) that carries a Python traceback or a crashed callback.
TRACEBACK = re.compile(r"^(Traceback \(most recent call last\)|Error in callback .* \(for \w+\):)", re.M)


def missing_requirements(names=REQUIRED) -> list[str]:
    """The modules of ``names`` this interpreter cannot import."""
    return [name for name in names if importlib.util.find_spec(name) is None]


def pytest_configure(config: pytest.Config) -> None:
    missing = missing_requirements()
    if missing:
        raise pytest.UsageError(
            f"this Python ({sys.executable}) lacks {', '.join(missing)}, which the tests need.\n"
            "Run the suite with `make test` (it creates .venv with everything and runs "
            "`pytest --nbval-lax tests notebooks` in it), or use `.venv/bin/python -m pytest ...` "
            "after `make setup`.")


def output_problems(outputs, *, expect_error: bool = False) -> list[str]:
    """What in a cell's ``outputs`` (nbformat dicts) a learner would see as a failure.

    ``error`` outputs (unless the cell is tagged ``raises-exception``, ``expect_error``) and any
    ``stderr`` stream that holds a traceback. Warnings on stderr are not problems.
    """
    problems = []
    for out in outputs or ():
        kind = out.get("output_type")
        if kind == "error" and not expect_error:
            problems.append(f"error output: {out.get('ename')}: {out.get('evalue')}")
        elif kind == "stream" and out.get("name") == "stderr":
            text = out.get("text", "")
            match = TRACEBACK.search(text)
            if match:
                tail = [line for line in text[match.start():].splitlines() if line.strip()]
                problems.append("traceback on stderr:\n    " + "\n    ".join(tail[-6:]))
    return problems


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    outcome = yield
    outputs = getattr(item, "test_outputs", None)  # nbval's IPyNbCell keeps what the kernel sent
    if outcome.excinfo is not None or outputs is None:
        return
    options = getattr(item, "options", {}) or {}
    problems = output_problems(outputs, expect_error=bool(options.get("check_exception")))
    if problems:
        from nbval.plugin import NbCellError  # nbval formats its own errors with the cell's source

        outcome.force_exception(NbCellError(
            item.cell_num, "Cell ran, but a learner would see a failure in its output",
            item.cell.source, "\n".join(f"- {p}" for p in problems)))
