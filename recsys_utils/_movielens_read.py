"""Read a copy of a MovieLens release (folder or zip), verifying each file before it is used.

The reading half of `recsys_utils.movielens` (which decides *where* to read). Which checksums
apply is in `recsys_utils._movielens_base.RELEASES`; a folder installed from an archive
verified only as a whole carries the SHA-256 recorded from it (``SHA256SUMS``).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from recsys_utils._movielens_base import (
    MANIFEST,
    REQUIRED,
    ArchiveError,
    DataNotFoundError,
    Release,
    archive_members,
    own_data_hint,
    verify_stream,
)

if TYPE_CHECKING:  # pandas is imported when data is read, not with the package
    import pandas as pd

RATINGS_DTYPES = {"userId": "int32", "movieId": "int32", "rating": "float64", "timestamp": "int64"}
MOVIES_DTYPES = {"movieId": "int32"}

# (path, size, mtime_ns, checksum) of files already verified in this process.
_VERIFIED: set[tuple[str, int, int, str]] = set()


def find_copy(place: Path, name: str) -> Path | None:
    """Return the data folder or zip file at ``place``, or None."""
    if place.is_file():
        return place
    for candidate in (place / "ratings.csv", place / name, place / f"{name}.zip"):
        if candidate.exists():
            return place if candidate.name == "ratings.csv" else candidate
    return None


def _verify_file(path: Path, checksum: str, release: Release, advice: str) -> None:
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns, checksum)
    if key in _VERIFIED:
        return
    with open(path, "rb") as fh:
        verify_stream(fh, [checksum], release, str(path.parent), path.name, advice)
    _VERIFIED.add(key)


def _expected_in_folder(folder: Path, release: Release) -> dict[str, str]:
    """The checksums a folder's files are verified against (see the module's docstring)."""
    if release.checksums or not release.archive_checksums or not (folder / MANIFEST).is_file():
        return dict(release.checksums)
    lines = (folder / MANIFEST).read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, _, name in (line.partition("  ") for line in lines) if name}


def _read_folder(folder: Path, release: Release, advice: str):
    missing = [n for n in REQUIRED if not (folder / n).is_file()]
    if missing:
        raise DataNotFoundError(
            f"{folder} has no {' or '.join(missing)}. {advice}\n(Expected the files of the "
            f"{release.name} archive, {release.url}.)"
        )
    for name, checksum in _expected_in_folder(folder, release).items():
        if (folder / name).is_file():
            _verify_file(folder / name, checksum, release, advice)
    return _parse(*(folder / n for n in REQUIRED))


def _read_zip(path: Path, release: Release, advice: str, cached: bool):
    """Verify the release's files in the zip ``path`` and parse them, without extracting."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = archive_members(zf, release.name)
            missing = [name for name in REQUIRED if name not in members]
            if missing:
                raise ArchiveError(
                    f"{path} is not the {release.name} archive: it has no "
                    f"{' or '.join(missing)} (looked for {release.name}/<file> and <file>). "
                    f"Download it from {release.url}. {own_data_hint(release)}"
                )
            if release.archive_checksums and not release.checksums:  # only the whole zip
                with open(path, "rb") as fh:
                    verify_stream(
                        fh, release.archive_checksums, release, str(path.parent), path.name, advice
                    )
            for name, checksum in release.checksums.items():
                if name in members:
                    with zf.open(members[name]) as fh:
                        verify_stream(fh, [checksum], release, str(path), name, advice)
            with (
                zf.open(members["ratings.csv"]) as ratings,
                zf.open(members["movies.csv"]) as movies,
            ):
                return _parse(ratings, movies)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        what_to_do = (
            advice.split(": ", 1)[1] if cached else f"Download it again from {release.url}."
        )
        raise ArchiveError(
            f"Cannot read the zip archive {path}: it is truncated or corrupt. {what_to_do}\n"
            f"({type(exc).__name__}: {exc})"
        ) from None


def _parse(ratings_src, movies_src) -> tuple[pd.DataFrame, pd.DataFrame]:
    import pandas as pd

    return (
        pd.read_csv(ratings_src, dtype=RATINGS_DTYPES),
        pd.read_csv(movies_src, dtype=MOVIES_DTYPES),
    )


def read_copy(source: Path, release: Release, *, cached: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Verify and parse the folder or zip ``source``: ``(ratings, movies)`` DataFrames.

    ``cached``: ``source`` is in the loader's cache (a damaged copy there is replaced by a
    download), not the user's own copy (which is never changed); the errors' advice differs.
    """
    if cached:
        advice = (
            "The cached copy is damaged or incomplete: load_movielens(download=True) "
            "replaces it with a fresh download."
        )
    else:
        advice = (
            f"If it is meant to be {release.name}, it is damaged, incomplete or another "
            f"release: get a fresh copy from {release.url}. {own_data_hint(release)}"
        )
    if source.is_file():
        return _read_zip(source, release, advice, cached)
    return _read_folder(source, release, advice)
