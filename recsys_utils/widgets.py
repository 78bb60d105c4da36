"""Interactive panels for the notebooks (ipywidgets).

:class:`NewUserPanel` (notebook 05, "Mean normalization"): the learner searches MovieLens by
title, rates a few movies, and at once sees her top-k recommendations — her ``w`` and ``b``
fitted against the trained movie features by :func:`recsys_utils.new_user.fit_new_user`
(one small linear solve, no retraining). With no ratings she is the lecture's Eve and is
recommended the movies with the highest means ``mu``.

Every callback is a plain method (:meth:`NewUserPanel.add_rating`, ...), so the panel can be
driven and tested without a browser: set the widgets' values, call ``button.click()``, and
read :attr:`NewUserPanel.ratings` and :attr:`NewUserPanel.recommendations`.

This module imports ipywidgets and pandas; ``import recsys_utils`` does not import it.
"""

from __future__ import annotations

import html
from typing import Any, Mapping

import numpy as np

from .new_user import fit_new_user, predict_new_user
from .validation import as_matrix, check_int, check_lambda

__all__ = ["NewUserPanel", "exact_slider", "nice_values"]


def nice_values(low: float, high: float) -> list[float]:
    """The "1, 2, 3, 5" values of every decade from ``low`` to ``high`` (both included).

    >>> nice_values(0.1, 10)
    [0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0]
    """
    out = []
    for exponent in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1):
        for mantissa in (1, 2, 3, 5):
            v = float(f"{mantissa}e{exponent}")  # 3e-1 is exactly the float 0.3, unlike 3 * 10**-1
            if low <= v <= high:
                out.append(v)
    return out


def exact_slider(description: str, value: Any, grid: list[float], *, name: str, **kwargs: Any) -> Any:
    """A slider over ``grid`` plus ``value`` that shows and holds exactly ``value``.

    A ``FloatLogSlider`` can only stand on ``10 ** (min + k * step)``: given λ = 15 with
    ``min=-1, step=0.1`` the browser moves it to 15.85 and sends that back to the kernel, so the
    run the learner starts is not the one the code set up. A ``SelectionSlider`` stands on its
    options, so ``value`` is added to them: the control reads ``value`` and ``.value`` returns it.

    Parameters
    ----------
    description : str
        The slider's label.
    value : float
        The initial value, finite and >= 0.
    grid : list of float
        The other stops (e.g. :func:`nice_values`).
    name : str
        The argument's name, for the error message.
    **kwargs
        Passed to ``ipywidgets.SelectionSlider`` (``style``, ``layout``, ...).
    """
    import ipywidgets as widgets

    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    v = float(value)
    if not np.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    stops = sorted(set(float(g) for g in grid) | {v})
    return widgets.SelectionSlider(options=[(f"{s:.6g}", s) for s in stops], value=v,
                                   description=description, continuous_update=False, **kwargs)


