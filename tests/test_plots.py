"""Tests for recsys_utils.plots: what each helper draws, its labels, and refused input."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402

from recsys_utils.plots import plot_cost_curves, plot_rmse_bars, plot_rmse_curves  # noqa: E402


@pytest.fixture
def ax():
    return Figure().subplots()


def test_cost_curves_one_line_per_run_from_iteration_1(ax):
    plot_cost_curves(ax, {"λ = 1": [100.0, 50.0, 20.0], "λ = 10": [100.0, 80.0]})
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["λ = 1", "λ = 10"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    assert ax.get_yscale() == "log"
    assert ax.get_title() and "iteration" in ax.get_xlabel() and "stars" in ax.get_ylabel()


def test_cost_curves_linear_axis(ax):
    plot_cost_curves(ax, {"a": [3.0, 2.0]}, log=False)
    assert ax.get_yscale() == "linear" and "log" not in ax.get_ylabel()


def test_rmse_curves_train_dashed_validation_solid_same_colour(ax):
    plot_rmse_curves(ax, [10, 20], [1.0, 0.8], [1.1, 0.95], label="run", color="C3")
    train, val = ax.get_lines()
    assert train.get_linestyle() == "--" and val.get_linestyle() == "-"
    assert train.get_color() == val.get_color() == "C3"
    assert train.get_label() == "run train" and val.get_label() == "run validation"
    assert ax.get_ylabel() == "RMSE (stars)"


def test_rmse_curves_without_validation(ax):
    plot_rmse_curves(ax, [10, 20], [1.0, 0.8])
    assert len(ax.get_lines()) == 1 and ax.get_lines()[0].get_label() == "train"


def test_rmse_bars_order_values_and_highlight(ax):
    plot_rmse_bars(
        ax,
        {"global mean": 1.046, "biases": 0.864, "final": 0.847},
        highlight=["final"],
        target=0.854,
    )
    bars = ax.patches
    # drawn top to bottom in the given order: the first name has the largest y
    assert [round(b.get_width(), 3) for b in sorted(bars, key=lambda b: -b.get_y())] == [
        1.046,
        0.864,
        0.847,
    ]
    colours = [b.get_facecolor() for b in sorted(bars, key=lambda b: -b.get_y())]
    assert colours[0] == colours[1] != colours[2]
    assert [t.get_text().strip() for t in ax.texts] == ["1.0460", "0.8640", "0.8470"]
    assert ax.get_xlabel() == "RMSE (stars)" and ax.get_title()
    assert ax.get_lines()[0].get_xdata()[0] == 0.854


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda ax: plot_cost_curves(ax, {}), ValueError, "histories is empty"),
        (lambda ax: plot_cost_curves(ax, {"a": [1.0, np.nan]}), ValueError, "NaN"),
        (lambda ax: plot_rmse_curves(ax, [1, 2], [1.0]), ValueError, "train_rmse has shape"),
        (
            lambda ax: plot_rmse_curves(ax, [1, 2], [1.0, 2.0], [1.0]),
            ValueError,
            "validation_rmse has shape",
        ),
        (lambda ax: plot_rmse_bars(ax, {}), ValueError, "rmse is empty"),
        (
            lambda ax: plot_rmse_bars(ax, {"a": 1.0}, highlight=["b"]),
            ValueError,
            "not among the models",
        ),
    ],
)
def test_bad_input_is_refused(ax, call, error, match):
    with pytest.raises(error, match=match):
        call(ax)
