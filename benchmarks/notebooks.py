"""Benchmark 4: every notebook executed top to bottom in a fresh kernel, cold and warm.

Each notebook runs with ``nbclient`` in a new ``python3`` kernel (started for it and shut
down after it), from the ``notebooks/`` folder, with the kernel's own inline backend drawing
every figure — as CI runs them with ``pytest --nbval-lax``. The wall time includes starting
the kernel.

*Cold* and *warm*: the kernels get ``RECSYS_CACHE`` pointing at a new, empty folder, so
nothing an earlier run cached is found (MovieLens itself comes from ``RECSYS_DATA``, which is
read before the cache). If the cold pass leaves anything in that folder (a model cache),
every notebook runs a second time with it: the warm pass. If it stays empty, there is no
cache to warm, and the table says so.

Targets (issue "Performance"): each notebook at most 45 s, the series at most 5 minutes warm,
on the 2-core machine. One run per notebook per pass (they are long; rerun the command to
see the spread).
"""

from __future__ import annotations

import glob
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ._common import ROOT, Config, fmt_time, log, table

NOTEBOOK_TARGET = 45.0  # seconds, each
SERIES_TARGET = 300.0  # seconds, all, warm


@contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set environment variables for the kernels started inside, restore them after."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _tiny_notebook(folder: Path) -> Path:
    """A one-cell notebook for --quick: checks the machinery, not the series."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import recsys_utils as ru\nprint(ru.__version__)")]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "00_quick_check.ipynb"
    nbformat.write(nb, path)
    return path


def execute(path: Path, timeout: int) -> tuple[float, str]:
    """Run one notebook in a fresh kernel: (wall seconds, "ok" or the error's name)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    t0 = time.perf_counter()
    try:
        client.execute()
        status = "ok"
    except CellExecutionError as exc:
        status = f"error: {getattr(exc, 'ename', 'CellExecutionError')}"
    except CellTimeoutError:
        status = f"timed out after {timeout} s"
    except DeadKernelError:
        status = "kernel died"
    return time.perf_counter() - t0, status


def _cache_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def run(cfg: Config) -> str:
    with tempfile.TemporaryDirectory(prefix="recsys-bench-") as tmp:
        tmp = Path(tmp)
        if cfg.notebooks:
            paths = [Path(p) for pattern in cfg.notebooks for p in sorted(glob.glob(pattern))]
            what = "the notebooks given with --notebooks"
        elif cfg.quick:
            paths = [_tiny_notebook(tmp)]
            what = "a one-cell notebook (--quick; checks the machinery only)"
        else:
            paths = [Path(p) for p in sorted(glob.glob(str(ROOT / "notebooks" / "*.ipynb")))]
            what = "every notebooks/*.ipynb"
        if not paths:
            return "### 4. Notebook run times\n\nNo notebook found: skipped.\n"
        cache = tmp / "cache"
        cache.mkdir()
        env = dict(RECSYS_CACHE=str(cache), TF_CPP_MIN_LOG_LEVEL="2")
        if cfg.quick and not cfg.notebooks:
            data_note = "no MovieLens needed"
        elif os.environ.get("RECSYS_DATA"):
            data_note = "MovieLens from RECSYS_DATA"
        else:  # the empty cache would hide a cached copy: hand its location to the kernels instead
            from ._common import load_movielens

            ml, _ = load_movielens()
            if ml is not None:
                env["RECSYS_DATA"] = str(ml.source)
                data_note = (
                    f"MovieLens from the {ml.origin} copy (passed to the kernels as RECSYS_DATA)"
                )
            else:
                data_note = (
                    "**MovieLens not found** (RECSYS_DATA unset, nothing cached): notebooks that "
                    "use it will try to download it"
                )
        results: dict[Path, dict[str, tuple[float, str]]] = {p: {} for p in paths}
        with _environ(**env):
            for p in paths:
                log(f"notebooks: cold: {p.name} ...")
                results[p]["cold"] = execute(p, cfg.timeout)
                log(
                    f"notebooks: cold: {p.name}: "
                    f"{fmt_time(results[p]['cold'][0])} {results[p]['cold'][1]}"
                )
            cached = _cache_files(cache)
            if cached:
                for p in paths:
                    log(f"notebooks: warm: {p.name} ...")
                    results[p]["warm"] = execute(p, cfg.timeout)
    rows = []
    totals = {"cold": 0.0, "warm": 0.0}
    for p in paths:
        cold_s, cold_status = results[p]["cold"]
        warm = results[p].get("warm")
        totals["cold"] += cold_s
        best = warm[0] if warm else cold_s
        totals["warm"] += best
        status = (
            cold_status
            if not warm or warm[1] == cold_status
            else f"cold {cold_status}, warm {warm[1]}"
        )
        rows.append(
            [
                p.name,
                fmt_time(cold_s),
                fmt_time(warm[0]) if warm else "no cache",
                "yes" if best <= NOTEBOOK_TARGET else "**no**",
                status,
            ]
        )
    series = totals["warm"]
    rows.append(
        [
            "**total**",
            f"**{fmt_time(totals['cold'])}**",
            f"**{fmt_time(series)}**" if cached else "no cache",
            f"series ≤ 5 min: {'yes' if series <= SERIES_TARGET else '**no**'}",
            "",
        ]
    )
    notes = [
        f"What ran: {what}; each in a fresh `python3` kernel (nbclient), kernel start-up included; "
        f"one run per notebook per pass; {data_note}.",
        (
            "Warm: the same notebooks again with the cache the cold pass filled "
            f"({cached} file(s) in RECSYS_CACHE)."
            if cached
            else (
                "No cache: the cold pass wrote nothing to RECSYS_CACHE, "
                "so every run is cold (warm = cold)."
            )
        ),
        f"Targets: each notebook ≤ {NOTEBOOK_TARGET:.0f} s (warm, or cold without a cache); "
        "the series ≤ 5 min warm.",
    ]
    return (
        "### 4. Notebook run times\n\n"
        + table(["notebook", "cold", "warm", f"≤ {NOTEBOOK_TARGET:.0f} s", "status"], rows, "lrrll")
        + "\n\n"
        + "\n".join(f"- {s}" for s in notes)
        + "\n"
    )