class NewUserPanel:
    """Rate a few movies, get recommendations at once.

    Parameters
    ----------
    model : object with attribute ``X``, shape (n_movies, n_features)
        A trained collaborative-filtering model (e.g. :class:`~recsys_utils.training.CofiModel`),
        trained on mean-normalized ratings.
    mu : array_like, shape (n_movies, 1)
        The movie means subtracted before training.
    movies : pandas.DataFrame
        With columns ``movieId`` and ``title`` (MovieLens' ``movies.csv``).
    item_ids : array_like, shape (n_movies,)
        The movie id of each row of ``model.X`` (``RatingTriples.item_ids``).
    lambda_ : float, optional
        Regularization of the new user's ``w``. Default: ``model.settings["lambda_"]`` if
        the model records it, else 1.
    n_ratings : array_like of int, shape (n_movies,), optional
        Number of ratings per movie: search results list popular movies first, and only
        movies with at least ``min_ratings`` ratings are recommended.
    min_ratings : int, default 50
    k : int, default 10
        Length of the recommendation list.
    max_matches : int, default 25
        Longest list of search results.

    Attributes
    ----------
    ratings : dict
        ``{movieId: rating}`` in the order they were added.
    w : ndarray, shape (n_features,); b : float
        The new user's fitted parameters.
    recommendations : pandas.DataFrame
        ``movieId``, ``title``, ``predicted``, ``mu``, ``n_ratings`` of the top ``k``.
    widget : ipywidgets.VBox
        The panel (displaying the object displays it).

    Notes
    -----
    On every change the panel solves
    :math:`\\min_{w,b} \\frac12 \\sum_{i \\text{ rated}} (w \\cdot x^{(i)} + b - (y^{(i)} - \\mu_i))^2
    + \\frac{\\lambda}{2}\\lVert w\\rVert^2` and ranks the unrated movies by
    :math:`w \\cdot x^{(i)} + b + \\mu_i`.
    """

    SCALE = (0.5, 5.0, 0.5)  # MovieLens: half stars from 0.5 to 5

    def __init__(self, model: Any, mu: Any, movies: Any, item_ids: Any, *,
                 lambda_: float | None = None, n_ratings: Any = None, min_ratings: int = 50,
                 k: int = 10, max_matches: int = 25) -> None:
        import ipywidgets as widgets
        import pandas as pd

        self.X = as_matrix("model.X", getattr(model, "X", None))
        n_movies = self.X.shape[0]
        self.mu = as_matrix("mu", mu, ndim=np.ndim(mu))
        if self.mu.shape != (n_movies, 1):
            raise ValueError(f"mu has shape {self.mu.shape} but model.X has shape {self.X.shape}; "
                             f"mu must be (n_movies, 1) = ({n_movies}, 1)")
        ids = np.asarray(item_ids)
        if ids.shape != (n_movies,):
            raise ValueError(f"item_ids has shape {ids.shape} but model.X has {n_movies} rows; "
                             "give the movie id of every row")
        if not isinstance(movies, pd.DataFrame) or not {"movieId", "title"} <= set(movies.columns):
            raise ValueError("movies must be a DataFrame with columns 'movieId' and 'title'")
        title_of = dict(zip(movies["movieId"].tolist(), movies["title"].astype(str).tolist()))
        missing = [m for m in ids.tolist() if m not in title_of]
        if missing:
            raise ValueError(f"{len(missing)} movie id(s) of item_ids are not in movies, e.g. {missing[:3]}")
        self.item_ids = ids
        self.row_of = {m: i for i, m in enumerate(ids.tolist())}
        self.titles = np.array([title_of[m] for m in ids.tolist()], dtype=object)
        self._lower = [t.lower() for t in self.titles]
        if n_ratings is None:
            self.n_ratings = None
            self.candidates = np.ones(n_movies, dtype=bool)
        else:
            self.n_ratings = np.asarray(n_ratings)
            if self.n_ratings.shape != (n_movies,):
                raise ValueError(f"n_ratings has shape {self.n_ratings.shape}; it must be ({n_movies},)")
            self.candidates = self.n_ratings >= min_ratings
        if lambda_ is None:
            lambda_ = getattr(model, "settings", {}).get("lambda_", 1.0)
        lam = check_lambda(lambda_)
        check_int("k", k)
        self.k, self.max_matches = int(k), int(max_matches)
        self.ratings: dict[Any, float] = {}
        self.w, self.b = np.zeros(self.X.shape[1]), 0.0
        self.recommendations = pd.DataFrame()

        low, high, step = self.SCALE
        self.search = widgets.Text(description="Search", placeholder="part of a title, e.g. toy story",
                                   continuous_update=True)
        self.matches = widgets.Dropdown(description="Movie", options=[],
                                        layout=widgets.Layout(width="480px"))
        self.stars = widgets.FloatSlider(value=4.0, min=low, max=high, step=step,
                                         description="Your rating", readout_format=".1f")
        self.add_button = widgets.Button(description="Add rating", button_style="success", icon="plus")
        self.remove_button = widgets.Button(description="Remove", icon="minus",
                                            tooltip="forget your rating of the selected movie")
        self.clear_button = widgets.Button(description="Clear all", icon="trash")
        self.lambda_slider = exact_slider("λ", lam, nice_values(0.01, 100), name="lambda_")
        self.status = widgets.HTML()
        self.rated_view = widgets.HTML(layout=widgets.Layout(width="40%"))
        self.recs_view = widgets.HTML(layout=widgets.Layout(width="60%"))

        self.search.observe(self._on_search, names="value")
        self.add_button.on_click(self._on_add)
        self.remove_button.on_click(self._on_remove)
        self.clear_button.on_click(self._on_clear)
        self.lambda_slider.observe(self._on_lambda, names="value")

        self.widget = widgets.VBox([
            widgets.HTML("<b>Rate a few movies</b> — search, pick, rate, add. "
                         "Recommendations update at once (no retraining)."),
            self.search,
            widgets.HBox([self.matches, self.stars]),
            widgets.HBox([self.add_button, self.remove_button, self.clear_button, self.lambda_slider]),
            self.status,
            widgets.HBox([self.rated_view, self.recs_view]),
        ])
        self.update_matches("")
        self.refresh()

    # ------------------------------------------------------------------ display
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def lambda_(self) -> float:
        return float(self.lambda_slider.value)

    # ------------------------------------------------------------------ search
    def find(self, text: str) -> list[int]:
        """Rows whose title contains every word of ``text`` (case-insensitive), most rated first."""
        words = str(text).lower().split()
        rows = [i for i, t in enumerate(self._lower) if all(w in t for w in words)]
        if self.n_ratings is not None:
            rows.sort(key=lambda i: (-self.n_ratings[i], self._lower[i]))
        else:
            rows.sort(key=lambda i: self._lower[i])
        return rows[: self.max_matches]

    def _label(self, row: int) -> str:
        extra = "" if self.n_ratings is None else f" — {int(self.n_ratings[row])} ratings"
        return f"{self.titles[row]}{extra}"

    def update_matches(self, text: str | None = None) -> None:
        """Fill the movie list with the titles matching ``text`` (default: the search box)."""
        text = self.search.value if text is None else text
        rows = self.find(text)
        self.matches.options = [(self._label(i), self.item_ids[i].item()) for i in rows]
        if not rows:
            self._say(f"No title contains “{html.escape(text)}”.", "warning")

    # ------------------------------------------------------------------ ratings
    def add_rating(self, movie_id: Any = None, rating: float | None = None) -> None:
        """Record ``rating`` (default: the slider) for ``movie_id`` (default: the selected movie)."""
        movie_id = self.matches.value if movie_id is None else movie_id
        rating = float(self.stars.value if rating is None else rating)
        if movie_id is None:
            self._say("Pick a movie first: type part of its title in the search box.", "warning")
            return
        if movie_id not in self.row_of:
            self._say(f"Unknown movie id {html.escape(str(movie_id))}.", "warning")
            return
        low, high, _ = self.SCALE
        if not low <= rating <= high:
            self._say(f"A rating must be between {low:g} and {high:g}, got {rating:g}.", "warning")
            return
        self.ratings[movie_id] = rating
        self.refresh()
        self._say(f"Rated <i>{html.escape(self.titles[self.row_of[movie_id]])}</i>: {rating:g} ★", "ok")

    def remove_rating(self, movie_id: Any = None) -> None:
        """Forget the rating of ``movie_id`` (default: the selected movie)."""
        movie_id = self.matches.value if movie_id is None else movie_id
        if movie_id in self.ratings:
            del self.ratings[movie_id]
            self.refresh()
            self._say(f"Removed <i>{html.escape(self.titles[self.row_of[movie_id]])}</i>.", "ok")
        else:
            self._say("That movie is not among your ratings.", "warning")

    def clear(self) -> None:
        """Forget every rating: back to Eve, who is recommended the highest means."""
        self.ratings.clear()
        self.refresh()
        self._say("No ratings: you are Eve, and get the movies with the highest mean μ.", "ok")

    def set_ratings(self, ratings: Mapping[Any, float]) -> None:
        """Replace all ratings at once with ``{movieId: rating}`` (for a scripted example)."""
        unknown = [m for m in ratings if m not in self.row_of]
        if unknown:
            raise ValueError(f"movie id(s) {unknown[:3]} are not rows of the model")
        self.ratings = {m: float(r) for m, r in ratings.items()}
        self.refresh()

    # ------------------------------------------------------------------ model
    def refresh(self) -> None:
        """Refit ``w``, ``b`` to the current ratings and redraw both lists."""
        import pandas as pd

        rows = np.array([self.row_of[m] for m in self.ratings], dtype=np.int64)
        y = np.array(list(self.ratings.values()), dtype=np.float64)
        self.w, self.b = fit_new_user(self.X, self.mu, rows, y, self.lambda_)
        pred = predict_new_user(self.X, self.mu, self.w, self.b)
        allowed = self.candidates.copy()
        allowed[rows] = False
        cand = np.flatnonzero(allowed)
        top = cand[np.lexsort((cand, -pred[cand]))[: self.k]]
        self.recommendations = pd.DataFrame({
            "movieId": self.item_ids[top],
            "title": self.titles[top],
            "predicted": pred[top],
            "mu": self.mu[top, 0],
            "n_ratings": self.n_ratings[top] if self.n_ratings is not None else np.nan,
        })
        self._draw()

    def _draw(self) -> None:
        if self.ratings:
            items = "".join(f"<li>{r:g} ★ {html.escape(self.titles[self.row_of[m]])}</li>"
                            for m, r in self.ratings.items())
            self.rated_view.value = f"<b>Your ratings ({len(self.ratings)})</b><ul>{items}</ul>"
        else:
            self.rated_view.value = "<b>Your ratings</b><p>none yet — you are Eve</p>"
        head = "<tr><th>#</th><th>title</th><th>predicted</th><th>μ</th></tr>"
        body = "".join(
            f"<tr><td>{n}</td><td>{html.escape(str(t))}</td><td>{p:.2f}</td><td>{m:.2f}</td></tr>"
            for n, (t, p, m) in enumerate(zip(self.recommendations["title"],
                                              self.recommendations["predicted"],
                                              self.recommendations["mu"]), start=1))
        self.recs_view.value = (f"<b>Top {self.k} for you</b> (b = {self.b:+.2f}, "
                                f"‖w‖ = {np.linalg.norm(self.w):.2f})<table>{head}{body}</table>")

    def _say(self, message: str, kind: str) -> None:
        colour = {"ok": "green", "warning": "darkorange"}[kind]
        self.status.value = f'<span style="color:{colour}">{message}</span>'

    # ------------------------------------------------------------------ callbacks
    def _on_search(self, change: dict) -> None:
        self.update_matches(change["new"])

    def _on_add(self, _button: Any) -> None:
        self.add_rating()

    def _on_remove(self, _button: Any) -> None:
        self.remove_rating()

    def _on_clear(self, _button: Any) -> None:
        self.clear()

    def _on_lambda(self, _change: dict) -> None:
        self.refresh()
