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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from .retrieval import top_k
from .validation import as_matrix, check_number, check_seed

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


@dataclass(frozen=True)
class Catalogue:
    """A simulated catalogue; every array is the *truth*, which real platforms never see.

    Attributes
    ----------
    value : ndarray, shape (n_users, n_items)
        What item ``i`` is worth to user ``j`` (welfare, arbitrary units; < 0 = harm).
    engagement : ndarray, shape (n_users, n_items)
        Probability that user ``j`` engages (clicks, watches) with item ``i`` when shown it.
    bait : ndarray, shape (n_items,)
        Engagement bait (sensational titles, outrage): raises engagement, adds no value.
    harmful : ndarray of bool, shape (n_items,)
        Harmful items (scams, hate, violence): value lowered by ``harm``, engagement not.
    flagged : ndarray of bool, shape (n_items,)
        What a moderation classifier flags: most harmful items, a few harmless ones.
    """

    value: np.ndarray
    engagement: np.ndarray
    bait: np.ndarray
    harmful: np.ndarray
    flagged: np.ndarray


def make_catalogue(
    n_users: int = 300,
    n_items: int = 1000,
    *,
    n_factors: int = 5,
    harmful_share: float = 0.05,
    bait_pull: float = 1.0,
    harm: float = 3.0,
    flag_recall: float = 0.8,
    flag_false_positive_rate: float = 0.01,
    seed: int = 0,
) -> Catalogue:
    """Draw a seeded catalogue (see :class:`Catalogue`).

    Parameters
    ----------
    n_users, n_items, n_factors : int
        Sizes; tastes and item profiles have ``n_factors`` dimensions.
    harmful_share : float
        Fraction of items that are harmful.
    bait_pull : float
        How strongly bait raises the engagement logit.
    harm : float
        How much a harmful item lowers every user's value.
    flag_recall, flag_false_positive_rate : float
        Share of harmful items the classifier flags, and of harmless items it flags wrongly.
    seed : int

    Notes
    -----
    With taste :math:`u_j \\sim N(0, I/n_f)`, profile :math:`q_i \\sim N(0, I)`, quality
    :math:`c_i \\sim N(0, 0.5^2)`, bait :math:`\\beta_i \\ge 0` (exponential, larger for harmful
    items) and harmful flag :math:`h_i \\in \\{0, 1\\}`:

    .. math::
        \\text{value}_{ij} = c_i + u_j \\cdot q_i - \\text{harm}\\; h_i, \\qquad
        \\text{engagement}_{ij} =
        \\sigma(c_i + u_j \\cdot q_i + \\text{bait\\_pull}\\; \\beta_i - 1).

    Engagement and value agree on quality and taste; they disagree on bait and harm.
    """
    n_users, n_items, n_factors = (
        check_number(v, k, integer=True, low=1)
        for k, v in (("n_users", n_users), ("n_items", n_items), ("n_factors", n_factors))
    )
    for name, v in (
        ("harmful_share", harmful_share),
        ("flag_recall", flag_recall),
        ("flag_false_positive_rate", flag_false_positive_rate),
    ):
        check_number(v, name, low=0, high=1)
    for name, v in (("bait_pull", bait_pull), ("harm", harm)):
        check_number(v, name, low=0)
    rng = np.random.default_rng(check_seed(seed))
    U = rng.normal(0.0, 1.0 / np.sqrt(n_factors), size=(n_users, n_factors))
    Q = rng.normal(0.0, 1.0, size=(n_items, n_factors))
    quality = rng.normal(0.0, 0.5, size=n_items)
    harmful = np.zeros(n_items, dtype=bool)
    harmful[rng.choice(n_items, size=int(round(harmful_share * n_items)), replace=False)] = True
    bait = rng.exponential(0.3, size=n_items) + harmful * rng.exponential(0.6, size=n_items)
    match = U @ Q.T + quality
    value = match - harm * harmful
    engagement = 1.0 / (1.0 + np.exp(-(match + bait_pull * bait - 1.0)))
    caught = rng.random(n_items)
    flagged = np.where(harmful, caught < flag_recall, caught < flag_false_positive_rate)
    return Catalogue(value, engagement, bait, harmful, flagged)


