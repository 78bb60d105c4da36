"""Import TensorFlow only when a TensorFlow function is first used.

That keeps ``import recsys_utils`` fast and light.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType


def tf() -> ModuleType:
    """Return the ``tensorflow`` module, importing it on first use."""
    module = sys.modules.get("tensorflow")
    if module is not None:  # the usual case, and the only one inside a tf.function trace
        return module
    # Hides TensorFlow's C++ INFO lines (CPU-feature notices). TensorFlow >= 2.20 still prints
    # its oneDNN notice on stderr before this setting is read; it is harmless.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow

    return tensorflow
