"""Training collaborative filtering with ``tf.GradientTape`` and Adam.

Lecture: "Implementation in TensorFlow".

The lecture's loop, corrected so it runs:

* ``lambda`` is a Python keyword, so the regulariser is called ``lambda_``;
* the ``with tf.GradientTape() as tape:`` line is commented out on the slide, so ``tape``
  would be undefined — it is live here;
* the step is compiled with ``tf.function`` so 200 iterations take a fraction of a second.

Two entry points share one loop:

* :func:`train_cofi` — the dense formula on ``Y``, ``R`` (the lecture's and the lab's);
* :func:`train_cofi_observed` — the same cost over the observed ratings only, which scales
  to all of MovieLens. With the same seed both start from the same parameters.

``b`` starts at zero, so a user with no ratings (the lecture's Eve) keeps ``b = 0``: no
term of the cost ever pushes on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._tf import tf
from .cofi_cost_tf import dense_cost_tf, observed_cost_tf
from .validation import (
    check_indices,
    check_labels,
    check_lambda,
    check_number,
    check_ratings_R,
    check_seed,
    check_triples,
)

__all__ = ["CofiModel", "init_params", "train_cofi", "train_cofi_observed"]

Callback = Callable[[int, float, "CofiModel"], None]


@dataclass(frozen=True)
class CofiModel:
    """Trained parameters and the loss history.

    Attributes
    ----------
    X : ndarray, shape (n_movies, n_features)
    W : ndarray, shape (n_users, n_features)
    b : ndarray, shape (1, n_users)
    history : ndarray, shape (iterations,)
        The cost at the start of each iteration (before its update).
    c : ndarray, shape (n_movies, 1), or None
        Movie biases, when trained with ``item_bias=True``.
    settings : dict
        The arguments the model was trained with.
    """

    X: np.ndarray
    W: np.ndarray
    b: np.ndarray
    history: np.ndarray
    c: np.ndarray | None = None
    settings: dict = field(default_factory=dict)

    def predict(self) -> np.ndarray:
        """All predictions ``X @ W.T + b (+ c)``, shape ``(n_movies, n_users)``."""
        P = self.X @ self.W.T + self.b
        return P + self.c if self.c is not None else P

    def predict_pairs(self, item_idx: Any, user_idx: Any) -> np.ndarray:
        """Predictions for given ``(item_idx, user_idx)`` pairs, shape ``(n_pairs,)``."""
        item_idx = check_indices(item_idx, "item_idx", self.X.shape[0], into="the rows of X")
        user_idx = check_indices(user_idx, "user_idx", self.W.shape[0], into="the rows of W")
        if item_idx.shape != user_idx.shape:
            raise ValueError(f"item_idx has shape {item_idx.shape} but user_idx has shape "
                             f"{user_idx.shape}; give one (movie, user) pair per entry")
        p = np.einsum("tk,tk->t", self.X[item_idx], self.W[user_idx]) + self.b[0, user_idx]
        return p + self.c[item_idx, 0] if self.c is not None else p


def init_params(
    n_movies: int, n_users: int, n_features: int, *, seed: int = 1234, init_std: float = 0.1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeded initial ``X``, ``W`` (normal, std ``init_std``) and ``b`` (zeros).

    Drawn with NumPy's ``default_rng(seed)`` so the dense and observed-only paths, and
    every rerun, start from identical numbers.
    """
    for name, v in (("n_movies", n_movies), ("n_users", n_users), ("n_features", n_features)):
        check_number(v, name, integer=True, low=1)
    init_std = check_number(init_std, "init_std", low=0)
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, init_std, size=(n_movies, n_features))
    W = rng.normal(0.0, init_std, size=(n_users, n_features))
    return X, W, np.zeros((1, n_users))


def _check_settings(loss: str, iterations: int, learning_rate: float, *, seed: Any = 0,
                    dtype: Any = "float64", callback_every: Any = 1) -> None:
    """Refuse bad training settings before TensorFlow is imported (the one rule of validation)."""
    if loss not in ("squared", "binary"):
        raise ValueError(f"loss must be 'squared' or 'binary', got {loss!r}")
    check_number(iterations, "iterations", integer=True, low=1)
    check_number(learning_rate, "learning_rate", low=0, low_open=True)
    check_seed(seed)
    check_number(callback_every, "callback_every", integer=True, low=1)
    if not isinstance(dtype, (str, type)) and not hasattr(dtype, "as_numpy_dtype"):
        raise TypeError("dtype must be 'float32' or 'float64', "
                        f"got {type(dtype).__name__} {dtype!r}")
    try:
        name = np.dtype(getattr(dtype, "as_numpy_dtype", dtype)).name
    except TypeError:
        name = None
    if name not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")


