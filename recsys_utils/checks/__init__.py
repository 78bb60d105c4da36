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
``verdicts``      CheckFailed: raised, not answered yet, delegated
``mistakes``      mistakes of any exercise: None returned, a tuple of
                  the wrong length, order or shapes, an array for a
                  number
``answers``       around the learner's function: the package's answer
                  unavailable, "not answered yet", :func:`yours_or`
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
                                                                        shrunk_movie_means,
                                                                        training_loop (its
                                                                        own module,
                                                                        ``training_loop``)
``nb07``          07 related items and cold start                       related, same_genres_mean
``nb08``          08 content-based filtering, two towers                genre_average, two_tower,
                                                                        nearest_movies
``nb09``          09 retrieval and ranking                              combine_candidates,
                                                                        rank_candidates,
                                                                        in_batch_softmax_loss
``nb10``          10 ethics                                             cap_flagged
``nb11``          11 scaling up                                         batch_cost
================  ====================================================  =========================

Nothing here imports TensorFlow (or pandas) until a check that needs it runs. Shapes follow
the series' notation: ``X`` (n_movies, n_features), ``W`` (n_users, n_features), ``b``
(1, n_users), ``Y`` and ``R`` (n_movies, n_users), ``mu`` (n_movies, 1).

>>> import numpy as np
>>> def my_cofi_cost(X, W, b, Y, R, lambda_):
...     E = (X @ W.T + b - Y) * R
...     return 0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(W**2) + np.sum(X**2))
>>> check_cofi_cost(my_cofi_cost)
✓ cofi_cost: all 4 checks passed

A function that only calls the package's own answer is refused (the package's functions that
answer the exercise are unavailable while the check runs):

>>> import recsys_utils as ru
>>> def borrowed_cost(X, W, b, Y, R, lambda_):
...     return ru.cofi_cost(X, W, b, Y, R, lambda_)
>>> check_cofi_cost(borrowed_cost)
Traceback (most recent call last):
...
recsys_utils.checks.verdicts.CheckFailed: cofi_cost: your function calls the package's own answer: write this yourself — the check cannot use `ru.cofi_cost`. This exercise asks you to compute it with NumPy (or TensorFlow), step by step.
"""  # noqa: E501 (a doctest's one-line message)

from __future__ import annotations

from .answers import yours_or
from .cases import LECTURE_W
from .engine import check_close
from .nb01 import check_predict, check_user_cost
from .nb02 import check_cofi_cost
from .nb03 import check_cofi_gradients, check_gradient_descent_step
from .nb04 import check_binary_cost, check_sigmoid
from .nb05 import check_fit_new_user, check_normalize_ratings
from .nb06 import check_cofi_cost_observed, check_shrunk_movie_means, check_training_loop
from .nb07 import check_related, check_same_genres_mean
from .nb08 import check_genre_average, check_nearest_movies, check_two_tower
from .nb09 import check_combine_candidates, check_in_batch_softmax_loss, check_rank_candidates
from .nb10 import check_cap_flagged
from .nb11 import check_batch_cost

__all__ = [
    "LECTURE_W",
    "yours_or",
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
    "check_training_loop",
    "check_related",
    "check_same_genres_mean",
    "check_genre_average",
    "check_two_tower",
    "check_nearest_movies",
    "check_combine_candidates",
    "check_rank_candidates",
    "check_in_batch_softmax_loss",
    "check_cap_flagged",
    "check_batch_cost",
]
