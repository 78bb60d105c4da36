"""Benchmark 5: scaling up — mini-batch training from 100 thousand to 25 million synthetic ratings.

For each size :math:`N` the ratings come from :func:`recsys_utils.synthetic.synthetic_ratings`
over MovieLens 25M's catalogue, 162,541 users x 62,423 movies (as the issue measured: the
parameters stay the same, only the ratings grow; at 25,000,095 ratings it is MovieLens 25M's
size and density), split 90 / 10 at random, and :func:`recsys_utils.minibatch.train_minibatch`
trains :math:`n = 32` features with Adam on batches of 65,536 for 10 epochs, the step compiled
with XLA and fed by a NumPy permutation (the fastest of the four feeding choices timed at the
end). Each size runs in a fresh process, so its peak memory (the child's maximum resident set
size, which includes Python, NumPy, TensorFlow and the data) is its own. Reported: seconds per
epoch (median of the epochs after the first, which also traces the step), peak memory, and the
test RMSE beside the planted noise floor. The growth exponent between sizes is read off as
:math:`\\log(t_2/t_1) / \\log(N_2/N_1)` (1 = linear).

Also: the dense path (``train_cofi`` on ``Y``, ``R``) where it fits — on a catalogue shrunk with
the ratings (:func:`~recsys_utils.synthetic.movielens_25m_shape`, the same density), one
full-batch step per "epoch", beside mini-batch training on the same data; and the feeding
choices at one size (NumPy permutation or ``tf.data`` full-buffer shuffle, with or without XLA).

``--quick`` uses 10^4 and 10^5 ratings and 2 epochs, all in one process (figures meaningless).
``BENCH_SCALE_MAX_RATINGS`` caps the largest size (e.g. ``BENCH_SCALE_MAX_RATINGS=2500000`` on a
busy machine).
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import time

import numpy as np

from ._common import Config, fmt_time, log, table

FULL_SIZES = (100_000, 1_000_000, 10_000_000, 25_000_095)
QUICK_SIZES = (10_000, 100_000)
SETTINGS = dict(
    n_features=32, lambda_=5.0, learning_rate=0.0015, batch_size=65_536
)  # tuned on a 2.5 M proxy of 25 M (same ratings per user and movie, same steps per epoch)
TARGET = dict(rmse_above_floor=0.05, seconds=600, memory_mb=4_000)
JIT = True  # the step compiled with XLA (jit_compile=True), fed by a NumPy permutation


def child(
    kind: str,
    n_ratings: int,
    epochs: int,
    pipeline: str = "numpy",
    jit: bool = False,
    shape: str = "ml25m",
) -> dict:
    """Run in a fresh process: generate, split, train; return the figures (also the peak memory).

    ``shape``: "ml25m" (162,541 users x 62,423 movies) or "scaled" (MovieLens 25M's density).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from recsys_utils.synthetic import (
        ML25M_MOVIES,
        ML25M_USERS,
        movielens_25m_shape,
        synthetic_ratings,
        train_test_indices,
    )

    n_users, n_movies = (
        (ML25M_USERS, ML25M_MOVIES) if shape == "ml25m" else movielens_25m_shape(n_ratings)
    )
    t0 = time.perf_counter()
    data = synthetic_ratings(n_users, n_movies, n_ratings, seed=0)
    gen = time.perf_counter() - t0
    tr, te = train_test_indices(n_ratings, 0.1, seed=0)
    out = dict(
        kind=kind,
        n_ratings=n_ratings,
        n_users=n_users,
        n_movies=n_movies,
        generate_s=gen,
        floor=data.noise_floor(te),
        pipeline=pipeline,
        jit=jit,
    )
    train = (data.item_idx[tr], data.user_idx[tr], data.rating[tr])
    test = (data.item_idx[te], data.user_idx[te], data.rating[te])
    del data, tr, te  # keep only what training needs: at 25 M the generator's arrays are ~0.6 GB
    if kind == "dense":
        from recsys_utils.training import train_cofi

        Y = np.zeros((n_movies, n_users), dtype=np.float32)
        R = np.zeros((n_movies, n_users), dtype=np.float32)
        Y[train[0], train[1]] = train[2]
        R[train[0], train[1]] = 1.0
        marks = []
        t0 = time.perf_counter()
        train_cofi(
            Y,
            R,
            n_features=SETTINGS["n_features"],
            iterations=epochs,
            dtype="float32",
            callback=lambda *a: marks.append(time.perf_counter()),
            callback_every=1,
        )
        out["epoch_s"] = list(np.diff([t0, *marks]))
    else:
        from recsys_utils.minibatch import train_minibatch

        t0 = time.perf_counter()
        res = train_minibatch(
            *train,
            n_movies,
            n_users,
            epochs=epochs,
            pipeline=pipeline,
            jit_compile=jit,
            seed=1,
            validation=test,
            **SETTINGS,
        )
        out["train_s"] = time.perf_counter() - t0
        out["epoch_s"] = res.epoch_seconds.tolist()
        out["test_rmse"] = res.val_rmse.tolist()
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # Linux: KiB
    return out


