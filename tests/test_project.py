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
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
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
    assert lo <= minor < hi, f"environment.yml pins {python}, outside requires-python {project['requires-python']}"


def test_ci_calls_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    commands = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, re.S)
    test_lines = [line for block in commands for line in block.splitlines()
                  if re.fullmatch(r"make test(\s+#.*)?", line.strip())]
    assert test_lines, "the README must show `make test`"
    assert re.search(r"^make test$", ci, re.M), ".ci/run must call exactly the README's test command"
    makefile = (ROOT / "Makefile").read_text()
    assert "pytest --nbval-lax tests notebooks" in makefile


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert nb.name in readme, f"README's lesson table lacks {nb.name}"
