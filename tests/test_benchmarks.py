"""The benchmark command runs end to end on tiny sizes, so it cannot rot.

Not a timed test: it checks that ``python -m benchmarks --quick`` prints every table with
its rows, on synthetic data (no MovieLens needed), in a few seconds. The figures are
meaningless at these sizes; ``benchmarks/README.md`` says how to get real ones.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `benchmarks` is a folder of the checkout, not part of the package

from benchmarks.run import BENCHMARKS, main  # noqa: E402


@pytest.fixture(autouse=True)
def no_movielens(monkeypatch, tmp_path):
    # --quick needs no MovieLens; make sure nothing finds one by accident.
    monkeypatch.delenv("RECSYS_DATA", raising=False)
    monkeypatch.setenv("RECSYS_CACHE", str(tmp_path / "empty-cache"))


def run(capsys, *args: str) -> str:
    assert main(["--quick", "--repeats", "1", *args]) == 0
    return capsys.readouterr().out


def test_machine_header_and_one_cheap_benchmark(capsys, tmp_path):
    out_file = tmp_path / "bench.md"
    out = run(capsys, "--only", "retrieval", "--output", str(out_file))
    for fact in ("| CPU ", "| cores ", "| Python ", "| NumPy ", "| TensorFlow ", "| faiss "):
        assert fact in out, f"the machine table lacks {fact.strip()!r}"
    assert "### 3. Retrieval" in out and "### 1." not in out, "--only retrieval ran something else"
    assert "`top_k` (argpartition + sort of 10)" in out
    assert "brute force, `top_k` (NumPy)" in out
    assert ("IndexHNSWFlat" in out) or ("faiss not installed: skipped" in out)
    assert out_file.read_text(encoding="utf-8").strip() == out.strip(), (
        "--output differs from stdout"
    )


def test_cost_benchmark_has_every_path(capsys):
    out = run(capsys, "--only", "cost")
    for path in (
        "loop reference",
        "NumPy, cofi_cost + cofi_gradients",
        "TF dense",
        "TF observed-only",
    ):
        assert path in out, f"the cost table lacks {path!r}"
    modes = [line.split("|")[2].strip() for line in out.splitlines() if line.startswith("| TF ")]
    for mode in ("eager", "tf.function", "tf.function + XLA"):
        assert modes.count(mode) == 2, f"expected a dense and an observed-only row in mode {mode!r}"
    assert "GFLOP/s" in out and "Peak:" in out


def test_training_benchmark_reports_baselines(capsys):
    out = run(capsys, "--only", "training")
    for model in (
        "global mean",
        "movie mean",
        "biases only",
        "notebook 06's final model",
        "course lab",
    ):
        assert model in out, f"the training table lacks {model!r}"
    assert "test RMSE" in out


def test_notebook_benchmark_runs_a_notebook_in_a_fresh_kernel(capsys):
    out = run(capsys, "--only", "notebooks")
    assert "00_quick_check.ipynb" in out
    assert "| ok " in out, "the one-cell notebook did not run"
    assert "no cache" in out


def test_bad_arguments_are_refused(capsys):
    with pytest.raises(SystemExit):
        main(["--only", "speed"])
    assert "unknown benchmark(s) speed" in capsys.readouterr().err
    assert set(BENCHMARKS) == {"cost", "training", "retrieval", "notebooks", "scale"}


def test_the_documented_command_starts():
    # `python -m benchmarks --help` from the project root: the entry point the README documents.
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "--quick" in done.stdout and "--only" in done.stdout


def test_scale_benchmark_reports_growth_dense_and_feeding(capsys):
    out = run(capsys, "--only", "scale")
    assert "### 5. Scaling up" in out
    for size in ("| 10,000 ", "| 100,000 "):
        assert size in out, f"the growth table lacks the row {size.strip()!r}"
    assert "noise floor" in out and "growth" in out and "failed" not in out
    assert "The dense path where it fits" in out
    for feeding in ("| numpy ", "| numpy + XLA ", "| tf.data ", "| tf.data + XLA "):
        assert feeding in out, f"the feeding table lacks {feeding.strip()!r}"
