"""Download MovieLens ml-latest-small into the cache: progress bar, verification, atomic install.

`recsys_utils.movielens.load_movielens` calls `download_movielens` when no local copy exists
(``download=False`` turns it off). What happens, in order:

1. a private temporary folder ``<cache>/.tmp-<pid>-<random>/`` is created; everything below
   happens inside it, so an interrupted run never leaves anything a later run would accept;
2. the archive is fetched there with pooch's HTTP downloader (``requests`` underneath, so the
   usual ``HTTPS_PROXY`` settings apply) and a tqdm progress bar;
3. every member name is checked: one that would land outside the target folder (``../x``,
   an absolute path) makes the whole archive refused;
4. each file of the release is read and its SHA-256 compared with the expected release's
   (`recsys_utils.movielens.CHECKSUMS`); only verified files are written out;
5. the verified folder is renamed to ``<cache>/ml-latest-small/`` (replacing a damaged copy)
   and the temporary folder removed. Temporary folders left by a crashed run are removed the
   next time (when their process is gone, or after an hour).

pooch does the HTTP transfer, the progress bar and the per-user cache location; it does not
verify the files inside an archive (only the archive, whose bytes change between re-packings
of the same release), refuse unsafe member names, or install a folder atomically: that is
what this module adds.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from recsys_utils.movielens import (
    CHECKSUMS,
    DATASET,
    MOVIELENS_URL,
    ArchiveError,
    DownloadError,
    _archive_members,
    _mismatch,
    movielens_cache_dir,
)

__all__ = ["download_movielens"]

TMP_PREFIX = ".tmp-"
STALE_AFTER_SECONDS = 3600


def _manual_hint(url: str, cache: Path) -> str:
    return (
        f"Download it by hand from {url} and put it at {cache / (DATASET + '.zip')} (or "
        f"unzip it there), or set RECSYS_DATA to a folder holding {DATASET}/ or "
        f"{DATASET}.zip"
    )


def _is_stale(tmp: Path) -> bool:
    """True if ``tmp`` is a temporary folder whose download is no longer running."""
    try:
        newest = max([tmp.stat().st_mtime] + [p.stat().st_mtime for p in tmp.rglob("*")])
    except OSError:
        return True
    if time.time() - newest > STALE_AFTER_SECONDS:
        return True
    pid = tmp.name[len(TMP_PREFIX) :].split("-", 1)[0]
    if os.name != "posix" or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:
        return False  # exists, owned by someone else
    return False


def _remove_stale(cache: Path) -> None:
    for tmp in cache.glob(TMP_PREFIX + "*"):
        if tmp.is_dir() and _is_stale(tmp):
            shutil.rmtree(tmp, ignore_errors=True)


def _fetch(url: str, dest: Path, cache: Path, progress: bool, timeout: float) -> None:
    import pooch
    import requests
    from requests.exceptions import ChunkedEncodingError
    from tqdm.auto import tqdm

    # total=1, not 0: pooch tests the bar's truth value, which is False while total == 0;
    # it then sets the real total from the Content-Length header.
    bar = tqdm(total=1, unit="B", unit_scale=True, desc=f"Downloading {DATASET}.zip",
               disable=not progress)
    downloader = pooch.HTTPDownloader(progressbar=bar, chunk_size=1 << 16, timeout=timeout)
    try:
        downloader(url, str(dest), None)
    except requests.HTTPError as exc:
        raise DownloadError(
            f"the server answered {exc.response.status_code} {exc.response.reason} for "
            f"{url}. " + _manual_hint(url, cache)
        ) from exc
    except (requests.ConnectionError, requests.Timeout, ChunkedEncodingError) as exc:
        if isinstance(exc, ChunkedEncodingError) or (dest.exists() and dest.stat().st_size):
            raise DownloadError(
                f"the download of {url} was cut off before the end, the connection dropped "
                f"({type(exc).__name__}: {exc}). Run again. If it keeps failing: "
                + _manual_hint(url, cache)
            ) from exc
        raise DownloadError(
            f"could not reach {url} ({type(exc).__name__}: you may be offline, or behind a "
            "proxy: set HTTPS_PROXY). " + _manual_hint(url, cache)
        ) from exc
    except requests.RequestException as exc:
        raise DownloadError(f"downloading {url} failed: {exc}. {_manual_hint(url, cache)}") from exc
    finally:
        bar.close()


def _check_member_names(zf: zipfile.ZipFile, target: Path, url: str) -> None:
    """Refuse the archive if any member would be written outside ``target``."""
    root = target.resolve()
    for name in zf.namelist():
        parts = PurePosixPath(name.replace("\\", "/")).parts
        dest = (target / name.replace("\\", "/")).resolve()
        unsafe = name.startswith(("/", "\\")) or ".." in parts or ":" in name
        if unsafe or not (dest == root or root in dest.parents):
            raise ArchiveError(
                f"refusing the archive from {url}: its member {name!r} would be written "
                f"outside {target}. Nothing was extracted; the archive is not a genuine "
                f"{DATASET} release"
            )


def _extract_verified(
    archive: Path, target: Path, checksums: Mapping[str, str], url: str, cache: Path
) -> None:
    """Write the release's files from ``archive`` into ``target``, each only once verified."""
    try:
        with zipfile.ZipFile(archive) as zf:
            _check_member_names(zf, target, url)
            members = _archive_members(zf)
            missing = sorted(set(checksums) - set(members))
            if missing:
                raise ArchiveError(
                    f"the archive from {url} lacks {', '.join(missing)}; it is not a complete "
                    f"{DATASET} release. " + _manual_hint(url, cache)
                )
            blobs = {name: zf.read(members[name]) for name in checksums}
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ArchiveError(
            f"the archive downloaded from {url} is truncated or corrupt ({exc}). Run again. "
            "If it keeps failing: " + _manual_hint(url, cache)
        ) from exc
    for name, data in blobs.items():
        actual = hashlib.sha256(data).hexdigest()
        if actual != checksums[name]:
            raise _mismatch(url, name, checksums[name], actual)
    target.mkdir()
    for name, data in blobs.items():
        (target / name).write_bytes(data)


