"""MovieLens ml-latest-small: find a local copy, verify it, load it as DataFrames.

`load_movielens` looks in one place after another and uses the first that has the data:

1. ``path``, if given: a folder holding ``ratings.csv`` and ``movies.csv``, a folder holding
   ``ml-latest-small/`` or ``ml-latest-small.zip``, or the zip file itself;
2. else the environment variable ``RECSYS_DATA``: the same choices. It may be read-only
   (a shared or CI copy): nothing is ever written there, a zip is read in memory;
3. else the cache, `movielens_cache_dir`: ``$RECSYS_CACHE`` if set, else ``data/`` in a
   source checkout of this project, else a per-user cache folder
   (``~/.cache/recsys_utils`` on Linux, ``~/Library/Caches/recsys_utils`` on macOS);
4. else, unless ``download=False``, it downloads the archive from GroupLens into the cache
   (`recsys_utils.download`).

Every file of the release that is present is checked against the SHA-256 content checksums
of the 2018-09-26 release (`CHECKSUMS`); a file that does not match is never used. The
*files* are verified, not the archive, because re-packed archives of the same release
differ byte for byte. A file is hashed once per process per (path, size, mtime).
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported when data is loaded, not with the package
    import pandas as pd

__all__ = [
    "CHECKSUMS",
    "MOVIELENS_URL",
    "ChecksumError",
    "ArchiveError",
    "DataNotFoundError",
    "DownloadError",
    "MovieLens",
    "load_movielens",
    "movielens_cache_dir",
]

DATASET = "ml-latest-small"
RELEASE = "MovieLens ml-latest-small, release of 2018-09-26"
MOVIELENS_URL = "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip"
#: SHA-256 of each extracted file of the 2018-09-26 release (identical in every re-packing).
CHECKSUMS: dict[str, str] = {
    "ratings.csv": "aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646",
    "movies.csv": "5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07",
    "links.csv": "97ad18e4e56a09363c65676b6cb3482ce3e2cea2372a24620c1599c843325f31",
    "tags.csv": "92a9f8bb7916dceef6151209845788c3643f794dfa79d1feaec7121b5960399d",
    "README.txt": "63d22ac138e80fae37021797ed8e1b9424b5239dc576a137422adf783ae3f404",
}
REQUIRED = ("ratings.csv", "movies.csv")
RATINGS_DTYPES = {"userId": "int32", "movieId": "int32", "rating": "float64", "timestamp": "int64"}
MOVIES_DTYPES = {"movieId": "int32"}

# (path, size, mtime_ns, expected sha256) of files already verified in this process.
_VERIFIED: set[tuple[str, int, int, str]] = set()


class DataNotFoundError(FileNotFoundError):
    """No copy of MovieLens where `load_movielens` looked (and no download)."""


class ChecksumError(ValueError):
    """A MovieLens file's SHA-256 differs from the expected release's."""


class ArchiveError(ValueError):
    """A MovieLens zip archive is unreadable, truncated, incomplete or unsafe."""


class DownloadError(OSError):
    """Downloading MovieLens failed: unreachable server, or no write permission for the cache."""


@dataclass(frozen=True, repr=False)
class MovieLens:
    """MovieLens ml-latest-small as returned by `load_movielens`.

    Attributes
    ----------
    ratings : pandas.DataFrame, shape (n_ratings, 4)
        One row per rating: ``userId`` int32, ``movieId`` int32, ``rating`` float64 (0.5 to 5
        in steps of 0.5), ``timestamp`` int64 (seconds since 1970-01-01 UTC).
        100,836 rows, 610 users, 9,724 rated movies.
    movies : pandas.DataFrame, shape (n_movies, 3)
        ``movieId`` int32, ``title`` and ``genres`` as pandas' default string dtype
        (``genres`` is ``|``-separated, e.g. ``"Adventure|Animation"``). 9,742 rows.
    source : pathlib.Path
        The folder or zip file the data was read from.
    origin : str
        How it was found: ``"path"``, ``"RECSYS_DATA"``, ``"cache"`` or ``"download"``.
    """

    ratings: pd.DataFrame
    movies: pd.DataFrame
    source: Path
    origin: str

    def __repr__(self) -> str:
        r = self.ratings
        return (
            f"MovieLens({len(r):,} ratings by {r['userId'].nunique():,} users of "
            f"{r['movieId'].nunique():,} movies; {len(self.movies):,} movies in movies.csv; "
            f"from {self.origin}: {self.source})"
        )


def movielens_cache_dir() -> Path:
    """Return the folder where MovieLens is cached (and downloaded to).

    ``$RECSYS_CACHE`` if set; else ``data/`` of a source checkout of this project (the
    package folder's parent holds this project's ``pyproject.toml`` and a ``data/`` folder);
    else the per-user cache folder ``pooch.os_cache("recsys_utils")``. The folder may not
    exist yet. MovieLens lives in ``<cache>/ml-latest-small/``.
    """
    env = os.environ.get("RECSYS_CACHE")
    if env:
        return Path(env).expanduser()
    root = Path(__file__).resolve().parent.parent
    pyproject = root / "pyproject.toml"
    if (root / "data").is_dir() and pyproject.is_file():
        if 'name = "recsys-utils"' in pyproject.read_text(encoding="utf-8", errors="replace"):
            return root / "data"
    import pooch  # only needed here; keeps `import recsys_utils` light

    return Path(pooch.os_cache("recsys_utils"))


def _candidates(place: Path) -> list[Path]:
    """Where, at ``place``, the data may be (in order of preference)."""
    return [place / "ratings.csv", place / DATASET, place / f"{DATASET}.zip"]


def _find(place: Path) -> Path | None:
    """Return the data folder or zip file at ``place``, or None."""
    if place.is_file():
        return place
    ratings, folder, archive = _candidates(place)
    if ratings.is_file():
        return place
    if folder.is_dir():
        return folder
    if archive.is_file():
        return archive
    return None


def _mismatch(where: str, name: str, expected: str, actual: str) -> ChecksumError:
    return ChecksumError(
        f"{name} at {where} does not match the expected {RELEASE}:\n"
        f"  expected SHA-256 {expected}\n"
        f"  actual SHA-256   {actual}\n"
        "The file is damaged or incomplete (delete it and download it again from "
        f"{MOVIELENS_URL}), or GroupLens has published a new release of ml-latest-small, "
        "which this version of recsys_utils does not know."
    )


def _verify_file(path: Path, expected: str) -> None:
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns, expected)
    if key in _VERIFIED:
        return
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    actual = digest.hexdigest()
    if actual != expected:
        raise _mismatch(str(path.parent), path.name, expected, actual)
    _VERIFIED.add(key)


def _archive_members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Map each release file name to its member: ``ml-latest-small/<name>`` or ``<name>``."""
    found: dict[str, zipfile.ZipInfo] = {}
    for info in zf.infolist():
        parent, _, name = info.filename.rpartition("/")
        if not info.is_dir() and parent in ("", DATASET):
            found.setdefault(name, info)
    return found


