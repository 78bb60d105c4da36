"""load_movielens: resolution order, verification, dtypes and errors.

Most tests use the synthetic copy from ``conftest.synthetic_movielens`` with its own
checksums; the tests marked ``movielens`` read the real data through ``RECSYS_DATA`` only.
"""

import hashlib
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from recsys_utils import _movielens_base, _movielens_read, movielens
from recsys_utils.movielens import (
    CHECKSUMS,
    ArchiveError,
    ChecksumError,
    DataNotFoundError,
    MovieLens,
    load_movielens,
    movielens_cache_dir,
)

pytestmark = pytest.mark.usefixtures("isolated_data_env")


def _check_synthetic(ml: MovieLens, counts) -> None:
    assert isinstance(ml, MovieLens)
    assert ml.ratings.shape == (counts.n_ratings, 4)
    assert list(ml.ratings.columns) == ["userId", "movieId", "rating", "timestamp"]
    assert [str(t) for t in ml.ratings.dtypes] == ["int32", "int32", "float64", "int64"]
    assert ml.ratings["userId"].nunique() == counts.n_users
    assert ml.movies.shape == (counts.n_movies, 3)
    assert list(ml.movies.columns) == ["movieId", "title", "genres"]
    assert str(ml.movies["movieId"].dtype) == "int32"
    # A quoted title with a comma survives parsing.
    assert "American President, The (1995)" in set(ml.movies["title"])


# --- where the data is found -------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    ["folder", "folder_parent", "zip", "zip_parent"],
)
def test_explicit_path_layouts(synthetic_movielens, where):
    place = getattr(synthetic_movielens, where)
    ml = load_movielens(place, checksums=synthetic_movielens.checksums, download=False)
    _check_synthetic(ml, synthetic_movielens.counts)
    assert ml.origin == "path"
    expected = synthetic_movielens.zip if "zip" in where else synthetic_movielens.folder
    assert ml.source == expected
    assert synthetic_movielens.counts.n_ratings == 12 and "12 ratings" in repr(ml)


@pytest.mark.parametrize("layout", ["folder_parent", "zip_parent"])
def test_recsys_data_is_read_only(synthetic_movielens, monkeypatch, layout):
    root = getattr(synthetic_movielens, layout)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    monkeypatch.setenv("RECSYS_DATA", str(root))
    ml = load_movielens(checksums=synthetic_movielens.checksums)
    _check_synthetic(ml, synthetic_movielens.counts)
    assert ml.origin == "RECSYS_DATA"
    # Nothing written next to the data (the zip is read in memory).
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_path_wins_over_recsys_data(synthetic_movielens, monkeypatch, tmp_path):
    monkeypatch.setenv("RECSYS_DATA", str(tmp_path / "does-not-exist"))
    ml = load_movielens(synthetic_movielens.zip, checksums=synthetic_movielens.checksums)
    assert ml.origin == "path"


@pytest.mark.parametrize("layout", ["folder", "zip"])
def test_cache(synthetic_movielens, isolated_data_env, layout):
    cache = isolated_data_env
    cache.mkdir()
    if layout == "folder":
        shutil.copytree(synthetic_movielens.folder, cache / "ml-latest-small")
    else:
        shutil.copy(synthetic_movielens.zip, cache)
    ml = load_movielens(checksums=synthetic_movielens.checksums, download=False)
    _check_synthetic(ml, synthetic_movielens.counts)
    assert ml.origin == "cache"
    assert ml.source.parent == cache


def test_cache_dir_resolution(monkeypatch, tmp_path):
    # RECSYS_CACHE moves the cache.
    monkeypatch.setenv("RECSYS_CACHE", str(tmp_path / "elsewhere"))
    assert movielens_cache_dir() == tmp_path / "elsewhere"
    # In this source checkout: <repo>/data.
    monkeypatch.delenv("RECSYS_CACHE")
    repo = Path(movielens.__file__).resolve().parent.parent
    assert movielens_cache_dir() == repo / "data"
    # Installed elsewhere (no pyproject.toml next to the package): the per-user cache.
    fake = tmp_path / "site-packages" / "recsys_utils" / "_movielens_base.py"
    monkeypatch.setattr(_movielens_base, "__file__", str(fake))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert movielens_cache_dir().name == "recsys_utils"
    assert movielens_cache_dir() != repo / "data"


