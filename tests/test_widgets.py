"""Tests for recsys_utils.widgets: the new-user panel, driven without a browser."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ipywidgets")

from recsys_utils.new_user import fit_new_user  # noqa: E402
from recsys_utils.widgets import NewUserPanel  # noqa: E402

# Six movies, two features: x1 "animation", x2 "crime". Ids are not row numbers on purpose.
MOVIES = pd.DataFrame({
    "movieId": [10, 20, 30, 40, 50, 60, 99],
    "title": ["Toy Story (1995)", "Finding Nemo (2003)", "Up (2009)", "Godfather, The (1972)",
              "Goodfellas (1990)", "Toy Soldiers (1991)", "Not In The Model (2000)"],
})
ITEM_IDS = np.array([10, 20, 30, 40, 50, 60])
X = np.array([[1.0, 0.0], [0.9, 0.1], [1.0, 0.2], [0.0, 1.0], [0.1, 0.9], [0.2, 0.8]])
MU = np.array([[3.9], [3.8], [3.9], [4.3], [4.2], [2.5]])
COUNTS = np.array([215, 141, 105, 192, 126, 3])


@pytest.fixture
def panel() -> NewUserPanel:
    model = SimpleNamespace(X=X, settings={"lambda_": 0.5})
    return NewUserPanel(model, MU, MOVIES, ITEM_IDS, n_ratings=COUNTS, min_ratings=50, k=3)


def test_starts_as_eve(panel):
    # No ratings: w = 0, b = 0, the top 3 are the highest means among movies with >= 50
    # ratings: Godfather 4.3, Goodfellas 4.2, then Toy Story / Up tie at 3.9 -> lower row (Toy Story).
    assert panel.ratings == {}
    assert panel.lambda_ == pytest.approx(0.5)  # taken from the model's settings
    assert panel.b == 0.0 and not panel.w.any()
    assert panel.recommendations["movieId"].tolist() == [40, 50, 10]
    np.testing.assert_allclose(panel.recommendations["predicted"], [4.3, 4.2, 3.9])
    assert "you are Eve" in panel.rated_view.value
    assert "Godfather" in panel.recs_view.value


def test_search_fills_the_dropdown_most_rated_first(panel):
    panel.search.value = "toy"
    # "Toy Story" (215 ratings) before "Toy Soldiers" (3); every word must match.
    assert [v for _, v in panel.matches.options] == [10, 60]
    assert panel.matches.options[0][0] == "Toy Story (1995) — 215 ratings"
    panel.search.value = "the godfather"  # words in any order
    assert [v for _, v in panel.matches.options] == [40]
    panel.search.value = "zzz"
    assert panel.matches.options == () and "No title contains" in panel.status.value


def test_add_rating_by_clicking_changes_the_recommendations(panel):
    before = panel.recommendations["movieId"].tolist()
    panel.search.value = "goodfellas"
    panel.matches.value = 50
    panel.stars.value = 1.0
    panel.add_button.click()
    panel.search.value = "finding nemo"
    panel.matches.value = 20
    panel.stars.value = 5.0
    panel.add_button.click()
    assert panel.ratings == {50: 1.0, 20: 5.0}
    assert "Finding Nemo" in panel.rated_view.value and "Rated" in panel.status.value
    after = panel.recommendations["movieId"].tolist()
    assert after != before
    assert 50 not in after and 20 not in after  # rated movies are never recommended
    assert 60 not in after  # 3 ratings < min_ratings
    # the panel's parameters are exactly fit_new_user's
    w, b = fit_new_user(X, MU, [4, 1], [1.0, 5.0], 0.5)
    np.testing.assert_allclose(panel.w, w)
    assert panel.b == pytest.approx(b)
    # an animation lover who dislikes crime: the animated films now lead
    assert after[:2] == [10, 30]
    rows = [ITEM_IDS.tolist().index(m) for m in after]
    np.testing.assert_allclose(panel.recommendations["predicted"], (X @ w + b + MU[:, 0])[rows])


def test_re_rating_overwrites_and_remove_and_clear(panel):
    panel.add_rating(10, 2.0)
    panel.add_rating(10, 4.5)
    assert panel.ratings == {10: 4.5}
    panel.search.value = "toy story"
    panel.matches.value = 10
    panel.remove_button.click()
    assert panel.ratings == {}
    panel.remove_button.click()
    assert "not among your ratings" in panel.status.value
    panel.set_ratings({10: 5, 40: 1})
    panel.clear_button.click()
    assert panel.ratings == {} and panel.b == 0.0
    assert panel.recommendations["movieId"].tolist() == [40, 50, 10]


def test_lambda_slider_refits(panel):
    panel.set_ratings({10: 5.0, 40: 1.0})
    w_small = panel.w.copy()
    panel.lambda_slider.value = 100.0
    # more regularization shrinks w towards 0
    assert np.linalg.norm(panel.w) < np.linalg.norm(w_small)
    w, _ = fit_new_user(X, MU, [0, 3], [5.0, 1.0], 100.0)
    np.testing.assert_allclose(panel.w, w)


def test_add_without_a_movie_or_out_of_scale(panel):
    panel.search.value = "zzz"
    panel.add_button.click()
    assert panel.ratings == {} and "Pick a movie first" in panel.status.value
    panel.add_rating(10, 7.0)
    assert panel.ratings == {} and "between 0.5 and 5" in panel.status.value
    panel.add_rating(12345, 3.0)
    assert "Unknown movie id" in panel.status.value


def test_widget_displays_and_titles_are_escaped():
    movies = MOVIES.assign(title=MOVIES["title"].where(MOVIES["movieId"] != 10, "<b>Toy</b> & co"))
    p = NewUserPanel(SimpleNamespace(X=X), MU, movies, ITEM_IDS, k=6)
    p.add_rating(20, 4.0)
    assert "&lt;b&gt;Toy&lt;/b&gt; &amp; co" in p.recs_view.value
    assert p.lambda_ == 1.0  # no settings on the model: the default
    bundle = p._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"mu": np.zeros(6)}, r"mu has shape \(6,\)"),
        ({"item_ids": ITEM_IDS[:5]}, "item_ids has shape"),
        ({"item_ids": np.array([10, 20, 30, 40, 50, 77])}, "not in movies"),
        ({"movies": MOVIES.rename(columns={"title": "name"})}, "columns 'movieId' and 'title'"),
        ({"n_ratings": COUNTS[:3]}, "n_ratings has shape"),
        ({"k": 0}, "k must be a positive integer"),
    ],
)
def test_bad_input(kwargs, match):
    args = {"mu": MU, "movies": MOVIES, "item_ids": ITEM_IDS, **kwargs}
    with pytest.raises(ValueError, match=match):
        NewUserPanel(SimpleNamespace(X=X), args.pop("mu"), args.pop("movies"), args.pop("item_ids"), **args)


def test_set_ratings_refuses_unknown_ids(panel):
    with pytest.raises(ValueError, match="not rows of the model"):
        panel.set_ratings({99: 4.0})


# ---------------------------------------------------------------- controls hold exact values
def browser_value(control):
    """The value the browser's slider stands on after displaying ``control`` (ipywidgets' JS).

    The JS sliders snap to ``min + k * step`` (a FloatLogSlider to ``base ** (min + k * step)``)
    and send the snapped value back; a SelectionSlider syncs its ``index`` into ``options``.
    """
    import ipywidgets as w

    if isinstance(control, w.SelectionSlider):
        option = control.options[control.index]
        return option[1] if isinstance(option, tuple) else option
    if isinstance(control, w.FloatLogSlider):
        e = np.log(control.value) / np.log(control.base)
        k = round((e - control.min) / control.step)
        return control.base ** min(max(control.min + k * control.step, control.min), control.max)
    if isinstance(control, (w.IntSlider, w.FloatSlider)):
        k = round((control.value - control.min) / control.step)
        return min(max(control.min + k * control.step, control.min), control.max)
    raise AssertionError(f"no snapping rule for {type(control).__name__}")


def sliders(root):
    """Every slider-like control in a widget tree."""
    import ipywidgets as w

    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if isinstance(node, (w.FloatSlider, w.FloatLogSlider, w.IntSlider, w.SelectionSlider)):
            found.append(node)
        stack.extend(getattr(node, "children", ()))
    return found


def test_browser_value_mirrors_the_old_lambda_bug():
    # The bug this guards against: FloatLogSlider(min=-1, step=0.1) given 15 stands on
    # 10 ** (-1 + 22 * 0.1) = 10 ** 1.2 = 15.85 (log10 15 = 1.176 rounds to 22 steps).
    import ipywidgets as w

    old = w.FloatLogSlider(value=15, base=10, min=-1, max=2, step=0.1)
    assert browser_value(old) == pytest.approx(15.85, abs=0.01)


@pytest.mark.parametrize("lam", [15.0, 0.5, 10.0, 0.0, 0.0123, 250.0])
def test_new_user_panel_shows_exactly_the_lambda_it_was_given(lam):
    panel = NewUserPanel(SimpleNamespace(X=X, settings={"lambda_": lam}), MU, MOVIES, ITEM_IDS,
                         n_ratings=COUNTS, k=3)
    assert panel.lambda_slider.value == lam and panel.lambda_ == lam
    # what the readout shows: the label at the synced index
    assert panel.lambda_slider.options[panel.lambda_slider.index][0] == f"{lam:.6g}"
    for control in sliders(panel.widget):  # λ and the stars (4.0 on the 0.5-step scale)
        assert browser_value(control) == control.value, control.description
    assert panel.stars.value == 4.0
    # the grid's other stops are still there to move to
    assert {0.01, 0.1, 1.0, 10.0, 100.0} <= {v for _, v in panel.lambda_slider.options}


def test_new_user_panel_refuses_a_bad_lambda():
    with pytest.raises(ValueError, match="lambda_"):
        NewUserPanel(SimpleNamespace(X=X), MU, MOVIES, ITEM_IDS, lambda_=-1.0)
    with pytest.raises(TypeError, match="lambda_"):
        NewUserPanel(SimpleNamespace(X=X), MU, MOVIES, ITEM_IDS, lambda_="big")


def test_nice_values_are_the_exact_floats():
    from recsys_utils.widgets import nice_values

    assert nice_values(0.001, 1) == [0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05,
                                     0.1, 0.2, 0.3, 0.5, 1.0]
    assert 0.3 in nice_values(0.1, 1)  # 3e-1, not 3 * 10 ** -1 = 0.30000000000000004