def _read_zip(path: Path, checksums: Mapping[str, str]) -> dict[str, bytes]:
    """Read and verify the release's files from the zip ``path``, in memory."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = _archive_members(zf)
            missing = [name for name in REQUIRED if name not in members]
            if missing:
                raise ArchiveError(
                    f"{path} has no {' or '.join(missing)} (looked for {DATASET}/<file> and "
                    f"<file>); is it the {DATASET} archive from {MOVIELENS_URL}?"
                )
            blobs = {n: zf.read(members[n]) for n in members if n in checksums or n in REQUIRED}
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ArchiveError(
            f"cannot read the zip archive {path}: {exc}. It is truncated or corrupt; "
            f"download it again from {MOVIELENS_URL}"
        ) from exc
    for name, data in blobs.items():
        expected = checksums.get(name)
        if expected is not None:
            actual = hashlib.sha256(data).hexdigest()
            if actual != expected:
                raise _mismatch(str(path), name, expected, actual)
    return blobs


def _read_verified(
    source: Path, checksums: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Verify and parse the folder or zip ``source``; return ``(ratings, movies)`` DataFrames.

    Raises `DataNotFoundError` if ``ratings.csv`` or ``movies.csv`` is missing, `ChecksumError`
    if a file of the release does not match ``checksums`` (default `CHECKSUMS`), and
    `ArchiveError` if a zip cannot be read.
    """
    import pandas as pd

    checksums = CHECKSUMS if checksums is None else checksums
    if source.is_file():
        blobs = _read_zip(source, checksums)
        ratings_src, movies_src = (io.BytesIO(blobs[n]) for n in REQUIRED)
    else:
        missing = [n for n in REQUIRED if not (source / n).is_file()]
        if missing:
            raise DataNotFoundError(
                f"{source} has no {' or '.join(missing)}; put the files of the {DATASET} "
                f"archive ({MOVIELENS_URL}) there"
            )
        for name, expected in checksums.items():
            if (source / name).is_file():
                _verify_file(source / name, expected)
        ratings_src, movies_src = (source / n for n in REQUIRED)
    ratings = pd.read_csv(ratings_src, dtype=RATINGS_DTYPES)
    movies = pd.read_csv(movies_src, dtype=MOVIES_DTYPES)
    return ratings, movies


