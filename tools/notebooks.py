"""Notebook hygiene for the series: clean, check, and build student editions.

    python tools/notebooks.py clean notebooks/*.ipynb     # strip outputs and stray metadata, in place
    python tools/notebooks.py check notebooks/*.ipynb     # report problems; exit 1 if any
    python tools/notebooks.py student notebooks/*.ipynb   # write student editions to student/

"Clean" means: no outputs, no execution counts, and cell metadata reduced to what carries
meaning — ``nbgrader`` (solution and autograder-test cells), ``tags`` and
``jupyter.source_hidden`` (a collapsed answer). Notebook metadata keeps the kernel spec and
the language name only. nbgrader reads the kept metadata as it is, so
``nbgrader generate_assignment`` works on these notebooks unchanged; the ``student`` command
does the same job without nbgrader for instructors who only want the hand-outs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

KEEP_CELL_METADATA = {"nbgrader", "tags"}
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*\n?", re.M | re.S)
NAME = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|tmp|root|home|Users)/")


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def clean(nb: dict) -> dict:
    """Return ``nb`` with outputs, execution counts and stray metadata removed."""
    for cell in nb["cells"]:
        meta = cell.get("metadata", {})
        kept = {k: v for k, v in meta.items() if k in KEEP_CELL_METADATA}
        if meta.get("jupyter", {}).get("source_hidden"):
            kept["jupyter"] = {"source_hidden": True}
        cell["metadata"] = kept
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        if "attachments" in cell and not cell["attachments"]:
            del cell["attachments"]
        cell.pop("id", None)
    nb["metadata"] = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    nb["nbformat"], nb["nbformat_minor"] = 4, 4
    return nb


def problems(path: Path) -> list[str]:
    """Everything wrong with one notebook file, as messages (empty when it is fine)."""
    out: list[str] = []
    if not NAME.match(path.name):
        out.append(f"{path.name}: name must be NN_snake_case_title.ipynb")
    text = path.read_text(encoding="utf-8")
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        return out + [f"{path.name}: not valid JSON ({exc})"]
    if MACHINE_PATH.search(text):
        out.append(f"{path.name}: mentions an absolute machine path")
    if json.dumps(clean(json.loads(text)), sort_keys=True) != json.dumps(nb, sort_keys=True):
        out.append(f"{path.name}: not clean (outputs or metadata); run `make clean-notebooks`")
    ids = set()
    for k, cell in enumerate(nb.get("cells", [])):
        grader = cell.get("metadata", {}).get("nbgrader")
        src = _source(cell)
        has_solution = "### BEGIN SOLUTION" in src
        if has_solution and src.count("### BEGIN SOLUTION") != src.count("### END SOLUTION"):
            out.append(f"{path.name}: cell {k} has unbalanced BEGIN/END SOLUTION markers")
        if has_solution and not (grader and grader.get("solution")):
            out.append(f"{path.name}: cell {k} has a solution block but no nbgrader solution metadata")
        if grader:
            for key in ("grade_id", "schema_version", "solution", "grade", "locked"):
                if key not in grader:
                    out.append(f"{path.name}: cell {k} nbgrader metadata lacks {key!r}")
            if grader.get("grade_id") in ids:
                out.append(f"{path.name}: cell {k} repeats grade_id {grader.get('grade_id')!r}")
            ids.add(grader.get("grade_id"))
            if grader.get("grade") and not isinstance(grader.get("points"), (int, float)):
                out.append(f"{path.name}: cell {k} is graded but has no points")
    return out


def student_edition(nb: dict) -> dict:
    """Replace every solution block by a stub the learner fills in (what nbgrader does)."""
    nb = clean(nb)
    for cell in nb["cells"]:
        grader = cell["metadata"].get("nbgrader", {})
        if not grader.get("solution"):
            continue
        src = _source(cell)
        if cell["cell_type"] == "code":
            src = SOLUTION.sub(lambda m: f"{m.group(1)}# YOUR CODE HERE\n{m.group(1)}raise NotImplementedError()\n", src)
        else:
            src = SOLUTION.sub("YOUR ANSWER HERE\n", src)
        cell["source"] = src
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["clean", "check", "student"])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("student"), help="folder for student editions")
    args = parser.parse_args(argv)
    bad: list[str] = []
    for path in args.paths:
        if args.command == "check":
            bad += problems(path)
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        if args.command == "clean":
            target, nb = path, clean(nb)
        else:
            args.out.mkdir(parents=True, exist_ok=True)
            target, nb = args.out / path.name, student_edition(nb)
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {target}")
    for line in bad:
        print(line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
