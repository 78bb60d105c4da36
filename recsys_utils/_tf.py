"""Import TensorFlow only when a TensorFlow function is first used, without its start-up notices.

``import recsys_utils`` stays fast because TensorFlow is imported here, on first use. Importing
TensorFlow >= 2.20 on a CPU writes informational lines straight to the process's standard error
(file descriptor 2), before any Python logging setting can act: a note that absl is not yet
initialised, the oneDNN notice ("oneDNN custom operations are on ...") and, unless
``TF_CPP_MIN_LOG_LEVEL`` is set, the CPU-feature notice. Jupyter shows them as a red error box,
which tells a learner that something went wrong when nothing did. :func:`tf` therefore sets
``TF_CPP_MIN_LOG_LEVEL=2`` (INFO lines off; warnings and errors still show, unless the user set
the variable) and drops exactly those notices from what the import writes to file descriptor 2;
every other line is written back to standard error unchanged. Nothing about the computation
changes (oneDNN stays on).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from types import ModuleType

__all__ = ["import_tensorflow_quietly", "is_startup_notice", "tf"]

#: Lines TensorFlow writes while it is imported that carry no information about the user's code.
_NOTICES = (
    re.compile(
        r"^WARNING: All log messages before absl::InitializeLog\(\) is called "
        r"are written to STDERR$"
    ),
    re.compile(r"^I\d{4} [\d:.]+\s+\d+ port\.cc:\d+\] oneDNN custom operations are on\."),
    re.compile(
        r"^I\d{4} [\d:.]+\s+\d+ cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized"
    ),
    re.compile(
        r"^To enable the following instructions: .*, in other operations, rebuild TensorFlow"
    ),
)


def is_startup_notice(line: str) -> bool:
    """Whether ``line`` is one of TensorFlow's harmless start-up notices (see module docstring)."""
    return any(p.match(line.rstrip("\r\n")) for p in _NOTICES)


def _import_with_fd2_filtered() -> ModuleType:
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no usable file descriptor 2: import as is
        import tensorflow

        return tensorflow
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            text = captured.read().decode("utf-8", errors="replace")
            kept = [line for line in text.splitlines(keepends=True) if not is_startup_notice(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()
    return tensorflow


def import_tensorflow_quietly() -> ModuleType:
    """Return the ``tensorflow`` module, importing it without its start-up notices.

    Use it in place of ``import tensorflow as tf`` in a notebook
    (``tf = ru.import_tensorflow_quietly()``), or call it before that line: once TensorFlow is
    imported, ``import tensorflow`` is silent.
    Warnings and errors that TensorFlow writes while it is imported still appear; only the
    informational notices listed in :mod:`recsys_utils._tf` are dropped.
    """
    module = sys.modules.get("tensorflow")
    if module is not None:  # the usual case, and the only one inside a tf.function trace
        return module
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return _import_with_fd2_filtered()


def tf() -> ModuleType:
    """Return the ``tensorflow`` module, importing it (quietly) on first use."""
    return import_tensorflow_quietly()
