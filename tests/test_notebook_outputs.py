"""The root conftest's check that an executed notebook shows a learner no traceback.

nbval fails a cell only when it raises; these tests run nbval on tiny notebooks (in a
subprocess, with the project's conftest) and show that a cell which "succeeds" while printing a
traceback — a figure whose label matplotlib cannot parse, a traceback written to stderr —
fails too, while warnings and expected exceptions do not.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import nbformat

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
root_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root_conftest)
output_problems = root_conftest.output_problems


def test_output_problems_reads_error_and_stderr_outputs():
    tb = ("Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n"
          "ValueError: Unknown symbol: \\lVert\n")
    assert output_problems([{"output_type": "stream", "name": "stdout", "text": tb}]) == []
    assert output_problems([{"output_type": "stream", "name": "stderr", "text": "UserWarning: careful\n"}]) == []
    [problem] = output_problems([{"output_type": "stream", "name": "stderr", "text": "note\n" + tb}])
    assert problem.startswith("traceback on stderr") and "Unknown symbol" in problem
    err = {"output_type": "error", "ename": "ValueError", "evalue": "bad", "traceback": []}
    assert output_problems([err]) == ["error output: ValueError: bad"]
    assert output_problems([err], expect_error=True) == []
    cb = "Error in callback <function flush_figures at 0x1> (for post_execute):\n"
    assert len(output_problems([{"output_type": "stream", "name": "stderr", "text": cb}])) == 1


def _notebook(path: Path, *sources: str, tags: dict[int, list[str]] | None = None) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    for i, t in (tags or {}).items():
        nb.cells[i].metadata["tags"] = t
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def test_nbval_fails_a_cell_that_shows_a_traceback(pytester, monkeypatch):
    # Cell 0 is fine; cell 1 draws a figure whose label mathtext cannot parse (the inline
    # backend renders it after the cell, so the cell itself "succeeds"); cell 2 writes a
    # traceback to stderr and carries on; cell 3 warns; cell 4 raises as its tag expects.
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend, as a learner has
    shutil.copy(ROOT / "conftest.py", pytester.path / "conftest.py")
    _notebook(
        pytester.path / "nb.ipynb",
        "print('hello')",
        "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.ylabel(r'$\\lVert w \\rVert$')\nplt.show()",
        "import sys, traceback\ntry:\n    1 / 0\nexcept ZeroDivisionError:\n    traceback.print_exc()",
        "import warnings\nwarnings.warn('only a warning')",
        "raise KeyError('expected')",
        tags={4: ["raises-exception"]},
    )
    result = pytester.runpytest_subprocess("--nbval-lax", "-p", "no:cacheprovider", "nb.ipynb",
                                           "-o", "addopts=", timeout=240)
    result.assert_outcomes(passed=3, failed=2)
    out = result.stdout.str()
    assert "nb.ipynb::Cell 1 FAILED" in out or "Cell 1" in out
    assert "a learner would see a failure" in out
    assert "lVert" in out and "ZeroDivisionError" in out
