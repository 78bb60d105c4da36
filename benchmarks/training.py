"""Benchmark 2: training collaborative filtering on MovieLens, wall time and test RMSE, beside baselines.

The protocol (until notebook 06 lands, this module states it; keep the two in step):

1. ``ru.ratings.split_random(ratings, 0.2, validation_fraction=0.1, seed=0)``: 70 % train,
   10 % validation, 20 % test, rows of the whole ratings table at random. Every movie of
   ``movies.csv`` and every user has a row / column, so cold movies stay predictable.
2. Hyperparameters are chosen on the validation split, never the test split: each model is
   fitted on train and scored on validation over its grid; the best setting is then refitted
   on train + validation and scored once on test.
3. The collaborative-filtering model is the lecture's, trained as the package trains it,
   ``ru.train_cofi_observed`` (Adam, learning rate 0.1, 200 iterations, seed 1234, float64,
   the cost over observed ratings only), with user biases ``b`` and movie biases ``c``
   (``item_bias=True``, L2 penalty ``lambda_bias``) learned on ratings minus the global
   mean. Why not the lecture's per-movie mean normalization here: a movie's raw mean over
   its few ratings is noisy (the movie-mean baseline scores far worse than biases only), and
   the penalised movie bias ``c`` learns the same offset shrunk towards the global mean,
   which is also the fallback for a movie nobody rated. Predictions are
   ``X W^T + b + c + mean``, clipped to the 0.5-5 scale. The course lab's settings (per-movie
   mean normalization, 100 features, λ = 1, no extra biases) are shown too, for what they score.
4. Baselines on the same splits: the global mean; each movie's mean (global mean if it has no
   ratings); biases only, ``mu + b_u + b_i`` fitted by alternating regularised least squares
   (10 sweeps, λ chosen on validation).

Wall time is that of one fit of the chosen setting on train + validation (TensorFlow
tracing included: it is what a learner waits for), median over repeats; the grid search is
timed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ._common import Config, Timing, fmt_time, load_movielens, log, measure, synthetic_ratings, table, time_once

PROTOCOL = dict(
    test_fraction=0.2, validation_fraction=0.1, split_seed=0,
    learning_rate=0.1, iterations=200, init_seed=1234,
    features=(10, 50), lambdas=(5.0, 10.0, 20.0), lambda_biases=(1.0, 5.0),
    bias_lambdas=(1.0, 2.0, 5.0, 10.0, 25.0),
    lab=dict(n_features=100, lambda_=1.0),
)
QUICK = dict(PROTOCOL, iterations=30, features=(3,), lambdas=(1.0, 5.0), lambda_biases=(5.0,),
             bias_lambdas=(1.0, 5.0),
             lab=dict(n_features=5, lambda_=1.0))
SCALE = (0.5, 5.0)


@dataclass
class Triples:
    item: np.ndarray
    user: np.ndarray
    y: np.ndarray

    def __add__(self, other: "Triples") -> "Triples":
        return Triples(*(np.concatenate([a, b]) for a, b in
                         ((self.item, other.item), (self.user, other.user), (self.y, other.y))))


def _join(values) -> str:
    return ", ".join(f"{v:g}" for v in values)


def _rmse(t: Triples, pred: np.ndarray) -> float:
    import recsys_utils as ru

    return ru.metrics.rmse(t.y, np.clip(pred, *SCALE))


def movie_means(t: Triples, n_movies: int) -> tuple[np.ndarray, float]:
    """Each movie's mean rating in ``t`` (the global mean where it has none), and the global mean."""
    global_mean = float(t.y.mean())
    counts = np.bincount(t.item, minlength=n_movies)
    sums = np.bincount(t.item, weights=t.y, minlength=n_movies)
    return np.where(counts > 0, sums / np.maximum(counts, 1), global_mean), global_mean


def fit_biases(t: Triples, n_movies: int, n_users: int, lambda_: float, sweeps: int = 10):
    """``mu + b_u + b_i`` by alternating regularised least squares; returns a predictor."""
    mu = float(t.y.mean())
    b_u, b_i = np.zeros(n_users), np.zeros(n_movies)
    n_u = np.bincount(t.user, minlength=n_users)
    n_i = np.bincount(t.item, minlength=n_movies)
    for _ in range(sweeps):
        b_i = np.bincount(t.item, weights=t.y - mu - b_u[t.user], minlength=n_movies) / (lambda_ + n_i)
        b_u = np.bincount(t.user, weights=t.y - mu - b_i[t.item], minlength=n_users) / (lambda_ + n_u)
    return lambda item, user: mu + b_u[user] + b_i[item]


def fit_cofi(t: Triples, n_movies: int, n_users: int, p: dict, *, n_features: int, lambda_: float,
             lambda_bias: float, item_bias: bool = True, normalize: str = "global"):
    """``ru.train_cofi_observed`` on ratings minus the global mean (``normalize="global"``) or
    minus each movie's mean (``"movie"``, the lecture's); returns a predictor ``(item, user) -> rating``."""
    import recsys_utils as ru

    movie_mu, global_mu = movie_means(t, n_movies)
    mu = movie_mu if normalize == "movie" else np.full(n_movies, global_mu)
    model = ru.train_cofi_observed(
        t.item, t.user, t.y - mu[t.item], n_movies, n_users, n_features=n_features, lambda_=lambda_,
        learning_rate=p["learning_rate"], iterations=p["iterations"], seed=p["init_seed"],
        item_bias=item_bias, lambda_bias=lambda_bias,
    )
    return lambda item, user: model.predict_pairs(item, user) + mu[item]