def top_k_per_user(scores: Any, k: int, *, exclude: Any = None) -> np.ndarray:
    """Indices of the ``k`` highest scores in each row, best first (ties: lower index first).

    Parameters
    ----------
    scores : array_like, shape (n_users, n_items)
    k : int
    exclude : array_like of bool, shape (n_items,) or (n_users, n_items), optional
        Items never to return (e.g. flagged ones).

    Returns
    -------
    ndarray of int64, shape (n_users, k)

    Notes
    -----
    :func:`recsys_utils.retrieval.top_k` on scores already computed: item ``i`` is the one-hot
    vector :math:`e_i`, and ``scores[j] @ e_i`` is ``scores[j, i]`` exactly.

    Examples
    --------
    >>> top_k_per_user([[0.1, 0.9, 0.5], [3.0, 1.0, 3.0]], 2)
    array([[1, 2],
           [0, 2]])
    """
    S = as_matrix("scores", scores)
    if exclude is not None:
        exclude = np.asarray(exclude, dtype=bool)
        if exclude.shape == (S.shape[1],):
            exclude = np.broadcast_to(exclude, S.shape)  # the same items for every user
    k = check_number(k, "k", integer=True, low=1)
    return top_k(S, np.eye(S.shape[1]), k, exclude=exclude).indices


def rerank_with_cap(ranked: Any, flagged: Any, k: int, max_share: float) -> np.ndarray:
    """Each user's top ``k`` of a full ranking, at most ``floor(max_share * k)`` of them flagged.

    Parameters
    ----------
    ranked : array_like of int, shape (n_users, n_candidates)
        Each user's candidates, best first (e.g. ``top_k_per_user(scores, n_items)``).
    flagged : array_like of bool, shape (n_items,)
    k : int
        Slate size.
    max_share : float in [0, 1]
        Largest share of flagged items allowed in a slate; 0 filters them all out.

    Returns
    -------
    ndarray of int64, shape (n_users, k)
        The first ``k`` candidates in ranked order, skipping flagged ones once the cap is
        reached. Order among the kept items is unchanged.

    Examples
    --------
    Items 1 and 2 are flagged; with k = 3 and max_share = 0.34 one flagged item may stay:

    >>> rerank_with_cap([[1, 2, 0, 3, 4]], [False, True, True, False, False], 3, 0.34)
    array([[1, 0, 3]])
    """
    ranked = np.asarray(ranked)
    if ranked.ndim != 2 or not np.issubdtype(ranked.dtype, np.integer):
        raise TypeError(
            "ranked must be a 2-D integer array (n_users, n_candidates), "
            f"got {ranked.dtype} {ranked.shape}"
        )
    flagged = np.asarray(flagged, dtype=bool)
    k = check_number(k, "k", integer=True, low=1)
    cap = int(np.floor(check_number(max_share, "max_share", low=0, high=1) * k + 1e-9))
    out = np.empty((ranked.shape[0], k), dtype=np.int64)
    for u, row in enumerate(ranked):
        kept, n_flagged = [], 0
        for i in row:
            if flagged[i]:
                if n_flagged == cap:
                    continue
                n_flagged += 1
            kept.append(i)
            if len(kept) == k:
                break
        if len(kept) < k:
            raise ValueError(
                f"user {u} has only {len(kept)} candidates within the cap; rank more candidates"
            )
        out[u] = kept
    return out


def gini(x: Any) -> float:
    """Gini coefficient of non-negative amounts (0 = all equal, (n - 1)/n = one item has all).

    Notes
    -----
    With :math:`x` sorted ascending and :math:`i = 1..n`,
    :math:`G = \\frac{2 \\sum_i i\\, x_{(i)}}{n \\sum_i x_i} - \\frac{n + 1}{n}`.

    Examples
    --------
    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4])
    (0.0, 0.75)
    """
    x = as_matrix("x", x, ndim=1)
    if (x < 0).any():
        raise ValueError("x must be non-negative (e.g. exposure counts)")
    total = x.sum()
    if total == 0:
        return 0.0
    n = x.size
    xs = np.sort(x)
    return float(2 * np.sum(np.arange(1, n + 1) * xs) / (n * total) - (n + 1) / n)


class SlateMetrics(NamedTuple):
    """What a set of slates delivered, averaged over every shown slot."""

    engagement: float  #: expected engagements per slot
    welfare: float  #: mean true value per slot
    harmful_share: float  #: share of slots holding a harmful item
    coverage: float  #: share of the catalogue shown to anyone
    gini: float  #: Gini coefficient of exposure over all items


def slate_metrics(catalogue: Catalogue, shown: Any) -> SlateMetrics:
    """Measure slates ``shown`` (int array ``(n_users, k)``) against the catalogue's truth."""
    shown = np.asarray(shown)
    n_users, n_items = catalogue.value.shape
    if shown.ndim != 2 or shown.shape[0] != n_users or not np.issubdtype(shown.dtype, np.integer):
        raise ValueError(
            f"shown must be an integer array of shape ({n_users}, k), "
            f"got {shown.dtype} {shown.shape}"
        )
    rows = np.arange(n_users)[:, None]
    exposure = np.bincount(shown.ravel(), minlength=n_items)
    return SlateMetrics(
        float(catalogue.engagement[rows, shown].mean()),
        float(catalogue.value[rows, shown].mean()),
        float(catalogue.harmful[shown].mean()),
        float((exposure > 0).mean()),
        gini(exposure),
    )


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