def load_movielens(
    path: str | os.PathLike | None = None,
    *,
    download: bool = True,
    url: str | None = None,
    checksums: Mapping[str, str] | None = None,
) -> MovieLens:
    """Load MovieLens ml-latest-small, verified, from the first place that has it.

    Parameters
    ----------
    path : str or path-like, optional
        A folder holding ``ratings.csv`` and ``movies.csv``, or a folder holding
        ``ml-latest-small/`` or ``ml-latest-small.zip``, or that zip file. When ``path`` (or
        else ``$RECSYS_DATA``) is given, only that place is used: no cache, no download.
    download : bool, default True
        If the cache has no verified copy, download the archive from GroupLens into the
        cache (`recsys_utils.download.download_movielens`). ``False`` never uses the network.
    url : str, optional
        Where to download from; default `MOVIELENS_URL` (GroupLens). For mirrors and tests.
    checksums : mapping of str to str, optional
        Expected SHA-256 of each file (``{"ratings.csv": "aa28...", ...}``); default
        `CHECKSUMS`, the 2018-09-26 release. Files not named here are not verified.

    Returns
    -------
    MovieLens
        ``ratings`` (100,836 x 4: ``userId`` int32, ``movieId`` int32, ``rating`` float64,
        ``timestamp`` int64), ``movies`` (9,742 x 3: ``movieId`` int32, ``title``, ``genres``
        strings), ``source`` and ``origin``.

    Raises
    ------
    DataNotFoundError
        No copy found (and ``download=False``): the message lists the places searched.
    ChecksumError
        A file differs from the expected release: which file, expected and actual SHA-256.
    ArchiveError
        A zip archive is truncated, corrupt or unsafe.
    DownloadError
        The download failed (offline, server unreachable) or the cache is not writable.

    Examples
    --------
    >>> ml = load_movielens()  # doctest: +SKIP
    >>> ml.ratings.shape, ml.ratings["userId"].nunique(), len(ml.movies)  # doctest: +SKIP
    ((100836, 4), 610, 9742)
    """
    if path is not None or os.environ.get("RECSYS_DATA"):
        origin = "path" if path is not None else "RECSYS_DATA"
        place = Path(path if path is not None else os.environ["RECSYS_DATA"]).expanduser()
        source = _find(place)
        if source is None:
            looked = ", ".join(str(p) for p in _candidates(place))
            raise DataNotFoundError(
                f"no MovieLens data at {origin}={place} (looked for {looked}). Put the "
                f"{DATASET} folder or {DATASET}.zip (from {MOVIELENS_URL}) there, or point "
                f"{'path' if origin == 'path' else 'RECSYS_DATA'} at the folder that holds it"
            )
        return MovieLens(*_read_verified(source, checksums), source=source, origin=origin)

    cache = movielens_cache_dir()
    folder, archive = cache / DATASET, cache / f"{DATASET}.zip"
    if archive.is_file() and not folder.exists():  # a zip put there by hand
        return MovieLens(*_read_verified(archive, checksums), source=archive, origin="cache")
    if folder.exists():
        try:
            return MovieLens(*_read_verified(folder, checksums), source=folder, origin="cache")
        except (ChecksumError, DataNotFoundError) as exc:
            if not download:
                raise type(exc)(
                    f"the cached copy in {folder} is damaged or incomplete: {exc}\n"
                    "Call load_movielens(download=True) to replace it with a fresh download."
                ) from exc
            # Damaged (e.g. by a crash while copying): a verified download replaces it.
    if not download:
        raise DataNotFoundError(
            f"MovieLens {DATASET} not found, and download=False. Looked in: RECSYS_DATA "
            f"(not set), the cache {folder} and {archive}. Download {MOVIELENS_URL} by hand "
            f"and unzip it into {cache} (or set RECSYS_CACHE to move the cache), or set "
            f"RECSYS_DATA to a folder holding {DATASET}/ or {DATASET}.zip"
        )
    from recsys_utils.download import download_movielens

    folder = download_movielens(cache, url=url or MOVIELENS_URL, checksums=checksums)
    return MovieLens(*_read_verified(folder, checksums), source=folder, origin="download")