def _run_child(
    kind: str,
    n: int,
    epochs: int,
    pipeline: str = "numpy",
    jit: bool = False,
    *,
    shape: str = "ml25m",
    in_process: bool = False,
) -> dict:
    log(
        f"scale: {kind} {pipeline}{' + XLA' if jit else ''}, {n:,} ratings ({shape}), "
        f"{epochs} epoch(s) ..."
    )
    if in_process:  # --quick: one TensorFlow import for all; peak memory is then the whole run's
        t0 = time.perf_counter()
        return child(kind, n, epochs, pipeline, jit, shape) | {"wall_s": time.perf_counter() - t0}
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.scale",
        kind,
        str(n),
        str(epochs),
        pipeline,
        str(int(jit)),
        shape,
    ]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        tail = "\n".join(p.stderr.splitlines()[-5:])
        log(f"scale: failed:\n{tail}")
        return dict(
            kind=kind, n_ratings=n, error=tail.splitlines()[-1] if tail else f"exit {p.returncode}"
        )
    out = json.loads(p.stdout.strip().splitlines()[-1])
    out["wall_s"] = time.perf_counter() - t0
    return out


def _per_epoch(r: dict) -> float:
    e = r["epoch_s"]
    return float(np.median(e[1:])) if len(e) > 1 else float(e[0])


