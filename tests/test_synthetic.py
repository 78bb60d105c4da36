"""recsys_utils.synthetic: sizes, ranges, the planted noise floor, determinism, bad input."""

import numpy as np
import pytest

from recsys_utils.synthetic import movielens_25m_shape, synthetic_ratings, train_test_indices


@pytest.fixture(scope="module")
def data():
    return synthetic_ratings(2_000, 800, 60_000, seed=3)


def test_shapes_dtypes_and_ranges(data):
    assert data.n_ratings == 60_000 and data.n_users == 2_000 and data.n_movies == 800
    for a in (data.item_idx, data.user_idx, data.rating, data.timestamp, data.expected):
        assert a.shape == (60_000,)
    assert data.item_idx.dtype == np.int32 and data.user_idx.dtype == np.int32
    assert data.X.shape == (800, 8) and data.W.shape == (2_000, 8)
    assert data.b.shape == (1, 2_000) and data.c.shape == (800, 1)
    assert 0 <= data.item_idx.min() and data.item_idx.max() < 800
    assert 0 <= data.user_idx.min() and data.user_idx.max() < 2_000
    assert data.rating.min() >= 0.5 and data.rating.max() <= 5.0
    np.testing.assert_array_equal(data.rating * 2, np.round(data.rating * 2))  # half stars
    assert 789_652_009 <= data.timestamp.min() and data.timestamp.max() <= 1_574_327_703


def test_pairs_are_distinct_and_sorted_like_movielens(data):
    key = data.user_idx.astype(np.int64) * 800 + data.item_idx
    assert np.all(np.diff(key) > 0), "sorted by user, then movie, no pair twice"


def test_popularity_is_zipf_like():
    # Sparse (0.1 % of cells), so dropping repeated pairs hardly changes the shares.
    d = synthetic_ratings(25_000, 800, 20_000, seed=3)
    counts = np.sort(np.bincount(d.item_idx, minlength=800))[::-1]
    # Weights (rank + r0)^-1 with r0 = 1 + 800/200 = 5: the top movie's share is
    # (1/5) / sum_{r<800} 1/(r+5) ~ 0.2 / ln(804.5/4.5) ~ 0.2 / 5.19 ~ 3.9 %, the median's
    # (1/405) / 5.19 ~ 0.05 %: a ratio of ~80.
    assert counts[0] / 20_000 == pytest.approx(0.039, rel=0.15)
    assert counts[0] / np.median(counts) > 40


def test_true_parameters_recover_the_planted_noise_floor(data):
    # Rebuild m from the returned parameters: the planted model, not a stored copy.
    i, j = data.item_idx, data.user_idx
    m = data.mu + data.b[0, j] + data.c[i, 0] + np.einsum("tk,tk->t", data.X[i], data.W[j])
    np.testing.assert_allclose(data.expected, m, rtol=1e-6)
    # Noise sigma = 0.5 plus half-star rounding (uniform, width 0.5, variance 0.5^2/12):
    # sqrt(0.25 + 0.0208) = 0.520; clipping (ratings past 0.5 or 5) only lowers it a little.
    rmse = np.sqrt(np.mean((data.rating - m) ** 2))
    assert rmse == pytest.approx(data.noise_floor())
    assert 0.49 < rmse <= 0.525
    # Signal sd sqrt(0.35^2 + 0.45^2 + 0.45^2) = 0.73 beside noise 0.52: the ratings' sd is about
    # sqrt(0.73^2 + 0.52^2) = 0.90 before clipping, so the planted model explains much more than
    # the global mean does.
    assert np.std(data.rating) == pytest.approx(0.90, abs=0.06)


def test_continuous_ratings_floor_is_sigma():
    d = synthetic_ratings(3_000, 1_000, 100_000, noise=0.3, half_stars=False, seed=0)
    # No rounding; clipping at 0.5 / 5 shortens a few errors, so slightly below sigma = 0.3.
    assert d.noise_floor() == pytest.approx(0.3, abs=0.01)
    assert d.noise_floor() <= 0.3 + 0.003


def test_seeded_and_deterministic():
    a, b, c = (synthetic_ratings(300, 200, 5_000, seed=s) for s in (7, 7, 8))
    for name in ("item_idx", "user_idx", "rating", "timestamp", "expected"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.item_idx, c.item_idx)


def test_frame_is_movielens_layout():
    d = synthetic_ratings(30, 20, 100, seed=0)
    df = d.frame()
    assert list(df.columns) == ["userId", "movieId", "rating", "timestamp"]
    assert df.userId.min() >= 1 and df.movieId.min() >= 1 and len(df) == 100


def test_movielens_25m_shape():
    assert movielens_25m_shape(25_000_095) == (162_541, 62_423)
    # sqrt(10^6 / 25,000,095) = 0.2000 -> 32,508 users x 12,485 movies, density unchanged
    nu, nm = movielens_25m_shape(1_000_000)
    assert (nu, nm) == (32_508, 12_485)
    assert 1_000_000 / (nu * nm) == pytest.approx(25_000_095 / (162_541 * 62_423), rel=1e-3)


def test_train_test_indices():
    tr, te = train_test_indices(1_000, 0.2, seed=1)
    assert len(te) == 200 and len(tr) == 800
    np.testing.assert_array_equal(np.sort(np.concatenate([tr, te])), np.arange(1_000))
    np.testing.assert_array_equal(te, train_test_indices(1_000, 0.2, seed=1)[1])
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_indices(10, 1.5)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(n_users=0), ValueError, "n_users"),
        (dict(n_ratings=2.5), ValueError, "n_ratings"),
        (dict(n_ratings=601), ValueError, "more than half"),
        (dict(noise=-1.0), ValueError, "noise"),
        (dict(noise="big"), TypeError, "noise"),
        (dict(popularity_exponent=float("nan")), ValueError, "popularity_exponent"),
    ],
)
def test_bad_input(kwargs, exc, match):
    args = dict(n_users=40, n_movies=30, n_ratings=100) | kwargs
    with pytest.raises(exc, match=match):
        synthetic_ratings(**args)
