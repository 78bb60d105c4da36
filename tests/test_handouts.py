"""Hand-outs run blank: the student edition of every notebook runs with every exercise unanswered.

``python tools/notebooks.py student`` replaces each solution by ``raise NotImplementedError()``.
Executed top to bottom with errors allowed, such a hand-out may fail only in its check cells
(nbgrader ``grade: true``), every check cell fails (a blank hand-out earns no point), and each
failure is the check's short verdict, "Exercise N is not answered yet", without the frames of
the package. Demonstration cells after an exercise run on the package's function instead
(``ru.checks.yours_or``). One kernel per notebook: this runs every notebook once more.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbclient  # with nbformat, a dependency of nbgrader (the test extra): no silent skip
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def student(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    tool = str(ROOT / "tools" / "notebooks.py")
    subprocess.run([sys.executable, tool, "student", *map(str, NOTEBOOKS), "--out", str(out)],
                   check=True, capture_output=True, text=True)
    return out


def _errors(cell) -> list:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem[:2] for p in NOTEBOOKS])
def test_the_blank_hand_out_runs_and_only_its_checks_fail(student, notebook, real_movielens_dir):
    nb = nbformat.read(student / notebook.name, as_version=4)
    blank = "raise NotImplementedError()" in "".join(c.source for c in nb.cells)
    assert blank, f"the hand-out of {notebook.name} has no unanswered exercise"
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    problems = []
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        grader = cell.metadata.get("nbgrader", {})
        errors = _errors(cell)
        if not grader.get("grade"):
            problems += [f"cell {k} (not a check) raised {e['ename']}: {e['evalue'][:200]}"
                         for e in errors]
            continue
        if not errors:
            problems.append(f"check cell {k} ({grader.get('grade_id')}) passed on a blank hand-out")
            continue
        error = errors[0]
        if error["ename"] != "CheckFailed" or "is not answered yet" not in error["evalue"]:
            problems.append(f"check cell {k} ({grader.get('grade_id')}) raised {error['ename']}: "
                            f"{error['evalue'][:200]} (expected the check's 'is not answered yet')")
        elif len(error["traceback"]) > 2:
            n = len(error["traceback"])
            problems.append(f"check cell {k}: {n} traceback lines; the verdict should stand alone "
                            "(CheckFailed._render_traceback_)")
    assert not problems, f"{notebook.name}, blank:\n" + "\n".join(problems)
