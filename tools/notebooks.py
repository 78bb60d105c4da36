"""Notebook hygiene for the series: clean, check, build student editions, list the exercises.

    python tools/notebooks.py clean notebooks/*.ipynb       # strip outputs and stray metadata, in place
    python tools/notebooks.py check notebooks/*.ipynb       # report problems; exit 1 if any
    python tools/notebooks.py student notebooks/*.ipynb     # write student editions to student/
    python tools/notebooks.py exercises notebooks/*.ipynb   # print the table of every exercise
    python tools/notebooks.py exercises --update docs/instructors.md notebooks/*.ipynb

"Clean" means: no outputs, no execution counts, and cell metadata reduced to what carries
meaning — ``nbgrader`` (solution and autograder-test cells), ``tags`` and
``jupyter.source_hidden`` (a collapsed answer). Notebook metadata keeps the kernel spec and
the language name only. nbgrader reads the kept metadata as it is, so
``nbgrader generate_assignment`` works on these notebooks unchanged; the ``student`` command
does the same job without nbgrader for instructors who only want the hand-outs: it
replaces solution regions exactly as nbgrader's ``ClearSolutions`` does and locks cells as
its ``LockCells`` does (solution cells ``deletable: false``; check and other locked cells
``deletable: false, editable: false``), so the two hand-outs agree cell for cell
(``tests/test_nbgrader.py`` compares them).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

KEEP_CELL_METADATA = {"nbgrader", "tags"}
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
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


CODE_STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
TEXT_STUB = ["YOUR ANSWER HERE"]


def _clear_solution(source: str, stub: list[str]) -> str:
    """nbgrader's ``ClearSolutions`` on one cell: each marked region becomes the indented stub."""
    lines, out, inside, replaced = source.split("\n"), [], False, False
    for line in lines:
        if "### BEGIN SOLUTION" in line:
            inside = replaced = True
            indent = re.match(r"\s*", line).group(0)
            out += [indent + s for s in stub]
        elif "### END SOLUTION" in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out) if replaced else "\n".join(stub)


def _clear_hidden_tests(source: str) -> str:
    """nbgrader's ``ClearHiddenTests``: drop ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``."""
    out, inside = [], False
    for line in source.split("\n"):
        if "### BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "### END HIDDEN TESTS" in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def student_edition(nb: dict) -> dict:
    """The hand-out: solutions replaced by a stub and cells locked, as ``nbgrader generate_assignment``.

    A solution region (``### BEGIN SOLUTION`` ... ``### END SOLUTION``) becomes
    ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` at the marker's indentation (a
    markdown answer becomes ``YOUR ANSWER HERE``); a solution cell without markers is replaced
    whole. Solution cells get ``deletable: false``; graded (check) cells and other locked
    cells get ``deletable: false, editable: false``, so Jupyter refuses to change them.
    """
    nb = clean(nb)
    for cell in nb["cells"]:
        grader = cell["metadata"].get("nbgrader", {})
        src = _source(cell)
        if grader.get("solution"):
            src = _clear_solution(src, CODE_STUB if cell["cell_type"] == "code" else TEXT_STUB)
            cell["metadata"]["deletable"] = False
        elif grader.get("grade") or grader.get("locked"):
            cell["metadata"]["deletable"] = False
            cell["metadata"]["editable"] = False
        if grader.get("grade") and cell["cell_type"] == "code":
            src = _clear_hidden_tests(src)
        cell["source"] = src
    return nb


# ----------------------------------------------------------------------------- exercises
EXERCISES_BEGIN = "<!-- exercises:begin (generated by `python tools/notebooks.py exercises --update`) -->"
EXERCISES_END = "<!-- exercises:end -->"
EXERCISE_COLUMNS = ["notebook", "exercise", "grade_id", "lecture section", "points", "minutes", "learning objective"]
_HEADING_PREFIX = re.compile(r"^#+\s*(\d+\.\s*)?(exercise\b\s*\d*)?\s*[—:–-]?\s*", re.I)


def exercises(path: Path) -> list[dict]:
    """Every exercise of one notebook, read from its cells: one dict per solution cell.

    Keys: ``notebook`` (``"02"``), ``exercise`` (the title of the nearest ``Exercise``
    heading, or of its section), ``grade_id`` (the solution cell's), ``checks`` (the
    ``grade_id`` of each graded cell up to the next solution cell), ``section`` (the nearest
    numbered ``## N.`` section that is not itself an exercise, without its number) and
    ``points`` (the sum of those graded cells' points).
    """
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found: list[dict] = []
    section = heading = chapter = ""
    for cell in cells:
        grader = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "markdown":
            for line in _source(cell).splitlines():
                title = _HEADING_PREFIX.sub("", line).strip()
                if re.match(r"^##\s", line):
                    chapter = title
                    if re.match(r"^##\s+\d+\.", line) and "exercise" not in line.lower():
                        section = title
                if line.startswith("#") and "exercise" in line.lower():
                    heading = title or chapter  # a bare "### Exercise 1" takes its section's title
        if grader.get("solution"):
            found.append({"notebook": path.name[:2], "exercise": heading, "grade_id": grader["grade_id"],
                          "checks": [], "section": section, "points": 0})
        elif grader.get("grade") and found:
            found[-1]["checks"].append(grader["grade_id"])
            found[-1]["points"] += grader.get("points", 0)
    return found


