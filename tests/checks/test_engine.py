"""The engine behind every check: check_close, what any check does with a function that raises,
an unknown mistake, float32 code or a result instead of a function; and the package map.
"""

import doctest
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from recsys_utils import checks


# ----------------------------------------------------------------------------- check_close
def test_check_close_passes_the_lectures_prediction(capsys):
    # w(1) . x(3) + b(1) = 5 * 0.99 + 0 * 0 + 0 = 4.95
    checks.check_close("w·x + b", np.dot([5, 0], [0.99, 0]) + 0, 4.95)
    assert capsys.readouterr().out == "✓ w·x + b = 4.95\n"


def test_check_close_names_value_and_difference():
    with pytest.raises(AssertionError, match=r"prediction: largest difference 0\.45\n  expected: 4\.95\n  got:      4\.5"):
        checks.check_close("prediction", 4.5, 4.95)


def test_check_close_names_both_shapes():
    with pytest.raises(AssertionError, match=r"mu: expected shape \(5, 1\), got shape \(5,\)"):
        checks.check_close("mu", np.ones(5), np.ones((5, 1)))


def test_check_close_points_at_the_worst_entry():
    with pytest.raises(AssertionError, match=r"at index \(1, 0\)"):
        checks.check_close("Ynorm", np.array([[1.0, 2.0], [3.5, 4.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]))


# ----------------------------------------------------------------------------- any check
def test_a_function_that_raises_is_reported_with_its_exception():
    def broken(X, W, b, Y, R, lambda_):
        return np.sum((X @ W + b - Y) * R)  # W not transposed: matmul shape error

    with pytest.raises(AssertionError, match=r"cofi_cost: your function raised ValueError: matmul.*\n"
                                             r"  in your code, line \d+: return np\.sum\(\(X @ W \+ b - Y\) \* R\).*\n"
                                             r"  when called on the lecture's toy table") as info:
        checks.check_cofi_cost(broken)
    assert isinstance(info.value.__cause__, ValueError)


def test_an_unknown_mistake_still_shows_expected_and_got():
    with pytest.raises(AssertionError, match=r"(?s)does not match any of the usual mistakes; compare .*formula.*expected: 53\.8826"):
        checks.check_cofi_cost(lambda X, W, b, Y, R, lambda_: 42.0)


def test_float32_code_passes(passes):
    def cost32(X, W, b, Y, R, lambda_):
        X, W, b, Y, R = (np.float32(a) for a in (X, W, b, Y, R))
        return 0.5 * np.sum(((X @ W.T + b - Y) * R) ** 2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))

    passes(checks.check_cofi_cost, cost32, "cofi_cost")


@pytest.mark.parametrize("module", ["__init__", "engine", "nb01", "nb02", "nb06"])
def test_docstring_examples_run(module):
    mod = importlib.import_module("recsys_utils.checks" + ("" if module == "__init__" else f".{module}"))
    assert doctest.testmod(mod, raise_on_error=True).attempted >= 1


def test_passing_the_result_instead_of_the_function_is_a_type_error():
    with pytest.raises(TypeError, match=r"expects your function itself, e\.g\. check_cofi_cost\(my_function\)"):
        checks.check_cofi_cost(53.88)


def test_checks_never_import_tensorflow():
    code = ("import sys\nimport numpy as np\nfrom recsys_utils import checks\n"
            "def bce(X, W, b, Y, R, lambda_):\n"
            "    Z = X @ W.T + b\n"
            "    return np.sum((np.logaddexp(0, Z) - Y * Z) * R) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))\n"
            "checks.check_binary_cost(bce)\nassert 'tensorflow' not in sys.modules, 'imported TF'")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


# ----------------------------------------------------------------------------- the map
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _checks_called(notebook: Path) -> set[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return set(re.findall(r"\bchecks\.(check_\w+)\(", code))


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem[:2])
def test_each_notebooks_checks_live_in_its_module(notebook):
    # The map cannot drift: every ru.checks.check_* that notebook NN calls is defined in
    # recsys_utils/checks/nbNN.py, and that module defines no check the notebook does not call.
    called = _checks_called(notebook)
    try:
        module = importlib.import_module(f"recsys_utils.checks.nb{notebook.stem[:2]}")
    except ModuleNotFoundError:
        assert not called, f"{notebook.name} calls {sorted(called)} but has no checks module"
        return
    defined = {name for name in module.__all__ if name.startswith("check_")}
    assert called == defined
    assert all(getattr(checks, name) is getattr(module, name) for name in defined)


def test_every_check_is_served_from_the_package():
    modules = [importlib.import_module(f"recsys_utils.checks.{p.stem}")
               for p in Path(checks.__file__).parent.glob("nb[0-9][0-9].py")]
    served = {name for m in modules for name in m.__all__ if name.startswith("check_")}
    assert served | {"check_close"} == {n for n in checks.__all__ if n.startswith("check_")}


def test_the_lectures_w_is_read_only():
    # w(1) = w(2) = [5, 0], w(3) = w(4) = [0, 5]; shared by every check, so it cannot be changed.
    np.testing.assert_array_equal(checks.LECTURE_W, [[5, 0], [5, 0], [0, 5], [0, 5]])
    with pytest.raises(ValueError, match="read-only"):
        checks.LECTURE_W[0, 0] = 4.0


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem[:2])
def test_each_exercise_is_named_as_its_notebook_numbers_it(notebook):
    # "Exercise N is not answered yet" must name the exercise the learner sees: each solution
    # cell's function -> the "Exercise N" of the heading above it (or "The exercise" if unnumbered).
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found, heading = {}, None
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            numbered = re.findall(r"^#+ .*?\b(Exercise \d+)", source, re.M)
            heading = numbered[-1] if numbered else ("The exercise" if re.search(r"^#+ .*Exercise", source, re.M)
                                                     else heading)
        elif cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            name = re.search(r"^def (\w+)\(", source, re.M).group(1)
            found[name] = heading
    try:
        module = importlib.import_module(f"recsys_utils.checks.nb{notebook.stem[:2]}")
    except ModuleNotFoundError:
        assert not found, f"{notebook.name} has exercises {sorted(found)} but no checks module"
        return
    known = {name: ex for name, ex in found.items() if name in module.EXERCISES}
    assert known == found, f"{notebook.name}: exercises without an entry in nb{notebook.stem[:2]}.EXERCISES"
    assert module.EXERCISES == found