def _fit(cost_of, X0, W0, b0, c0, *, learning_rate, iterations, seed, dtype, progress,
         callback, callback_every, settings, jit_compile=False) -> CofiModel:
    tf_ = tf()
    import keras

    tf_.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(seed)
    params = [tf_.Variable(v, dtype=dtype, name=n) for v, n in ((X0, "X"), (W0, "W"), (b0, "b"))]
    if c0 is not None:
        params.append(tf_.Variable(c0, dtype=dtype, name="c"))
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    optimizer.build(params)

    @tf_.function(jit_compile=jit_compile)
    def step():
        with tf_.GradientTape() as tape:  # live here; commented out on the slide
            cost_value = cost_of(*params)
        grads = tape.gradient(cost_value, params)
        optimizer.apply_gradients(zip(grads, params, strict=False))
        return cost_value

    def snapshot(history):
        arrs = [p.numpy().astype(np.float64) for p in params]
        return CofiModel(arrs[0], arrs[1], arrs[2], np.asarray(history, dtype=np.float64),
                         arrs[3] if c0 is not None else None, dict(settings))

    steps = range(iterations)
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="training", unit="it", leave=False)
    history = []
    for it in steps:
        cost = float(step())
        if not np.isfinite(cost) and it == 0:
            raise FloatingPointError(
                f"the cost is {cost} at the starting parameters, before any step (so not the "
                "learning rate's fault); check that the ratings are finite and on a sensible scale "
                f"and that init_std (here {settings.get('init_std')}) is small, e.g. 0.1"
            )
        if not np.isfinite(cost):
            raise FloatingPointError(
                f"the cost became {cost} at iteration {it}; the learning rate {learning_rate} "
                "is probably too large — try a smaller one"
            )
        history.append(cost)
        if callback is not None and ((it + 1) % callback_every == 0 or it + 1 == iterations):
            callback(it + 1, cost, snapshot(history))
    return snapshot(history)


def train_cofi(
    Y: Any, R: Any, *, n_features: int = 10, lambda_: float = 1.0, learning_rate: float = 0.1,
    iterations: int = 200, seed: int = 1234, init_std: float = 0.1, loss: str = "squared",
    dtype: str = "float64", progress: bool = False, callback: Callback | None = None,
    callback_every: int = 10,
) -> CofiModel:
    """Learn ``X``, ``W``, ``b`` from the dense ``Y``, ``R`` with Adam (the lecture's loop).

    Parameters
    ----------
    Y : array_like, shape (n_movies, n_users)
        Ratings (normalized, if you use mean normalization) or 0/1 labels.
    R : array_like, shape (n_movies, n_users)
    n_features, lambda_, learning_rate, iterations, seed, init_std
        Model size, regularisation, Adam's step size, number of steps, the seed of the
        initial parameters, and their standard deviation.
    loss : {"squared", "binary"}
        The squared-error cost of :func:`~recsys_utils.cofi_cost.cofi_cost` or the
        binary cross-entropy of :func:`~recsys_utils.binary_labels.binary_cost`.
    dtype : {"float64", "float32"}
    progress : bool
        Show a tqdm progress bar.
    callback : callable, optional
        ``callback(iteration, cost, model)`` every ``callback_every`` iterations.

    Returns
    -------
    CofiModel

    Notes
    -----
    Each iteration evaluates :math:`J(w, b, x)` inside ``tf.GradientTape``, asks the tape
    for :math:`\\partial J/\\partial X, \\partial J/\\partial W, \\partial J/\\partial b`
    and lets Adam update all three.
    """
    Y, R = check_ratings_R(Y, R)
    lam = check_lambda(lambda_)
    _check_settings(loss, iterations, learning_rate, seed=seed, dtype=dtype,
                    callback_every=callback_every)
    seed, learning_rate = check_seed(seed), float(learning_rate)  # Keras refuses NumPy scalars
    if loss == "binary":
        check_labels(Y, R)
    X0, W0, b0 = init_params(Y.shape[0], Y.shape[1], n_features, seed=seed, init_std=init_std)
    tf_ = tf()
    Yt, Rt = tf_.constant(Y, dtype), tf_.constant(R, dtype)

    def cost_of(X, W, b):
        return dense_cost_tf(X, W, b, Yt, Rt, lam, loss)

    settings = dict(n_features=n_features, lambda_=lam, learning_rate=learning_rate,
                    iterations=iterations, seed=seed, init_std=init_std, loss=loss, path="dense")
    return _fit(cost_of, X0, W0, b0, None, learning_rate=learning_rate, iterations=iterations,
                seed=seed, dtype=dtype, progress=progress, callback=callback,
                callback_every=callback_every, settings=settings)


