"""Mini-batch training of the observed-ratings model: the same cost, a slice of ratings a step.

:func:`~recsys_utils.training.train_cofi_observed` evaluates the whole cost every step. With 25
million ratings one step is a pass over all of them; mini-batch training takes many cheaper
steps instead, each on a random batch :math:`\\mathcal{B}` of :math:`B` of the :math:`N`
ratings. The batch cost is the lecture's cost with its data term scaled up by :math:`N/B`:

.. math::

    J_{\\mathcal{B}} = \\frac{N}{B} \\cdot \\frac{1}{2} \\sum_{t \\in \\mathcal{B}}
        \\left(w^{(j_t)} \\cdot x^{(i_t)} + b^{(j_t)} + c^{(i_t)} - y_t\\right)^2
      + \\frac{\\lambda}{2} \\left(\\sum_{j,k} (w_k^{(j)})^2 + \\sum_{i,k} (x_k^{(i)})^2\\right),

so that averaged over the batches of an epoch it *is* :math:`J` (an unbiased estimate of it
for a random batch), and its gradient is an unbiased estimate of :math:`J`'s. Nothing dense
is ever built: memory is the parameters, Adam's two moments, and one batch.

Feeding: each epoch draws a NumPy permutation of the ratings and hands batches of it to a
plain ``tf.function`` step (``pipeline="numpy"``, the default, the fastest measured here), or
streams them through ``tf.data`` with a full-buffer shuffle (``pipeline="tf.data"``, what
``tf.distribute`` consumes). ``jit_compile=True`` compiles the step with XLA.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._tf import tf
from .cofi_cost_tf import _check_triples
from .training import CofiModel, init_params
from .validation import as_matrix, check_int, check_lambda

__all__ = [
    "MinibatchResult",
    "PeakMemory",
    "batch_cost",
    "batch_cost_loop",
    "rmse_pairs",
    "train_minibatch",
]


def batch_cost_loop(X, W, b, c, item_idx, user_idx, y, lambda_: float, n_ratings: int) -> float:
    """:math:`J_{\\mathcal{B}}` with a plain loop over the batch (the reference; see the module)."""
    data = 0.0
    for i, j, r in zip(item_idx, user_idx, y, strict=True):
        err = float(np.dot(W[j], X[i])) + b[0, j] + c[i, 0] - r
        data += err * err
    return n_ratings / len(y) * 0.5 * data + lambda_ / 2 * (
        float(np.sum(W**2)) + float(np.sum(X**2))
    )


def batch_cost(
    X: Any,
    W: Any,
    b: Any,
    c: Any,
    item_idx: Any,
    user_idx: Any,
    y: Any,
    lambda_: float,
    n_ratings: int,
) -> float:
    """:math:`J_{\\mathcal{B}}`, vectorized: the batch's squared errors times
    ``n_ratings / len(y)``, plus the regulariser.

    Parameters
    ----------
    X : array_like, shape (n_movies, n_features)
    W : array_like, shape (n_users, n_features)
    b : array_like, shape (1, n_users)
    c : array_like, shape (n_movies, 1)
    item_idx, user_idx : array_like of int, shape (B,)
        The batch's ratings.
    y : array_like, shape (B,)
    lambda_ : float
    n_ratings : int
        :math:`N`, the number of ratings in the whole training set.

    Examples
    --------
    The batches of one epoch average to the full cost :math:`J` (here two batches of one
    rating each, :math:`N = 2`, so each data term counts twice).

    >>> X, W = np.array([[1.0], [0.0]]), np.array([[2.0]])
    >>> b, c = np.zeros((1, 1)), np.zeros((2, 1))
    >>> first = batch_cost(X, W, b, c, [0], [0], [1.0], 0.0, 2)
    >>> second = batch_cost(X, W, b, c, [1], [0], [1.0], 0.0, 2)
    >>> first, second
    (1.0, 1.0)
    """
    X, W = as_matrix("X", X), as_matrix("W", W)
    b, c = as_matrix("b", b), as_matrix("c", c)
    n_ratings = check_int("n_ratings", n_ratings)
    lam = check_lambda(lambda_)
    item_idx, user_idx, y = _check_triples(item_idx, user_idx, y, X.shape[0], W.shape[0])
    if y.size == 0:
        raise ValueError("the batch is empty; a batch needs at least one rating")
    err = np.einsum("tk,tk->t", X[item_idx], W[user_idx]) + b[0, user_idx] + c[item_idx, 0] - y
    return float(
        n_ratings / y.size * 0.5 * np.sum(err**2) + lam / 2 * (np.sum(W**2) + np.sum(X**2))
    )


def rmse_pairs(
    model: CofiModel, item_idx: Any, user_idx: Any, y: Any, chunk: int = 1 << 20
) -> float:
    """RMSE of ``model.predict_pairs`` against ``y``, in chunks (no ``(n_ratings, n_features)``
    copy at once)."""
    item_idx, user_idx, y = (
        np.asarray(item_idx),
        np.asarray(user_idx),
        np.asarray(y, dtype=np.float64),
    )
    total = 0.0
    for s in range(0, y.size, chunk):
        d = model.predict_pairs(item_idx[s : s + chunk], user_idx[s : s + chunk]) - y[s : s + chunk]
        total += float(np.dot(d, d))
    return float(np.sqrt(total / max(y.size, 1)))


def _batch_cost_tf(params, it, ut, yt, lam, lam_b, scale, reg_share=1.0):
    """The TensorFlow twin of :func:`batch_cost`.

    ``scale = N / B``; ``reg_share`` splits the regulariser among replicas."""
    tf_ = tf()
    X, W, b, c = params
    z = (
        tf_.reduce_sum(tf_.gather(X, it) * tf_.gather(W, ut), axis=1)
        + tf_.gather(b[0], ut)
        + tf_.gather(c[:, 0], it)
    )
    cost = scale * 0.5 * tf_.reduce_sum((z - yt) ** 2)
    reg = (lam / 2) * (tf_.reduce_sum(W**2) + tf_.reduce_sum(X**2))
    if lam_b:
        reg += (lam_b / 2) * (tf_.reduce_sum(b**2) + tf_.reduce_sum(c**2))
    return cost + reg_share * reg


@dataclass(frozen=True)
class MinibatchResult:
    """The trained model, the seconds each epoch took, and the validation RMSE after each epoch."""

    model: CofiModel
    epoch_seconds: np.ndarray
    val_rmse: np.ndarray


def _check_choice(name: str, value: Any, options: tuple) -> None:
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")


def train_minibatch(
    item_idx: Any,
    user_idx: Any,
    y: Any,
    n_movies: int,
    n_users: int,
    *,
    n_features: int = 32,
    lambda_: float = 1.0,
    lambda_bias: float = 0.0,
    learning_rate: float = 0.01,
    epochs: int = 10,
    batch_size: int = 65_536,
    seed: int = 1234,
    init_std: float = 0.1,
    pipeline: str = "numpy",
    jit_compile: bool = False,
    validation: tuple | None = None,
    dtype: str = "float32",
    progress: bool = False,
    callback: Callable[[int, float, float], None] | None = None,
) -> MinibatchResult:
    """Learn ``X``, ``W``, ``b`` and movie biases ``c`` with Adam on shuffled mini-batches.

    Parameters
    ----------
    item_idx, user_idx : array_like of int, shape (n_ratings,)
    y : array_like, shape (n_ratings,)
    n_movies, n_users : int
    n_features, lambda_, lambda_bias, learning_rate, seed, init_std
        As in :func:`~recsys_utils.training.train_cofi_observed` (``item_bias`` is always on).
    epochs : int
        Passes over the ratings.
    batch_size : int
        :math:`B`, ratings per step (the last batch of an epoch may be smaller).
    pipeline : {"numpy", "tf.data"}
        A NumPy permutation per epoch fed to a ``tf.function`` step, or a ``tf.data``
        pipeline with a full-buffer shuffle.
    jit_compile : bool
        Compile the step with XLA.
    validation : tuple (item_idx, user_idx, y), optional
        Ratings whose RMSE is computed after every epoch.
    dtype : {"float32", "float64"}
    progress : bool
        A tqdm bar over the epochs.
    callback : callable, optional
        ``callback(epoch, mean_batch_cost, seconds)`` after each epoch.

    Returns
    -------
    MinibatchResult
        ``model.history`` holds each epoch's mean batch cost (an estimate of :math:`J`).

    Notes
    -----
    ``c`` starts at the mean training rating (mean normalization, notebook 05, folded into
    the bias), ``b`` at zero, ``X`` and ``W`` as in :func:`~recsys_utils.training.init_params`.
    """
    lam, lam_b = check_lambda(lambda_), check_lambda(lambda_bias, "lambda_bias")
    epochs, batch_size = check_int("epochs", epochs), check_int("batch_size", batch_size)
    _check_choice("pipeline", pipeline, ("numpy", "tf.data"))
    _check_choice("dtype", dtype, ("float32", "float64"))
    if not (
        isinstance(learning_rate, (int, float)) and np.isfinite(learning_rate) and learning_rate > 0
    ):
        raise ValueError(f"learning_rate must be a number > 0, got {learning_rate!r}")
    item_idx, user_idx, y = _check_triples(item_idx, user_idx, y, n_movies, n_users)
    if y.size == 0:
        raise ValueError("there are no ratings to train on (y is empty)")
    if validation is not None:
        if not (isinstance(validation, tuple) and len(validation) == 3):
            raise TypeError("validation must be a tuple (item_idx, user_idx, y)")
        validation = _check_triples(*validation, n_movies, n_users)
    n = y.size
    tf_ = tf()
    import keras

    keras.utils.set_random_seed(seed)
    X0, W0, b0 = init_params(n_movies, n_users, n_features, seed=seed, init_std=init_std)
    c0 = np.full((n_movies, 1), float(np.mean(y)))
    params = [
        tf_.Variable(v, dtype=dtype, name=k)
        for v, k in ((X0, "X"), (W0, "W"), (b0, "b"), (c0, "c"))
    ]
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    optimizer.build(params)
    spec = [
        tf_.TensorSpec([None], tf_.int32),
        tf_.TensorSpec([None], tf_.int32),
        tf_.TensorSpec([None], dtype),
    ]

    @tf_.function(input_signature=spec, jit_compile=jit_compile)
    def step(it, ut, yt):
        with tf_.GradientTape() as tape:
            cost = _batch_cost_tf(
                params, it, ut, yt, lam, lam_b, n / tf_.cast(tf_.shape(yt)[0], dtype)
            )
        grads = tape.gradient(cost, params)
        optimizer.apply_gradients(zip(grads, params, strict=True))
        return cost

    rng = np.random.default_rng(seed)
    y_cast = y.astype(dtype)
    if pipeline == "tf.data":
        ds = (
            tf_.data.Dataset.from_tensor_slices((item_idx, user_idx, y_cast))
            .shuffle(n, seed=seed, reshuffle_each_iteration=True)
            .batch(batch_size)
            .prefetch(tf_.data.AUTOTUNE)
        )

    def batches():
        if pipeline == "tf.data":
            yield from ds
            return
        perm = rng.permutation(n)
        for s in range(0, n, batch_size):
            idx = perm[s : s + batch_size]
            yield item_idx[idx], user_idx[idx], y_cast[idx]

    def model(history) -> CofiModel:
        X, W, b, c = (p.numpy().astype(np.float64) for p in params)
        settings = dict(
            n_features=n_features,
            lambda_=lam,
            lambda_bias=lam_b,
            learning_rate=learning_rate,
            epochs=epochs,
            batch_size=batch_size,
            seed=seed,
            init_std=init_std,
            pipeline=pipeline,
            jit_compile=jit_compile,
            dtype=dtype,
            item_bias=True,
            path="minibatch",
        )
        return CofiModel(X, W, b, np.asarray(history, dtype=np.float64), c, settings)

    epoch_iter = range(epochs)
    if progress:
        from tqdm.auto import tqdm

        epoch_iter = tqdm(epoch_iter, desc="epochs", unit="epoch", leave=False)
    history, seconds, val = [], [], []
    for epoch in epoch_iter:
        t0 = time.perf_counter()
        costs = [step(*batch) for batch in batches()]
        cost = float(np.mean([float(k) for k in costs]))
        seconds.append(time.perf_counter() - t0)
        if not np.isfinite(cost):
            raise FloatingPointError(
                f"the cost became {cost} in epoch {epoch + 1}; the learning rate "
                f"{learning_rate} is probably too large — try a smaller one"
            )
        history.append(cost)
        if validation is not None:
            val.append(rmse_pairs(model(history), *validation))
            if progress:
                epoch_iter.set_postfix(val_rmse=f"{val[-1]:.4f}")
        if callback is not None:
            callback(epoch + 1, cost, seconds[-1])
    return MinibatchResult(model(history), np.asarray(seconds), np.asarray(val))


class PeakMemory:
    """Peak resident memory while a ``with`` block runs, above what the process held before it.

    A thread samples the resident set size every ``interval`` seconds (``psutil``, else
    ``/proc/self/statm``). ``peak_mb`` is the largest sample minus the sample taken on entry,
    in MB (10^6 bytes): what the block itself needed, as far as the operating system saw it.
    """

    def __init__(self, interval: float = 0.005):
        self.interval = interval
        self.base_mb = self.peak_mb = 0.0

    @staticmethod
    def rss_mb() -> float:
        try:
            import psutil

            return psutil.Process().memory_info().rss / 1e6
        except ImportError:  # pragma: no cover - psutil is a dependency of ipykernel
            import os

            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            self._top = max(self._top, self.rss_mb())

    def __enter__(self) -> PeakMemory:
        self.base_mb = self._top = self.rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._top = max(self._top, self.rss_mb())
        self.peak_mb = self._top - self.base_mb
