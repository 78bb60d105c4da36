"""MovieLens 25M and 32M: the real download code path, on small synthetic archives.

A local server on 127.0.0.1 serves archives in GroupLens' layout for ``ml-25m`` and
``ml-32m``; only the release's URL and checksums are substituted (`RELEASES`), everything
else (fetch, archive check, per-file check, atomic install, cache reuse) is the code a
learner runs. The checksums of the real archives are checked for form only: there is no
internet here.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import replace

import pytest

from recsys_utils.movielens import (
    RELEASES,
    ArchiveError,
    ChecksumError,
    DownloadError,
    load_movielens,
)

pytestmark = pytest.mark.usefixtures("isolated_data_env")

RATINGS = (
    b"userId,movieId,rating,timestamp\n1,1,4.0,1147880044\n1,296,5.0,1147880055\n"
    b"2,1,3.5,1141415820\n3,296,0.5,1439472215\n"
)
MOVIES = (
    b"movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n"
    b"296,Pulp Fiction (1994),Comedy|Crime|Drama|Thriller\n"
)
FILES = {
    "ml-25m": {
        "ratings.csv": RATINGS,
        "movies.csv": MOVIES,
        "tags.csv": b"userId,movieId,tag,timestamp\n3,296,classic,1439472256\n",
        "links.csv": b"movieId,imdbId,tmdbId\n1,0114709,862\n",
        "genome-scores.csv": b"movieId,tagId,relevance\n1,1,0.02875\n",
        "genome-tags.csv": b"tagId,tag\n1,007\n",
        "README.txt": b"Synthetic ml-25m for tests.\n",
    },
    "ml-32m": {
        "ratings.csv": RATINGS,
        "movies.csv": MOVIES,
        "tags.csv": b"userId,movieId,tag,timestamp\n3,296,classic,1439472256\n",
        "links.csv": b"movieId,imdbId,tmdbId\n1,0114709,862\n",
        "README.txt": b"Synthetic ml-32m for tests.\n",
    },
}
FILES["ml-32m"]["checksums.txt"] = b"".join(
    hashlib.md5(d).hexdigest().encode() + b"  " + n.encode() + b"\n"
    for n, d in FILES["ml-32m"].items()
    if n.endswith(".csv")
)


def _zip(dataset: str, files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(f"{dataset}/{name}", data)
    return buf.getvalue()


def _md5(data: bytes) -> str:
    return "md5:" + hashlib.md5(data).hexdigest()


@pytest.fixture
def release(server, monkeypatch):
    """``release(dataset, archive)``: serve ``archive`` and point the release at it.

    The release keeps its kind of verification: ml-25m the archive's MD5 and SHA-256 (no
    per-file checksums), ml-32m each file's MD5 and the archive's MD5.
    """

    def serve(dataset: str, archive: bytes, files: dict[str, bytes] | None = None):
        files = FILES[dataset] if files is None else files
        server.routes[f"/{dataset}.zip"] = (archive, "fast")
        real = RELEASES[dataset]
        sums = {n: _md5(files[n]) for n in real.checksums}  # same files, our MD5s
        fake = replace(
            real,
            url=server.url(f"/{dataset}.zip"),
            checksums=sums,
            archive_checksums=tuple(
                _md5(archive)
                if c.startswith("md5:")
                else "sha256:" + hashlib.sha256(archive).hexdigest()
                for c in real.archive_checksums
            ),
        )
        monkeypatch.setitem(RELEASES, dataset, fake)
        return fake

    return serve


def test_published_checksums_have_the_right_form():
    # From GroupLens' ml-25m.zip.md5 / ml-32m.zip.md5 and ml-32m-README.html (per-file MD5);
    # ml-25m's archive SHA-256 as recorded by several public projects. Never invented here.
    r25, r32 = RELEASES["ml-25m"], RELEASES["ml-32m"]
    assert r25.url == "https://files.grouplens.org/datasets/movielens/ml-25m.zip"
    assert r32.url == "https://files.grouplens.org/datasets/movielens/ml-32m.zip"
    assert r25.archive_checksums == (
        "md5:6b51fb2759a8657d3bfcbfc42b592ada",
        "sha256:8b21cfb7eb1706b4ec0aac894368d90acf26ebdfb6aced3ebd4ad5bd1eb9c6aa",
    )
    assert r25.checksums == {}  # none published per file for 25M
    assert r32.archive_checksums == ("md5:d472be332d4daa821edc399621853b57",)
    assert set(r32.checksums) == {"ratings.csv", "movies.csv", "tags.csv", "links.csv"}
    for checksum in [*r25.archive_checksums, *r32.archive_checksums, *r32.checksums.values()]:
        assert re.fullmatch(r"md5:[0-9a-f]{32}|sha256:[0-9a-f]{64}", checksum), checksum


@pytest.mark.parametrize("dataset", ["ml-25m", "ml-32m"])
def test_download_verify_install_reuse(server, release, isolated_data_env, capsys, dataset):
    cache, files = isolated_data_env, FILES[dataset]
    release(dataset, _zip(dataset, files))
    ml = load_movielens(dataset=dataset)
    assert (ml.origin, ml.dataset, ml.source) == ("download", dataset, cache / dataset)
    assert ml.ratings.shape == (4, 4) and [str(t) for t in ml.ratings.dtypes] == [
        "int32",
        "int32",
        "float64",
        "int64",
    ]
    assert f"Downloading {dataset}.zip" in capsys.readouterr().err
    assert sorted(p.name for p in cache.iterdir()) == [dataset]  # no zip, no temporary folder
    installed = sorted(p.name for p in (cache / dataset).iterdir())
    if dataset == "ml-25m":  # only the archive is published: the files' SHA-256 recorded
        assert installed == sorted([*files, "SHA256SUMS"])
        sums = (cache / dataset / "SHA256SUMS").read_text().splitlines()
        assert sorted(sums) == sorted(
            f"{hashlib.sha256(d).hexdigest()}  {n}" for n, d in files.items()
        )
    else:
        assert installed == sorted(files)
    again = load_movielens(dataset=dataset)
    assert again.origin == "cache" and again.ratings.equals(ml.ratings)
    assert server.requests == [f"/{dataset}.zip"]
    assert "ml-latest-small" not in {p.name for p in cache.iterdir()}


@pytest.mark.parametrize("dataset", ["ml-25m", "ml-32m"])
def test_damaged_cached_file_is_detected_and_repaired(server, release, isolated_data_env, dataset):
    cache = isolated_data_env
    release(dataset, _zip(dataset, FILES[dataset]))
    load_movielens(dataset=dataset)
    ratings = cache / dataset / "ratings.csv"
    ratings.write_bytes(RATINGS[:-20])  # a copy that stopped short
    algorithm = "SHA-256" if dataset == "ml-25m" else "MD5"
    with pytest.raises(
        ChecksumError,
        match=rf"(?s)ratings\.csv at .*{dataset} is not .*"
        rf"download=True.*expected {algorithm}",
    ):
        load_movielens(dataset=dataset, download=False)
    ml = load_movielens(dataset=dataset)
    assert ml.origin == "download" and ratings.read_bytes() == RATINGS
    assert server.requests == [f"/{dataset}.zip"] * 2


def test_25m_archive_that_is_not_the_published_one(server, release, isolated_data_env):
    cache = isolated_data_env
    fake = release("ml-25m", _zip("ml-25m", FILES["ml-25m"]))
    other = _zip("ml-25m", dict(FILES["ml-25m"], **{"README.txt": b"changed\n"}))
    server.routes["/ml-25m.zip"] = (other, "fast")
    with pytest.raises(ChecksumError) as info:
        load_movielens(dataset="ml-25m")
    message = str(info.value)
    assert message.startswith(f"ml-25m.zip at {fake.url} is not the expected MovieLens 25M")
    assert f"expected MD5 {fake.archive_checksums[0][4:]}" in message
    assert f"actual MD5   {hashlib.md5(other).hexdigest()}" in message
    assert "Nothing was installed" in message
    assert sorted(p.name for p in cache.iterdir()) == []


def test_32m_file_that_differs_from_the_published_md5(server, release, isolated_data_env):
    # A re-packed archive (so its own MD5 is not what guards it) with another movies.csv.
    cache = isolated_data_env
    release("ml-32m", b"")
    files = dict(FILES["ml-32m"], **{"movies.csv": MOVIES + b"3,Extra (2000),Drama\n"})
    repacked = _zip("ml-32m", files)
    fake = release("ml-32m", repacked, files=FILES["ml-32m"])  # archive MD5 of the repack
    with pytest.raises(
        ChecksumError,
        match=r"(?s)movies\.csv at .* is not the expected "
        r"MovieLens 32M.*expected MD5",
    ):
        load_movielens(dataset="ml-32m")
    assert fake.checksums["movies.csv"] == _md5(MOVIES)
    assert sorted(p.name for p in cache.iterdir()) == []


def test_25m_archive_lacking_a_file(server, release, isolated_data_env):
    files = {n: d for n, d in FILES["ml-25m"].items() if n != "genome-tags.csv"}
    release("ml-25m", _zip("ml-25m", files), files=files)
    with pytest.raises(ArchiveError, match="lacks genome-tags.csv"):
        load_movielens(dataset="ml-25m")
    assert sorted(p.name for p in isolated_data_env.iterdir()) == []


@pytest.mark.parametrize("dataset", ["ml-25m", "ml-32m"])
def test_zip_in_recsys_data_is_verified(release, tmp_path, monkeypatch, dataset):
    good = _zip(dataset, FILES[dataset])
    release(dataset, good)
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / f"{dataset}.zip").write_bytes(good)
    monkeypatch.setenv("RECSYS_DATA", str(folder))
    ml = load_movielens(dataset=dataset)
    assert (ml.origin, ml.dataset, len(ml.movies)) == ("RECSYS_DATA", dataset, 2)
    files = dict(FILES[dataset], **{"ratings.csv": RATINGS + b"4,1,2.0,1\n"})
    (folder / f"{dataset}.zip").write_bytes(_zip(dataset, files))
    what = f"{dataset}.zip" if dataset == "ml-25m" else "ratings.csv"
    with pytest.raises(ChecksumError, match=rf"{re.escape(what)} at .* is not the expected"):
        load_movielens(dataset=dataset)
    assert sorted(p.name for p in folder.iterdir()) == [f"{dataset}.zip"]  # nothing written


@pytest.mark.parametrize("dataset", ["ml-25m", "ml-32m"])
def test_offline(release, offline_url, isolated_data_env, monkeypatch, capsys, dataset):
    fake = release(dataset, b"")
    url = offline_url(f"{dataset}.zip")
    monkeypatch.setitem(RELEASES, dataset, replace(fake, url=url))
    with pytest.raises(DownloadError) as info:
        load_movielens(dataset=dataset)
    first = str(info.value).splitlines()[0]
    assert first.startswith(f"No connection to GroupLens, so MovieLens {dataset} cannot be")
    assert f"download {url} by hand" in first
    assert str(isolated_data_env / f"{dataset}.zip") in first and "RECSYS_DATA" in first
    assert info.value.__cause__ is None and info.value.__context__ is None
    assert "Downloading" not in capsys.readouterr().err
    assert not any(isolated_data_env.iterdir())  # no temporary folder left
