"""MovieLens: find a local copy, verify it, load it as DataFrames (downloading it if need be).

`load_movielens` looks in one place after another and uses the first that has the data:

1. ``path``, if given: a folder holding ``ratings.csv`` and ``movies.csv``, a folder holding
   ``<dataset>/`` or ``<dataset>.zip`` (e.g. ``ml-latest-small/``), or the zip file itself;
2. else the environment variable ``RECSYS_DATA``: the same choices. It may be read-only
   (a shared or CI copy): nothing is ever written there, a zip is read without extracting;
3. else the cache, `movielens_cache_dir`: ``$RECSYS_CACHE`` if set, else ``data/`` in a
   source checkout of this project, else a per-user cache folder
   (``~/.cache/recsys_utils`` on Linux, ``~/Library/Caches/recsys_utils`` on macOS);
4. else, unless ``download=False``, it downloads the archive from GroupLens into the cache
   (`recsys_utils.download`); a damaged cached copy is replaced the same way.

``dataset`` is ``"ml-latest-small"`` (the default, 100,836 ratings), ``"ml-25m"`` or
``"ml-32m"`` (`RELEASES`). Every file with a known checksum is verified wherever it is found:
ml-latest-small against the SHA-256 of each file of its 2018-09-26 release (`CHECKSUMS`),
ml-32m against the MD5 GroupLens publishes for each file. For ml-25m GroupLens publishes only
the archive's MD5: the zip is verified as a whole, and a folder the loader installed is
verified against the SHA-256 it recorded from that verified zip (``SHA256SUMS``). A file that
does not match is never used. A file is hashed once per process per (path, size, mtime).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from recsys_utils._movielens_base import (
    CHECKSUMS,
    DATASET,
    MOVIELENS_URL,
    RELEASES,
    ArchiveError,
    ChecksumError,
    DataNotFoundError,
    DownloadError,
    MovieLensError,
    Release,
    get_release,
    movielens_cache_dir,
    own_data_hint,
    with_overrides,
)
from recsys_utils._movielens_read import find_copy, read_copy

if TYPE_CHECKING:  # pandas is imported when data is loaded, not with the package
    import pandas as pd

__all__ = [
    "CHECKSUMS",
    "MOVIELENS_URL",
    "RELEASES",
    "ArchiveError",
    "ChecksumError",
    "DataNotFoundError",
    "DownloadError",
    "MovieLens",
    "MovieLensError",
    "load_movielens",
    "movielens_cache_dir",
]


@dataclass(frozen=True, repr=False)
class MovieLens:
    """A MovieLens release as returned by `load_movielens`.

    Attributes
    ----------
    ratings : pandas.DataFrame, shape (n_ratings, 4)
        One row per rating: ``userId`` int32, ``movieId`` int32, ``rating`` float64 (0.5 to 5
        in steps of 0.5), ``timestamp`` int64 (seconds since 1970-01-01 UTC).
        ml-latest-small: 100,836 rows, 610 users, 9,724 rated movies.
    movies : pandas.DataFrame, shape (n_movies, 3)
        ``movieId`` int32, ``title`` and ``genres`` as pandas' default string dtype
        (``genres`` is ``|``-separated, e.g. ``"Adventure|Animation"``). ml-latest-small:
        9,742 rows.
    source : pathlib.Path
        The folder or zip file the data was read from.
    origin : str
        How it was found: ``"path"``, ``"RECSYS_DATA"``, ``"cache"`` or ``"download"``.
    dataset : str
        Which release: ``"ml-latest-small"``, ``"ml-25m"`` or ``"ml-32m"``.
    """

    ratings: pd.DataFrame
    movies: pd.DataFrame
    source: Path
    origin: str
    dataset: str = DATASET

    def __repr__(self) -> str:
        r = self.ratings
        return (
            f"MovieLens({self.dataset}: {len(r):,} ratings by {r['userId'].nunique():,} users "
            f"of {r['movieId'].nunique():,} movies; {len(self.movies):,} movies in movies.csv; "
            f"from {self.origin}: {self.source})"
        )


def _user_copy(place: Path, origin: str, release: Release) -> MovieLens:
    """Load from ``path`` or ``RECSYS_DATA``: only there, nothing written, nothing deleted."""
    name, arg = release.name, "path" if origin == "path" else "RECSYS_DATA"
    source = find_copy(place, name)
    if source is None:
        looked = ", ".join(
            str(p) for p in (place / "ratings.csv", place / name, place / f"{name}.zip")
        )
        raise DataNotFoundError(
            f"No MovieLens {name} at {origin}={place}: put the {name} folder or {name}.zip "
            f"(from {release.url}) there, or point {arg} at the folder that holds it.\n"
            f"(Looked for {looked}.)"
        )
    if source.is_file() and source.suffix.lower() != ".zip" and not zipfile.is_zipfile(source):
        folder = source.parent
        raise ArchiveError(
            f"{arg}={source} is a file but not a zip archive: {arg} must be a folder holding "
            f"ratings.csv and movies.csv (e.g. load_movielens({str(folder)!r}) if they are "
            f"both in {folder}), a folder holding {name}/ or {name}.zip, or that zip itself. "
            + own_data_hint(release)
        )
    return MovieLens(
        *read_copy(source, release, cached=False), source=source, origin=origin, dataset=name
    )


def load_movielens(
    path: str | os.PathLike | None = None,
    *,
    dataset: str = DATASET,
    download: bool = True,
    url: str | None = None,
    checksums: Mapping[str, str] | None = None,
) -> MovieLens:
    """Load a MovieLens release, verified, from the first place that has it.

    Parameters
    ----------
    path : str or path-like, optional
        A folder holding ``ratings.csv`` and ``movies.csv``, or a folder holding
        ``<dataset>/`` or ``<dataset>.zip``, or that zip file. When ``path`` (or else
        ``$RECSYS_DATA``) is given, only that place is used: no cache, no download.
    dataset : {"ml-latest-small", "ml-25m", "ml-32m"}, default "ml-latest-small"
        Which release (`RELEASES`): the small one the notebooks use (about 1 MB), or
        MovieLens 25M / 32M (about 250 MB to download, several GB in memory).
    download : bool, default True
        If the cache has no verified copy (none, or a damaged one), download the archive from
        GroupLens into the cache (`recsys_utils.download.download_movielens`). ``False``
        never uses the network.
    url : str, optional
        Where to download from; default GroupLens' (e.g. `MOVIELENS_URL`). For mirrors.
    checksums : mapping of str to str, optional
        Expected checksum of each file (``{"ratings.csv": "aa28...", ...}``; SHA-256 as bare
        hex, or ``"md5:<hex>"``). Replaces all of the release's checks, archive included;
        ``{}`` reads other data in MovieLens' layout unverified. Files not named are not
        verified.

    Returns
    -------
    MovieLens
        ``ratings`` (ml-latest-small: 100,836 x 4: ``userId`` int32, ``movieId`` int32,
        ``rating`` float64, ``timestamp`` int64), ``movies`` (9,742 x 3: ``movieId`` int32,
        ``title``, ``genres`` strings), ``source``, ``origin`` and ``dataset``.

    Raises
    ------
    DataNotFoundError
        No copy found (and ``download=False``): the message lists the places searched.
    ChecksumError
        A file differs from the expected release: which file, expected and actual checksum.
    ArchiveError
        A zip archive is truncated, corrupt or unsafe, or ``path`` is a file but no zip.
    DownloadError
        The download failed (offline, server unreachable) or the cache is not writable.
    All four derive from `MovieLensError`; IPython and Jupyter show only their message,
    whose first line says what to do.

    Examples
    --------
    >>> ml = load_movielens()  # doctest: +SKIP
    >>> ml.ratings.shape, ml.ratings["userId"].nunique(), len(ml.movies)  # doctest: +SKIP
    ((100836, 4), 610, 9742)
    """
    release = with_overrides(get_release(dataset), url, checksums)
    if path is not None or os.environ.get("RECSYS_DATA"):
        origin = "path" if path is not None else "RECSYS_DATA"
        place = Path(path if path is not None else os.environ["RECSYS_DATA"]).expanduser()
        return _user_copy(place, origin, release)

    name, cache = release.name, movielens_cache_dir()
    folder, archive = cache / name, cache / f"{name}.zip"
    damage: MovieLensError | None = None
    for source in (folder, archive):  # a folder we installed, or a zip put there by hand
        if source.exists():
            try:
                return MovieLens(
                    *read_copy(source, release, cached=True),
                    source=source,
                    origin="cache",
                    dataset=name,
                )
            except (ChecksumError, DataNotFoundError, ArchiveError) as exc:
                damage = damage or exc
    if damage is not None and not download:
        raise damage
    if not download:
        raise DataNotFoundError(
            f"MovieLens {name} is not on this computer and download=False: call "
            f"load_movielens() without download=False to download it ({release.size}), or "
            f"download {release.url} by hand and unzip it into {cache}, or set RECSYS_DATA to "
            f"a folder holding {name}/ or {name}.zip.\nLooked in: RECSYS_DATA (not set), the "
            f"cache {folder} and {archive} (RECSYS_CACHE moves the cache)."
        )
    from recsys_utils.download import install_release

    folder = install_release(cache, release)
    if damage is not None and archive.is_file():  # a damaged zip, replaced by the folder:
        archive.replace(cache / f"{name}.zip.damaged")  # moved aside, not deleted
    return MovieLens(
        *read_copy(folder, release, cached=True), source=folder, origin="download", dataset=name
    )
