"""Column-wise standardization of feature tables, fitted on training rows only.

Lecture: "Examples of user and item features" (features on very different scales — a year
near 2000 next to a 0/1 genre — are put on one scale before the network sees them).

:func:`fit_standardizer` returns a :class:`Standardizer` that maps every column to mean 0,
standard deviation 1 with the statistics of the rows it was fitted on. Both are also
importable from :mod:`recsys_utils.features`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .validation import as_matrix

__all__ = ["Standardizer", "fit_standardizer"]


@dataclass(frozen=True, eq=False)
class Standardizer:
    """Column-wise ``(X - mean) / std`` with statistics fitted once (on training rows).

    Attributes
    ----------
    mean, std : ndarray, shape (n_features,)
        ``std`` is 1 for a constant column, so it maps to 0 instead of NaN.
    """

    mean: np.ndarray
    std: np.ndarray

    def transform(self, X: Any) -> np.ndarray:
        """Scaled copy of ``X``, shape ``(n_rows, n_features)``, float32 (what Keras trains on)."""
        X = as_matrix("X", X)
        if X.shape[1] != self.mean.shape[0]:
            raise ValueError(
                f"X has {X.shape[1]} columns but the standardizer was fitted on "
                f"{self.mean.shape[0]}; X has shape {X.shape}"
            )
        return ((X - self.mean) / self.std).astype(np.float32)

    def inverse_transform(self, Z: Any) -> np.ndarray:
        """Undo `transform`: ``Z * std + mean``, float64."""
        Z = as_matrix("Z", Z)
        if Z.shape[1] != self.mean.shape[0]:
            raise ValueError(
                f"Z has {Z.shape[1]} columns but the standardizer has {self.mean.shape[0]}"
            )
        return Z * self.std + self.mean


def fit_standardizer(X: Any) -> Standardizer:
    """Fit a `Standardizer` on the rows of ``X`` (pass training rows only).

    Parameters
    ----------
    X : array_like, shape (n_rows, n_features)

    Notes
    -----
    :math:`z_{rk} = (x_{rk} - \\bar x_k) / s_k`, with the column mean :math:`\\bar x_k` and
    population standard deviation :math:`s_k` (1 where :math:`s_k = 0`).

    Examples
    --------
    >>> s = fit_standardizer([[1.0, 5.0], [3.0, 5.0]])
    >>> s.mean, s.std, s.transform([[2.0, 5.0], [5.0, 6.0]]).tolist()
    (array([2., 5.]), array([1., 1.]), [[0.0, 0.0], [3.0, 1.0]])
    """
    X = as_matrix("X", X)
    std = X.std(axis=0)
    return Standardizer(X.mean(axis=0), np.where(std > 0, std, 1.0))
