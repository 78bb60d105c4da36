"""A two-tower model of *engagement*: which movie a user watches next.

Lecture: "Retrieval step", p(y = 1).

Notebook 08's two towers predict the **rating** of a movie a user chose to watch. Retrieval
and ranking display movies, and the lecture judges them by :math:`p(y^{(i,j)} = 1)` of what
is displayed: will the user engage? This module trains the same towers on that question,
from implicit "watched" events alone (every rating is a watch, whatever its stars):

* for a batch of :math:`B` watch events :math:`(j_a, i_a)`, every other movie in the batch is
  a negative for user :math:`j_a` — the **in-batch softmax**;
* the scores are cosines :math:`v_u \\cdot v_m \\in [-1, 1]`, divided by a **temperature**
  :math:`\\tau` so that the softmax can be confident;
* popular movies appear in many batches, so they are pushed down as negatives far more often
  than a rare movie: the **logQ correction** subtracts :math:`\\log q_i`, the log of movie
  *i*'s share of the training events, from its logit during training (Yi et al., 2019).

At serving time the correction is dropped: :math:`v_u \\cdot v_m` estimates
:math:`\\log p(i \\mid j)` up to a constant per user, so it ranks by how likely the user is to
watch each movie — a retrieval source (top-N of the catalogue) and a ranker of candidates.

The loop is plain ``tf.GradientTape`` (no TensorFlow Recommenders: it does not run on
Keras 3); :func:`in_batch_softmax_loss_loop` is the NumPy reference the tests hold it to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._tf import tf
from .two_tower import TwoTower
from .validation import as_matrix, check_int

__all__ = [
    "in_batch_softmax_loss_loop",
    "in_batch_softmax_loss",
    "item_log_q",
    "train_engagement",
]


def _check_temperature(temperature: Any) -> float:
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, (int, float, np.floating))
        or not np.isfinite(temperature)
        or temperature <= 0
    ):
        raise ValueError(f"temperature must be a number > 0 (e.g. 0.05), got {temperature!r}")
    return float(temperature)


def in_batch_softmax_loss_loop(
    vu: Any, vm: Any, log_q: Any = None, temperature: float = 1.0, item_ids: Any = None
) -> float:
    """The in-batch softmax loss, one event at a time (the readable reference).

    Parameters
    ----------
    vu : array, shape (B, d)
        :math:`v_u` of the user of each event in the batch.
    vm : array, shape (B, d)
        :math:`v_m` of the movie of each event; row ``a`` is user ``a``'s positive, every other
        row a negative for it.
    log_q : array, shape (B,), optional
        :math:`\\log q` of each row's movie (:func:`item_log_q`); ``None``: no correction.
    temperature : float
        :math:`\\tau > 0`.
    item_ids : array, shape (B,), optional
        Each row's movie. A row with the same movie as event ``a`` is not a negative for ``a``
        (an "accidental hit"): it is left out of ``a``'s softmax.

    Returns
    -------
    float
        The mean over events of the cross-entropy of the true movie.

    Notes
    -----
    .. math:: s_{ab} = \\frac{v_u^{(a)} \\cdot v_m^{(b)}}{\\tau} - \\log q_b, \\qquad
              L = -\\frac{1}{B} \\sum_{a=1}^{B} \\log
              \\frac{e^{s_{aa}}}{\\sum_{b} e^{s_{ab}}}

    Examples
    --------
    >>> vu = [[1.0, 0.0], [0.0, 1.0]]; vm = [[1.0, 0.0], [0.0, 1.0]]
    >>> round(in_batch_softmax_loss_loop(vu, vm), 4)  # each row: -log(e / (e + 1)) = log(1 + 1/e)
    0.3133
    """
    vu, vm, log_q, ids, tau = _check_batch(vu, vm, log_q, temperature, item_ids)
    B = len(vu)
    total = 0.0
    for a in range(B):
        logits = []
        for b in range(B):
            if b != a and ids is not None and ids[b] == ids[a]:
                continue  # the same movie: not a negative
            logits.append(float(vu[a] @ vm[b]) / tau - (log_q[b] if log_q is not None else 0.0))
            if b == a:
                positive = logits[-1]
        top = max(logits)
        total += -(positive - top - np.log(sum(np.exp(s - top) for s in logits)))
    return float(total / B)


def _check_batch(vu: Any, vm: Any, log_q: Any, temperature: Any, item_ids: Any):
    vu, vm = as_matrix("vu", vu), as_matrix("vm", vm)
    if vu.shape != vm.shape:
        raise ValueError(
            f"vu has shape {vu.shape} but vm has shape {vm.shape}; one row per event, "
            "the same length d"
        )
    if log_q is not None:
        log_q = as_matrix("log_q", log_q, ndim=1)
        if log_q.shape[0] != vu.shape[0]:
            raise ValueError(
                f"log_q has {log_q.shape[0]} entries but the batch has {vu.shape[0]} events"
            )
    ids = None
    if item_ids is not None:
        ids = np.asarray(item_ids)
        if ids.shape != (vu.shape[0],):
            raise ValueError(
                f"item_ids has shape {ids.shape} but the batch has {vu.shape[0]} events"
            )
    return vu, vm, log_q, ids, _check_temperature(temperature)


def in_batch_softmax_loss(
    vu: Any, vm: Any, log_q: Any = None, temperature: float = 1.0, item_ids: Any = None
) -> Any:
    """Vectorized TensorFlow :func:`in_batch_softmax_loss_loop` (differentiable, any float dtype).

    ``vu`` and ``vm`` may be tensors inside a ``tf.GradientTape``; ``log_q`` and ``item_ids``
    likewise. Returns a scalar tensor.

    Notes
    -----
    The logits are the matrix :math:`S = V_u V_m^\\top / \\tau - \\mathbf{1} (\\log q)^\\top`,
    shape (B, B); accidental hits get :math:`-\\infty` (a large negative number) off the
    diagonal; the loss is the softmax cross-entropy with the diagonal as labels.
    """
    tf_ = tf()
    vu = tf_.convert_to_tensor(vu)
    vm = tf_.convert_to_tensor(vm, dtype=vu.dtype)
    logits = tf_.matmul(vu, vm, transpose_b=True) / tf_.constant(temperature, dtype=vu.dtype)
    if log_q is not None:
        logits = logits - tf_.cast(log_q, vu.dtype)[None, :]
    B = tf_.shape(logits)[0]
    if item_ids is not None:
        ids = tf_.convert_to_tensor(item_ids)
        same = tf_.equal(ids[:, None], ids[None, :])
        off_diagonal = tf_.logical_not(tf_.eye(B, dtype=tf_.bool))
        logits = tf_.where(
            tf_.logical_and(same, off_diagonal), tf_.constant(-1e9, dtype=vu.dtype), logits
        )
    labels = tf_.range(B)
    return tf_.reduce_mean(
        tf_.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    )


def item_log_q(item_idx: Any, n_items: int) -> np.ndarray:
    """:math:`\\log q_i`: the log of each item's share of the training events, shape (n_items,).

    In a batch drawn uniformly from the events, movie *i* appears with probability
    proportional to :math:`q_i = n_i / N`. Items without events get :math:`\\log(0.5 / N)`
    (they never appear in a batch, so the value is never used in training).

    Examples
    --------
    >>> item_log_q([0, 0, 0, 1], 3).round(4)  # q = 3/4, 1/4 and (0.5)/4 for the unseen item
    array([-0.2877, -1.3863, -2.0794])
    """
    n_items = check_int("n_items", n_items)
    idx = np.asarray(item_idx)
    if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(
            "item_idx must be a non-empty 1-D int array of item indices, "
            f"got {idx.dtype} {idx.shape}"
        )
    if idx.min() < 0 or idx.max() >= n_items:
        raise ValueError(
            f"item_idx holds indices from {idx.min()} to {idx.max()} but n_items is {n_items}"
        )
    counts = np.bincount(idx, minlength=n_items).astype(np.float64)
    return np.log(np.where(counts > 0, counts, 0.5) / idx.size)


def train_engagement(
    two_tower: TwoTower,
    user_X: Any,
    item_X: Any,
    user_idx: Any,
    item_idx: Any,
    *,
    epochs: int = 3,
    batch_size: int = 1024,
    learning_rate: float = 3e-3,
    temperature: float = 0.05,
    log_q_correction: bool = True,
    seed: int = 0,
    callback: Callable[[int, float], None] | None = None,
) -> dict[str, list[float]]:
    """Train the towers of ``two_tower`` on watch events with the in-batch softmax loss.

    Parameters
    ----------
    two_tower : TwoTower
        From `recsys_utils.two_tower.build_two_tower` (its ``user_tower`` and ``item_tower``
        are trained in place; their outputs are unit vectors).
    user_X : array, shape (n_users, n_user_features)
        :math:`x_u` of every user (standardized).
    item_X : array, shape (n_items, n_item_features)
        :math:`x_m` of every item.
    user_idx, item_idx : int arrays, shape (n_events,)
        One row per watch event: who watched what (e.g. every training rating).
    epochs, batch_size, learning_rate
        Adam on batches of ``batch_size`` events, reshuffled every epoch; the last, smaller
        batch is dropped (a batch of 1 has no negatives).
    temperature : float
        :math:`\\tau`: logits are cosines divided by it.
    log_q_correction : bool
        Subtract :math:`\\log q_i` (:func:`item_log_q`) from each movie's logit in training.
    seed : int
        Seeds the shuffling; the towers' initial weights come from ``build_two_tower``'s seed.
    callback : callable(epoch, loss), optional
        Called after each epoch, e.g. to draw a progress bar.

    Returns
    -------
    dict
        ``loss``: the mean training loss of each epoch.
    """
    if not isinstance(two_tower, TwoTower):
        raise TypeError(
            f"two_tower must be a TwoTower from build_two_tower, got {type(two_tower).__name__}"
        )
    from .two_tower import _float32

    Xu, Xm = _float32("user_X", user_X), _float32("item_X", item_X)
    u = np.asarray(user_idx)
    i = np.asarray(item_idx)
    for name, idx, n in (("user_idx", u, len(Xu)), ("item_idx", i, len(Xm))):
        if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(
                f"{name} must be a 1-D int array, got dtype {idx.dtype} shape {idx.shape}"
            )
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise ValueError(
                f"{name} holds indices from {idx.min()} to {idx.max()} "
                f"but there are {n} rows of features"
            )
    if u.shape != i.shape:
        raise ValueError(
            f"user_idx has shape {u.shape} but item_idx has shape {i.shape}; one entry per event"
        )
    epochs, batch_size = check_int("epochs", epochs), check_int("batch_size", batch_size, minimum=2)
    if u.size < batch_size:
        raise ValueError(
            f"{u.size} events are fewer than one batch of {batch_size}; lower batch_size"
        )
    if not (
        isinstance(learning_rate, (int, float)) and np.isfinite(learning_rate) and learning_rate > 0
    ):
        raise ValueError(f"learning_rate must be a number > 0, got {learning_rate!r}")
    tau = _check_temperature(temperature)
    seed = check_int("seed", seed, minimum=0)
    tf_ = tf()
    import keras

    tf_.config.experimental.enable_op_determinism()
    log_q = (
        item_log_q(i, len(Xm)).astype(np.float32)
        if log_q_correction
        else np.zeros(len(Xm), np.float32)
    )
    user_tower, item_tower = two_tower.user_tower, two_tower.item_tower
    weights = user_tower.trainable_variables + item_tower.trainable_variables
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    Xu_t, Xm_t, log_q_t = tf_.constant(Xu), tf_.constant(Xm), tf_.constant(log_q)

    @tf_.function(reduce_retracing=True)
    def step(users, items):
        with tf_.GradientTape() as tape:
            vu = user_tower(tf_.gather(Xu_t, users), training=True)
            vm = item_tower(tf_.gather(Xm_t, items), training=True)
            loss = in_batch_softmax_loss(vu, vm, tf_.gather(log_q_t, items), tau, items)
            loss += sum(user_tower.losses) + sum(item_tower.losses)  # the L2 term, if any
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights, strict=True))
        return loss

    rng = np.random.default_rng(seed)
    n_batches = u.size // batch_size
    history: dict[str, list[float]] = {"loss": []}
    for epoch in range(epochs):
        order = rng.permutation(u.size)[: n_batches * batch_size].reshape(n_batches, batch_size)
        losses = [float(step(tf_.constant(u[b]), tf_.constant(i[b]))) for b in order]
        history["loss"].append(float(np.mean(losses)))
        if not np.isfinite(history["loss"][-1]):
            raise FloatingPointError(
                f"the loss became {history['loss'][-1]} in epoch {epoch + 1}; "
                "lower learning_rate or raise temperature"
            )
        if callback is not None:
            callback(epoch + 1, history["loss"][-1])
    return history
