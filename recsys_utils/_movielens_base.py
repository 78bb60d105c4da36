"""What the MovieLens modules share: the releases, their checksums, the cache folder, the errors.

`recsys_utils.movielens` (where to find a copy), `recsys_utils._movielens_read` (reading one),
`recsys_utils.download` and `recsys_utils._movielens_archive` (fetching one) import this
module, and download never imports movielens: no import circle. The errors, `RELEASES`,
`CHECKSUMS`, `MOVIELENS_URL` and `movielens_cache_dir` are re-exported by
`recsys_utils.movielens`, which is where users find them.

A checksum is written ``"<algorithm>:<hex digest>"`` (``"md5:0df9..."``); a bare 64-digit hex
string is a SHA-256 (the form `CHECKSUMS` has always used).
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

BASE_URL = "https://files.grouplens.org/datasets/movielens"
CHUNK = 1 << 20


class MovieLensError(Exception):
    """Base of the loader's errors. In IPython and Jupyter only the message is shown.

    The message itself says what happened and what to do, so the frames inside
    `recsys_utils` (and any chained library error) would only push it off the screen; its
    first line is what to do. Plain Python still prints the usual traceback.
    """

    def _render_traceback_(self) -> list[str]:  # IPython's hook for custom tracebacks
        return f"{type(self).__name__}: {self}".splitlines()


class DataNotFoundError(MovieLensError, FileNotFoundError):
    """No copy of MovieLens where `load_movielens` looked (and no download)."""


class ChecksumError(MovieLensError, ValueError):
    """A MovieLens file's checksum differs from the expected release's."""


class ArchiveError(MovieLensError, ValueError):
    """A MovieLens zip archive is unreadable, truncated, incomplete or unsafe, or not a zip."""


class DownloadError(MovieLensError, OSError):
    """Downloading MovieLens failed: unreachable server, or no write permission for the cache."""


for _cls in (MovieLensError, DataNotFoundError, ChecksumError, ArchiveError, DownloadError):
    _cls.__module__ = "recsys_utils.movielens"  # where users import them from


@dataclass(frozen=True)
class Release:
    """One MovieLens release: where GroupLens serves it and how its files are checked.

    ``checksums`` maps a file name to its checksum (verified wherever the file is found);
    ``archive_checksums`` are those of the zip as GroupLens serves it (verified on download
    and when the zip itself is read). ``files`` are the archive's files that are installed.
    """

    name: str
    title: str
    size: str
    files: tuple[str, ...]
    checksums: Mapping[str, str] = field(default_factory=dict)
    archive_checksums: tuple[str, ...] = ()
    url: str = ""

    def __post_init__(self) -> None:
        if not self.url:
            object.__setattr__(self, "url", f"{BASE_URL}/{self.name}.zip")


DATASET = "ml-latest-small"
REQUIRED = ("ratings.csv", "movies.csv")
#: Name of the file `download_movielens` writes into a folder it installed from an archive
#: verified only as a whole: the SHA-256 of each file it extracted, ``sha256sum`` format.
MANIFEST = "SHA256SUMS"

#: SHA-256 of each extracted file of ml-latest-small, release of 2018-09-26 (identical in
#: every re-packing of the archive, whose own bytes differ between re-packings).
CHECKSUMS: dict[str, str] = {
    "ratings.csv": "aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646",
    "movies.csv": "5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07",
    "links.csv": "97ad18e4e56a09363c65676b6cb3482ce3e2cea2372a24620c1599c843325f31",
    "tags.csv": "92a9f8bb7916dceef6151209845788c3643f794dfa79d1feaec7121b5960399d",
    "README.txt": "63d22ac138e80fae37021797ed8e1b9424b5239dc576a137422adf783ae3f404",
}

RELEASES: dict[str, Release] = {
    DATASET: Release(
        DATASET,
        "MovieLens ml-latest-small, release of 2018-09-26",
        "about 1 MB",
        files=tuple(CHECKSUMS),
        checksums=CHECKSUMS,
    ),
    # GroupLens publishes no per-file checksums for 25M, only the archive's MD5
    # (ml-25m.zip.md5). The SHA-256 (and the size, 261,978,986 bytes) is the one recorded
    # independently by several public projects; both must match.
    "ml-25m": Release(
        "ml-25m",
        "MovieLens 25M, released 2019-12 (stable)",
        "about 250 MB",
        files=(
            "ratings.csv",
            "movies.csv",
            "tags.csv",
            "links.csv",
            "genome-scores.csv",
            "genome-tags.csv",
            "README.txt",
        ),
        archive_checksums=(
            "md5:6b51fb2759a8657d3bfcbfc42b592ada",
            "sha256:8b21cfb7eb1706b4ec0aac894368d90acf26ebdfb6aced3ebd4ad5bd1eb9c6aa",
        ),
    ),
    # GroupLens publishes the MD5 of each file (ml-32m-README.html, and checksums.txt in the
    # archive) and of the archive (ml-32m.zip.md5, 238,950,008 bytes); no SHA-256.
    "ml-32m": Release(
        "ml-32m",
        "MovieLens 32M, released 2024-05 (stable)",
        "about 240 MB",
        files=("ratings.csv", "movies.csv", "tags.csv", "links.csv", "README.txt", "checksums.txt"),
        checksums={
            "ratings.csv": "md5:cf12b74f9ad4b94a011f079e26d4270a",
            "movies.csv": "md5:0df90835c19151f9d819d0822e190797",
            "tags.csv": "md5:963bf4fa4de6b8901868fddd3eb54567",
            "links.csv": "md5:8f033867bcb4e6be8792b21468b4fa6e",
        },
        archive_checksums=("md5:d472be332d4daa821edc399621853b57",),
    ),
}
MOVIELENS_URL = RELEASES[DATASET].url


def get_release(dataset: str) -> Release:
    """The `Release` called ``dataset``; a clear error for anything else."""
    if not isinstance(dataset, str):
        raise TypeError(
            f"dataset must be a str, one of {', '.join(map(repr, RELEASES))}; got "
            f"{type(dataset).__name__} {dataset!r}"
        )
    if dataset not in RELEASES:
        raise ValueError(
            f"dataset must be one of {', '.join(map(repr, RELEASES))}; got {dataset!r}. For "
            "ratings of your own, read them with pandas and call ru.ratings_to_matrices"
        )
    return RELEASES[dataset]


def with_overrides(release: Release, url: str | None, checksums) -> Release:
    """``release`` with a mirror ``url`` and/or ``checksums`` that replace all its checks."""
    if url is not None:
        if not isinstance(url, str):
            raise TypeError(f"url must be a str (the archive's address); got {url!r}")
        release = replace(release, url=url)
    if checksums is None:
        return release
    if not isinstance(checksums, Mapping):
        raise TypeError(
            "checksums must be a mapping of file name to checksum, e.g. {'ratings.csv': "
            f"'md5:0df9...'}} (or {{}} to verify nothing); got {type(checksums).__name__}"
        )
    for name, checksum in checksums.items():
        if not (isinstance(checksum, str) and re.fullmatch(_CHECKSUM, checksum.lower())):
            raise ValueError(
                f"checksums[{name!r}] must be a SHA-256 as 64 hex digits, 'sha256:<64 hex>' "
                f"or 'md5:<32 hex>'; got {checksum!r}"
            )
    return replace(release, checksums=dict(checksums), archive_checksums=())


_CHECKSUM = r"(sha256:)?[0-9a-f]{64}|md5:[0-9a-f]{32}"


def movielens_cache_dir() -> Path:
    """Return the folder where MovieLens is cached (and downloaded to).

    ``$RECSYS_CACHE`` if set; else ``data/`` of a source checkout of this project (the
    package folder's parent holds this project's ``pyproject.toml`` and a ``data/`` folder);
    else the per-user cache folder ``pooch.os_cache("recsys_utils")``. The folder may not
    exist yet. A release lives in ``<cache>/<name>/``, e.g. ``<cache>/ml-latest-small/``.
    """
    env = os.environ.get("RECSYS_CACHE")
    if env:
        return Path(env).expanduser()
    root = Path(__file__).resolve().parent.parent
    pyproject = root / "pyproject.toml"
    if (
        (root / "data").is_dir()
        and pyproject.is_file()
        and 'name = "recsys-utils"' in (pyproject.read_text(encoding="utf-8", errors="replace"))
    ):
        return root / "data"
    import pooch  # only needed here; keeps `import recsys_utils` light

    return Path(pooch.os_cache("recsys_utils"))


def split_checksum(checksum: str) -> tuple[str, str]:
    """``"md5:ab12..."`` -> ``("md5", "ab12...")``; a bare hex string is a SHA-256."""
    algorithm, _, digest = checksum.rpartition(":")
    return (algorithm or "sha256").lower(), digest.lower()


def digest_stream(stream, algorithms) -> dict[str, str]:
    """Hex digests of everything read from the binary ``stream``, one per algorithm."""
    hashers = {a: hashlib.new(a) for a in algorithms}
    for block in iter(lambda: stream.read(CHUNK), b""):
        for h in hashers.values():
            h.update(block)
    return {a: h.hexdigest() for a, h in hashers.items()}


def first_mismatch(actual: Mapping[str, str], expected) -> tuple[str, str, str] | None:
    """The first ``(algorithm, expected, actual)`` digests that differ, or None.

    ``actual`` maps an algorithm to a hex digest; ``expected`` is a sequence of checksums.
    """
    for checksum in expected:
        algorithm, digest = split_checksum(checksum)
        if actual[algorithm] != digest:
            return algorithm, digest, actual[algorithm]
    return None


def verify_stream(stream, checksums, release: Release, where: str, name: str, advice: str) -> None:
    """Read the binary ``stream`` to its end; `ChecksumError` unless it has ``checksums``."""
    actual = digest_stream(stream, {split_checksum(c)[0] for c in checksums})
    bad = first_mismatch(actual, checksums)
    if bad:
        raise mismatch(release, where, name, bad, advice)


def archive_members(zf: zipfile.ZipFile, dataset: str = DATASET) -> dict[str, zipfile.ZipInfo]:
    """Map each release file name to its member: ``<dataset>/<name>`` or ``<name>``."""
    found: dict[str, zipfile.ZipInfo] = {}
    for info in zf.infolist():
        parent, _, name = info.filename.rpartition("/")
        if not info.is_dir() and parent in ("", dataset):
            found.setdefault(name, info)
    return found


def mismatch(
    release: Release, where: str, name: str, found: tuple[str, str, str], advice: str
) -> ChecksumError:
    """The error for a file (or archive) whose checksum differs; ``advice`` says what to do."""
    algorithm, expected, actual = found
    label = {"sha256": "SHA-256", "md5": "MD5"}.get(algorithm, algorithm)
    return ChecksumError(
        f"{name} at {where} is not the expected {release.title}. {advice}\n"
        f"  expected {label} {expected}\n"
        f"  actual {label}   {actual}"
    )


def own_data_hint(release: Release) -> str:
    """How to load data that is not this release (e.g. ratings of your own)."""
    return (
        f"If these are not {release.name} but ratings of your own, load them with pandas "
        "instead: ratings = pd.read_csv('ratings.csv'); m = ru.ratings_to_matrices(ratings) "
        "(columns userId, movieId, rating). To read other data in MovieLens' layout without "
        "verification, pass checksums={}"
    )