def _data(cfg: Config):
    import recsys_utils as ru

    if cfg.quick:
        table_, movies, source = synthetic_ratings(60, 150, 0.1, cfg.seed), None, "synthetic (--quick)"
    else:
        ml, why = load_movielens()
        if ml is None:
            raise LookupError(why)
        table_, movies, source = ml.ratings, ml.movies, "MovieLens ml-latest-small"
    p = QUICK if cfg.quick else PROTOCOL
    train, val, test = ru.ratings.split_random(table_, p["test_fraction"], validation_fraction=p["validation_fraction"],
                                               seed=p["split_seed"])
    full = ru.ratings.ratings_to_triples(table_, movies=movies)

    def triples(df) -> Triples:
        r = ru.ratings.ratings_to_triples(df, movies=full.item_ids, users=full.user_ids)
        return Triples(r.item_idx, r.user_idx, r.ratings)

    splits = triples(train), triples(val), triples(test)
    sizes = f"{len(train):,} / {len(val):,} / {len(test):,} ratings"
    return splits, len(full.item_ids), len(full.user_ids), f"{source}; train / validation / test = {sizes}"


def run(cfg: Config) -> str:
    try:
        (train, val, test), n_movies, n_users, source = _data(cfg)
    except LookupError as why:
        return f"### 2. Training\n\n{why}: skipped.\n"
    p = QUICK if cfg.quick else PROTOCOL
    fitting = train + val
    cold = int(np.sum(np.bincount(fitting.item, minlength=n_movies)[test.item] == 0))

    # Each model: a grid of settings, a factory fit(triples, **setting) -> predictor.
    models: list[tuple[str, list[dict], Callable[..., Any], Callable[[dict], str]]] = [
        ("global mean", [{}], lambda t: (lambda i, u, g=float(t.y.mean()): np.full(len(i), g)), lambda s: "—"),
        ("movie mean", [{}], lambda t: (lambda i, u, m=movie_means(t, n_movies)[0]: m[i]),
         lambda s: "global mean for unrated movies"),
        ("biases only: μ + b_u + b_i", [{"lambda_": lam} for lam in p["bias_lambdas"]],
         lambda t, lambda_: fit_biases(t, n_movies, n_users, lambda_), lambda s: f"λ = {s['lambda_']:g}"),
        ("collaborative filtering, the course lab's settings",
         [dict(p["lab"], item_bias=False, lambda_bias=0.0, normalize="movie")],
         lambda t, **s: fit_cofi(t, n_movies, n_users, p, **s),
         lambda s: f"movie-mean normalization, n = {s['n_features']}, λ = {s['lambda_']:g}, no movie bias"),
        ("collaborative filtering, chosen on validation",
         [dict(n_features=n, lambda_=lam, lambda_bias=lb) for n in p["features"] for lam in p["lambdas"]
          for lb in p["lambda_biases"]],
         lambda t, **s: fit_cofi(t, n_movies, n_users, p, **s),
         lambda s: f"n = {s['n_features']}, λ = {s['lambda_']:g}, λ_bias = {s['lambda_bias']:g}"),
    ]
    rows = []
    search_times = []
    for name, grid, fit, describe in models:
        log(f"training: {name}: {len(grid)} setting(s) on validation ...")
        t_search, scores = time_once(lambda: [_rmse(val, fit(train, **s)(val.item, val.user)) for s in grid])
        best = grid[int(np.argmin(scores))]
        if len(grid) > 1:
            search_times.append(f"{name}: {len(grid)} settings in {fmt_time(t_search)}")
        log(f"training: {name}: refit {describe(best)} on train + validation x {cfg.repeats} ...")
        holder: dict = {}

        def refit(best=best, fit=fit):
            holder["predict"] = fit(fitting, **best)

        t: Timing = measure(refit, cfg, warmup=0, number=1, min_time=0)
        test_rmse = _rmse(test, holder["predict"](test.item, test.user))
        rows.append([name, describe(best), fmt_time(t.median), f"{fmt_time(t.low)} – {fmt_time(t.high)}",
                     f"{min(scores):.4f}", test_rmse])
    biases = rows[2][5]
    for r in rows:
        r.append("" if r is rows[2] else f"{r[5] - biases:+.4f}")
        r[5] = f"{r[5]:.4f}"
    notes = [
        f"Data: {source}; {n_movies:,} movies x {n_users:,} users; {cold:,} test ratings are of movies "
        "with no rating in train + validation (cold movies).",
        f"Protocol: random split seed {p['split_seed']}; settings chosen by validation RMSE, then refitted on "
        f"train + validation and scored once on test. Collaborative filtering: `ru.train_cofi_observed` on "
        f"ratings minus the global mean with learned, penalised user and movie biases; Adam learning rate "
        f"{p['learning_rate']}, {p['iterations']} iterations, seed {p['init_seed']}, float64; predictions "
        "clipped to 0.5–5. Full statement (and why not per-movie mean normalization) in `benchmarks/training.py`.",
        f"Grids: features {{{_join(p['features'])}}} × λ {{{_join(p['lambdas'])}}} × λ_bias "
        f"{{{_join(p['lambda_biases'])}}}; biases-only λ "
        f"{{{_join(p['bias_lambdas'])}}}.",
        f"Fit time: one fit of the chosen setting on train + validation (TensorFlow tracing included), median "
        f"of {cfg.repeats}. Grid search, timed once: " + "; ".join(search_times) + ".",
        "Baselines computed in `benchmarks/training.py` (`recsys_utils.baselines` not used).",
    ]
    return ("### 2. Training (test RMSE beside the baselines)\n\n"
            + table(["model", "setting", "fit time", "min – max", "validation RMSE", "test RMSE", "vs biases only"],
                    rows, "llrrrrr")
            + "\n\n" + "\n".join(f"- {s}" for s in notes) + "\n")
