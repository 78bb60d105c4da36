"""A small seeded simulation of what a ranking objective does.

Lecture: "Ethical use of recommender systems".

The lecture asks *what the goal of the recommender system is* — ratings, purchases, clicks,
profit, watch time — and warns that maximizing engagement has amplified harmful content.
Real platforms do not publish the data to measure that, so this module builds a toy world
where we know the truth, in NumPy only:

* :func:`make_catalogue` — users and items with a true **value** to each user (their
  welfare), an **engagement** probability, an engagement-**bait** factor (raises clicks,
  adds no value) and a **harmful** flag (lowers value, not clicks), plus an imperfect
  moderation classifier's **flagged** items;
* :func:`top_k_per_user` (:func:`recsys_utils.retrieval.top_k` on a score table) and
  :func:`rerank_with_cap` — rank by any score, optionally capping the share of flagged
  items in each slate;
* :func:`slate_metrics` and :func:`gini` — engagement, welfare, harmful share, coverage and
  the Gini coefficient of exposure of what was shown;
* :func:`simulate_feedback_loop` — a most-popular ranker fed by its own clicks, round after
  round, with an optional share of random exploration.

Every number here is made up; the simulation shows mechanisms, not magnitudes.

The catalogue lives in :mod:`recsys_utils.simulated_catalogue` and the slate ranking and
metrics in :mod:`recsys_utils.slates`; this module runs the feedback loop and re-exports
both, so every name above is importable from here.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .simulated_catalogue import Catalogue, make_catalogue
from .slates import SlateMetrics, gini, rerank_with_cap, slate_metrics, top_k_per_user
from .validation import check_number, check_seed

__all__ = [
    "Catalogue",
    "make_catalogue",
    "top_k_per_user",
    "rerank_with_cap",
    "gini",
    "SlateMetrics",
    "slate_metrics",
    "FeedbackHistory",
    "simulate_feedback_loop",
]


class FeedbackHistory(NamedTuple):
    """One entry per round of :func:`simulate_feedback_loop`."""

    gini: np.ndarray  #: Gini of cumulative exposure after each round
    coverage: np.ndarray  #: share of items shown at least once so far
    engagement: np.ndarray  #: mean engagement probability of the slots shown that round
    welfare: np.ndarray  #: mean true value of the slots shown that round
    harmful_share: np.ndarray  #: share of that round's slots holding a harmful item


def simulate_feedback_loop(
    catalogue: Catalogue,
    n_rounds: int = 50,
    k: int = 10,
    *,
    exploration: float = 0.0,
    score: str = "popularity",
    prior_strength: float = 10.0,
    exclude: Any = None,
    seed: int = 0,
) -> FeedbackHistory:
    """A non-personalized ranker trained on its own clicks, round after round.

    Round 0 shows every user ``k`` random items. Each later round ranks items by what the
    clicks so far say (ties in a random order), shows every user the top ``k`` — except that each
    slot, with probability ``exploration``, shows a random item instead — and each
    user clicks each shown item with their true engagement probability.

    Parameters
    ----------
    catalogue : Catalogue
    n_rounds, k : int
    exploration : float in [0, 1]
        Share of slots given to random items (0: pure exploitation).
    score : {"popularity", "ctr"}
        ``"popularity"`` ranks by clicks so far (most popular first); ``"ctr"`` by the
        click-through rate, shrunk towards the overall rate as if each item had
        ``prior_strength`` extra impressions: :math:`(c_i + a\bar p)/(e_i + a)`.
    prior_strength : float
    exclude : array_like of bool, shape (n_items,), optional
        Items never shown, not even by exploration (e.g. ``catalogue.flagged``).
    seed : int

    Returns
    -------
    FeedbackHistory
        Arrays of shape ``(n_rounds,)``.

    Notes
    -----
    Items the ranker shows collect clicks, and clicks decide what it shows: a feedback loop
    in which early luck is amplified (Chaney, Stewart & Engelhardt, 2018). Exploration keeps
    collecting evidence about items the ranking would never show.
    """
    n_rounds = check_number(n_rounds, "n_rounds", integer=True, low=1)
    k = check_number(k, "k", integer=True, low=1)
    eps = check_number(exploration, "exploration", low=0, high=1)
    if score not in ("popularity", "ctr"):
        raise ValueError(f"score must be 'popularity' or 'ctr', got {score!r}")
    check_number(prior_strength, "prior_strength", low=0, low_open=True)
    n_users, n_items = catalogue.value.shape
    if k >= n_items:
        raise ValueError(f"k={k} must be smaller than the number of items, {n_items}")
    banned = np.zeros(n_items, dtype=bool) if exclude is None else np.asarray(exclude, dtype=bool)
    if banned.shape != (n_items,):
        raise ValueError(f"exclude must have shape ({n_items},), got {banned.shape}")
    if (~banned).sum() <= k:
        raise ValueError(f"only {(~banned).sum()} items are left after exclude; k={k} needs more")
    rng = np.random.default_rng(check_seed(seed))
    clicks, exposure = np.zeros(n_items), np.zeros(n_items)
    rows = np.arange(n_users)[:, None]
    out = {name: np.zeros(n_rounds) for name in FeedbackHistory._fields}
    for t in range(n_rounds):
        # k distinct random allowed items per user: the k smallest of random keys.
        keys = rng.random((n_users, n_items)) + banned  # banned items get keys >= 1
        random_slates = np.argpartition(keys, k - 1, axis=1)[:, :k]
        if t == 0:
            shown = random_slates
        else:
            if score == "popularity":
                key = clicks
            else:
                rate = clicks.sum() / exposure.sum()
                key = (clicks + prior_strength * rate) / (exposure + prior_strength)
            # best allowed first, ties at random
            order = np.lexsort((rng.random(n_items), banned, -key))
            top = np.broadcast_to(order[:k], (n_users, k))
            explore = rng.random((n_users, k)) < eps
            shown = np.where(explore, random_slates, top)
        engaged = rng.random(shown.shape) < catalogue.engagement[rows, shown]
        np.add.at(clicks, shown, engaged)
        np.add.at(exposure, shown, 1.0)
        out["gini"][t] = gini(exposure)
        out["coverage"][t] = (exposure > 0).mean()
        out["engagement"][t] = catalogue.engagement[rows, shown].mean()
        out["welfare"][t] = catalogue.value[rows, shown].mean()
        out["harmful_share"][t] = catalogue.harmful[shown].mean()
    return FeedbackHistory(**out)