def train_cofi_observed(
    item_idx: Any, user_idx: Any, y: Any, n_movies: int, n_users: int, *, n_features: int = 10,
    lambda_: float = 1.0, learning_rate: float = 0.1, iterations: int = 200, seed: int = 1234,
    init_std: float = 0.1, loss: str = "squared", item_bias: bool = False,
    lambda_bias: float = 0.0, dtype: str = "float64", progress: bool = False,
    callback: Callback | None = None, callback_every: int = 10, jit_compile: bool = False,
) -> CofiModel:
    """Like :func:`train_cofi`, but the cost is summed over the observed ratings only.

    Parameters
    ----------
    item_idx, user_idx : array_like of int, shape (n_ratings,)
        Movie (row) and user (column) index of each rating.
    y : array_like, shape (n_ratings,)
    n_movies, n_users : int
        Sizes of ``X`` and ``W`` (movies or users without ratings still get parameters).
    item_bias : bool
        Also learn a movie bias ``c`` (shape ``(n_movies, 1)``), predicting
        :math:`w^{(j)} \\cdot x^{(i)} + b^{(j)} + c^{(i)}`.
    lambda_bias : float
        L2 penalty :math:`\\frac{\\lambda_b}{2}(\\sum_j b_j^2 + \\sum_i c_i^2)` on the biases
        (0, as in the lecture, leaves them free).
    jit_compile : bool
        Compile the step with XLA (``tf.function(jit_compile=True)``). Same numbers up to
        round-off; whether it is faster depends on the sizes — measure (notebook 11).

    Other parameters are as in :func:`train_cofi`.

    Notes
    -----
    With ``item_bias=False`` and ``lambda_bias=0`` the cost equals the dense
    :math:`J(w, b, x)` exactly; only the work differs (``O(n_ratings n)`` instead of
    ``O(n_movies n_users n)``).
    """
    lam, lam_b = check_lambda(lambda_), check_lambda(lambda_bias, "lambda_bias")
    _check_settings(loss, iterations, learning_rate, seed=seed, dtype=dtype,
                    callback_every=callback_every)
    seed, learning_rate = check_seed(seed), float(learning_rate)  # Keras refuses NumPy scalars
    X0, W0, b0 = init_params(n_movies, n_users, n_features, seed=seed, init_std=init_std)
    item_idx, user_idx, y = check_triples(item_idx, user_idx, y, n_movies, n_users)
    if loss == "binary":
        check_labels(y, name="y")
    tf_ = tf()
    it_, ut_, yt = tf_.constant(item_idx), tf_.constant(user_idx), tf_.constant(y, dtype)

    def cost_of(X, W, b, c=None):
        return observed_cost_tf(X, W, b, it_, ut_, yt, lam, loss, c, lam_b)

    settings = dict(n_features=n_features, lambda_=lam, learning_rate=learning_rate,
                    iterations=iterations, seed=seed, init_std=init_std, loss=loss,
                    item_bias=item_bias, lambda_bias=lam_b, path="observed")
    c0 = np.zeros((n_movies, 1)) if item_bias else None
    return _fit(cost_of, X0, W0, b0, c0, learning_rate=learning_rate, iterations=iterations,
                seed=seed, dtype=dtype, progress=progress, callback=callback,
                callback_every=callback_every, settings=settings, jit_compile=bool(jit_compile))
