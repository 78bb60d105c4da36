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
starts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .cofi_cost_tf import _check_triples
from .training import CofiModel
from .validation import check_int
from .widgets import exact_slider, nice_values

__all__ = ["TrackedRun", "train_tracked", "TrainingExplorer"]


def _as_triples(name: str, data: Any) -> tuple[Any, Any, Any]:
    """Accept ``(item_idx, user_idx, y)`` or an object with those as attributes (``RatingTriples``)."""
    if all(hasattr(data, a) for a in ("item_idx", "user_idx", "ratings")):
        return data.item_idx, data.user_idx, data.ratings
    try:
        item_idx, user_idx, y = data
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be (item_idx, user_idx, y) or a RatingTriples, "
                        f"got {type(data).__name__}") from None
    return item_idx, user_idx, y


@dataclass(frozen=True)
class TrackedRun:
    """A trained model with its baseline, learning curves and the cold-movie fallback.

    Attributes
    ----------
    model : CofiModel
        Trained on ``y - baseline.predict(...)``.
    baseline : object with ``predict(item_idx, user_idx)``
        E.g. a :mod:`recsys_utils.baselines` model: the movie means (mean normalization) or
        the global mean.
    train_counts : ndarray of int, shape (n_movies,)
        Training ratings per movie; 0 marks a cold movie.
    iterations, train_rmse, validation_rmse : ndarray, shape (k,)
        RMSE (stars) measured every ``track_every`` iterations (``validation_rmse`` is empty
        without validation data).
    seconds : float
        Wall time of the training, tracking included.
    settings : dict
        Training settings (``model.settings`` plus ``track_every`` and ``cold_fallback``).
    """

    model: CofiModel
    baseline: Any
    train_counts: np.ndarray
    iterations: np.ndarray
    train_rmse: np.ndarray
    validation_rmse: np.ndarray
    seconds: float
    settings: dict = field(default_factory=dict)

    def predict(self, item_idx: Any, user_idx: Any, *, cold_fallback: bool | None = None) -> np.ndarray:
        """Predicted ratings for ``(item_idx, user_idx)`` pairs, shape ``(n_pairs,)``.

        Parameters
        ----------
        cold_fallback : bool, optional
            For a movie without training ratings, drop :math:`w^{(j)} \\cdot x^{(i)}` and the
            movie bias :math:`c^{(i)}` (both learned from nothing but noise and the
            regulariser): predict the baseline (the global mean) plus the user's bias
            :math:`b^{(j)}`. Default: the setting the run was trained with.

        Notes
        -----
        :math:`\\hat y^{(i,j)} = w^{(j)} \\cdot x^{(i)} + b^{(j)} (+ c^{(i)}) + \\text{baseline}(i, j)`.
        """
        fallback = self.settings.get("cold_fallback", True) if cold_fallback is None else cold_fallback
        item_idx, user_idx = np.asarray(item_idx), np.asarray(user_idx)
        pred = self.model.predict_pairs(item_idx, user_idx)
        if fallback:
            cold = self.train_counts[item_idx] == 0
            pred = np.where(cold, self.model.b[0, user_idx], pred)
        return pred + self.baseline.predict(item_idx, user_idx)

    @property
    def final_validation_rmse(self) -> float:
        """The validation RMSE after the last iteration (NaN without validation data)."""
        return float(self.validation_rmse[-1]) if self.validation_rmse.size else float("nan")


def _rmse(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.sqrt(np.mean((p - y) ** 2)))


