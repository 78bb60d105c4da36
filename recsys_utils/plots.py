"""Plots for training and evaluating rating models: cost curves, RMSE curves, RMSE bars.

Each function draws on a matplotlib ``Axes`` you pass in and returns it, so a notebook
composes figures its own way (``fig, ax = plt.subplots(); plot_...(ax, ...); plt.show()``)
and a widget can draw on a ``matplotlib.figure.Figure`` without pyplot. Every plot gets a
title and axis labels with units. Importing this module changes no matplotlib settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .validation import as_matrix

__all__ = ["plot_cost_curves", "plot_rmse_curves", "plot_rmse_bars"]


def plot_cost_curves(
    ax: Any,
    histories: Mapping[str, Any],
    *,
    title: str = "Training cost J(w, b, x)",
    log: bool = True,
) -> Any:
    """One line per run: the cost at the start of each iteration.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    histories : mapping label -> array_like, shape (iterations,)
        E.g. ``{"λ = 1": model.history}`` (``CofiModel.history``).
    title : str
    log : bool, default True
        Logarithmic cost axis (costs fall by orders of magnitude).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not histories:
        raise ValueError("histories is empty: pass at least one label -> cost history")
    for label, history in histories.items():
        h = as_matrix(f"histories[{label!r}]", history, ndim=1)
        ax.plot(np.arange(1, h.size + 1), h, label=str(label))
    if log:
        ax.set_yscale("log")
    # two lines, so the label fits a 3.5-inch-tall figure
    ylabel = "cost J (stars²)\nsquared errors + penalty" + (", log scale" if log else "")
    ax.set(title=title, xlabel="iteration (Adam steps)", ylabel=ylabel)
    ax.legend(fontsize="small")
    return ax


def plot_rmse_curves(
    ax: Any,
    iterations: Any,
    train_rmse: Any,
    validation_rmse: Any = None,
    *,
    label: str = "",
    color: Any = None,
    title: str = "RMSE during training (dashed: train, solid: validation)",
) -> Any:
    """Train RMSE (dashed) and validation RMSE (solid) against the iteration.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    iterations : array_like of int, shape (k,)
        The iterations at which the RMSEs were measured.
    train_rmse : array_like, shape (k,)
    validation_rmse : array_like, shape (k,), optional
    label, color
        Legend label and colour of this run (call once per run to compare runs).

    Returns
    -------
    matplotlib.axes.Axes
    """
    it = as_matrix("iterations", iterations, ndim=1)
    curves = {"train_rmse": as_matrix("train_rmse", train_rmse, ndim=1)}
    if validation_rmse is not None:
        curves["validation_rmse"] = as_matrix("validation_rmse", validation_rmse, ndim=1)
    for name, values in curves.items():
        if values.shape != it.shape:
            raise ValueError(f"{name} has shape {values.shape} but iterations has shape {it.shape}")
    (line,) = ax.plot(
        it,
        curves["train_rmse"],
        linestyle="--",
        color=color,
        label=f"{label} train" if label else "train",
    )
    if validation_rmse is not None:
        ax.plot(
            it,
            curves["validation_rmse"],
            linestyle="-",
            color=line.get_color(),
            label=f"{label} validation" if label else "validation",
        )
    ax.set(title=title, xlabel="iteration (Adam steps)", ylabel="RMSE (stars)")
    ax.legend(fontsize="small")
    return ax


def plot_rmse_bars(
    ax: Any,
    rmse: Mapping[str, float],
    *,
    highlight: Sequence[str] = (),
    target: float | None = None,
    title: str = "Test RMSE (lower is better)",
) -> Any:
    """Horizontal bars, one per model, with the value written at the end of each bar.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    rmse : mapping model name -> RMSE in stars
        Drawn top to bottom in the mapping's order.
    highlight : sequence of str
        Names to draw in a strong colour (e.g. the final model); the others are grey.
    target : float, optional
        Draw a vertical dotted line at this RMSE (e.g. a target to beat).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not rmse:
        raise ValueError("rmse is empty: pass at least one model name -> RMSE")
    names = list(rmse)
    values = as_matrix("rmse values", [rmse[n] for n in names], ndim=1)
    unknown = [h for h in highlight if h not in rmse]
    if unknown:
        raise ValueError(f"highlight names {unknown} are not among the models {names}")
    y = np.arange(len(names))[::-1]
    colors = ["tab:blue" if n in highlight else "tab:gray" for n in names]
    ax.barh(y, values, color=colors)
    for yi, v in zip(y, values, strict=False):
        ax.text(v, yi, f" {v:.4f}", va="center", fontsize="small")
    ax.set_yticks(y, names)
    ax.set_xlim(0, values.max() * 1.15)
    if target is not None:
        ax.axvline(target, color="black", linestyle=":", label=f"target {target:.4f}")
        ax.legend(fontsize="small", loc="lower right")
    ax.set(title=title, xlabel="RMSE (stars)")
    return ax
