"""What every benchmark shares: settings, timing, the machine, MovieLens, markdown tables.

Timing follows ``timeit``'s rules: one warm-up call (tracing, compilation and first-touch
costs are reported separately where they matter), then each *repeat* times a batch of
``number`` calls, with ``number`` chosen so that a batch lasts at least ``min_time``; the
figure is the median over repeats of (batch time / number), with the fastest and slowest
repeat beside it. Progress goes to stderr, the tables to stdout.
"""

from __future__ import annotations

import datetime as _dt
import importlib.metadata as _md
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Config:
    """Settings of one run of ``python -m benchmarks``."""

    quick: bool = False
    repeats: int = 5
    min_time: float = 0.2  # seconds per timed batch
    # TensorFlow parameters in the cost benchmark (notebook 06 trains in float32)
    dtype: str = "float32"
    notebooks: Sequence[str] | None = None
    timeout: int = 600  # seconds per notebook
    seed: int = 0


@dataclass
class Timing:
    """Seconds per call: median over repeats, fastest and slowest repeat."""

    median: float
    low: float
    high: float
    number: int  # calls per timed batch
    repeats: int

    def scaled(self, factor: float) -> Timing:
        return Timing(
            self.median * factor, self.low * factor, self.high * factor, self.number, self.repeats
        )


def log(*parts: Any) -> None:
    """Progress for the person waiting (stderr, so stdout stays a clean table)."""
    print(*parts, file=sys.stderr, flush=True)


def measure(
    fn: Callable[[], Any],
    cfg: Config,
    *,
    warmup: int = 1,
    number: int | None = None,
    min_time: float | None = None,
) -> Timing:
    """Time ``fn()`` the ``timeit`` way (see the module docstring)."""
    for _ in range(warmup):
        fn()
    min_time = cfg.min_time if min_time is None else min_time

    def batch(n: int) -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        return time.perf_counter() - t0

    if number is None:
        number = 1
        while True:
            t = batch(number)
            if t >= min_time or number >= 10_000:
                break
            number = max(number * 2, min(10_000, int(number * min_time / max(t, 1e-9) * 1.2)))
    per_call = [batch(number) / number for _ in range(cfg.repeats)]
    return Timing(statistics.median(per_call), min(per_call), max(per_call), number, cfg.repeats)


def time_once(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds of one call of ``fn()``, and its result."""
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


# ----------------------------------------------------------------------------- formatting


def fmt_time(seconds: float) -> str:
    """A duration with a unit a reader does not have to convert: µs, ms or s."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms" if seconds < 0.1 else f"{seconds * 1e3:.0f} ms"
    return f"{seconds:.3g} s" if seconds < 100 else f"{seconds:.0f} s"


def fmt_range(t: Timing) -> str:
    return f"{fmt_time(t.low)} – {fmt_time(t.high)}"


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1e3
    return f"{ms:.3g}" if ms < 100 else f"{ms:,.0f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """A markdown pipe table, padded so it also reads as plain text.

    ``align`` has one letter per column: ``l`` (left) or ``r`` (right); default: the
    first column left, the rest right.
    """
    align = align or "l" + "r" * (len(headers) - 1)
    cells = [[str(h) for h in headers]] + [
        ["" if c is None else str(c) for c in row] for row in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        out = [
            c.ljust(w) if a == "l" else c.rjust(w)
            for c, w, a in zip(row, widths, align, strict=True)
        ]
        return "| " + " | ".join(out) + " |"

    rule = (
        "|"
        + "|".join(
            ("-" * (w + 1) + ":") if a == "r" else (":" + "-" * (w + 1))
            for w, a in zip(widths, align, strict=True)
        )
        + "|"
    )
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


# ----------------------------------------------------------------------------- the machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            return subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"],
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return platform.processor() or platform.machine() or "unknown"


def _version(*dists: str) -> str:
    for d in dists:
        try:
            return f"{_md.version(d)} ({d})" if len(dists) > 1 else _md.version(d)
        except _md.PackageNotFoundError:
            continue
    return "not installed"


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    try:
        import psutil

        return f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except ImportError:
        return "unknown"


def usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return None


def machine_rows() -> list[tuple[str, str]]:
    """The facts a reader needs to compare these figures with their own machine's."""
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # noqa: BLE001 - older NumPy: no dict mode
        blas = "unknown"
    cores = f"{usable_cores()} usable of {os.cpu_count()} logical"
    try:
        import psutil

        cores += f", {psutil.cpu_count(logical=False)} physical"
    except ImportError:
        pass
    threads = (
        ", ".join(
            f"{k}={os.environ[k]}"
            for k in (
                "OMP_NUM_THREADS",
                "OPENBLAS_NUM_THREADS",
                "MKL_NUM_THREADS",
                "TF_NUM_INTRAOP_THREADS",
            )
            if k in os.environ
        )
        or "library defaults (all usable cores)"
    )
    try:
        commit = (
            subprocess.run(
                ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
            or "n/a"
        )
    except (OSError, subprocess.SubprocessError):
        commit = "n/a"
    load = load_average()
    return [
        ("CPU", _cpu_model()),
        ("cores", cores),
        ("memory", _memory_gib()),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("NumPy", f"{np.__version__} (BLAS: {blas})"),
        ("TensorFlow", _version("tensorflow-cpu", "tensorflow")),
        ("Keras", _version("keras")),
        ("faiss", _version("faiss-cpu", "faiss")),
        ("threads", threads),
        ("load average (1 min) at start", "n/a" if load is None else f"{load:.2f}"),
        ("commit", commit),
        ("date", _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
    ]


# ----------------------------------------------------------------------------- data


def load_movielens() -> tuple[Any, str | None]:
    """MovieLens from ``RECSYS_DATA`` or the cache, never the network.

    Returns ``(ml, None)``, or ``(None, why)`` when it is not there.
    """
    import recsys_utils as ru

    try:
        return ru.load_movielens(download=False), None
    except Exception as exc:  # noqa: BLE001 - any reason to skip is reported, not raised
        return None, (
            f"MovieLens not found ({type(exc).__name__}); set RECSYS_DATA to a folder "
            "holding ml-latest-small/ or ml-latest-small.zip"
        )


def synthetic_ratings(n_users: int, n_movies: int, density: float, seed: int):
    """A MovieLens-shaped ratings table from a low-rank model.

    Columns ``userId``, ``movieId``, ``rating``, ``timestamp``.

    Every user has at least 3 ratings; ratings are on 0.5-5 in half stars.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    U, V = rng.normal(0, 0.6, (n_users, 3)), rng.normal(0, 0.6, (n_movies, 3))
    movie_bias = rng.normal(0, 0.5, n_movies)
    rated = rng.random((n_users, n_movies)) < density
    rated[np.arange(n_users)[:, None], rng.integers(0, n_movies, (n_users, 3))] = True
    u, m = np.nonzero(rated)
    raw = 3.5 + movie_bias[m] + np.einsum("tk,tk->t", U[u], V[m]) + rng.normal(0, 0.5, len(u))
    rating = np.clip(np.round(raw * 2) / 2, 0.5, 5.0)
    return pd.DataFrame(
        {
            "userId": (u + 1).astype("int32"),
            "movieId": (m + 1).astype("int32"),
            "rating": rating,
            "timestamp": rng.integers(9e8, 1.5e9, len(u)),
        }
    )
