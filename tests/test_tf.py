"""recsys_utils._tf: TensorFlow is imported on first use, without its start-up notices and with
nothing else hidden."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

from recsys_utils._tf import is_startup_notice

# Lines as TensorFlow 2.21 writes them to file descriptor 2 while it is imported on a CPU.
ABSL = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"
ONEDNN = (
    "I0000 00:00:1795985707.728831    9337 port.cc:153] "
    "oneDNN custom operations are on. You may see "
    "slightly different numerical results due to floating-point round-off errors from different "
    "computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`."
)
CPU = (
    "I0000 00:00:1795985699.623165    9139 cpu_feature_guard.cc:227] "
    "This TensorFlow binary is optimized "
    "to use available CPU instructions in performance-critical operations."
)
CPU_2 = (
    "To enable the following instructions: AVX2 AVX512F FMA, in other operations, "
    "rebuild TensorFlow with the appropriate compiler flags."
)
# Lines that must never be hidden: a warning, an error, anything else.
WARNING = "W0000 00:00:1795985707.728831    9337 cuda_executor.cc:1] something the user should see"
ERROR = "E0000 00:00:1795985707.728831    9337 port.cc:153] oneDNN failed to load"
OTHER = "Traceback (most recent call last):"


@pytest.mark.parametrize("line", [ABSL, ONEDNN, CPU, CPU_2, ONEDNN + "\n"])
def test_startup_notices_are_recognised(line):
    assert is_startup_notice(line)


@pytest.mark.parametrize("line", [WARNING, ERROR, OTHER, "", "oneDNN custom operations are on."])
def test_other_lines_are_not_notices(line):
    assert not is_startup_notice(line)


def _run(code: str, tmp_path) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="")
    env.pop("TF_CPP_MIN_LOG_LEVEL")
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_fake_tensorflow_notices_dropped_everything_else_kept(tmp_path):
    # A stand-in "tensorflow" that writes two notices and two real messages straight to fd 2,
    # the way TensorFlow's C++ code does, bypassing sys.stderr.
    fake = tmp_path / "fake"
    (fake / "tensorflow").mkdir(parents=True)
    written = ("\n".join([ABSL, ONEDNN, WARNING, OTHER]) + "\n").encode()
    (fake / "tensorflow" / "__init__.py").write_text(
        f"import os\nos.write(2, {written!r})\nLEVEL = os.environ.get('TF_CPP_MIN_LOG_LEVEL')\n"
    )
    code = (
        f"import sys; sys.path.insert(0, {str(fake)!r})\n"
        "import recsys_utils as ru\n"
        "print('before', file=sys.stderr, flush=True)\n"
        "tf = ru.import_tensorflow_quietly()\n"
        "print('after', file=sys.stderr, flush=True)\n"
        "assert ru.import_tensorflow_quietly() is tf\n"
        "print(tf.LEVEL)\n"
    )
    out = _run(code, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stderr.splitlines() == ["before", WARNING, OTHER, "after"]
    assert out.stdout == "2\n", (
        "TF_CPP_MIN_LOG_LEVEL should default to 2 before TensorFlow is imported"
    )


def test_a_failing_import_still_raises_and_restores_stderr(tmp_path):
    fake = tmp_path / "fake"
    (fake / "tensorflow").mkdir(parents=True)
    written = (ONEDNN + "\n" + ERROR + "\n").encode()
    (fake / "tensorflow" / "__init__.py").write_text(
        f"import os\nos.write(2, {written!r})\nraise ImportError('broken')\n"
    )
    code = (
        f"import sys; sys.path.insert(0, {str(fake)!r})\n"
        "import recsys_utils as ru\n"
        "try:\n    ru.import_tensorflow_quietly()\n"
        "except ImportError as e:\n    print('raised', e)\n"
        "import os; os.write(2, b'fd2 works\\n')\n"
    )
    out = _run(code, tmp_path)
    assert out.stdout == "raised broken\n"
    assert out.stderr.splitlines() == [ERROR, "fd2 works"]


def test_real_tensorflow_imports_without_notices(tmp_path):
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip("TensorFlow is not installed")
    code = (
        "import recsys_utils as ru\n"
        "tf = ru.import_tensorflow_quietly()\n"
        "import keras\n"
        "print(float(tf.reduce_sum(tf.constant([1.0, 2.0]))))\n"
    )
    out = _run(code, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "3.0\n"
    assert out.stderr == "", f"TensorFlow's import wrote to stderr:\n{out.stderr}"
