"""The content-based two-tower network.

Lecture: "Neural network architecture", "Tensorflow implementation".

A *user network* maps the user's features :math:`x_u^{(j)}` to a vector :math:`v_u^{(j)}`, a
*movie network* maps the movie's features :math:`x_m^{(i)}` to :math:`v_m^{(i)}` of the same
length (32), and the prediction is their dot product :math:`v_u^{(j)} \\cdot v_m^{(i)}`.
Both vectors are L2-normalized, so the dot product is a cosine in :math:`[-1, 1]`; the
ratings are mapped onto that range for training (:func:`to_unit_range`) and back for
reading the predictions (:func:`from_unit_range`).

The lecture's TensorFlow snippet, in Keras 3 as it is today (each fix explained in
notebook 08):

* ``Input(shape=(num_user_features))`` is not a tuple -> ``shape=(num_user_features,)``;
* ``tf.linalg.l2_normalize`` on a Keras tensor fails in Keras 3 ->
  ``keras.layers.UnitNormalization(axis=1)``, a layer;
* ``Model([input_user, input_item],`` is cut off ->
  ``keras.Model([input_user, input_item], output)``;
* ``MeanSquaredError`` lacks ``()`` -> ``keras.losses.MeanSquaredError()``.

TensorFlow/Keras are imported when a model is built, not with the package.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ._tf import tf
from .validation import as_matrix, check_int

__all__ = ["TwoTower", "build_two_tower", "train_two_tower", "to_unit_range", "from_unit_range"]


class TwoTower(NamedTuple):
    """The training model and its two towers (they share their layers and weights).

    Attributes
    ----------
    model : keras.Model
        Inputs ``[x_u, x_m]`` of shapes ``(batch, n_user_features)``, ``(batch, n_item_features)``;
        output :math:`v_u \\cdot v_m`, shape ``(batch, 1)``, in :math:`[-1, 1]`.
    user_tower : keras.Model
        ``x_u`` -> :math:`v_u`, shape ``(batch, embedding_dim)``, unit length.
    item_tower : keras.Model
        ``x_m`` -> :math:`v_m`, shape ``(batch, embedding_dim)``, unit length.
    """

    model: Any
    user_tower: Any
    item_tower: Any


def _check_positive_int(name: str, value: Any) -> int:
    return check_int(f"{name}", value)


def build_two_tower(
    n_user_features: int,
    n_item_features: int,
    layers: Sequence[int] = (256, 128),
    embedding_dim: int = 32,
    *,
    l2: float = 0.0,
    seed: int = 0,
) -> TwoTower:
    """Build the lecture's two towers: Dense(256, relu) -> Dense(128, relu) -> Dense(32), unit norm.

    Parameters
    ----------
    n_user_features, n_item_features : int
        Lengths of :math:`x_u` and :math:`x_m` (they may differ).
    layers : sequence of int, default (256, 128)
        Sizes of the hidden ReLU layers of each tower.
    embedding_dim : int, default 32
        Length of :math:`v_u` and :math:`v_m` (they must match for the dot product).
    l2 : float, default 0.0
        The "NN regularization term": an L2 penalty ``l2 * sum(w**2)`` on every kernel.
    seed : int
        Seeds every layer's initializer, so the same seed builds the same weights.

    Returns
    -------
    TwoTower
        ``model`` (uncompiled), ``user_tower``, ``item_tower``.

    Notes
    -----
    .. math:: v_u = \\frac{f_u(x_u)}{\\|f_u(x_u)\\|}, \\quad v_m = \\frac{f_m(x_m)}{\\|f_m(x_m)\\|},
              \\quad \\hat y = v_u \\cdot v_m \\in [-1, 1]

    with :math:`f_u`, :math:`f_m` the two multilayer networks.

    Examples
    --------
    >>> tt = build_two_tower(42, 23)  # doctest: +SKIP
    >>> tt.model.output.shape, tt.item_tower.output.shape  # doctest: +SKIP
    ((None, 1), (None, 32))
    """
    n_user_features = _check_positive_int("n_user_features", n_user_features)
    n_item_features = _check_positive_int("n_item_features", n_item_features)
    embedding_dim = _check_positive_int("embedding_dim", embedding_dim)
    if isinstance(layers, (int, np.integer)):
        raise TypeError(
            f"layers must be a sequence of layer sizes, e.g. (256, 128), got {layers!r}"
        )
    layers = tuple(_check_positive_int("layers[*]", n) for n in layers)
    if (
        isinstance(l2, bool)
        or not isinstance(l2, (int, float, np.number))
        or not np.isfinite(l2)
        or l2 < 0
    ):
        raise ValueError(f"l2 must be a finite number >= 0, got {l2!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    tf()  # quiet TensorFlow start-up
    import keras

    counter = iter(range(10_000))

    def dense(units: int, activation: str | None, name: str):
        return keras.layers.Dense(
            units,
            activation=activation,
            name=name,
            kernel_initializer=keras.initializers.GlorotUniform(
                seed=int(seed) * 1000 + next(counter)
            ),
            kernel_regularizer=keras.regularizers.L2(float(l2)) if l2 > 0 else None,
        )

    def network(prefix: str):
        hidden = [dense(n, "relu", f"{prefix}_dense_{k}") for k, n in enumerate(layers)]
        return keras.Sequential(
            hidden + [dense(embedding_dim, None, f"{prefix}_v")], name=f"{prefix}_NN"
        )

    user_NN, item_NN = network("user"), network("item")
    input_user = keras.Input(shape=(n_user_features,), name="x_u")  # a tuple: (n,) not (n)
    vu = keras.layers.UnitNormalization(axis=1, name="v_u")(user_NN(input_user))
    input_item = keras.Input(shape=(n_item_features,), name="x_m")
    vm = keras.layers.UnitNormalization(axis=1, name="v_m")(item_NN(input_item))
    output = keras.layers.Dot(axes=1, name="v_u_dot_v_m")([vu, vm])
    model = keras.Model([input_user, input_item], output, name="two_tower")
    user_tower = keras.Model(input_user, vu, name="user_tower")
    item_tower = keras.Model(input_item, vm, name="item_tower")
    return TwoTower(model, user_tower, item_tower)


def _float32(name: str, value: Any, ndim: int = 2) -> np.ndarray:
    """Validated in float64, then refused if float32 (what Keras trains in) cannot hold it."""
    arr = as_matrix(name, value, ndim=ndim)
    biggest = np.abs(arr).max()
    if biggest > np.finfo(np.float32).max:
        raise ValueError(
            f"{name} holds {biggest:g}, beyond float32's largest number "
            f"{np.finfo(np.float32).max:g}: it would become inf and the model NaN; "
            "standardize the features (fit_standardizer) first"
        )
    return arr.astype(np.float32)


def _check_inputs(
    user_X: Any, item_X: Any, y: Any, what: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    Xu = _float32(f"{what} user_X", user_X)
    Xm = _float32(f"{what} item_X", item_X)
    y = _float32(f"{what} y", y, ndim=1)
    if not (len(Xu) == len(Xm) == len(y)):
        raise ValueError(
            f"{what} user_X, item_X and y need one row per rating, got "
            f"{Xu.shape}, {Xm.shape} and {y.shape}"
        )
    if np.abs(y).max() > 1:
        raise ValueError(
            f"{what} y must lie in [-1, 1] (the range of v_u . v_m), but it reaches "
            f"{np.abs(y).max():g}; map the ratings with to_unit_range first"
        )
    return Xu, Xm, y


def train_two_tower(
    two_tower: TwoTower,
    user_X: Any,
    item_X: Any,
    y: Any,
    *,
    validation: tuple[Any, Any, Any] | None = None,
    epochs: int = 5,
    batch_size: int = 1024,
    learning_rate: float = 1e-3,
    seed: int = 0,
) -> dict[str, list[float]]:
    """Compile with Adam and the mean squared error, then ``model.fit(verbose=0)``, seeded.

    Parameters
    ----------
    two_tower : TwoTower
        From :func:`build_two_tower`; trained in place.
    user_X, item_X : array_like, shapes (n_ratings, n_user_features), (n_ratings, n_item_features)
        One row per training rating: the rating user's :math:`x_u` and the movie's :math:`x_m`.
    y : array_like, shape (n_ratings,)
        Targets in :math:`[-1, 1]` (:func:`to_unit_range` of the ratings).
    validation : (user_X, item_X, y), optional
        Scored after every epoch (``val_loss``), never trained on.
    epochs, batch_size, learning_rate
    seed : int
        Seeds the shuffling (``keras.utils.set_random_seed``); with TensorFlow's op
        determinism switched on, the same seed gives the same weights.

    Returns
    -------
    dict
        ``loss`` (and ``val_loss``) per epoch: the mean squared error on the unit range plus
        the L2 term (``val_loss`` includes the L2 term too).

    Notes
    -----
    Keras minimises the *mean* of :math:`(v_u^{(j)} \\cdot v_m^{(i)} - y^{(i,j)})^2` over a batch
    rather than the lecture's sum over all :math:`r(i,j) = 1`: the same minimiser, scaled by
    :math:`1/N`.
    """
    if not isinstance(two_tower, TwoTower):
        raise TypeError(
            f"two_tower must be a TwoTower from build_two_tower, got {type(two_tower).__name__}"
        )
    Xu, Xm, y = _check_inputs(user_X, item_X, y, "training")
    val = None
    if validation is not None:
        val = _check_inputs(*validation, "validation")
        val = ((val[0], val[1]), val[2])
    epochs = _check_positive_int("epochs", epochs)
    batch_size = _check_positive_int("batch_size", batch_size)
    if not (
        isinstance(learning_rate, (int, float)) and np.isfinite(learning_rate) and learning_rate > 0
    ):
        raise ValueError(f"learning_rate must be a number > 0, got {learning_rate!r}")
    tf_ = tf()
    import keras

    tf_.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(int(seed))
    two_tower.model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.MeanSquaredError(),
    )
    history = two_tower.model.fit(
        [Xu, Xm],
        y,
        validation_data=val,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        verbose=0,
    )
    return {k: [float(v) for v in vals] for k, vals in history.history.items()}


def _scale(scale: Any) -> tuple[float, float]:
    try:
        low, high = (float(s) for s in scale)
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a pair (low, high), got {scale!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"scale must be (low, high) with low < high, got {scale!r}")
    return low, high


def to_unit_range(y: Any, scale: tuple[float, float] = (0.5, 5.0)) -> np.ndarray:
    """Map ratings on ``scale = (low, high)`` linearly onto :math:`[-1, 1]`, the range of a cosine.

    Parameters
    ----------
    y : array_like, shape (n,)
    scale : (low, high), default MovieLens' (0.5, 5)

    Returns
    -------
    ndarray, shape (n,)

    Notes
    -----
    :math:`t = 2\\,(y - \\text{low}) / (\\text{high} - \\text{low}) - 1`; MovieLens: 0.5 -> -1,
    2.75 -> 0, 5 -> 1.

    Examples
    --------
    >>> to_unit_range([0.5, 2.75, 5.0])
    array([-1.,  0.,  1.])
    """
    low, high = _scale(scale)
    y = as_matrix("y", y, ndim=1)
    if y.min() < low or y.max() > high:
        raise ValueError(
            f"y holds values from {y.min():g} to {y.max():g}, outside the scale [{low:g}, {high:g}]"
        )
    return 2.0 * (y - low) / (high - low) - 1.0


def from_unit_range(t: Any, scale: tuple[float, float] = (0.5, 5.0)) -> np.ndarray:
    """Inverse of :func:`to_unit_range`.

    :math:`y = \\text{low} + (t + 1)(\\text{high} - \\text{low}) / 2`.

    Accepts any shape (e.g. the model's ``(n, 1)`` output) and returns the same shape.

    Examples
    --------
    >>> from_unit_range([-1.0, 0.0, 1.0])
    array([0.5 , 2.75, 5.  ])
    """
    low, high = _scale(scale)
    t = np.asarray(t, dtype=np.float64)
    if not np.isfinite(t).all():
        raise ValueError("t contains NaN/infinite values")
    return low + (t + 1.0) * (high - low) / 2.0