def _table_rows(text: str) -> dict[str, list[str]]:
    """The rows of the generated exercise table in ``text``, by grade_id (empty when absent)."""
    if EXERCISES_BEGIN not in text:
        return {}
    block = text.split(EXERCISES_BEGIN, 1)[1].split(EXERCISES_END, 1)[0]
    rows = {}
    for line in block.splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) == len(EXERCISE_COLUMNS) and cols[2].startswith("`"):
            rows[cols[2].strip("`")] = cols
    return rows


def exercise_table(paths: list[Path], previous: str = "") -> str:
    """The markdown table of every exercise, facts from the notebooks.

    ``minutes`` and ``learning objective`` are written by hand: they are kept from the table
    in ``previous`` (the current document) by ``grade_id``, and are ``?`` for a new exercise.
    """
    kept = _table_rows(previous)
    lines = ["| " + " | ".join(EXERCISE_COLUMNS) + " |", "|" + " --- |" * len(EXERCISE_COLUMNS)]
    for path in sorted(paths):
        for ex in exercises(path):
            minutes, objective = kept.get(ex["grade_id"], [""] * 5 + ["?", "?"])[5:]
            title, section = (ex[key].replace("|", "/") for key in ("exercise", "section"))
            lines.append(f"| {ex['notebook']} | {title} | `{ex['grade_id']}` | {section} | "
                         f"{ex['points']:g} | {minutes} | {objective} |")
    return "\n".join(lines) + "\n"


def update_exercise_table(doc: Path, paths: list[Path]) -> str:
    """``doc``'s text with the table between the exercise markers regenerated (markers required)."""
    text = doc.read_text(encoding="utf-8")
    if EXERCISES_BEGIN not in text or EXERCISES_END not in text:
        raise ValueError(f"{doc} has no exercise table markers; add the two lines\n{EXERCISES_BEGIN}\n"
                         f"{EXERCISES_END}\nwhere the table goes, then run this again")
    head, rest = text.split(EXERCISES_BEGIN, 1)
    tail = rest.split(EXERCISES_END, 1)[1]
    return f"{head}{EXERCISES_BEGIN}\n{exercise_table(paths, text)}{EXERCISES_END}{tail}"


def _write(target: Path, nb: dict) -> None:
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tools/notebooks.py", description=__doc__.split("\n\n")[0],
        epilog="Run `python tools/notebooks.py COMMAND --help` for one command's options. "
               "Instructors: see docs/instructors.md.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    paths_help = "notebook files, e.g. notebooks/*.ipynb"

    sub = commands.add_parser(
        "clean", help="strip outputs, execution counts and stray metadata, in place",
        description="Rewrite each notebook without outputs or execution counts, keeping only the cell "
                    "metadata that carries meaning (nbgrader, tags, jupyter.source_hidden) and the kernel "
                    "spec. Run it before every commit; `make clean-notebooks` does it for all of them.")
    sub.add_argument("paths", nargs="+", type=Path, help=paths_help)

    sub = commands.add_parser(
        "check", help="report hygiene problems; exit status 1 if there are any",
        description="Report what CI would reject: bad file names, absolute machine paths, notebooks that "
                    "are not clean, unbalanced or unmarked solution regions, missing nbgrader keys, repeated "
                    "grade_ids, graded cells without points. Prints one line per problem on stderr.")
    sub.add_argument("paths", nargs="+", type=Path, help=paths_help)

    sub = commands.add_parser(
        "student", help="write the hand-outs (solutions replaced, check cells locked) to --out",
        description="Write each notebook's student edition: every solution region replaced by "
                    "`# YOUR CODE HERE` / `raise NotImplementedError()`, solution cells undeletable, "
                    "check cells and other locked cells undeletable and uneditable — what "
                    "`nbgrader generate_assignment` releases, without nbgrader. The notebooks are not changed.")
    sub.add_argument("paths", nargs="+", type=Path, help=paths_help)
    sub.add_argument("--out", type=Path, default=Path("student"),
                     help="folder for the student editions (default: student/, created if missing)")

    sub = commands.add_parser(
        "exercises", help="print (or --update) the table of every exercise for docs/instructors.md",
        description="Print the markdown table of every exercise: notebook, title, grade_id, lecture "
                    "section and points come from the notebooks; minutes and learning objective are "
                    "written by hand in the document and kept by grade_id (a new exercise gets `?`, "
                    "and --update exits with status 1 until you have filled it in).")
    sub.add_argument("paths", nargs="+", type=Path, help=paths_help)
    sub.add_argument("--update", type=Path, metavar="DOC",
                     help="rewrite the table between the exercise markers in DOC (e.g. docs/instructors.md)")

    args = parser.parse_args(argv)
    if args.command == "exercises":
        if args.update:
            text = update_exercise_table(args.update, args.paths)
            args.update.write_text(text, encoding="utf-8")
            print(f"wrote {args.update}")
            todo = [grade_id for grade_id, cols in _table_rows(text).items() if "?" in cols[5:]]
            if todo:
                print(f"fill in minutes and learning objective (now `?`) for {', '.join(todo)}", file=sys.stderr)
            return 1 if todo else 0
        print(exercise_table(args.paths), end="")
        return 0
    bad: list[str] = []
    for path in args.paths:
        if args.command == "check":
            bad += problems(path)
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        if args.command == "clean":
            _write(path, clean(nb))
        else:
            args.out.mkdir(parents=True, exist_ok=True)
            _write(args.out / path.name, student_edition(nb))
    for line in bad:
        print(line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
