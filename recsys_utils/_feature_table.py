"""The table every feature builder returns, and the shrinkage-strength check they share.

Private: :class:`FeatureTable` is public as ``recsys_utils.features.FeatureTable``; it lives
here so that :mod:`recsys_utils.features` and :mod:`recsys_utils.leave_one_out` can both use it
without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["FeatureTable"]


@dataclass(frozen=True, eq=False)
class FeatureTable:
    """A feature matrix with its column names and row ids.

    Attributes
    ----------
    X : ndarray, shape (n_rows, n_features), float64
        Row ``r`` is the feature vector of the user / movie ``ids[r]``.
    names : tuple of str, length n_features
    ids : ndarray, shape (n_rows,)
        ``userId`` or ``movieId`` of each row.
    """

    X: np.ndarray
    names: tuple[str, ...]
    ids: np.ndarray

    def __repr__(self) -> str:
        return (
            f"FeatureTable({self.X.shape[0]:,} rows x {self.X.shape[1]} features: "
            f"{', '.join(self.names[:4])}, ...)"
        )

    def column(self, name: str) -> np.ndarray:
        """The column called ``name``, shape ``(n_rows,)``."""
        if name not in self.names:
            raise KeyError(f"no feature {name!r}; the features are {list(self.names)}")
        return self.X[:, self.names.index(name)]


FeatureTable.__module__ = "recsys_utils.features"  # where users import it from


def _check_strength(strength: Any) -> float:
    if (
        isinstance(strength, bool)
        or not isinstance(strength, (int, float, np.number))
        or not np.isfinite(strength)
        or strength < 0
    ):
        raise ValueError(f"strength must be a finite number >= 0, got {strength!r}")
    return float(strength)
