"""Benchmark 1: one evaluation of the collaborative-filtering cost and its gradients.

The same :math:`J(w, b, x)` and :math:`\\partial J/\\partial (X, W, b)` computed five ways on
all of MovieLens (``Y``, ``R`` of shape 9,742 x 610, 100,836 ratings), for 10 and 100
features:

* the loop reference, ``ru.cofi_cost_loop`` + ``ru.cofi_gradients_loop``, timed on a random
  slice of the movies and scaled to all of them (rows x 9,742 / slice rows);
* vectorized NumPy, ``ru.cofi_cost`` + ``ru.cofi_gradients``;
* TensorFlow dense, ``ru.cofi_cost_tf`` under ``tf.GradientTape``;
* TensorFlow over the observed ratings only, ``ru.cofi_cost_observed_tf`` under ``tf.GradientTape``;

the TensorFlow ones eagerly, inside ``tf.function``, and inside
``tf.function(jit_compile=True)`` (XLA).

FLOPs counted are the multiply-adds each path performs in its products (2 FLOPs each;
element-wise work ignored), with :math:`n_m` movies, :math:`n_u` users, :math:`n`
features and :math:`N` ratings:

* dense TensorFlow: :math:`6 n_m n_u n` — the forward product :math:`XW^T` and the two
  backward products :math:`EW` and :math:`E^TX`;
* NumPy: :math:`8 n_m n_u n` — the same, but :math:`XW^T` is formed twice (once by
  ``cofi_cost``, once by ``cofi_gradients``);
* observed-only TensorFlow: :math:`6 N n` — one dot product per rating forward, two
  scaled copies backward;
* loop: :math:`8 N n` — a dot product per rating in the cost and in the gradients, and
  two vector updates per rating.

The machine's peak is the best of ``np.matmul`` and ``tf.linalg.matmul`` on two square
float32 matrices (2 n³ FLOPs); achieved GFLOP/s are compared with that float32 peak.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import (
    Config,
    Timing,
    fmt_ms,
    fmt_time,
    load_movielens,
    log,
    measure,
    table,
    time_once,
)


def _data(cfg: Config) -> tuple[np.ndarray, np.ndarray, str]:
    import recsys_utils as ru

    if cfg.quick:
        from ._common import synthetic_ratings

        df = synthetic_ratings(n_users=40, n_movies=120, density=0.08, seed=cfg.seed)
        m = ru.ratings.ratings_to_matrices(df)
        return (
            m.Y,
            m.R,
            f"synthetic ({m.Y.shape[0]} movies x {m.Y.shape[1]} users, "
            f"{int(m.R.sum())} ratings; --quick)",
        )
    ml, why = load_movielens()
    if ml is None:
        raise LookupError(why)
    m = ru.ratings.ratings_to_matrices(ml.ratings, movies=ml.movies)
    return (
        m.Y,
        m.R,
        (
            f"MovieLens ml-latest-small, all of it ({m.Y.shape[0]:,} movies x "
            f"{m.Y.shape[1]} users, {int(m.R.sum()):,} ratings)"
        ),
    )


def matmul_peak(cfg: Config) -> dict[str, float]:
    """Measured GFLOP/s of a large square matmul, best of NumPy and TensorFlow, per dtype."""
    from recsys_utils._tf import tf as _tf

    tf = _tf()
    size = 256 if cfg.quick else 2048
    rng = np.random.default_rng(cfg.seed)
    peaks = {}
    for dtype in ("float32", "float64"):
        a = rng.standard_normal((size, size)).astype(dtype)
        b = rng.standard_normal((size, size)).astype(dtype)
        ta, tb = tf.constant(a), tf.constant(b)
        flops = 2 * size**3
        t_np = measure(lambda a=a, b=b: a @ b, cfg)
        t_tf = measure(lambda ta=ta, tb=tb: tf.linalg.matmul(ta, tb).numpy(), cfg)
        peaks[dtype] = max(flops / t_np.low, flops / t_tf.low) / 1e9
        peaks[f"{dtype} detail"] = (
            f"np.matmul {flops / t_np.median / 1e9:.0f}, tf.linalg.matmul "
            f"{flops / t_tf.median / 1e9:.0f} GFLOP/s median"
        )
    peaks["size"] = size
    return peaks


def _tf_paths(
    Y: np.ndarray,
    R: np.ndarray,
    X0: np.ndarray,
    W0: np.ndarray,
    b0: np.ndarray,
    lam: float,
    dtype: str,
) -> list[tuple[str, str, Callable[[], Any]]]:
    import recsys_utils as ru
    from recsys_utils._tf import tf as _tf

    tf = _tf()
    item_idx, user_idx, y = ru.observed_from_matrices(Y, R)
    Xv, Wv, bv = (tf.Variable(v, dtype=dtype) for v in (X0, W0, b0))
    params = [Xv, Wv, bv]

    def dense():
        with tf.GradientTape() as tape:
            J = ru.cofi_cost_tf(Xv, Wv, bv, Y, R, lam)
        return J, tape.gradient(J, params)

    def observed():
        with tf.GradientTape() as tape:
            J = ru.cofi_cost_observed_tf(Xv, Wv, bv, item_idx, user_idx, y, lam)
        return J, tape.gradient(J, params)

    paths = []
    for name, body in (
        ("TF dense, cofi_cost_tf", dense),
        ("TF observed-only, cofi_cost_observed_tf", observed),
    ):
        # autograph=False: the bodies have no Python control flow to convert.
        fns = {
            "eager": body,
            "tf.function": tf.function(body, autograph=False),
            "tf.function + XLA": tf.function(body, jit_compile=True, autograph=False),
        }
        for mode, fn in fns.items():
            paths.append((name, mode, (lambda fn=fn: float(fn()[0]))))
    return paths


def _sig(x: float) -> str:
    """Two significant figures for small numbers, whole numbers for large ones."""
    return f"{x:.0f}" if x >= 10 else f"{x:.2g}"


def run(cfg: Config) -> str:
    import recsys_utils as ru

    try:
        Y, R, source = _data(cfg)
    except LookupError as why:
        return f"### 1. Cost + gradient\n\n{why}: skipped.\n"
    n_movies, n_users = Y.shape
    n_ratings = int(R.sum())
    lam = 1.0
    log("cost: measuring the matmul peak ...")
    peak = matmul_peak(cfg)
    features = (3,) if cfg.quick else (10, 100)
    slice_rows = 12 if cfg.quick else 250
    rng = np.random.default_rng(cfg.seed)
    rows = np.sort(rng.choice(n_movies, size=slice_rows, replace=False))
    scale = n_movies / slice_rows
    sections = []
    for n in features:
        X0, W0, b0 = ru.init_params(n_movies, n_users, n, seed=cfg.seed)
        b0 = b0 + 0.1  # a non-zero bias, so no path can skip it
        dense_flops, observed_flops = 2 * n_movies * n_users * n, 2 * n_ratings * n
        candidates: list[tuple[str, str, Callable[[], Any], int, str, bool]] = [
            (
                "loop reference, cofi_cost_loop + cofi_gradients_loop",
                "Python loops",
                lambda X0=X0, W0=W0, b0=b0: (
                    ru.cofi_cost_loop(X0[rows], W0, b0, Y[rows], R[rows], lam),
                    ru.cofi_gradients_loop(X0[rows], W0, b0, Y[rows], R[rows], lam),
                ),
                4 * observed_flops,
                "8Nn",
                True,
            ),
            (
                "NumPy, cofi_cost + cofi_gradients",
                "vectorized",
                lambda X0=X0, W0=W0, b0=b0: (
                    ru.cofi_cost(X0, W0, b0, Y, R, lam),
                    ru.cofi_gradients(X0, W0, b0, Y, R, lam),
                ),
                4 * dense_flops,
                "8·n_m·n_u·n",
                False,
            ),
        ]
        for name, mode, fn in _tf_paths(Y, R, X0, W0, b0, lam, cfg.dtype):
            dense = "dense" in name
            candidates.append(
                (
                    f"{name} ({cfg.dtype})",
                    mode,
                    fn,
                    3 * (dense_flops if dense else observed_flops),
                    "6·n_m·n_u·n" if dense else "6Nn",
                    False,
                )
            )
        results = []
        for name, mode, fn, flops, formula, sliced in candidates:
            log(f"cost: n={n} {name} [{mode}] ...")
            first, _ = time_once(fn)  # tracing, XLA compilation, first-touch allocation
            t: Timing = measure(
                fn, cfg, warmup=0, number=1 if sliced else None, min_time=0 if sliced else None
            )
            if sliced:
                t, first = t.scaled(scale), first * scale
            results.append((name, mode, t, first, flops, formula))
        fastest = min(r[2].median for r in results)
        body = []
        for name, mode, t, first, flops, formula in results:
            gflops = flops / t.median / 1e9
            body.append(
                [
                    name,
                    mode,
                    fmt_ms(t.median),
                    f"{fmt_ms(t.low)} – {fmt_ms(t.high)}",
                    f"{t.median / fastest:.1f}×",
                    fmt_time(first),
                    formula,
                    _sig(gflops),
                    f"{_sig(100 * gflops / peak['float32'])} %",
                ]
            )
        sections.append(
            f"#### n = {n} features\n\n"
            + table(
                [
                    "path",
                    "mode",
                    "ms / eval",
                    "min – max (ms)",
                    "× fastest",
                    "first call",
                    "FLOPs",
                    "GFLOP/s",
                    "of f32 peak",
                ],
                body,
                "llrrrrlrr",
            )
        )
    notes = [
        f"Data: {source}; λ = {lam}. NumPy is float64 (the package converts), TensorFlow runs in "
        f"{cfg.dtype} (`--dtype`).",
        f"Median of {cfg.repeats} repeats, each a batch of back-to-back evaluations lasting "
        f"≥ {cfg.min_time:g} s, after one untimed first call (its time, which includes "
        "`tf.function` tracing and XLA compilation, is the `first call` column).",
        f"Loop reference: a random slice of {slice_rows} of the {n_movies:,} movies (all users), "
        f"timed once per repeat and scaled ×{scale:.1f}.",
        f"Peak: {peak['float32']:.0f} GFLOP/s float32, {peak['float64']:.0f} GFLOP/s float64 "
        f"(best repeat of a {peak['size']}×{peak['size']} matmul; float32 "
        f"{peak['float32 detail']}; float64 {peak['float64 detail']}).",
        f"FLOPs: N = {n_ratings:,} ratings, n_m = {n_movies:,}, n_u = {n_users}; only the "
        "products are counted (see `benchmarks/cost.py`), so the dense paths do "
        f"{n_movies * n_users / n_ratings:.0f}× the observed paths' work for the same answer.",
        "Eager `cofi_cost_tf` validates `Y`, `R` and copies them into tensors on every call; "
        "inside `tf.function` that happens once, at tracing.",
    ]
    return (
        "### 1. Cost + gradient (one evaluation)\n\n"
        + "\n\n".join(sections)
        + "\n\n"
        + "\n".join(f"- {s}" for s in notes)
        + "\n"
    )