# --- verification ------------------------------------------------------------------------


def test_default_checksums_are_the_2018_release(synthetic_movielens):
    assert set(CHECKSUMS) == {"ratings.csv", "movies.csv", "links.csv", "tags.csv", "README.txt"}
    assert CHECKSUMS["ratings.csv"].startswith("aa289ca8")
    # The synthetic files are not the release: the defaults reject them.
    with pytest.raises(ChecksumError, match="ratings.csv"):
        load_movielens(synthetic_movielens.folder)


@pytest.mark.parametrize("name", ["ratings.csv", "movies.csv", "tags.csv"])
def test_checksum_mismatch_in_folder(synthetic_movielens, name):
    path = synthetic_movielens.folder / name
    path.write_bytes(path.read_bytes().replace(b"1", b"2", 1))
    with pytest.raises(ChecksumError) as info:
        load_movielens(synthetic_movielens.folder, checksums=synthetic_movielens.checksums)
    message = str(info.value)
    assert name in message and str(synthetic_movielens.folder) in message
    assert synthetic_movielens.checksums[name] in message  # expected
    assert hashlib.sha256(path.read_bytes()).hexdigest() in message  # actual
    # The user's own file: no advice to delete it; how to load other data instead.
    assert "fresh copy from https://files.grouplens.org" in message
    assert "ru.ratings_to_matrices" in message and "checksums={}" in message
    assert "delete" not in message.lower()


def test_checksum_mismatch_in_zip(synthetic_movielens, tmp_path):
    files = dict(synthetic_movielens.files, **{"movies.csv": b"movieId,title,genres\n"})
    bad = synthetic_movielens.make_zip(tmp_path / "bad" / "ml-latest-small.zip", files)
    with pytest.raises(ChecksumError, match=r"(?s)movies\.csv at .*bad.*expected SHA-256"):
        load_movielens(bad, checksums=synthetic_movielens.checksums)


def test_each_file_is_hashed_once_per_process(synthetic_movielens, monkeypatch):
    calls = []
    real_verify = _movielens_read.verify_stream

    def counting_verify(*args):
        calls.append(args)
        return real_verify(*args)

    monkeypatch.setattr(_movielens_read, "verify_stream", counting_verify)
    kwargs = {"checksums": synthetic_movielens.checksums}
    load_movielens(synthetic_movielens.folder, **kwargs)
    assert len(calls) == 5  # each of the 5 files once
    load_movielens(synthetic_movielens.folder, **kwargs)
    assert len(calls) == 5  # unchanged files are not hashed again
    # A changed file (new size and mtime) is hashed again, and refused.
    ratings = synthetic_movielens.folder / "ratings.csv"
    ratings.write_bytes(ratings.read_bytes() + b"7,1,3.0,1\n")
    with pytest.raises(ChecksumError, match="ratings.csv"):
        load_movielens(synthetic_movielens.folder, **kwargs)
    assert len(calls) == 6


# --- missing or damaged data -------------------------------------------------------------


def test_missing_path(tmp_path):
    place = tmp_path / "nowhere"
    with pytest.raises(DataNotFoundError) as info:
        load_movielens(place, download=False)
    message = str(info.value)
    for looked in ("ratings.csv", "ml-latest-small", "ml-latest-small.zip"):
        assert str(place / looked) in message
    assert "files.grouplens.org" in message


def test_recsys_data_without_data(monkeypatch, tmp_path):
    monkeypatch.setenv("RECSYS_DATA", str(tmp_path))
    with pytest.raises(DataNotFoundError, match=r"RECSYS_DATA=.*point RECSYS_DATA"):
        load_movielens(download=False)


def test_nothing_anywhere_lists_the_places(isolated_data_env):
    with pytest.raises(DataNotFoundError) as info:
        load_movielens(download=False)
    message = str(info.value)
    assert "RECSYS_DATA (not set)" in message
    assert str(isolated_data_env / "ml-latest-small") in message
    assert "RECSYS_CACHE" in message and "files.grouplens.org" in message
    assert not isolated_data_env.exists()  # download=False writes nothing


