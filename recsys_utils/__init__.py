"""recsys_utils: the tested code behind the recommender-systems notebook series.

Importing this package is quiet: it downloads nothing, prints nothing, changes no
matplotlib settings and does not import TensorFlow. TensorFlow is imported the first
time a TensorFlow function (``*_tf``, ``training``) is called.

Notation (see ``docs/notation.md``): ``Y`` and ``R`` are ``(n_movies, n_users)``, ``X`` is
``(n_movies, n_features)``, ``W`` is ``(n_users, n_features)``, ``b`` is ``(1, n_users)``,
``mu`` is ``(n_movies, 1)`` and the regularisation strength is ``lambda_``.
"""

__version__ = "0.1.0"
