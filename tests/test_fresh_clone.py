"""What a learner's fresh clone relies on: CI runs the README's command with figures drawn, the
Makefile installs the versions CI tested, a bare ``pytest`` says what to run, and no README
points at a path that exists only on the developers' machines."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def test_ci_adds_only_recsys_data_to_the_readme_command():
    ci = (ROOT / ".ci" / "run").read_text()
    exported = re.findall(r"^\s*export\s+(\w+)", ci, re.M)
    assert exported == ["RECSYS_DATA"], f".ci/run exports {exported}; only RECSYS_DATA is allowed"
    assert "MPLBACKEND" not in ci  # figures are drawn by the kernel's inline backend, as for a learner
    # the browser test must run, not skip, in CI: CI installs Debian's chromium first
    assert "/usr/bin/chromium" in ci and "apt-get install" in ci


def test_make_installs_the_tested_versions_and_test_latest_does_not():
    make = (ROOT / "Makefile").read_text()
    assert re.search(r"^CONSTRAINTS \?= constraints\.txt$", make, re.M)
    assert "-c $(CONSTRAINTS)" in make
    latest = re.search(r"^test-latest:\n((?:\t.*\n)+)", make, re.M).group(1)
    assert "CONSTRAINTS= " in latest and "VENV=$(LATEST_VENV)" in latest
    assert re.search(r"^constraints: test-latest\n\t.*tools/constraints\.py", make, re.M)


def test_constraints_pin_every_dependency_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            [spec] = req.specifier
            assert spec.operator == "==", f"constraints.txt: {line!r} is not an exact pin"
            pins[canonicalize_name(req.name)] = spec.version
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    for line in wanted:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue  # not for this platform (e.g. tomli on Python 3.10 only)
        name = canonicalize_name(req.name)
        assert name in pins, f"constraints.txt does not pin {name}; run `make constraints`"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"constraints.txt pins {name}=={pins[name]}, outside pyproject's {req.specifier}"
    assert pins.get("tensorflow") == pins.get("tensorflow-cpu")  # both flavours, one release
    assert "recsys-utils" not in pins  # the project itself is installed editable


def test_constraints_tool_lists_the_closure_of_an_installed_distribution():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import constraints
    finally:
        sys.path.pop(0)
    # pytest needs pluggy and iniconfig on every platform; pytest itself is the root, so dropped
    found = constraints.closure("pytest", set())
    assert {"pluggy", "iniconfig", "packaging"} <= set(found)
    assert "pytest" not in found


def test_repository_url_is_set_once_in_pyproject():
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", urls["Repository"])
    readme = (ROOT / "README.md").read_text()
    assert "<this repo's URL>" not in readme


def test_readmes_use_paths_a_learner_has():
    for path in [ROOT / "README.md", ROOT / "benchmarks" / "README.md"]:
        assert "../shared" not in path.read_text(), f"{path.name} names ../shared, which only CI has"


def test_bare_pytest_with_a_python_that_lacks_the_deps_says_run_make_test(tmp_path):
    # The root conftest, with one requirement this interpreter cannot have.
    conftest = (ROOT / "conftest.py").read_text()
    conftest = conftest.replace('REQUIRED = ("numpy",', 'REQUIRED = ("no_such_module_for_this_test", "numpy",')
    (tmp_path / "conftest.py").write_text(conftest)
    (tmp_path / "test_x.py").write_text("def test_x():\n    pass\n")
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 4, out.stdout + out.stderr  # a usage error, not a crash
    assert "lacks no_such_module_for_this_test" in out.stderr and "`make test`" in out.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="no make on this machine")
def test_make_rebuilds_a_venv_made_by_another_python(tmp_path):
    # A stand-in .venv whose python claims another version.
    fake = tmp_path / "venv"
    (fake / "bin").mkdir(parents=True)
    (fake / "bin" / "python").write_text("#!/bin/sh\necho 2.7.18\n")
    (fake / "bin" / "python").chmod(0o755)
    base = ["make", "-s", "-C", str(ROOT), "check-python", f"VENV={fake}"]
    kept = subprocess.run(base, capture_output=True, text=True, timeout=60)
    assert kept.returncode == 0 and fake.exists()
    assert "uses Python 2.7.18" in kept.stderr and "keeping" in kept.stderr
    rebuilt = subprocess.run(base + [f"PYTHON={sys.executable}"], capture_output=True, text=True, timeout=60)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "rebuilding" in rebuilt.stdout and not fake.exists()


def test_binder_builds_the_same_python_and_installs_the_package_after_the_copy():
    yaml = pytest.importorskip("yaml")
    root = yaml.safe_load((ROOT / "environment.yml").read_text())
    binder = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    python = [d for d in root["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python and python == [d for d in binder["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert not any(isinstance(d, dict) for d in binder["dependencies"]), "no pip section: postBuild installs"
    post = ROOT / "binder" / "postBuild"
    assert post.stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert re.search(r'pip install .*-e "\.\[test\]" -c constraints\.txt', post.read_text())
    url = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    owner_repo = url.removeprefix("https://github.com/")
    assert f"https://mybinder.org/v2/gh/{owner_repo}/" in (ROOT / "README.md").read_text(), \
        "README's Binder badge must point at pyproject's Repository"


def test_constraints_leave_packaging_tools_to_pip():
    names = {line.split("==")[0] for line in (ROOT / "constraints.txt").read_text().splitlines()
             if "==" in line}
    assert not names & {"pip", "setuptools", "wheel"}
