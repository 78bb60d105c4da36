"""Every notebook is clean, named, skeleton-shaped, and nbgrader-ready (see CONTRIBUTING.md)."""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as hygiene  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SKELETON = ["what you will learn", "summary", "further exercises", "references"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_clean_and_nbgrader_ready(path):
    assert hygiene.problems(path) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_follows_the_skeleton(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = lambda c: "".join(c["source"]).lower()  # noqa: E731
    assert cells[0]["cell_type"] == "markdown" and text(cells[0]).startswith("# "), "title first"
    headings = [
        line
        for c in cells
        if c["cell_type"] == "markdown"
        for line in text(c).splitlines()
        if line.startswith("#")
    ]
    positions = []
    for part in SKELETON:
        found = [k for k, h in enumerate(headings) if part in h]
        assert found, f"{path.name} has no '{part}' heading"
        positions.append(found[0])
    assert positions == sorted(positions), f"{path.name}: skeleton sections out of order"
    # the setup cell: the first code cell after tools/colab.py's Colab-only install cell (tag "colab")
    first_code = next(c for c in cells if c["cell_type"] == "code" and "colab" not in c["metadata"].get("tags", []))
    assert "import recsys_utils" in text(first_code) or "from recsys_utils" in text(first_code)
    assert not any("import *" in text(c) for c in cells if c["cell_type"] == "code")


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ is empty"


def test_student_edition_replaces_solutions():
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {
                    "nbgrader": {
                        "solution": True,
                        "grade": False,
                        "locked": False,
                        "grade_id": "a",
                        "schema_version": 3,
                    }
                },
                "source": (
                    "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
                ),
                "outputs": [],
                "execution_count": 3,
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 4,
    }
    out = hygiene.student_edition(nb)
    src = out["cells"][0]["source"]
    assert "return 2 * x" not in src
    assert src == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    assert out["cells"][0]["execution_count"] is None


def _cell(cell_type, source, **grader):
    meta = (
        {
            "nbgrader": {
                "grade_id": grader.pop("grade_id", "x"),
                "schema_version": 3,
                "grade": False,
                "solution": False,
                "locked": False,
                **grader,
            }
        }
        if grader
        else {}
    )
    cell = {"cell_type": cell_type, "metadata": meta, "source": source}
    if cell_type == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def test_student_edition_locks_cells_as_nbgrader_does():
    # nbgrader's LockCells: solution cells undeletable; graded and locked cells undeletable and
    # uneditable.
    nb = {
        "cells": [
            _cell("markdown", "Intro"),
            _cell(
                "code",
                "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                solution=True,
            ),
            _cell(
                "code", "assert f(1) == 2", grade=True, locked=True, points=1, grade_id="f-check"
            ),
            _cell("markdown", "Read only", locked=True, grade_id="ro"),
            _cell("code", "print(f(3))"),
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 4,
    }
    cells = hygiene.student_edition(nb)["cells"]
    flags = [
        (c["metadata"].get("editable", True), c["metadata"].get("deletable", True)) for c in cells
    ]
    assert flags == [(True, True), (True, False), (False, False), (False, False), (True, True)]
    # no newline after END SOLUTION in the source -> none after the stub (nbgrader's line-by-line
    # rewrite)
    assert cells[1]["source"] == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert cells[2]["source"] == "assert f(1) == 2" and cells[4]["source"] == "print(f(3))"


def test_student_edition_clears_whole_cells_markdown_answers_and_hidden_tests():
    nb = {
        "cells": [
            _cell(
                "code", "x = 42", solution=True, grade_id="a"
            ),  # no markers: the whole cell is the answer
            _cell(
                "markdown",
                "Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION\n",
                solution=True,
                grade_id="b",
            ),
            _cell("markdown", "Explain.", solution=True, grade=True, points=2, grade_id="c"),
            _cell(
                "code",
                "assert x\n### BEGIN HIDDEN TESTS\nassert x == 42\n### END HIDDEN TESTS\n",
                grade=True,
                locked=True,
                points=1,
                grade_id="d",
            ),
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 4,
    }
    src = [c["source"] for c in hygiene.student_edition(nb)["cells"]]
    assert src == [
        "# YOUR CODE HERE\nraise NotImplementedError()",
        "Why?\nYOUR ANSWER HERE\n",
        "YOUR ANSWER HERE",
        "assert x\n",
    ]


def test_student_command_writes_the_hand_outs_and_leaves_the_notebooks(tmp_path):
    path = NOTEBOOKS[0]
    before = path.read_bytes()
    assert hygiene.main(["student", str(path), "--out", str(tmp_path / "out")]) == 0
    out = json.loads((tmp_path / "out" / path.name).read_text(encoding="utf-8"))
    assert path.read_bytes() == before
    sources = ["".join(c["source"]) for c in out["cells"]]
    assert not any("### BEGIN SOLUTION" in s for s in sources)
    n_solutions = sum(bool(c["metadata"].get("nbgrader", {}).get("solution")) for c in out["cells"])
    assert sum("raise NotImplementedError()" in s for s in sources) >= n_solutions > 0


@pytest.mark.parametrize("command", [None, "clean", "check", "student", "exercises"])
def test_every_command_documents_itself(command, capsys):
    with pytest.raises(SystemExit) as stop:
        hygiene.main(([command] if command else []) + ["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert len(text) > 300, text
    if command is None:  # the overview names every command with a one-line help
        for name in ("clean", "check", "student", "exercises"):
            assert re.search(rf"^\s+{name}\s+\S", text, re.M) or re.search(
                rf"^\s+{name}\n\s+\S", text, re.M
            ), text
    else:
        assert "paths" in text and "notebooks/*.ipynb" in text


INSTRUCTORS = ROOT / "docs" / "instructors.md"


def test_instructor_guide_lists_every_exercise_as_the_notebooks_say():
    # The table's facts (notebook, title, grade_id, section, points) are regenerated from the
    # notebooks; minutes and objective are kept from the guide. Fix a failure with
    #   python tools/notebooks.py exercises --update docs/instructors.md notebooks/*.ipynb
    # and fill in any `?` by hand.
    text = INSTRUCTORS.read_text(encoding="utf-8")
    assert hygiene.update_exercise_table(INSTRUCTORS, NOTEBOOKS) == text, (
        "docs/instructors.md's exercise table is out of date: "
        "run tools/notebooks.py exercises --update"
    )
    rows = hygiene._table_rows(text)
    ids = [ex["grade_id"] for path in NOTEBOOKS for ex in hygiene.exercises(path)]
    assert sorted(rows) == sorted(ids) and len(ids) == len(set(ids))
    for grade_id, cols in rows.items():
        minutes, objective = cols[5], cols[6]
        assert re.fullmatch(r"\d+(–\d+)?", minutes), (
            f"{grade_id}: minutes to solve should be a number, got {minutes!r}"
        )
        assert len(objective) > 20, f"{grade_id}: write the learning objective (got {objective!r})"


def test_exercises_are_read_from_headings_and_metadata(tmp_path):
    nb = {
        "cells": [
            _cell(
                "markdown",
                "# 99 · Title\n## 2. Mean normalization\n### Exercise 1 — normalize the ratings",
            ),
            _cell(
                "code",
                "### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
                solution=True,
                grade_id="norm",
            ),
            _cell("code", "assert x", grade=True, locked=True, points=2, grade_id="norm-check"),
            _cell(
                "code", "assert x > 0", grade=True, locked=True, points=1, grade_id="norm-check-2"
            ),
            _cell("markdown", "## 3. Exercise — the gradients\n### Exercise 2"),
            _cell(
                "code",
                "### BEGIN SOLUTION\ny = 2\n### END SOLUTION",
                solution=True,
                grade_id="grad",
            ),
            _cell("code", "assert y", grade=True, locked=True, points=1, grade_id="grad-check"),
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 4,
    }
    path = tmp_path / "99_example.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert hygiene.exercises(path) == [
        {
            "notebook": "99",
            "exercise": "normalize the ratings",
            "grade_id": "norm",
            "checks": ["norm-check", "norm-check-2"],
            "section": "Mean normalization",
            "points": 3,
        },
        # a bare "### Exercise 2" takes the title of its "## 3. Exercise — ..." section; the
        # lecture section stays the last numbered section that is not an exercise
        {
            "notebook": "99",
            "exercise": "the gradients",
            "grade_id": "grad",
            "checks": ["grad-check"],
            "section": "Mean normalization",
            "points": 1,
        },
    ]
    doc = tmp_path / "guide.md"
    doc.write_text(
        f"Intro\n{hygiene.EXERCISES_BEGIN}\n"
        "| 99 | old title | `norm` | old | 1 | 12 | normalize ratings by movie means |\n"
        f"{hygiene.EXERCISES_END}\nOutro\n",
        encoding="utf-8",
    )
    assert (
        hygiene.main(["exercises", "--update", str(doc), str(path)]) == 1
    )  # `grad` still needs its two columns
    rows = hygiene._table_rows(doc.read_text(encoding="utf-8"))
    assert rows["norm"] == [
        "99",
        "normalize the ratings",
        "`norm`",
        "Mean normalization",
        "3",
        "12",
        "normalize ratings by movie means",
    ]
    assert rows["grad"][5:] == ["?", "?"]
    assert doc.read_text(encoding="utf-8").startswith("Intro\n") and doc.read_text(
        encoding="utf-8"
    ).endswith("Outro\n")
    with pytest.raises(ValueError, match="no exercise table markers"):
        hygiene.update_exercise_table(path, [path])
