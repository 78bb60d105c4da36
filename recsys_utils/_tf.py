"""Import TensorFlow only when a TensorFlow function is first used (keeps ``import recsys_utils`` fast)."""

from __future__ import annotations

import os
from types import ModuleType


def tf() -> ModuleType:
    """Return the ``tensorflow`` module, importing it (quietly) on first use."""
    # TensorFlow's C++ start-up chatter (oneDNN notices, CPU feature lines) is noise for a learner.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow

    return tensorflow