def train_tracked(
    train: Any, validation: Any, n_movies: int, n_users: int, *, baseline: Any,
    track_every: int = 10, cold_fallback: bool = True, **train_kwargs: Any,
) -> TrackedRun:
    """Train on residuals from ``baseline`` and track train / validation RMSE.

    Parameters
    ----------
    train : (item_idx, user_idx, y) or RatingTriples
        Training ratings; ``y`` of shape ``(n_ratings,)`` in stars.
    validation : (item_idx, user_idx, y) or RatingTriples, or None
        Held-out ratings to measure during training (never used to fit).
    n_movies, n_users : int
    baseline : object with ``predict(item_idx, user_idx)``
        Fitted on ``train`` (e.g. ``movie_mean_baseline(...)`` for mean normalization).
    track_every : int, default 10
        Measure the RMSEs every this many iterations (and after the last one).
    cold_fallback : bool, default True
        Apply the cold-movie fallback (see :meth:`TrackedRun.predict`) when measuring.
    **train_kwargs
        Passed to :func:`~recsys_utils.training.train_cofi_observed` (``n_features``,
        ``lambda_``, ``learning_rate``, ``iterations``, ``init_std``, ``item_bias``,
        ``lambda_bias``, ``dtype``, ``seed``, ``progress``).

    Returns
    -------
    TrackedRun

    Notes
    -----
    The model learns the residuals :math:`y^{(i,j)} - \\text{baseline}(i,j)`; with the movie-mean
    baseline this is the lecture's mean normalization, :math:`y - \\mu_i`.
    """
    from .training import train_cofi_observed

    if not hasattr(baseline, "predict"):
        raise TypeError(f"baseline must have a predict(item_idx, user_idx) method, got {type(baseline).__name__}")
    check_int("track_every", track_every)
    for reserved in ("callback", "callback_every"):
        if reserved in train_kwargs:
            raise TypeError(f"train_tracked sets {reserved} itself; do not pass it")
    tr = _check_triples(*_as_triples("train", train), n_movies, n_users)
    va = None if validation is None else _check_triples(*_as_triples("validation", validation), n_movies, n_users)
    counts = np.bincount(tr[0], minlength=n_movies)
    off_tr = baseline.predict(tr[0], tr[1])
    off_va = None if va is None else baseline.predict(va[0], va[1])
    cold_va = None if va is None else (counts[va[0]] == 0)
    its, rm_tr, rm_va = [], [], []

    def callback(iteration: int, cost: float, model: CofiModel) -> None:
        its.append(iteration)
        rm_tr.append(_rmse(tr[2], model.predict_pairs(tr[0], tr[1]) + off_tr))
        if va is not None:
            p = model.predict_pairs(va[0], va[1])
            if cold_fallback:
                p = np.where(cold_va, model.b[0, va[1]], p)
            rm_va.append(_rmse(va[2], p + off_va))

    start = time.perf_counter()
    model = train_cofi_observed(tr[0], tr[1], tr[2] - off_tr, n_movies, n_users, callback=callback,
                                callback_every=track_every, **train_kwargs)
    seconds = time.perf_counter() - start
    settings = dict(model.settings, track_every=track_every, cold_fallback=cold_fallback)
    return TrackedRun(model, baseline, counts, np.asarray(its), np.asarray(rm_tr), np.asarray(rm_va),
                      seconds, settings)


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

    def __init__(self, train: Any, validation: Any, n_movies: int, n_users: int, *, baseline: Any,
                 learning_rate: float = 0.1, lambda_: float = 10.0, n_features: int = 10,
                 iterations: int = 100, max_features: int = 100, max_iterations: int = 400,
                 keep: int = 3, **train_kwargs: Any) -> None:
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
        for arg, value, top in (("n_features", n_features, max_features), ("iterations", iterations, max_iterations)):
            if check_int(arg, value) > top:
                raise ValueError(f"{arg}={value} is above the slider's maximum max_{arg}={top}; "
                                 f"raise max_{arg} or lower {arg}")
        if isinstance(learning_rate, (int, float, np.integer, np.floating)) and not learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0, got {learning_rate!r}")
        self.learning_rate = exact_slider("learning rate α", learning_rate, nice_values(0.001, 1),
                                          name="learning_rate", style=style, layout=layout)
        self.lambda_ = exact_slider("λ", lambda_, nice_values(0.1, 100), name="lambda_",
                                    style=style, layout=layout)
        self.n_features = w.IntSlider(value=n_features, min=1, max=max_features, description="features n",
                                      style=style, layout=layout)
        self.iterations = w.IntSlider(value=iterations, min=1, max=max_iterations, step=1,
                                      description="iterations", style=style, layout=layout)
        self.button = w.Button(description="Train", button_style="primary", icon="play")
        self.button.on_click(self.on_train_clicked)
        self.status = w.HTML("Set the sliders and press <b>Train</b>.")
        self.output = w.Output()
        self.runs: list[TrackedRun] = []
        self.figure = None
        self.widget = w.VBox([
            w.HBox([w.VBox([self.learning_rate, self.lambda_]), w.VBox([self.n_features, self.iterations])]),
            w.HBox([self.button, self.status]),
            self.output,
        ])

    def settings(self) -> dict:
        """The slider values as training arguments."""
        return dict(learning_rate=float(self.learning_rate.value), lambda_=float(self.lambda_.value),
                    n_features=int(self.n_features.value), iterations=int(self.iterations.value))

    def on_train_clicked(self, _button: Any = None) -> None:
        """The button's callback: train with the current sliders and redraw."""
        self.train()

    def train(self) -> TrackedRun | None:
        """Train once with the slider values; return the run (None if training diverged)."""
        settings = self.settings()
        self.button.disabled = True
        self.status.value = "training…"
        try:
            run = train_tracked(*self._data, baseline=self._baseline, **self._train_kwargs, **settings)
        except FloatingPointError as exc:  # the learning rate was too large: say so, keep the old curves
            self.status.value = f"<span style='color:#b00'>diverged: {exc}</span>"
            return None
        finally:
            self.button.disabled = False
        self.runs.append(run)
        val = f", validation RMSE <b>{run.final_validation_rmse:.4f}</b>" if run.validation_rmse.size else ""
        self.status.value = (f"run {len(self.runs)}: {run.seconds:.1f} s, train RMSE "
                             f"{run.train_rmse[-1]:.4f}{val}")
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
        recent = self.runs[-self.keep:]
        if recent:
            plot_cost_curves(ax_cost, {self.label(r): r.model.history for r in recent})
            for k, run in enumerate(recent):
                before = len(ax_rmse.get_lines())
                plot_rmse_curves(ax_rmse, run.iterations, run.train_rmse,
                                 run.validation_rmse if run.validation_rmse.size else None,
                                 label=self.label(run), color=f"C{k}")
                if k < len(recent) - 1:  # older runs faded, the newest in full colour
                    for line in ax_rmse.get_lines()[before:]:
                        line.set_alpha(0.4)
        self.figure = fig
        self._show(fig)
        return fig

    def _show(self, fig: Any) -> None:
        """Show ``fig`` in ``output`` as a PNG (a pyplot-free Figure has no inline display of its own)."""
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
