"""Checks for the notebooks' exercises: run the learner's function, name the probable mistake.

Each ``check_*(fn)`` takes the learner's function (not its result), calls it on the lecture's
toy table and on seeded random problems of a few shapes, and compares it with the reference
in this package (tolerance ``rtol=1e-5``, so float32 code passes too).

* All agree: it prints one line, ``✓ cofi_cost: all 4 checks passed``.
* Some differ, or ``fn`` raises: ``AssertionError`` naming the case, the expected and the
  received values, and the known mistake that explains them ("exactly twice the expected
  value: did you drop the 1/2?"). Passing something that is not callable: ``TypeError``.

Each check is data: its cases and a list of mistakes, each mistake the reference with one
knob turned, run by :func:`~recsys_utils.checks.engine.run_check`. One module per notebook
holds that notebook's exercises, their cases and their mistakes; to change an exercise's
check, edit its notebook's module and its test, ``tests/checks/test_nbNN.py``.

================  ====================================================  =========================
module            what                                                  checks
================  ====================================================  =========================
``engine``        Case, Mistake, :func:`run_check`, :func:`check_close`
``mistakes``      mistakes of any exercise: None returned, a tuple of
                  the wrong length, order or shapes, an array for a
                  number
``cases``         the lecture's numbers (:data:`LECTURE_W`) and seeded
                  random problems shared by notebooks 01-06
``nb01``          01 making recommendations                             predict, user_cost
``nb02``          02 collaborative-filtering cost                       cofi_cost
``nb03``          03 gradient descent and GradientTape                  cofi_gradients,
                                                                        gradient_descent_step
``nb04``          04 binary labels                                      sigmoid, binary_cost
``nb05``          05 mean normalization                                 normalize_ratings,
                                                                        fit_new_user
``nb06``          06 TensorFlow on MovieLens                            cofi_cost_observed,
                                                                        shrunk_movie_means
``nb08``          08 content-based filtering, two towers                genre_average, two_tower,
                                                                        nearest_movies
``nb09``          09 retrieval and ranking                              combine_candidates,
                                                                        rank_candidates
``nb11``          11 scaling up                                         batch_cost
================  ====================================================  =========================

Nothing here imports TensorFlow (or pandas) until a check that needs it runs. Shapes follow
the series' notation: ``X`` (n_movies, n_features), ``W`` (n_users, n_features), ``b``
(1, n_users), ``Y`` and ``R`` (n_movies, n_users), ``mu`` (n_movies, 1).

>>> from recsys_utils.cofi_cost import cofi_cost
>>> check_cofi_cost(cofi_cost)
✓ cofi_cost: all 4 checks passed
"""

from __future__ import annotations

from .cases import LECTURE_W
from .engine import check_close
from .nb01 import check_predict, check_user_cost
from .nb02 import check_cofi_cost
from .nb03 import check_cofi_gradients, check_gradient_descent_step
from .nb04 import check_binary_cost, check_sigmoid
from .nb05 import check_fit_new_user, check_normalize_ratings
from .nb06 import check_cofi_cost_observed, check_shrunk_movie_means
from .nb08 import check_genre_average, check_nearest_movies, check_two_tower
from .nb09 import check_combine_candidates, check_rank_candidates
from .nb11 import check_batch_cost

__all__ = [
    "LECTURE_W",
    "check_close",
    "check_predict",
    "check_user_cost",
    "check_cofi_cost",
    "check_cofi_gradients",
    "check_gradient_descent_step",
    "check_sigmoid",
    "check_binary_cost",
    "check_normalize_ratings",
    "check_fit_new_user",
    "check_cofi_cost_observed",
    "check_shrunk_movie_means",
    "check_genre_average",
    "check_two_tower",
    "check_nearest_movies",
    "check_combine_candidates",
    "check_batch_cost",
    "check_rank_candidates",
]
