"""Train collaborative filtering while watching held-out error, and a widget to explore it.

* :func:`train_tracked` wraps :func:`~recsys_utils.training.train_cofi_observed`: it trains on
  residuals from a baseline (the lecture's mean normalization is the movie-mean baseline),
  measures train and validation RMSE every few iterations through the training callback, and
  returns a :class:`TrackedRun` whose ``predict`` adds the baseline back and applies the
  cold-movie fallback.
* :class:`TrainingExplorer` is an ipywidgets panel — learning rate, λ, features and iterations
  sliders and a "Train" button — that retrains and redraws the cost curve and the train /
  validation RMSE curves. Its callbacks are plain methods, so tests drive it without a browser:
  set the sliders, call ``explorer.button.click()``, look at ``explorer.runs`` and
  ``explorer.figure``.

ipywidgets and matplotlib are imported when an explorer is created, TensorFlow when training
starts. :func:`train_tracked` and :class:`TrackedRun` live in
:mod:`recsys_utils.tracked_training` and are re-exported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .tracked_training import TrackedRun, train_tracked
from .validation import check_int
from .widgets import exact_slider, nice_values

__all__ = ["TrackedRun", "train_tracked", "TrainingExplorer"]


class TrainingExplorer:
    """Sliders for learning rate, λ, features and iterations, a "Train" button, and the curves.

    Parameters
    ----------
    train, validation : (item_idx, user_idx, y) or RatingTriples
    n_movies, n_users : int
    baseline : object with ``predict(item_idx, user_idx)``
        Fitted on ``train``.
    learning_rate, lambda_, n_features, iterations : initial slider values
    max_features, max_iterations : int
        Slider ranges.
    keep : int, default 3
        How many recent runs to draw for comparison (the newest in full colour).
    **train_kwargs
        Fixed settings for every run (``item_bias``, ``lambda_bias``, ``init_std``, ``dtype``,
        ``seed``, ``track_every``, ``cold_fallback``).

    Attributes
    ----------
    learning_rate, lambda_ : ipywidgets.SelectionSlider
        The "1, 2, 3, 5" values of each decade plus the value passed, which the control shows
        exactly (set ``.value`` to one of its ``options``' values).
    n_features, iterations : ipywidgets.IntSlider
    button : ipywidgets.Button
    status : ipywidgets.HTML
        What the last click did (time and RMSEs, or why training failed).
    output : ipywidgets.Output
        Where the figure is shown.
    runs : list of TrackedRun
        Every completed run, oldest first.
    figure : matplotlib.figure.Figure or None
        The latest drawing: cost curves (left), train/validation RMSE (right).
    widget : ipywidgets.VBox
        The whole panel (``display(explorer)`` shows it).
    """

    def __init__(
        self,
        train: Any,
        validation: Any,
        n_movies: int,
        n_users: int,
        *,
        baseline: Any,
        learning_rate: float = 0.1,
        lambda_: float = 10.0,
        n_features: int = 10,
        iterations: int = 100,
        max_features: int = 100,
        max_iterations: int = 400,
        keep: int = 3,
        **train_kwargs: Any,
    ) -> None:
        import ipywidgets as w

        self._data = (train, validation, n_movies, n_users)
        self._baseline = baseline
        self._train_kwargs = train_kwargs
        self.keep = keep
        style = {"description_width": "110px"}
        layout = w.Layout(width="380px")
        # Every control holds exactly the value passed (see recsys_utils.widgets.exact_slider).
        check_int("max_features", max_features)
        check_int("max_iterations", max_iterations)
        for arg, value, top in (
            ("n_features", n_features, max_features),
            ("iterations", iterations, max_iterations),
        ):
            if check_int(arg, value) > top:
                raise ValueError(
                    f"{arg}={value} is above the slider's maximum max_{arg}={top}; "
                    f"raise max_{arg} or lower {arg}"
                )
        if (
            isinstance(learning_rate, (int, float, np.integer, np.floating))
            and not learning_rate > 0
        ):
            raise ValueError(f"learning_rate must be > 0, got {learning_rate!r}")
        self.learning_rate = exact_slider(
            "learning rate α",
            learning_rate,
            nice_values(0.001, 1),
            name="learning_rate",
            style=style,
            layout=layout,
        )
        self.lambda_ = exact_slider(
            "λ", lambda_, nice_values(0.1, 100), name="lambda_", style=style, layout=layout
        )
        self.n_features = w.IntSlider(
            value=n_features,
            min=1,
            max=max_features,
            description="features n",
            style=style,
            layout=layout,
        )
        self.iterations = w.IntSlider(
            value=iterations,
            min=1,
            max=max_iterations,
            step=1,
            description="iterations",
            style=style,
            layout=layout,
        )
        self.button = w.Button(description="Train", button_style="primary", icon="play")
        self.button.on_click(self.on_train_clicked)
        self.status = w.HTML("Set the sliders and press <b>Train</b>.")
        self.output = w.Output()
        self.runs: list[TrackedRun] = []
        self.figure = None
        self.widget = w.VBox(
            [
                w.HBox(
                    [
                        w.VBox([self.learning_rate, self.lambda_]),
                        w.VBox([self.n_features, self.iterations]),
                    ]
                ),
                w.HBox([self.button, self.status]),
                self.output,
            ]
        )

    def settings(self) -> dict:
        """The slider values as training arguments."""
        return dict(
            learning_rate=float(self.learning_rate.value),
            lambda_=float(self.lambda_.value),
            n_features=int(self.n_features.value),
            iterations=int(self.iterations.value),
        )

    def on_train_clicked(self, _button: Any = None) -> None:
        """The button's callback: train with the current sliders and redraw."""
        self.train()

    def train(self) -> TrackedRun | None:
        """Train once with the slider values; return the run (None if training diverged)."""
        settings = self.settings()
        self.button.disabled = True
        self.status.value = "training…"
        try:
            run = train_tracked(
                *self._data, baseline=self._baseline, **self._train_kwargs, **settings
            )
        except (
            FloatingPointError
        ) as exc:  # the learning rate was too large: say so, keep the old curves
            self.status.value = f"<span style='color:#b00'>diverged: {exc}</span>"
            return None
        finally:
            self.button.disabled = False
        self.runs.append(run)
        val = (
            f", validation RMSE <b>{run.final_validation_rmse:.4f}</b>"
            if run.validation_rmse.size
            else ""
        )
        self.status.value = (
            f"run {len(self.runs)}: {run.seconds:.1f} s, train RMSE {run.train_rmse[-1]:.4f}{val}"
        )
        self.redraw()
        return run

    @staticmethod
    def label(run: TrackedRun) -> str:
        s = run.settings
        return f"α={s['learning_rate']:.3g}, λ={s['lambda_']:.3g}, n={s['n_features']}"

    def redraw(self) -> Any:
        """Draw the last ``keep`` runs into a new figure and show it in ``output``."""
        from matplotlib.figure import Figure

        from .plots import plot_cost_curves, plot_rmse_curves

        fig = Figure(figsize=(11, 4.6), layout="constrained")  # tall enough for the cost axis label
        ax_cost, ax_rmse = fig.subplots(1, 2)
        recent = self.runs[-self.keep :]
        if recent:
            plot_cost_curves(ax_cost, {self.label(r): r.model.history for r in recent})
            for k, run in enumerate(recent):
                before = len(ax_rmse.get_lines())
                plot_rmse_curves(
                    ax_rmse,
                    run.iterations,
                    run.train_rmse,
                    run.validation_rmse if run.validation_rmse.size else None,
                    label=self.label(run),
                    color=f"C{k}",
                )
                if k < len(recent) - 1:  # older runs faded, the newest in full colour
                    for line in ax_rmse.get_lines()[before:]:
                        line.set_alpha(0.4)
        self.figure = fig
        self._show(fig)
        return fig

    def _show(self, fig: Any) -> None:
        """Show ``fig`` in ``output`` as a PNG (a pyplot-free Figure has no inline display of
        its own)."""
        import io

        from IPython.display import Image, display

        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=90)
        with self.output:
            self.output.clear_output(wait=True)
            display(Image(data=buffer.getvalue(), format="png"))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
