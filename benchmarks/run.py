"""The one command: ``python -m benchmarks [--quick] [--only NAME ...] [--repeats N]``.

Prints markdown tables (stdout) ready to paste into the README's "Performance" section:
the machine, then each benchmark in turn, one at a time. Progress goes to stderr.
See ``benchmarks/README.md`` for how to run and read them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shlex
import sys
import time
from pathlib import Path

from ._common import Config, fmt_time, load_average, log, machine_rows, table, usable_cores

BENCHMARKS = {
    "cost": (
        "cost",
        "cost + gradient on MovieLens: loop, NumPy, TensorFlow dense / observed-only, "
        "eager / tf.function / XLA",
    ),
    "training": (
        "training",
        "training as notebook 06 trains it: wall time and test RMSE beside the baselines",
    ),
    "retrieval": (
        "retrieval",
        "top-10 for every user over the catalogue; 1,000,000 items: brute force vs faiss",
    ),
    "notebooks": ("notebooks", "every notebook in a fresh kernel, cold and warm cache"),
    "scale": (
        "scale",
        "mini-batch training on 10^5 to 25 M synthetic ratings: time and memory per epoch, "
        "RMSE vs the noise floor",
    ),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmarks of the recommender-systems series. Run on a quiet machine: "
        "nothing else running, one benchmark at a time.",
        epilog="Benchmarks: " + "; ".join(f"{k}: {v[1]}" for k, v in BENCHMARKS.items()),
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="tiny synthetic sizes and 2 repeats: checks that everything runs (seconds), "
        "figures meaningless; needs no MovieLens",
    )
    p.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only these benchmarks ({', '.join(BENCHMARKS)}); repeat or comma-separate",
    )
    p.add_argument(
        "--repeats", type=int, default=None, help="timed repeats per figure (default 5; --quick 2)"
    )
    p.add_argument(
        "--min-time",
        type=float,
        default=None,
        help="seconds each timed batch lasts at least (default 0.2; --quick 0.01)",
    )
    p.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        default="float32",
        help="TensorFlow parameters' dtype in the cost benchmark (default float32, as notebook 06 "
        "trains; NumPy is always float64)",
    )
    p.add_argument(
        "--notebooks",
        nargs="+",
        metavar="PATH",
        help="notebooks to time (default notebooks/*.ipynb; --quick: a one-cell notebook)",
    )
    p.add_argument(
        "--timeout", type=int, default=600, help="seconds allowed per notebook (default 600)"
    )
    p.add_argument("--output", metavar="FILE", help="also write the tables to FILE")
    args = p.parse_args(argv)
    names = [
        n.strip() for item in (args.only or list(BENCHMARKS)) for n in item.split(",") if n.strip()
    ]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        p.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    args.names = list(dict.fromkeys(names))
    if args.repeats is not None and args.repeats < 1:
        p.error("--repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = Config(
        quick=args.quick,
        repeats=args.repeats or (2 if args.quick else 5),
        min_time=args.min_time if args.min_time is not None else (0.01 if args.quick else 0.2),
        dtype=args.dtype,
        notebooks=args.notebooks,
        timeout=args.timeout,
    )
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    command = "python -m benchmarks " + shlex.join(argv if argv is not None else sys.argv[1:])
    out = [
        f"## Benchmarks{' (--quick: tiny sizes, figures meaningless)' if cfg.quick else ''}",
        f"`{command.strip()}`",
        table(["machine", ""], machine_rows(), "ll"),
    ]
    load = load_average()
    if load is not None and load > 0.5:
        out.append(
            f"**Warning:** the load average was {load:.1f} on {usable_cores()} usable cores "
            "when the run started: other processes were running, so these figures are unreliable."
        )
    emit(out, args.output, first=True)
    for name in args.names:
        module = importlib.import_module(f".{BENCHMARKS[name][0]}", __package__)
        log(f"== {name}: {BENCHMARKS[name][1]}")
        t0 = time.perf_counter()
        section = module.run(cfg).rstrip()
        took = time.perf_counter() - t0
        log(f"== {name} took {fmt_time(took)}")
        emit([section, f"_(this benchmark took {fmt_time(took)} end to end)_"], args.output)
    return 0


def emit(blocks: list[str], output: str | None, first: bool = False) -> None:
    """Print the blocks now (so a long run shows its tables as they come).

    Also append them to ``output`` when it is given.
    """
    text = "\n\n".join(blocks) + "\n"
    print(text, flush=True)
    if output:
        with Path(output).open("w" if first else "a", encoding="utf-8") as f:
            f.write(text + "\n")