def run(cfg: Config) -> str:
    cap = int(float(os.environ.get("BENCH_SCALE_MAX_RATINGS", "1e12")))
    sizes = [n for n in (QUICK_SIZES if cfg.quick else FULL_SIZES) if n <= cap] or [
        min(QUICK_SIZES)
    ]
    epochs = 2 if cfg.quick else 10
    dense_max = 10_000 if cfg.quick else 100_000
    q = cfg.quick
    # XLA with NumPy feeding: the fastest combination in the feeding table below (measured on the
    # 2-core machine: 25 M ratings, 10 epochs in 233 s with XLA against 710 s without, under load).
    results = [_run_child("minibatch", n, epochs, jit=JIT, in_process=q) for n in sizes]
    dense = [
        (
            _run_child("dense", n, 3, shape="scaled", in_process=q),
            _run_child("minibatch", n, 3, jit=JIT, shape="scaled", in_process=q),
        )
        for n in sizes
        if n <= dense_max
    ]

    rows, prev = [], None
    for r in results:
        if "error" in r:
            rows.append(
                [f"{r['n_ratings']:,}", "", "", f"failed: {r['error']}", "", "", "", "", ""]
            )
            continue
        t = _per_epoch(r)
        growth = (
            ""
            if prev is None
            else f"{math.log(t / prev[1]) / math.log(r['n_ratings'] / prev[0]):.2f}"
        )
        prev = (r["n_ratings"], t)
        rows.append(
            [
                f"{r['n_ratings']:,}",
                f"{r['n_users']:,} × {r['n_movies']:,}",
                fmt_time(r["generate_s"]),
                fmt_time(t),
                growth,
                f"{r['peak_mb']:,.0f} MB",
                f"{r['test_rmse'][-1]:.4f}",
                f"{r['floor']:.4f}",
                fmt_time(r["train_s"]),
            ]
        )
    parts = [
        "### 5. Scaling up\n\nSynthetic ratings over MovieLens 25M's "
        "162,541 users × 62,423 movies "
        "(`recsys_utils.synthetic`), "
        f"90 / 10 random split, `train_minibatch` with n = {SETTINGS['n_features']}, "
        f"λ = {SETTINGS['lambda_']:g}, "
        f"Adam {SETTINGS['learning_rate']:g}, batch {SETTINGS['batch_size']:,}, {epochs} epochs, "
        f"{'XLA (`jit_compile=True`), ' if JIT else ''}NumPy-permutation feeding; each size in "
        "a fresh process.\n",
        table(
            [
                "ratings",
                "users × movies",
                "generate",
                "per epoch",
                "growth",
                "peak memory",
                "test RMSE",
                "noise floor",
                f"{epochs} epochs",
            ],
            rows,
        ),
        "\n- per epoch: median of epochs 2 onwards (epoch 1 also traces the step). growth: "
        "log(t₂/t₁) / log(N₂/N₁) from the row above (1 = linear). "
        "Peak memory: the process's maximum "
        "resident set (Python, TensorFlow, the data and the training).",
    ]
    big = [r for r in results if "error" not in r and r["n_ratings"] >= 25_000_000]
    for r in big:
        gap = r["test_rmse"][-1] - r["floor"]
        ok = (
            gap <= TARGET["rmse_above_floor"]
            and r["train_s"] <= TARGET["seconds"]
            and r["peak_mb"] <= TARGET["memory_mb"]
        )
        parts.append(
            f"- **Target** (25 M ratings, {epochs} epochs, test RMSE within 0.05 of the floor, "
            "≤ 10 min, "
            f"≤ 4 GB): RMSE {gap:+.4f} above the floor, {fmt_time(r['train_s'])} of training, "
            f"{r['peak_mb']:,.0f} MB peak — **{'met' if ok else 'not met'}**."
        )
    if dense:
        drows = [
            [
                f"{d['n_ratings']:,}",
                f"{d['n_users']:,} × {d['n_movies']:,}",
                f"{d['n_users'] * d['n_movies']:,}",
            ]
            + [
                x
                for r in (d, m)
                for x in (
                    (fmt_time(_per_epoch(r)), f"{r['peak_mb']:,.0f} MB")
                    if "error" not in r
                    else (r["error"], "")
                )
            ]
            for d, m in dense
        ]
        parts += [
            "\n#### The dense path where it fits (`train_cofi` on Y, R, float32; "
            "one full step per epoch) "
            "beside mini-batches, on a catalogue shrunk to MovieLens 25M's density\n",
            table(
                [
                    "ratings",
                    "users × movies",
                    "cells",
                    "dense per epoch",
                    "dense peak",
                    "mini-batch per epoch",
                    "mini-batch peak",
                ],
                drows,
            ),
        ]
    n_feed = 10_000 if cfg.quick else 1_000_000
    feed = [
        _run_child("minibatch", n_feed, 3, p, j, in_process=q)
        for p in ("numpy", "tf.data")
        for j in (False, True)
    ]
    frows = [
        [
            r.get("pipeline", "?") + (" + XLA" if r.get("jit") else ""),
            fmt_time(_per_epoch(r)) if "error" not in r else r["error"],
            f"{r.get('peak_mb', float('nan')):,.0f} MB",
            f"{r['test_rmse'][-1]:.4f}" if "test_rmse" in r else "",
        ]
        for r in feed
    ]
    parts += [
        f"\n#### Feeding the step at {n_feed:,} ratings (3 epochs)\n",
        table(["pipeline", "per epoch", "peak memory", "test RMSE"], frows),
    ]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":  # a child: python -m benchmarks.scale KIND N EPOCHS PIPELINE JIT
    kind, n, ep, pipe, jit, shape = sys.argv[1:7]
    print(json.dumps(child(kind, int(n), int(ep), pipe, bool(int(jit)), shape)))
