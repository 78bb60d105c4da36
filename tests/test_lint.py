"""The linter is part of the test suite: ruff (configured in pyproject.toml) finds nothing."""

import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_configured_as_the_house_style_says():
    ruff = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]
    assert ruff["line-length"] == 100
    assert {"E", "F", "W", "I", "B", "UP"} <= set(ruff["lint"]["select"])


def test_ruff_finds_nothing():
    pytest.importorskip("ruff")  # in the [test] extra; `pip install -e .[test]`
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--quiet", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    message = "ruff found problems (try `ruff check --fix .`):\n" + out.stdout[-6000:]
    assert out.returncode == 0, message
