"""Benchmark 3: retrieval — top-10 over the catalogue, then 1,000,000 items with an ANN index.

Part A, the MovieLens catalogue (610 users x 9,742 movies) with seeded random 32-d vectors
(the two-tower's :math:`v_u`, :math:`v_m`; speed does not depend on what the numbers
are) and the movies each user has rated excluded (``R.T == 1`` from MovieLens, or a random
mask of the same density without it):

* top-10 by :math:`v_u^{(j)} \\cdot v_m^{(i)}` for every user: the loop reference
  ``top_k_loop`` (on a few users, scaled), a full ``np.argsort`` of every score, and
  ``top_k`` (``np.argpartition``, then a sort of the 10);
* one user's top-10 (the latency a page view waits for);
* every movie's 10 nearest by :math:`\\|v_m^{(k)} - v_m^{(i)}\\|^2` (``related_items``;
  the lecture: "can be pre-computed ahead of time"), and one movie's.

Part B, a synthetic catalogue of 1,000,000 items x 32 dimensions (float32; a seeded mixture
of 1,000 Gaussian clusters, as learned embeddings cluster — uniform noise is the worst case
for any index) and 1,000 queries from the same mixture, nearest by squared distance:
brute force (``top_k``; faiss ``IndexFlatL2``) against approximate indexes from faiss
(``IndexHNSWFlat``, ``IndexIVFFlat``), with recall@10 against brute force (the fraction of
the true 10 nearest that the index returns), build time, the time per query in a batch of
1,000, and the latency of one query alone. faiss is optional (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import Config, Timing, fmt_time, load_movielens, log, measure, table, time_once

K = 10


def _catalogue(cfg: Config) -> tuple[np.ndarray, str]:
    """The already-rated mask, shape (n_users, n_movies)."""
    if not cfg.quick:
        ml, why = load_movielens()
        if ml is not None:
            import recsys_utils as ru

            R = ru.ratings.ratings_to_matrices(ml.ratings, movies=ml.movies).R
            return (
                R.T == 1,
                f"MovieLens: {R.shape[1]} users x {R.shape[0]:,} movies, rated movies excluded",
            )
        note = f"{why}; a random mask of MovieLens' density instead"
        n_users, n_movies = 610, 9742
    else:
        note, n_users, n_movies = "synthetic (--quick)", 40, 500
    rng = np.random.default_rng(cfg.seed + 1)
    mask = rng.random((n_users, n_movies)) < 0.017
    mask[:, 0] = False
    return mask, f"{note}: {n_users} users x {n_movies:,} movies, {int(mask.sum()):,} excluded"


def _full_sort(U: np.ndarray, V: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The obvious vectorized version: score everything, sort everything, keep 10."""
    S = U @ V.T
    S[mask] = -np.inf
    return np.argsort(-S, axis=1, kind="stable")[:, :K]


def part_a(cfg: Config) -> str:
    from recsys_utils.retrieval import related_items, top_k, top_k_loop

    mask, source = _catalogue(cfg)
    n_users, n_movies = mask.shape
    rng = np.random.default_rng(cfg.seed)
    U = rng.normal(size=(n_users, 32)) / np.sqrt(32)
    V = rng.normal(size=(n_movies, 32)) / np.sqrt(32)
    few = 2 if cfg.quick else 5
    assert np.array_equal(
        top_k(U[:few], V, K, exclude=mask[:few]).indices,
        top_k_loop(U[:few], V, K, exclude=mask[:few]).indices,
    )
    assert np.array_equal(top_k(U, V, K, exclude=mask).indices, _full_sort(U, V, mask))
    cases: list[tuple[str, str, int, Callable[[], Any], float]] = [
        (
            "top-10 for every user",
            f"loop reference `top_k_loop` ({few} users, scaled)",
            n_users,
            lambda: top_k_loop(U[:few], V, K, exclude=mask[:few]),
            n_users / few,
        ),
        (
            "top-10 for every user",
            "full `np.argsort` of every score",
            n_users,
            lambda: _full_sort(U, V, mask),
            1.0,
        ),
        (
            "top-10 for every user",
            "`top_k` (argpartition + sort of 10)",
            n_users,
            lambda: top_k(U, V, K, exclude=mask),
            1.0,
        ),
        ("top-10 for one user", "`top_k`", 1, lambda: top_k(U[7], V, K, exclude=mask[7]), 1.0),
        (
            "10 nearest of every movie",
            "`related_items` (squared distance)",
            n_movies,
            lambda: related_items(V, np.arange(n_movies), K),
            1.0,
        ),
        ("10 nearest of one movie", "`related_items`", 1, lambda: related_items(V, 7, K), 1.0),
    ]
    rows = []
    for task, method, n_queries, fn, scale in cases:
        log(f"retrieval: {task}, {method} ...")
        t = measure(
            fn, cfg, number=1 if scale != 1.0 else None, min_time=0 if scale != 1.0 else None
        ).scaled(scale)
        rows.append(
            [
                task,
                method,
                f"{n_queries:,} × {n_movies:,}",
                fmt_time(t.median),
                f"{fmt_time(t.low)} – {fmt_time(t.high)}",
                fmt_time(t.median / n_queries),
            ]
        )
    return (
        f"#### A. The MovieLens catalogue\n\n{source}; seeded random 32-d vectors; "
        "top 10 by dot product (users) or squared distance (movies). "
        "Every method returns the same items (checked).\n\n"
        + table(
            ["task", "method", "queries × items", "time", "min – max", "per query"], rows, "llrrrr"
        )
    )


