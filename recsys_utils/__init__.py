"""recsys_utils: the tested code behind the recommender-systems notebook series.

Importing this package is quiet: it downloads nothing, prints nothing, changes no
matplotlib settings and does not import TensorFlow (nor pandas). TensorFlow is imported
the first time a TensorFlow function (``*_tf``, ``train_*``) is called, without its start-up
notices (``import_tensorflow_quietly``); the data modules
(``toy``, ``movielens``, ``ratings``) and ``checks`` load on first use.

Notation (see ``docs/notation.md``): ``Y`` and ``R`` are ``(n_movies, n_users)``, ``X`` is
``(n_movies, n_features)``, ``W`` is ``(n_users, n_features)``, ``b`` is ``(1, n_users)``,
``mu`` is ``(n_movies, 1)`` and the regularisation strength is ``lambda_``.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from ._tf import import_tensorflow_quietly
from .binary_labels import (
    binary_cost,
    binary_cost_loop,
    binary_cost_tf,
    binary_gradients,
    binary_loss,
    sigmoid,
)
from .cofi_cost import (
    cofi_cost,
    cofi_cost_loop,
    cofi_gradients,
    cofi_gradients_loop,
    movie_features_cost,
    predict,
    predict_all,
    user_cost,
)
from .cofi_cost_tf import (
    cofi_cost_observed,
    cofi_cost_observed_tf,
    cofi_cost_tf,
    observed_from_matrices,
)
from .normalization import denormalize, mean_ratings_loop, normalize_ratings
from .training import CofiModel, init_params, train_cofi, train_cofi_observed

__version__ = "0.1.0"

# Names served lazily from modules that import pandas (or are only needed in notebooks),
# listed by module; every other module is reachable as ``ru.<module>``.
_LAZY = {
    "toy": (
        "ToyRatings",
        "ToyFeatures",
        "load_toy_ratings",
        "load_toy_features",
        "load_toy_binary",
        "load_toy_mean_normalization",
    ),
    "movielens": ("MovieLens", "load_movielens", "movielens_cache_dir"),
    "ratings": ("ratings_to_matrices", "ratings_to_triples", "binarize"),
    "splits": ("split_random", "split_by_time"),
    "metrics": (
        "rmse",
        "mae",
        "log_loss",
        "roc_auc",
        "precision_at_k",
        "recall_at_k",
        "paired_bootstrap",
        "bootstrap_mean",
    ),
    "baselines": ("global_mean_baseline", "movie_mean_baseline", "biases_baseline"),
    "new_user": ("fit_new_user", "predict_new_user", "recommend_for_new_user"),
    "popularity": ("item_popularity", "smoothed_item_mean"),
    "retrieval": ("top_k", "top_k_loop", "related_items"),
}
_LAZY_NAMES = {name: module for module, names in _LAZY.items() for name in names}
# Every public module of the package, found on disk so the list cannot drift from the files.
_SUBMODULES = frozenset(
    info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")
)


def __getattr__(name: str) -> Any:
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'recsys_utils' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | _SUBMODULES)


__all__ = sorted(
    {
        name
        for name, value in globals().items()
        if not name.startswith("_")
        and callable(value)
        and getattr(value, "__module__", "").startswith(__name__)
    }
    | set(_LAZY_NAMES)
)