def test_folder_without_movies_csv(synthetic_movielens):
    (synthetic_movielens.folder / "movies.csv").unlink()
    with pytest.raises(DataNotFoundError, match=r"has no movies\.csv"):
        load_movielens(synthetic_movielens.folder, checksums=synthetic_movielens.checksums)


def test_truncated_zip(synthetic_movielens, tmp_path):
    data = synthetic_movielens.zip_bytes
    cut = tmp_path / "cut" / "ml-latest-small.zip"
    cut.parent.mkdir()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArchiveError, match="truncated or corrupt"):
        load_movielens(cut, checksums=synthetic_movielens.checksums)


def test_corrupt_member_in_zip(synthetic_movielens, tmp_path):
    # Stored (not compressed) so the bytes can be changed in place; the CRC then fails.
    path = tmp_path / "crc" / "ml-latest-small.zip"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in synthetic_movielens.files.items():
            zf.writestr("ml-latest-small/" + name, data)
    raw = path.read_bytes()
    at = raw.index(b"964982703")
    path.write_bytes(raw[:at] + b"000000000" + raw[at + 9 :])
    with pytest.raises(ArchiveError, match="truncated or corrupt"):
        load_movielens(path, checksums=synthetic_movielens.checksums)


def test_zip_that_is_not_movielens(synthetic_movielens, tmp_path):
    other = synthetic_movielens.make_zip(tmp_path / "o" / "ml-latest-small.zip", {"a.txt": b"x"})
    with pytest.raises(ArchiveError, match=r"has no ratings\.csv or movies\.csv"):
        load_movielens(other, checksums=synthetic_movielens.checksums)


# --- the real MovieLens (through RECSYS_DATA only) ---------------------------------------


def _check_real(ml: MovieLens) -> None:
    r, m = ml.ratings, ml.movies
    # Figures from GroupLens' README and ../shared/data/CHECKSUMS.md.
    assert len(r) == 100_836
    assert r["userId"].nunique() == 610
    assert len(m) == 9_742
    assert r["movieId"].nunique() == 9_724
    assert [str(t) for t in r.dtypes] == ["int32", "int32", "float64", "int64"]
    assert r["rating"].min() == 0.5 and r["rating"].max() == 5.0
    np.testing.assert_array_equal(np.unique(r["rating"]), np.arange(1, 11) / 2)
    assert r["rating"].mean() == pytest.approx(3.5016, abs=5e-5)
    assert r.groupby("userId").size().min() == 20
    assert not r.duplicated(["userId", "movieId"]).any()


@pytest.mark.movielens
def test_real_movielens_folder(real_movielens_dir, monkeypatch):
    if not (real_movielens_dir / "ml-latest-small").is_dir():
        pytest.skip(f"RECSYS_DATA={real_movielens_dir} holds no ml-latest-small/ folder")
    monkeypatch.setenv("RECSYS_DATA", str(real_movielens_dir))
    ml = load_movielens(download=False)
    assert ml.origin == "RECSYS_DATA" and ml.source == real_movielens_dir / "ml-latest-small"
    _check_real(ml)


@pytest.mark.movielens
def test_real_movielens_zip_only(real_movielens_dir, monkeypatch, tmp_path):
    archive = real_movielens_dir / "ml-latest-small.zip"
    if not archive.is_file():
        pytest.skip(f"RECSYS_DATA={real_movielens_dir} holds no ml-latest-small.zip")
    only_zip = tmp_path / "only-zip"
    only_zip.mkdir()
    shutil.copy(archive, only_zip)
    os.chmod(only_zip, 0o555)  # read-only, like a shared copy
    monkeypatch.setenv("RECSYS_DATA", str(only_zip))
    try:
        ml = load_movielens(download=False)
        assert sorted(os.listdir(only_zip)) == ["ml-latest-small.zip"]
    finally:
        os.chmod(only_zip, 0o755)
    assert ml.source == only_zip / "ml-latest-small.zip"
    _check_real(ml)


