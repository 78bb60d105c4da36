"""The nbgrader round trip an instructor runs, for real: generate the assignment, autograde.

A temporary nbgrader course gets notebooks 02 and 09 as its assignment ``ps1``;
``nbgrader generate_assignment`` releases it; four fake students submit the released notebooks
with the solution stubs filled in, and ``nbgrader autograde`` executes and grades them in a
fresh kernel (with the package and ``RECSYS_DATA``, as docs/instructors.md tells instructors):

* ``blank``      — the hand-out as released, nothing answered         -> 0 points;
* ``correct``    — the instructor's own solutions                      -> full points;
* ``mistake``    — correct except one plausible mistake per notebook   -> full minus that exercise;
* ``delegating`` — every answer calls the package's reference function -> 0 points.

The exercises come from the notebooks' nbgrader metadata (``tools/notebooks.py exercises``);
the only per-exercise data are the two tables below. A new exercise in 02 or 09 fails
``test_every_exercise_has_a_delegating_answer`` until it has a delegating answer.
Costs one ``generate_assignment`` and eight notebook executions (4 students x 2 notebooks).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as hygiene  # noqa: E402

ASSIGNMENT = "ps1"
NOTEBOOKS = ["02_collaborative_filtering_cost.ipynb", "09_retrieval_and_ranking.ipynb"]
STUDENTS = ["blank", "correct", "mistake", "delegating"]
REAL_RECSYS_DATA = os.environ.get("RECSYS_DATA")  # read before any test's monkeypatching

# grade_id -> a plausible wrong answer, put where the solution region was (same indentation).
# One per notebook; the mistake student answers every other exercise with the instructor's solution.
MISTAKES = {
    # 02, exercise 1: the 1/2 forgotten (J comes out twice too large).
    "cost-loop": """
        for j in range(n_users):
            for i in range(n_movies):
                if R[i, j] == 1:
                    J += (np.dot(W[j], X[i]) + b[0, j] - Y[i, j]) ** 2
        J += lambda_ * (np.sum(W**2) + np.sum(X**2))
        """,
    # 09, exercise 1: duplicates kept (only the watched movies are dropped).
    "09-combine": """
        skip = set(int(i) for i in exclude)
        kept = [int(i) for items in lists for i in items if int(i) not in skip]
        return np.array(kept, dtype=np.int64)
        """,
}

# grade_id -> an answer that hands the work to the package's reference implementation, by each
# route a learner might take: ru.x, a `from recsys_utils import x` at call time, ru.module.x, an
# alias, another of the exercise's references (09's TensorFlow loss). The setup cells import no
# reference of an exercise being practised, so there is no notebook name to borrow.
DELEGATIONS = {
    "cost-loop": "J = ru.cofi_cost_loop(X, W, b, Y, R, lambda_)",
    "cost-vectorized": """
        from recsys_utils import cofi_cost
        J = cofi_cost(X, W, b, Y, R, lambda_)
        """,
    "09-combine": "return ru.candidates.combine_candidates(lists, exclude)",
    "09-rank": """
        from recsys_utils.candidates import rank_candidates as ranked
        return ranked(vu, VM, candidates, k)
        """,
    "09-softmax-loss": """
        from recsys_utils.engagement import in_batch_softmax_loss
        return float(in_batch_softmax_loss(vu, vm, log_q, temperature))
        """,
}
# A delegating answer must fail because the check caught it, not because the answer is broken.
BROKEN = (
    "NameError",
    "AttributeError",
    "ImportError",
    "ModuleNotFoundError",
    "SyntaxError",
    "IndentationError",
    "TypeError",
)

CONFIG = """\
c = get_config()
c.CourseDirectory.course_id = "recsys"
c.CourseDirectory.db_url = "sqlite:///{db}"
c.Execute.timeout = 180              # seconds per cell; docs/instructors.md asks for >= 120
"""


def _exercises(name: str) -> list[dict]:
    return hygiene.exercises(ROOT / "notebooks" / name)


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``nbgrader`` from the course folder in the grading environment of docs/instructors.md."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PATH"] = os.pathsep.join(
        [str(Path(sys.executable).parent), env.get("PATH", "")]
    )  # nbgrader runs `alembic`
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["JUPYTER_CONFIG_DIR"] = str(course / ".jupyter")  # no personal nbgrader_config.py leaks in
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        check=False,
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, (
        f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    )
    return done


def _solution_region(source: str) -> tuple[str, str]:
    """The instructor's answer between the markers, dedented, and the markers' indentation."""
    m = re.search(r"^([ \t]*)### BEGIN SOLUTION\n(.*?)^[ \t]*### END SOLUTION", source, re.M | re.S)
    assert m, f"no solution region in:\n{source}"
    return textwrap.dedent(m.group(2)), m.group(1)


def _fill(released: str, answer: str, indent: str) -> str:
    """The released cell with its stub replaced by ``answer`` at ``indent``."""
    stub = "\n".join(indent + line for line in hygiene.CODE_STUB)
    assert released.count(stub) == 1, f"the released cell should hold the stub once:\n{released}"
    body = textwrap.indent(textwrap.dedent(answer).strip("\n"), indent)
    return released.replace(stub, body)


def _submission(name: str, student: str, released: dict, source: dict) -> dict:
    nb = json.loads(json.dumps(released))
    if student == "blank":
        return nb
    solutions = {
        c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
        for c in source["cells"]
        if c["metadata"].get("nbgrader", {}).get("solution")
    }
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id not in solutions:
            continue
        answer, indent = _solution_region(solutions[grade_id])
        if student == "delegating":
            answer = DELEGATIONS[grade_id]
        elif student == "mistake" and grade_id in MISTAKES:
            answer = MISTAKES[grade_id]
        cell["source"] = _fill("".join(cell["source"]), answer, indent)
    return nb


def _expected(name: str, student: str) -> dict[str, float]:
    """Points per check cell (grade_id of the check) for one student's notebook."""
    source = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    cell_points = {
        c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"].get("points", 0)
        for c in source["cells"]
        if c["metadata"].get("nbgrader", {}).get("grade")
    }
    points = {}
    for ex in _exercises(name):
        earns = student == "correct" or (student == "mistake" and ex["grade_id"] not in MISTAKES)
        points.update({check: cell_points[check] if earns else 0 for check in ex["checks"]})
    return points


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_exercise_has_a_delegating_answer(name):
    ids = [ex["grade_id"] for ex in _exercises(name)]
    assert ids, f"{name} has no exercises"
    missing = [i for i in ids if i not in DELEGATIONS]
    assert not missing, (
        f"{name}: add a delegating answer for {missing} to DELEGATIONS in {__file__}"
    )
    mistakes = [i for i in ids if i in MISTAKES]
    assert len(mistakes) == 1, (
        f"{name}: MISTAKES should hold one plausible mistake for this notebook, has {mistakes}"
    )
    assert all(ex["checks"] for ex in _exercises(name)), (
        f"{name}: every exercise needs a graded check cell"
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course with ps1 = notebooks 02 and 09, released, submitted by four students, autograded."""
    if not REAL_RECSYS_DATA:
        pytest.skip(
            "RECSYS_DATA is not set: notebooks 02 and 09 read the real MovieLens "
            "(CI sets it to ../shared/data)"
        )
    course = tmp_path_factory.mktemp("course")
    (course / "nbgrader_config.py").write_text(
        CONFIG.format(db=(course / "gradebook.db").as_posix())
    )
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for name in NOTEBOOKS:
        (source / name).write_text(
            (ROOT / "notebooks" / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    _nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    for student in STUDENTS:
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for name in NOTEBOOKS:
            released = json.loads(
                (course / "release" / ASSIGNMENT / name).read_text(encoding="utf-8")
            )
            original = json.loads((source / name).read_text(encoding="utf-8"))
            (folder / name).write_text(
                json.dumps(_submission(name, student, released, original), indent=1),
                encoding="utf-8",
            )
    _nbgrader(course, "autograde", ASSIGNMENT, "--force")
    return course


@pytest.mark.movielens
def test_release_is_the_student_edition(course):
    """tools/notebooks.py student writes what nbgrader releases: the same sources and cell locks."""
    for name in NOTEBOOKS:
        released = json.loads((course / "release" / ASSIGNMENT / name).read_text(encoding="utf-8"))
        ours = hygiene.student_edition(
            json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
        )
        assert len(released["cells"]) == len(ours["cells"])
        for k, (a, b) in enumerate(zip(released["cells"], ours["cells"], strict=True)):
            assert "".join(a["source"]) == b["source"], f"{name} cell {k}: the hand-outs differ"
            for flag in ("editable", "deletable"):
                assert a["metadata"].get(flag, True) == b["metadata"].get(flag, True), (
                    f"{name} cell {k}: nbgrader sets {flag}={a['metadata'].get(flag, True)}, "
                    "the student edition does not"
                )


def _why(course: Path, student: str, name: str, grade_id: str) -> str:
    """The error (or its absence) of one graded cell in the autograded notebook, for failures."""
    path = course / "autograded" / student / ASSIGNMENT / name
    if not path.exists():
        return f"(no autograded notebook at {path})"
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if not errors:
                return "the check cell ran without an error"
            return f"{errors[0]['ename']}: {errors[0]['evalue'][:400]}"
    return "(check cell not found)"


@pytest.mark.movielens
@pytest.mark.parametrize("student", STUDENTS)
def test_autograde_gives_the_points_the_answer_deserves(course, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{(course / 'gradebook.db').as_posix()}") as gb:
        for name in NOTEBOOKS:
            notebook = Path(name).stem
            expected = _expected(name, student)
            total = sum(_expected(name, "correct").values())
            sub = gb.find_submission_notebook(notebook, ASSIGNMENT, student)
            assert sub.max_score == total, (
                f"{name}: nbgrader counts {sub.max_score} points, the metadata {total}"
            )
            got = {g.name: g.score for g in sub.grades}
            wrong = {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v}
            assert not wrong, f"{student} / {name}: " + "; ".join(
                f"{k} scored {g}, expected {e} ({_why(course, student, name, k)})"
                for k, (g, e) in wrong.items()
            )
            if student == "delegating":
                broken = {k: _why(course, student, name, k) for k in expected}
                broken = {k: v for k, v in broken.items() if v.startswith(BROKEN)}
                assert not broken, (
                    f"{name}: the delegating answers themselves fail, fix DELEGATIONS: {broken}"
                )
            want = {"blank": 0, "correct": total, "delegating": 0}.get(student)
            if want is None:  # the mistake costs its exercise's points only
                assert 0 < sub.score < total
            else:
                assert sub.score == want, f"{student} / {name}: {sub.score} of {total} points"