def download_movielens(
    cache_dir: str | os.PathLike | None = None,
    *,
    url: str = MOVIELENS_URL,
    checksums: Mapping[str, str] | None = None,
    progress: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Download ml-latest-small, verify every file and install it in the cache.

    An existing ``<cache_dir>/ml-latest-small/`` (e.g. a damaged one) is replaced, but only
    once the new copy is complete and verified. `load_movielens` calls this only when the
    cache has no verified copy.

    Parameters
    ----------
    cache_dir : str or path-like, optional
        Default `recsys_utils.movielens.movielens_cache_dir` (``$RECSYS_CACHE``, ``data/``
        of a checkout, or the per-user cache folder).
    url : str
        The archive's address; default GroupLens' (`MOVIELENS_URL`).
    checksums : mapping of str to str, optional
        Expected SHA-256 of each file; every file named must be in the archive. Default
        `recsys_utils.movielens.CHECKSUMS`.
    progress : bool, default True
        Show a tqdm progress bar (in notebooks and terminals).
    timeout : float, default 60
        Seconds to wait for the server to connect or send more data.

    Returns
    -------
    pathlib.Path
        ``<cache_dir>/ml-latest-small``, holding the verified files.

    Raises
    ------
    DownloadError
        The server cannot be reached, answers with an error, the connection drops, or the
        cache folder cannot be written (the message names it and ``RECSYS_CACHE``).
    ArchiveError
        The archive is truncated or corrupt, incomplete, or has unsafe member names.
    ChecksumError
        A file differs from the expected release (the message names it, with both SHA-256).
    """
    cache = Path(cache_dir).expanduser() if cache_dir is not None else movielens_cache_dir()
    checksums = CHECKSUMS if checksums is None else checksums
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=cache))
    except OSError as exc:
        raise DownloadError(
            f"cannot write to the MovieLens cache folder {cache} ({exc.strerror or exc}). Set "
            "RECSYS_CACHE to a folder you can write to, or set RECSYS_DATA to a folder "
            f"holding {DATASET}/ or {DATASET}.zip that you downloaded by hand from {url}"
        ) from exc
    try:
        _remove_stale(cache)
        archive = tmp / f"{DATASET}.zip"
        _fetch(url, archive, cache, progress, timeout)
        _extract_verified(archive, tmp / DATASET, checksums, url, cache)
        final = cache / DATASET
        if final.exists():  # a damaged copy: move it aside, then put the verified one in place
            final.rename(tmp / "damaged")
        try:
            (tmp / DATASET).rename(final)
        except OSError:
            if not (final / "ratings.csv").is_file():  # not another process's complete copy
                raise
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
