"""The same model trained by several processes with TensorFlow's own ``tf.distribute``.

A cluster job is a set of processes, each told by the environment variable ``TF_CONFIG``
who the workers are and which one it is::

    {"cluster": {"worker": ["host0:port", "host1:port"]}, "task": {"type": "worker", "index": 0}}

:func:`train_distributed` starts ``n_workers`` such processes on this machine (on a cluster,
the scheduler starts them on different machines with the same ``TF_CONFIG``). Each one runs
:func:`worker_main`: it builds ``tf.distribute.MultiWorkerMirroredStrategy``, creates the
parameters and Adam under ``strategy.scope()`` (a full copy on every worker), and trains with
a ``tf.function`` step that ``strategy.run`` executes on its share of each global batch
(``strategy.experimental_distribute_dataset`` splits a ``tf.data`` pipeline of shuffled
triples). Adam all-reduces (sums) the workers' gradients before every update, so all copies
stay identical — data parallelism.

The cost is the same :math:`J_{\\mathcal{B}}` as :mod:`~recsys_utils.minibatch`; each worker
computes its part of the data term (scaled by :math:`N / B` for the *global* batch size
:math:`B`) plus :math:`1/K` of the regulariser for :math:`K` workers, so the summed gradient
is exactly the single-process one. Keras 3's ``model.fit`` fails under this strategy
(TensorFlow 2.21, Keras 3.15: a ``ValueError`` converting a ``PerReplica`` value), which is why
the series' own GradientTape loop is used.

Run by hand: ``python -m recsys_utils.distributed DATA.npz OUT_DIR`` with ``TF_CONFIG`` set.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .cofi_cost_tf import _check_triples
from .training import CofiModel, init_params
from .validation import check_int, check_lambda

__all__ = ["DistributedResult", "train_distributed", "worker_main"]


@dataclass(frozen=True)
class DistributedResult:
    """The chief's trained model, every worker's per-epoch mean batch cost, and the wall time.

    ``histories`` has shape ``(n_workers, epochs)``: in lock-step training the rows are equal.
    """

    model: CofiModel
    histories: np.ndarray
    seconds: float


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("localhost", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def worker_main(data_path: str, out_dir: str) -> None:
    """One worker: read the ratings and settings, train under ``MultiWorkerMirroredStrategy``, save.

    Reads ``TF_CONFIG`` from the environment; writes ``worker<k>.npz`` (its history; the chief,
    worker 0, also its parameters) to ``out_dir``.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    from .minibatch import _batch_cost_tf

    data = np.load(data_path)
    s = json.loads(str(data["settings"]))
    threads = s["threads"]
    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    task = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    keras.utils.set_random_seed(s["seed"])
    item_idx, user_idx, y = data["item_idx"], data["user_idx"], data["y"].astype(np.float32)
    n, B, K = y.size, s["batch_size"], strategy.num_replicas_in_sync
    X0, W0, b0 = init_params(
        s["n_movies"], s["n_users"], s["n_features"], seed=s["seed"], init_std=s["init_std"]
    )
    c0 = np.full((s["n_movies"], 1), float(np.mean(y)))
    with strategy.scope():
        params = [
            tf.Variable(v, dtype="float32", name=k)
            for v, k in ((X0, "X"), (W0, "W"), (b0, "b"), (c0, "c"))
        ]
        optimizer = keras.optimizers.Adam(learning_rate=s["learning_rate"])
        optimizer.build(params)
    ds = (
        tf.data.Dataset.from_tensor_slices((item_idx, user_idx, y))
        .shuffle(n, seed=s["seed"], reshuffle_each_iteration=True)
        .batch(B, drop_remainder=True)
    )  # every step sees a full global batch, so N / B is exact
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    dist_ds = strategy.experimental_distribute_dataset(ds.with_options(options))
    lam, lam_b = s["lambda_"], s["lambda_bias"]

    def replica_step(it, ut, yt):
        with (
            tf.GradientTape() as tape
        ):  # this worker's share of J_B: its ratings, 1/K of the regulariser
            cost = _batch_cost_tf(params, it, ut, yt, lam, lam_b, n / B, reg_share=1.0 / K)
        grads = tape.gradient(cost, params)
        # Adam all-reduces (sums) the gradients first
        optimizer.apply_gradients(zip(grads, params, strict=True))
        return cost

    @tf.function
    def step(batch):
        per_replica = strategy.run(replica_step, args=batch)
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    history = []
    for _ in range(s["epochs"]):
        costs = [float(step(batch)) for batch in dist_ds]
        history.append(float(np.mean(costs)))
    out = {"history": np.asarray(history)}
    if task == 0:
        out |= {p.name.split(":")[0]: p.numpy() for p in params}
    np.savez(Path(out_dir) / f"worker{task}.npz", **out)