# --- unclear errors of issue 10, made clear ----------------------------------------------


@pytest.mark.parametrize("name", ["ratings.csv", "movies.csv"])
def test_path_to_a_csv_says_what_path_must_be(synthetic_movielens, name):
    csv = synthetic_movielens.folder / name
    with pytest.raises(ArchiveError) as info:
        load_movielens(csv, checksums=synthetic_movielens.checksums)
    message = str(info.value)
    assert message.startswith(f"path={csv} is a file but not a zip archive")
    assert "corrupt" not in message
    # The call that works, and how to load ratings of one's own.
    assert f"load_movielens({str(synthetic_movielens.folder)!r})" in message
    assert "pd.read_csv" in message and "ru.ratings_to_matrices" in message
    ml = load_movielens(synthetic_movielens.folder, checksums=synthetic_movielens.checksums)
    assert len(ml.ratings) == synthetic_movielens.counts.n_ratings


def test_own_data_in_recsys_data_is_never_to_be_deleted(synthetic_movielens, monkeypatch):
    # The synthetic files are "the user's own ratings" in MovieLens' layout: the default
    # checksums refuse them, and the advice is how to load them, not to delete them.
    monkeypatch.setenv("RECSYS_DATA", str(synthetic_movielens.folder_parent))
    with pytest.raises(ChecksumError) as info:
        load_movielens()
    message = str(info.value)
    assert "delete" not in message.lower()
    assert "ru.ratings_to_matrices" in message and "checksums={}" in message
    # ... and the advice works: checksums={} reads them unverified.
    ml = load_movielens(checksums={})
    _check_synthetic(ml, synthetic_movielens.counts)
    assert sorted(p.name for p in synthetic_movielens.folder.iterdir()) == sorted(
        synthetic_movielens.files
    )


def test_unknown_dataset():
    with pytest.raises(
        ValueError,
        match=r"dataset must be one of 'ml-latest-small', 'ml-25m', "
        r"'ml-32m'; got 'ml-100k'",
    ):
        load_movielens(dataset="ml-100k")
    with pytest.raises(TypeError, match=r"dataset must be a str.*got int 25"):
        load_movielens(dataset=25)


def test_damaged_zip_in_the_cache_with_download_false(synthetic_movielens, isolated_data_env):
    cache = isolated_data_env
    cache.mkdir()
    (cache / "ml-latest-small.zip").write_bytes(synthetic_movielens.zip_bytes[:300])
    with pytest.raises(ArchiveError) as info:
        load_movielens(download=False, checksums=synthetic_movielens.checksums)
    assert str(info.value).splitlines()[0] == (
        f"Cannot read the zip archive {cache / 'ml-latest-small.zip'}: it is truncated or "
        "corrupt. load_movielens(download=True) replaces it with a fresh download."
    )
    assert sorted(p.name for p in cache.iterdir()) == ["ml-latest-small.zip"]  # untouched


def test_checksums_argument_is_checked(synthetic_movielens):
    folder = synthetic_movielens.folder
    with pytest.raises(TypeError, match=r"checksums must be a mapping .* got list"):
        load_movielens(folder, checksums=["ratings.csv"])
    with pytest.raises(
        ValueError,
        match=r"checksums\['ratings.csv'\] must be a SHA-256 .* "
        r"got 'sha1:abc'",
    ):
        load_movielens(folder, checksums={"ratings.csv": "sha1:abc"})
    with pytest.raises(TypeError, match=r"url must be a str"):
        load_movielens(url=3)
    # Both spellings of a SHA-256, and an MD5, are accepted and verified.
    data = synthetic_movielens.files["ratings.csv"]
    for checksum in (
        hashlib.sha256(data).hexdigest(),
        "sha256:" + hashlib.sha256(data).hexdigest(),
        "md5:" + hashlib.md5(data).hexdigest(),
    ):
        assert len(load_movielens(folder, checksums={"ratings.csv": checksum}).ratings) == 12
    with pytest.raises(ChecksumError, match=r"expected MD5 0{32}"):
        load_movielens(folder, checksums={"ratings.csv": "md5:" + "0" * 32})
