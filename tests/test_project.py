"""Project-level promises: quiet import, no drift between environment.yml and pyproject.toml,
and the README's commands being the ones CI runs."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[1]


def test_import_is_quiet_and_light(tmp_path):
    # A fresh interpreter in an empty folder: importing prints nothing, writes nothing,
    # and pulls in neither TensorFlow nor pandas nor matplotlib.
    code = (
        "import sys, recsys_utils as ru\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'pandas', 'matplotlib') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "ru.cofi_cost; ru.load_toy_ratings  # attribute access still works\n"
    )
    env = dict(os.environ, RECSYS_DATA="", RECSYS_CACHE=str(tmp_path / "cache"))
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == "" and out.stderr == ""
    assert list(tmp_path.iterdir()) == []


def test_environment_yml_does_not_drift_from_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    conda_deps = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_deps = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    # conda supplies only the interpreter and pip; every library comes from pyproject.toml
    assert sorted(re.split(r"[=<> ]", d)[0] for d in conda_deps) == ["pip", "python"]
    assert pip_deps == ["--editable .[test]"]
    assert "test" in project["optional-dependencies"]
    python = next(d for d in conda_deps if d.startswith("python"))
    minor = int(python.split("=")[1].split(".")[1])
    lo, hi = (int(v) for v in re.findall(r"3\.(\d+)", project["requires-python"]))
    assert lo <= minor < hi, (
        f"environment.yml pins {python}, outside requires-python {project['requires-python']}"
    )


def test_ci_calls_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    commands = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, re.S)
    test_lines = [
        line
        for block in commands
        for line in block.splitlines()
        if re.fullmatch(r"make test(\s+#.*)?", line.strip())
    ]
    assert test_lines, "the README must show `make test`"
    assert re.search(r"^make test$", ci, re.M), (
        ".ci/run must call exactly the README's test command"
    )
    makefile = (ROOT / "Makefile").read_text()
    assert "pytest --nbval-lax tests notebooks" in makefile


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert nb.name in readme, f"README's lesson table lacks {nb.name}"


def _fresh(code, tmp_path):
    env = dict(os.environ, RECSYS_DATA="", RECSYS_CACHE=str(tmp_path / "cache"))
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_module_map_cannot_drift(tmp_path):
    # Every public module file on disk is reachable as ru.<module> in a fresh interpreter
    # (cold_start and simulation were not, when the list was kept by hand), every name in
    # ru.__all__ resolves, and every lazily served name is one its module exports.
    on_disk = sorted(
        {p.stem for p in (ROOT / "recsys_utils").glob("*.py")}
        | {p.parent.name for p in (ROOT / "recsys_utils").glob("*/__init__.py")}
    )
    public = [m for m in on_disk if not m.startswith("_")]
    assert {"cold_start", "simulation", "retrieval", "training"} <= set(public)
    code = (
        "import sys, types, recsys_utils as ru\n"
        f"for m in {public!r}:\n"
        "    obj = getattr(ru, m)\n"  # ru.cofi_cost is the function named like its module
        "    assert isinstance(obj, types.ModuleType) or obj.__module__ == 'recsys_utils.' + m, m\n"
        "    assert m in dir(ru), m\n"
        "for name in ru.__all__:\n"
        "    assert getattr(ru, name) is not None, name\n"
        "for module, names in ru._LAZY.items():\n"
        "    exported = getattr(ru, module).__all__\n"
        "    missing = [n for n in names if n not in exported]\n"
        "    assert not missing, (module, missing)\n"
        "try:\n"
        "    ru.no_such_module\n"
        "except AttributeError as e:\n"
        "    assert 'no_such_module' in str(e)\n"
        "else:\n"
        "    raise AssertionError('ru.no_such_module resolved')\n"
        "print(len(ru.__all__))\n"
    )
    out = _fresh(code, tmp_path)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) >= 40  # today 45 exported names; a broken __all__ would be near 0


def test_import_of_each_light_module_stays_light(tmp_path):
    # Resolving a NumPy-only module (here cold_start and simulation) must not pull in
    # TensorFlow or pandas either: only the functions that need them do.
    code = (
        "import sys, recsys_utils as ru\n"
        "ru.cold_start, ru.simulation, ru.cofi_cost, ru.normalization, ru.validation\n"
        "ru.movie_metadata, ru.standardize, ru.leave_one_out, ru.features\n"
        "ru.simulated_catalogue, ru.slates, ru.candidate_lists, ru.candidates\n"
        "ru.tracked_training, ru.explorer\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'pandas') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    out = _fresh(code, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "" and out.stderr == ""