def train_distributed(
    item_idx: Any,
    user_idx: Any,
    y: Any,
    n_movies: int,
    n_users: int,
    *,
    n_workers: int = 2,
    n_features: int = 32,
    lambda_: float = 1.0,
    lambda_bias: float = 0.0,
    learning_rate: float = 0.01,
    epochs: int = 10,
    batch_size: int = 65_536,
    seed: int = 1234,
    init_std: float = 0.1,
    threads_per_worker: int = 1,
    timeout: float = 600.0,
) -> DistributedResult:
    """Train with ``n_workers`` local worker processes under ``MultiWorkerMirroredStrategy``.

    Parameters are as in :func:`~recsys_utils.minibatch.train_minibatch`; ``batch_size`` is
    the *global* batch (each worker takes ``batch_size / n_workers`` of it) and must be a
    multiple of ``n_workers``. ``threads_per_worker`` caps each process's TensorFlow threads
    (0: TensorFlow's default), so two workers on a 2-core laptop do not fight.

    Returns
    -------
    DistributedResult

    Raises
    ------
    RuntimeError
        If a worker fails or the run exceeds ``timeout`` seconds (the workers' error output
        is quoted).
    """
    n_workers = check_int("n_workers", n_workers)
    for k, v in (("n_features", n_features), ("epochs", epochs), ("batch_size", batch_size)):
        check_int(k, v)
    check_int("threads_per_worker", threads_per_worker, minimum=0)
    lam, lam_b = check_lambda(lambda_), check_lambda(lambda_bias, "lambda_bias")
    if batch_size % n_workers:
        raise ValueError(
            f"batch_size={batch_size} must be a multiple of n_workers={n_workers}: "
            "each worker takes an equal share of every global batch"
        )
    item_idx, user_idx, y = _check_triples(item_idx, user_idx, y, n_movies, n_users)
    if y.size < batch_size:
        raise ValueError(
            f"batch_size={batch_size:,} is larger than the {y.size:,} ratings; use a smaller batch"
        )
    settings = dict(
        n_movies=n_movies,
        n_users=n_users,
        n_features=n_features,
        lambda_=lam,
        lambda_bias=lam_b,
        learning_rate=float(learning_rate),
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        init_std=init_std,
        threads=threads_per_worker,
    )
    ports = _free_ports(n_workers)
    cluster = {"worker": [f"localhost:{p}" for p in ports]}
    with tempfile.TemporaryDirectory(prefix="recsys_dist_") as tmp:
        data_path = str(Path(tmp) / "data.npz")
        np.savez(
            data_path, item_idx=item_idx, user_idx=user_idx, y=y, settings=json.dumps(settings)
        )
        procs = []
        t0 = time.perf_counter()
        for k in range(n_workers):
            env = dict(
                os.environ,
                TF_CONFIG=json.dumps({"cluster": cluster, "task": {"type": "worker", "index": k}}),
                TF_CPP_MIN_LOG_LEVEL="2",
                CUDA_VISIBLE_DEVICES="-1",
            )
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "recsys_utils.distributed", data_path, tmp],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        errors = []
        try:
            for k, p in enumerate(procs):
                _, err = p.communicate(timeout=max(1.0, timeout - (time.perf_counter() - t0)))
                if p.returncode != 0:
                    errors.append(
                        f"worker {k} exited with code {p.returncode}:\n"
                        + "\n".join(err.splitlines()[-15:])
                    )
        except subprocess.TimeoutExpired:
            errors.append(f"the workers did not finish within timeout={timeout} s")
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
        seconds = time.perf_counter() - t0
        if errors:
            raise RuntimeError("distributed training failed: " + "\n".join(errors))
        outs = [np.load(Path(tmp) / f"worker{k}.npz") for k in range(n_workers)]
        histories = np.stack([o["history"] for o in outs])
        chief = outs[0]
        model = CofiModel(
            *(chief[k].astype(np.float64) for k in ("X", "W", "b")),
            histories[0],
            chief["c"].astype(np.float64),
            dict(
                settings,
                n_workers=n_workers,
                path="distributed",
                strategy="MultiWorkerMirroredStrategy",
            ),
        )
    return DistributedResult(model, histories, seconds)


if __name__ == "__main__":  # a worker process: python -m recsys_utils.distributed DATA.npz OUT_DIR
    worker_main(sys.argv[1], sys.argv[2])
