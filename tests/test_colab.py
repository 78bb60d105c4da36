"""tools/colab.py: the Colab badge and install cell, re-runnable, and inert outside Colab."""

from __future__ import annotations

import json
import shutil
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import colab  # noqa: E402

sys.path.pop(0)

URL = colab.repository_url()


def run_install_cell(monkeypatch, on_colab: bool) -> list:
    """Execute the install cell's source; return the commands it ran."""
    import subprocess

    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append((cmd, kw)))
    exec(compile(colab.install_source(URL), "<install cell>", "exec"), {})
    return calls


def test_install_cell_does_nothing_outside_colab(monkeypatch, capsys):
    assert run_install_cell(monkeypatch, on_colab=False) == []
    assert capsys.readouterr() == ("", "")


def test_install_cell_installs_from_the_repository_on_colab(monkeypatch):
    [(cmd, kwargs)] = run_install_cell(monkeypatch, on_colab=True)
    assert cmd == [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "pooch",
                   f"recsys-utils @ git+{URL}"]
    assert kwargs == {"check": True}  # a failed install stops the notebook here, not at the import


def test_badge_opens_the_notebook_of_the_repository_in_colab():
    src = colab.badge_source("https://github.com/owner/repo", "05_x.ipynb")
    assert src == ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
                   "(https://colab.research.google.com/github/owner/repo/blob/main/notebooks/05_x.ipynb)")


def test_repository_url_comes_from_pyproject_and_is_checked(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('[project]\nname = "x"\n[project.urls]\nRepository = "https://github.com/a/b/"\n')
    assert colab.repository_url(good) == "https://github.com/a/b"
    bad = tmp_path / "bad.toml"
    bad.write_text('[project]\nname = "x"\n')
    with pytest.raises(ValueError, match=r"\[project.urls\] Repository"):
        colab.repository_url(bad)


def _toy_notebook(path: Path) -> None:
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# 99 · Toy\n", "\n", "Goal."]},
        {"cell_type": "markdown", "metadata": {}, "source": ["## What you will learn"]},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": ["import recsys_utils as ru"]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    path.write_text(json.dumps(nb, indent=1) + "\n")


def test_script_inserts_two_tagged_cells_and_is_idempotent(tmp_path, capsys):
    nb_path = tmp_path / "99_toy.ipynb"
    _toy_notebook(nb_path)
    assert colab.main(["--check", str(nb_path)]) == 1  # stale before
    assert colab.main([str(nb_path)]) == 0
    cells = json.loads(nb_path.read_text())["cells"]
    kinds = [(c["cell_type"], "colab" in c["metadata"].get("tags", [])) for c in cells]
    # title, badge, learn, install, setup
    assert kinds == [("markdown", False), ("markdown", True), ("markdown", False), ("code", True), ("code", False)]
    assert "99_toy.ipynb" in "".join(cells[1]["source"])
    assert "".join(cells[3]["source"]) == colab.install_source(URL)
    once = nb_path.read_text()
    assert colab.main([str(nb_path)]) == 0 and nb_path.read_text() == once  # re-run: no change
    assert colab.main(["--check", str(nb_path)]) == 0
    # Stale cells (e.g. an old URL) are replaced, not duplicated
    nb = json.loads(once)
    nb["cells"][3]["source"] = ["# old install cell\n"]
    nb_path.write_text(json.dumps(nb, indent=1))
    assert colab.main([str(nb_path)]) == 0 and nb_path.read_text() == once


def test_script_output_is_clean_for_the_hygiene_tool(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import notebooks as hygiene
    finally:
        sys.path.pop(0)
    nb_path = tmp_path / "99_toy.ipynb"
    shutil.copy(ROOT / "notebooks" / "01_making_recommendations.ipynb", nb_path)
    colab.main([str(nb_path)])
    assert [p for p in hygiene.problems(nb_path) if "name" not in p] == []


def test_every_notebook_has_current_colab_cells(capsys):
    # After a merge or a URL change: python tools/colab.py notebooks/*.ipynb
    notebooks = sorted(str(p) for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    assert colab.main(["--check", *notebooks]) == 0, capsys.readouterr().out
