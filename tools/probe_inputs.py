"""Probe the public API with bad inputs and count what happens.

Run from the repository root (it imports the ``recsys_utils`` found first on the path)::

    PYTHONPATH=$PWD python tools/probe_inputs.py            # the counts
    PYTHONPATH=$PWD python tools/probe_inputs.py --verbose  # every unclear / silent case

Each case calls one public function with one argument turned bad (or with an input whose
right answer is known) and is counted as

* **clear** — a bad input raised ``TypeError`` / ``ValueError`` whose message names the
  argument, or a valid edge case returned the right result;
* **unclear** — another exception type, a message that does not name the argument, or a
  valid input refused;
* **silent** — a bad input returned a result without a word, or a valid input returned a
  wrong one.

The same script was run on the package before and after issue #10 ("The package").
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import importlib  # noqa: E402

import recsys_utils as ru  # noqa: E402


def mod(name: str) -> Any:
    """``recsys_utils.<name>``, imported explicitly (``ru.<name>`` may be missing)."""
    return importlib.import_module(f"recsys_utils.{name}")

NAN, INF = float("nan"), float("inf")
HALF32 = np.float32(0.5)  # a NumPy scalar: a number, to be accepted

# The lecture's toy problem: 5 movies, 4 users, 2 features.
Y = np.array([[5, 5, 0, 0], [5, 0, 0, 0], [0, 4, 0, 0], [0, 0, 5, 4], [0, 0, 5, 0]], float)
R = (Y > 0).astype(float)
X = np.array([[0.9, 0.0], [1.0, 0.01], [0.99, 0.0], [0.1, 1.0], [0.0, 0.9]])
W = np.array([[5.0, 0.0], [5.0, 0.0], [0.0, 5.0], [0.0, 5.0]])
B = np.zeros((1, 4))
MU = np.full((5, 1), 3.0)
II, UU = np.nonzero(R)
YY = Y[II, UU]

Case = tuple[str, str, Callable[[], Any], str, Any]
CASES: list[Case] = []


def bad(group: str, label: str, thunk: Callable[[], Any], arg: str) -> None:
    """A bad input: expect TypeError/ValueError naming ``arg``."""
    CASES.append((group, label, thunk, "raise", arg))


def good(group: str, label: str, thunk: Callable[[], Any], check: Callable[[Any], bool]) -> None:
    """A valid input with a known answer: expect ``check(result)`` to be true."""
    CASES.append((group, label, thunk, "value", check))


def either(group: str, label: str, thunk: Callable[[], Any], arg: str,
           check: Callable[[Any], bool]) -> None:
    """An ambiguous input: a clear refusal naming ``arg`` or the right result are both fine."""
    CASES.append((group, label, thunk, "either", (arg, check)))


def _with(base: dict, **over: Any) -> dict:
    return {**base, **over}


def matrix_cases(group: str, fn: Callable, base: dict, name: str, *, shaped: bool = True) -> None:
    """Bad values for one array argument ``name`` of ``fn(**base)``."""
    value = np.asarray(base[name], dtype=float)
    nan = value.copy()
    nan.flat[0] = NAN
    inf = value.copy()
    inf.flat[-1] = INF
    variants = {"None": None, "str": "abc", "NaN": nan, "inf": inf}
    if shaped and value.ndim == 2 and value.shape[0] != value.shape[1]:
        variants["transposed"] = value.T  # only where another argument fixes the shape
    if value.ndim == 2:
        variants["1-D"] = value.ravel()
    for what, v in variants.items():
        bad(
            group, f"{fn.__name__}({name}={what})", lambda v=v: fn(**_with(base, **{name: v})), name
        )


def number_cases(
    group: str,
    fn: Callable,
    base: dict,
    name: str,
    *,
    low: str = ">=0",
    valid: Any = HALF32,
    none_ok: bool = False,
) -> None:
    """Bad values for one scalar argument; ``np.float32`` (``valid``) must be accepted."""
    variants: dict[str, Any] = {"NaN": NAN, "inf": INF, "str": "1", "None": None, "list": [1.0]}
    if none_ok:  # None is the documented default
        del variants["None"]
    if low in (">=0", ">0"):
        variants["-1"] = -1.0
    if low == ">0":
        variants["0"] = 0.0
    for what, v in variants.items():
        bad(
            group, f"{fn.__name__}({name}={what})", lambda v=v: fn(**_with(base, **{name: v})), name
        )
    good(
        group,
        f"{fn.__name__}({name}={type(valid).__name__})",
        lambda: fn(**_with(base, **{name: valid})),
        lambda r: r is not None,
    )


def int_cases(group: str, fn: Callable, base: dict, name: str, *, low: int = 1,
              none_ok: bool = False) -> None:
    """Bad values for one integer argument; ``np.int64`` must be accepted."""
    variants = {"float": 1.5, "str": "3", "None": None, "bool": True, str(low - 1): low - 1}
    if none_ok:  # None is the documented default
        del variants["None"]
    for what, v in variants.items():
        bad(
            group, f"{fn.__name__}({name}={what})", lambda v=v: fn(**_with(base, **{name: v})), name
        )
    valid = np.int64(base.get(name, max(low, 2)))
    good(
        group,
        f"{fn.__name__}({name}=np.int64)",
        lambda: fn(**_with(base, **{name: valid})),
        lambda r: r is not None,
    )


def index_cases(group: str, fn: Callable, base: dict, name: str, n: int) -> None:
    """Bad index arrays: negative, out of range, floats."""
    value = np.asarray(base[name])
    neg = value.copy()
    neg[0] = -1
    high = value.copy()
    high[0] = n
    for what, v in {"-1": neg, "n": high, "float": value.astype(float) + 0.5}.items():
        bad(
            group, f"{fn.__name__}({name}={what})", lambda v=v: fn(**_with(base, **{name: v})), name
        )


# ---------------------------------------------------------------- collaborative cost (NumPy)
G = "cofi_cost"
for fn in (ru.cofi_cost, ru.cofi_cost_loop, ru.cofi_gradients, ru.movie_features_cost):
    base = dict(X=X, W=W, b=B, Y=Y, R=R, lambda_=1.0)
    for name in ("X", "W", "b", "Y", "R"):
        matrix_cases(G, fn, base, name)
    number_cases(G, fn, base, "lambda_")
base = dict(w=W[0], b=0.0, X=X, y=Y[:, 0], r=R[:, 0], lambda_=1.0)
for name in ("w", "X", "y", "r"):
    matrix_cases(G, ru.user_cost, base, name)
number_cases(G, ru.user_cost, base, "b", low="any")
number_cases(G, ru.user_cost, base, "lambda_")
base = dict(w=W[0], x=X[0], b=0.0)
number_cases(G, ru.predict, base, "b", low="any")
matrix_cases(G, ru.predict, base, "w")
# Duplicate (movie, user) triples: refused or aggregated, never counted twice silently.
bad(
    G,
    "cofi_cost_observed(duplicate triples)",
    lambda: ru.cofi_cost_observed(
        X, W, B, np.r_[II, II[:1]], np.r_[UU, UU[:1]], np.r_[YY, YY[:1]], 1.0
    ),
    "item_idx",
)

# ---------------------------------------------------------------- TensorFlow costs
G = "cofi_cost_tf"
base = dict(X=X, W=W, b=B, Y=Y, R=R, lambda_=1.0)
for name in ("Y", "R"):
    matrix_cases(G, ru.cofi_cost_tf, base, name)
for name in ("X", "W", "b"):
    matrix_cases(G, ru.cofi_cost_tf, base, name)
number_cases(G, ru.cofi_cost_tf, base, "lambda_")
good(
    G,
    "cofi_cost_tf(lists)",
    lambda: float(ru.cofi_cost_tf(X.tolist(), W.tolist(), B.tolist(), Y, R, 1.0)),
    lambda r: np.isclose(r, ru.cofi_cost(X, W, B, Y, R, 1.0)),
)
good(
    G,
    "binary_cost_tf(lists)",
    lambda: float(ru.binary_cost_tf(X.tolist(), W.tolist(), B.tolist(), R, R, 1.0)),
    lambda r: np.isclose(r, ru.binary_cost(X, W, B, R, R, 1.0)),
)
base = dict(X=X, W=W, b=B, item_idx=II, user_idx=UU, y=YY, lambda_=1.0)
for name in ("X", "W", "b"):
    matrix_cases(G, ru.cofi_cost_observed_tf, base, name)
index_cases(G, ru.cofi_cost_observed_tf, base, "item_idx", 5)
index_cases(G, ru.cofi_cost_observed, base, "user_idx", 4)
bad(
    G,
    "cofi_cost_observed_tf(duplicate triples)",
    lambda: ru.cofi_cost_observed_tf(
        X, W, B, np.r_[II, II[:1]], np.r_[UU, UU[:1]], np.r_[YY, YY[:1]], 1.0
    ),
    "item_idx",
)

# ---------------------------------------------------------------- binary labels
G = "binary_labels"
base = dict(X=X, W=W, b=B, Y=R, R=R, lambda_=1.0)
for fn in (ru.binary_cost, ru.binary_gradients):
    matrix_cases(G, fn, base, "Y")
    number_cases(G, fn, base, "lambda_")
bad(G, "binary_cost(Y=ratings 0-5)", lambda: ru.binary_cost(X, W, B, Y, R, 1.0), "Y")
bad(G, "binary_cost_tf(Y=ratings 0-5)", lambda: ru.binary_cost_tf(X, W, B, Y, R, 1.0), "Y")

# ---------------------------------------------------------------- normalization
G = "normalization"
for fn in (ru.normalize_ratings, ru.mean_ratings_loop):
    for name in ("Y", "R"):
        matrix_cases(G, fn, dict(Y=Y, R=R), name)
matrix_cases(G, ru.denormalize, dict(predictions=Y, mu=MU), "predictions")
matrix_cases(G, ru.denormalize, dict(predictions=Y, mu=MU), "mu")

# ---------------------------------------------------------------- gradient descent
G = "gradient_descent"
gd = mod("gradient_descent")
base = dict(X=X, W=W, b=B, Y=Y, R=R, lambda_=1.0, alpha=0.01, iterations=3)
number_cases(G, gd.gradient_descent, base, "alpha", low=">0")
int_cases(G, gd.gradient_descent, base, "iterations")
number_cases(
    G,
    gd.gradient_descent_step,
    dict(X=X, W=W, b=B, Y=Y, R=R, lambda_=1.0, alpha=0.01),
    "alpha",
    low=">0",
)

# ---------------------------------------------------------------- training (TensorFlow)
G = "training"
base = dict(Y=Y, R=R, n_features=2, iterations=2)
for name in ("Y", "R"):
    matrix_cases(G, ru.train_cofi, base, name)
int_cases(G, ru.train_cofi, base, "n_features")
int_cases(G, ru.train_cofi, base, "iterations")
int_cases(G, ru.train_cofi, base, "callback_every")
int_cases(G, ru.train_cofi, base, "seed", low=0)
number_cases(G, ru.train_cofi, base, "learning_rate", low=">0")
number_cases(G, ru.train_cofi, base, "lambda_")
number_cases(G, ru.train_cofi, base, "init_std")
bad(
    G,
    "train_cofi(dtype='float16x')",
    lambda: ru.train_cofi(Y, R, dtype="float16x", iterations=2),
    "dtype",
)
bad(G, "train_cofi(dtype=int32)", lambda: ru.train_cofi(Y, R, dtype="int32", iterations=2), "dtype")
bad(
    G,
    "train_cofi(loss='binary', Y=ratings 0-5)",
    lambda: ru.train_cofi(Y, R, loss="binary", iterations=2),
    "Y",
)
bad(G, "train_cofi(loss='nope')", lambda: ru.train_cofi(Y, R, loss="nope", iterations=2), "loss")
base = dict(item_idx=II, user_idx=UU, y=YY, n_movies=5, n_users=4, n_features=2, iterations=2)
index_cases(G, ru.train_cofi_observed, base, "item_idx", 5)
index_cases(G, ru.train_cofi_observed, base, "user_idx", 4)
int_cases(G, ru.train_cofi_observed, base, "n_movies")
matrix_cases(G, ru.train_cofi_observed, base, "y")
bad(
    G,
    "train_cofi_observed(duplicate triples)",
    lambda: ru.train_cofi_observed(
        np.r_[II, II[:1]], np.r_[UU, UU[:1]], np.r_[YY, YY[:1]], 5, 4, n_features=2, iterations=2
    ),
    "item_idx",
)
int_cases(G, ru.init_params, dict(n_movies=5, n_users=4, n_features=2), "n_features")
int_cases(G, ru.init_params, dict(n_movies=5, n_users=4, n_features=2), "seed", low=0)
number_cases(G, ru.init_params, dict(n_movies=5, n_users=4, n_features=2), "init_std")
bad(
    G,
    "train_cofi(huge init_std: cost inf at iteration 0)",
    lambda: ru.train_cofi(Y, R, init_std=1e200, iterations=2),
    "init_std",
)
_model = ru.CofiModel(X, W, B, np.zeros(1))
bad(G, "CofiModel.predict_pairs(item_idx=-1)", lambda: _model.predict_pairs([-1], [0]), "item_idx")
bad(G, "CofiModel.predict_pairs(user_idx=4)", lambda: _model.predict_pairs([0], [4]), "user_idx")
bad(
    G,
    "CofiModel.predict_pairs(item_idx=float)",
    lambda: _model.predict_pairs([0.5], [0]),
    "item_idx",
)

# ---------------------------------------------------------------- new user
G = "new_user"
nu = mod("new_user")
base = dict(w=np.zeros(2), b=0.0, X=X, mu=MU, item_idx=[0], ratings=[4.0], lambda_=1.0)
number_cases(G, nu.new_user_cost, base, "b", low="any")
number_cases(G, nu.new_user_cost, base, "lambda_b")
index_cases(G, nu.new_user_cost, dict(base, item_idx=np.array([0])), "item_idx", 5)
base = dict(X=X, mu=MU, w=np.zeros(2), b=0.0)
number_cases(G, nu.predict_new_user, base, "b", low="any")
matrix_cases(G, nu.predict_new_user, base, "mu")
base = dict(X=X, mu=MU, item_idx=[0], ratings=[4.0], lambda_=1.0)
number_cases(G, nu.fit_new_user, base, "lambda_")
matrix_cases(G, nu.fit_new_user, base, "ratings")
int_cases(G, nu.recommend_for_new_user, base, "k")

# ---------------------------------------------------------------- retrieval
G = "retrieval"
rng = np.random.default_rng(0)
Q, V = rng.normal(size=(3, 4)), rng.normal(size=(20, 4))
base = dict(queries=Q, items=V, k=3)
for fn in (ru.top_k, ru.top_k_loop):
    matrix_cases(G, fn, base, "queries")
    matrix_cases(G, fn, base, "items")
    int_cases(G, fn, base, "k")
    bad(G, f"{fn.__name__}(metric='cosine')", lambda fn=fn: fn(Q, V, 3, metric="cosine"), "metric")
int_cases(G, ru.top_k, base, "chunk_size", none_ok=True)
mask01 = np.zeros((3, 20), dtype=int)
mask01[:, 5] = 1
either(
    G,
    "top_k(exclude=int 0/1 mask)",  # refused, or read as a mask; never as index lists
    lambda: ru.top_k(Q, V, 18, exclude=mask01),
    "exclude",
    lambda r: not np.isin(5, r.indices) and np.isin(0, r.indices) and np.isin(1, r.indices),
)
bad(G, "top_k(exclude=[[-1]]*3)", lambda: ru.top_k(Q, V, 3, exclude=[[-1]] * 3), "exclude")
bad(
    G,
    "top_k(exclude=mask of R shape)",
    lambda: ru.top_k(Q, V, 3, exclude=np.zeros((20, 3), bool)),
    "exclude",
)
for dtype, scale in ((np.float32, 100.0), (np.float32, 1000.0), (np.float64, 1e155)):
    big = (rng.normal(size=(200, 8)) + scale).astype(dtype)
    good(
        G,
        f"top_k(sqeuclidean, {dtype.__name__}, norm ~{scale:g})",
        lambda big=big: ru.top_k(big[:5], big, 10, metric="sqeuclidean").indices,
        lambda r, big=big: all(
            len(
                set(r[q])
                & set(
                    np.argsort(
                        ((big.astype(np.float64) - big[q].astype(np.float64)) ** 2).sum(1),
                        kind="stable",
                    )[:10]
                )
            )
            >= 9
            for q in range(5)
        ),
    )
bad(G, "related_items(i=-1)", lambda: ru.related_items(V, -1, 3), "i")
int_cases(G, ru.related_items, dict(X=V, i=0, k=3), "k")

# ---------------------------------------------------------------- popularity & cold start
G = "popularity"
base = dict(item_idx=II, n_movies=5)
index_cases(G, ru.item_popularity, base, "item_idx", 5)
int_cases(G, ru.item_popularity, base, "n_movies")
base = dict(item_idx=II, y=YY, n_movies=5)
number_cases(G, ru.smoothed_item_mean, base, "strength")
number_cases(G, ru.smoothed_item_mean, base, "prior", low="any", none_ok=True)
cs = mod("cold_start")
number_cases(G, cs.shrunk_mean, dict(ratings=[5.0], prior=3.5, strength=5.0), "strength")
number_cases(G, cs.shrunk_mean, dict(ratings=[5.0], prior=3.5, strength=5.0), "prior", low="any")
base = dict(W=W, b=B, user_idx=[0, 1], ratings=[4.0, 1.0], mu_i=2.0, lambda_=1.0)
number_cases(G, cs.fit_new_item, base, "mu_i", low="any")
number_cases(G, cs.fit_new_item, base, "lambda_")
matrix_cases(G, cs.fit_new_item, base, "b")
index_cases(G, cs.fit_new_item, dict(base, user_idx=np.array([0, 1])), "user_idx", 4)
matrix_cases(G, cs.fit_side_map, dict(F=X, T=2 * X, lambda_=1.0), "F")

# ---------------------------------------------------------------- baselines
G = "baselines"
bl = mod("baselines")
for fn in (bl.global_mean_baseline, bl.movie_mean_baseline, bl.biases_baseline):
    base = dict(item_idx=II, user_idx=UU, y=YY, n_movies=5, n_users=4)
    index_cases(G, fn, base, "item_idx", 5)
    int_cases(G, fn, base, "n_users")
    matrix_cases(G, fn, base, "y")
    bad(
        G,
        f"{fn.__name__}(duplicate triples)",
        lambda fn=fn: fn(np.r_[II, II[:1]], np.r_[UU, UU[:1]], np.r_[YY, 1.0], 5, 4),
        "item_idx",
    )
number_cases(
    G,
    bl.movie_mean_baseline,
    dict(item_idx=II, user_idx=UU, y=YY, n_movies=5, n_users=4),
    "shrinkage",
)
int_cases(
    G, bl.biases_baseline, dict(item_idx=II, user_idx=UU, y=YY, n_movies=5, n_users=4), "n_rounds"
)
_gm = bl.global_mean_baseline(II, UU, YY, 5, 4)
index_cases(G, _gm.predict, dict(item_idx=np.array([0]), user_idx=np.array([0])), "item_idx", 5)

# ---------------------------------------------------------------- simulation
G = "simulation"
sim = mod("simulation")
base = dict(n_users=20, n_items=50, seed=0)
int_cases(G, sim.make_catalogue, base, "n_users")
int_cases(G, sim.make_catalogue, base, "seed", low=0)
number_cases(G, sim.make_catalogue, base, "harmful_share", valid=np.float32(0.1))
_cat = sim.make_catalogue(20, 50, seed=0)
base = dict(catalogue=_cat, n_rounds=3, k=5, seed=0)
int_cases(G, sim.simulate_feedback_loop, base, "k")
number_cases(G, sim.simulate_feedback_loop, base, "exploration", valid=np.float32(0.1))
int_cases(G, sim.simulate_feedback_loop, base, "seed", low=0)
int_cases(G, sim.top_k_per_user, dict(scores=_cat.value, k=5), "k")
matrix_cases(G, sim.top_k_per_user, dict(scores=_cat.value, k=5), "scores", shaped=False)
matrix_cases(G, sim.gini, dict(x=np.arange(5.0)), "x")

# ---------------------------------------------------------------- ratings tables (pandas)
G = "ratings"
try:
    import pandas as pd

    table = pd.DataFrame({"userId": [1, 1, 2], "movieId": [10, 20, 10], "rating": [4.0, 3.0, 5.0]})
    dup = pd.DataFrame({"userId": [1, 1, 2], "movieId": [10, 10, 10], "rating": [4.0, 3.0, 5.0]})
    bad(G, "ratings_to_matrices(duplicate pairs)", lambda: ru.ratings_to_matrices(dup), "ratings")
    bad(
        G,
        "ratings_to_triples(scale=(5, 1))",
        lambda: ru.ratings_to_triples(table, scale=(5, 1)),
        "scale",
    )
    bad(
        G,
        "ratings_to_triples(rating 7)",
        lambda: ru.ratings_to_triples(table.assign(rating=[7.0, 3.0, 5.0])),
        "scale",
    )
except ImportError:  # pragma: no cover
    pass


def classify(case: Case) -> tuple[str, str]:
    group, label, thunk, kind, expect = case
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = thunk()
    except Exception as e:  # noqa: BLE001 - classifying every exception is the point
        msg = str(e)
        if kind == "either":
            kind, expect = "raise", expect[0]
        if kind == "value":
            return "unclear", f"refused a valid input: {type(e).__name__}: {msg[:150]}"
        if isinstance(e, (TypeError, ValueError)) and expect in msg:
            return "clear", f"{type(e).__name__}: {msg[:150]}"
        return "unclear", f"{type(e).__name__}: {msg[:150]}"
    if kind == "either":
        kind, expect = "value", expect[1]
    if kind == "value":
        try:
            ok = bool(expect(result))
        except Exception as e:  # noqa: BLE001
            return "silent", f"result fails the check ({type(e).__name__})"
        return ("clear", "right result") if ok else ("silent", f"wrong result: {str(result)[:120]}")
    return "silent", f"returned {type(result).__name__} without an error"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every unclear and silent case")
    args = parser.parse_args(argv)
    totals: Counter = Counter()
    by_group: dict[str, Counter] = {}
    for case in CASES:
        outcome, detail = classify(case)
        totals[outcome] += 1
        by_group.setdefault(case[0], Counter())[outcome] += 1
        if args.verbose and outcome != "clear":
            print(f"[{outcome:7}] {case[1]}: {detail}")
    print(f"{'group':18} {'clear':>6} {'unclear':>8} {'silent':>7}")
    for group, c in by_group.items():
        print(f"{group:18} {c['clear']:6d} {c['unclear']:8d} {c['silent']:7d}")
    print(
        f"{'total':18} {totals['clear']:6d} {totals['unclear']:8d} {totals['silent']:7d}"
        f"   ({len(CASES)} cases)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