def _mixture(n: int, dim: int, centres: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = centres[rng.integers(0, len(centres), n)]
    out += rng.standard_normal((n, dim), dtype=np.float32) * np.float32(0.5)
    return out


def _recall(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(e)) / K for f, e in zip(found, exact, strict=True)]))


def part_b(cfg: Config) -> str:
    from recsys_utils.retrieval import top_k

    n_items, dim, n_queries = (5_000, 32, 20) if cfg.quick else (1_000_000, 32, 1_000)
    rng = np.random.default_rng(cfg.seed)
    centres = rng.standard_normal((1000 if not cfg.quick else 50, dim), dtype=np.float32)
    log(f"retrieval: generating {n_items:,} x {dim} items ...")
    items = _mixture(n_items, dim, centres, rng)
    queries = _mixture(n_queries, dim, centres, rng)
    rows = []

    def add_row(
        method: str,
        build: float | None,
        batch: Callable[[], np.ndarray],
        single: Callable[[], Any],
        exact: np.ndarray | None,
    ) -> np.ndarray:
        """Time ``batch()`` (all queries) and ``single()`` (one query).

        Returns the batch's answer; its recall against ``exact`` goes into the row.
        """
        log(f"retrieval: {method} ...")
        single()  # warm-up: first-touch allocation, thread pools
        found: list = []
        t_batch: Timing = measure(
            lambda: found.append(batch()), cfg, warmup=0, number=1, min_time=0
        )
        t_single: Timing = measure(single, cfg)
        exact = found[0] if exact is None else exact
        rows.append(
            [
                method,
                "—" if build is None else fmt_time(build),
                f"{_recall(found[0], exact):.3f}",
                fmt_time(t_batch.median / n_queries),
                fmt_time(t_single.median),
                f"{fmt_time(t_single.low)} – {fmt_time(t_single.high)}",
            ]
        )
        return found[0]

    # The exact answer is brute force's (its first timed call), which the indexes are scored
    # against.
    exact = add_row(
        "brute force, `top_k` (NumPy)",
        None,
        lambda: top_k(queries, items, K, metric="sqeuclidean").indices,
        lambda: top_k(queries[0], items, K, metric="sqeuclidean"),
        None,
    )
    try:
        import faiss
    except ImportError:
        rows.append(
            ['faiss not installed: skipped (`pip install -e ".[bench]"`)', "", "", "", "", ""]
        )
        faiss = None
    notes = []
    if faiss is not None:
        threads = faiss.omp_get_max_threads()
        notes.append(f"faiss {faiss.__version__}, {threads} OpenMP thread(s).")

        def search(index, q=queries):
            return index.search(q, K)[1]

        build, flat = time_once(lambda: _built(faiss.IndexFlatL2(dim), items))
        add_row(
            "brute force, faiss `IndexFlatL2`",
            build,
            lambda: search(flat),
            lambda: search(flat, queries[:1]),
            exact,
        )
        del flat
        m = 16 if cfg.quick else 32
        log(f"retrieval: building IndexHNSWFlat(M={m}) over {n_items:,} items ...")
        build, hnsw = time_once(lambda: _built(faiss.IndexHNSWFlat(dim, m), items))
        for ef in (16, 64, 256):
            hnsw.hnsw.efSearch = ef
            add_row(
                f"HNSW, faiss `IndexHNSWFlat`, M = {m}, efSearch = {ef}",
                build,
                lambda: search(hnsw),
                lambda: search(hnsw, queries[:1]),
                exact,
            )
        del hnsw
        nlist = 16 if cfg.quick else 1024
        log(f"retrieval: training and filling IndexIVFFlat(nlist={nlist}) ...")

        def ivf():
            index = faiss.IndexIVFFlat(faiss.IndexFlatL2(dim), dim, nlist)
            index.train(items)
            return _built(index, items)

        build, index = time_once(ivf)
        for nprobe in (1, 4, 16):
            index.nprobe = nprobe
            add_row(
                f"IVF, faiss `IndexIVFFlat`, nlist = {nlist}, nprobe = {nprobe}",
                build,
                lambda: search(index),
                lambda: search(index, queries[:1]),
                exact,
            )
    notes += [
        "Build: adding the items (HNSW: building the graph, efConstruction 40; "
        "IVF: k-means training plus adding), once. "
        "Recall@10: mean over the queries of |returned ∩ exact 10| / 10.",
        f"Per query (batch): one call with all {n_queries:,} queries, divided by {n_queries:,}; "
        f"median of {cfg.repeats}. One query: a single query alone, "
        f"median of {cfg.repeats} batches of back-to-back calls.",
    ]
    return (
        f"#### B. A synthetic catalogue of {n_items:,} items × {dim} dimensions\n\n"
        f"float32, a seeded mixture of {len(centres):,} Gaussian clusters; "
        f"{n_queries:,} queries from the same mixture; 10 nearest by squared distance.\n\n"
        + table(
            ["method", "build", "recall@10", "per query (batch)", "one query", "min – max"],
            rows,
            "lrrrrr",
        )
        + "\n\n"
        + "\n".join(f"- {s}" for s in notes)
    )


def _built(index: Any, items: np.ndarray) -> Any:
    index.add(items)
    return index


def run(cfg: Config) -> str:
    return "### 3. Retrieval\n\n" + part_a(cfg) + "\n\n" + part_b(cfg) + "\n"
