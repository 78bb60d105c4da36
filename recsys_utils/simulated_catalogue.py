"""The toy world of the ethics simulation: users, items and the truth about them.

Lecture: "Ethical use of recommender systems".

:func:`make_catalogue` draws, with a seed, users and items with a true **value** to each
user (their welfare), an **engagement** probability, an engagement-**bait** factor (raises
clicks, adds no value) and a **harmful** flag (lowers value, not clicks), plus an imperfect
moderation classifier's **flagged** items, all held in a :class:`Catalogue`. NumPy only;
both names are also importable from :mod:`recsys_utils.simulation`, which runs rankers in
this world.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import check_number, check_seed

__all__ = ["Catalogue", "make_catalogue"]


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
