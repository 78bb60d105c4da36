"""Download a MovieLens release into the cache: progress bar, verification, atomic install.

`recsys_utils.movielens.load_movielens` calls this when the cache has no verified copy
(``download=False`` turns it off). In a private temporary folder ``<cache>/.tmp-<pid>-*/``
(so an interrupted run never leaves anything a later run would accept): (1) the archive is
fetched with pooch's HTTP downloader (``requests``, so ``HTTPS_PROXY`` applies) and a tqdm
progress bar; (2) where GroupLens publishes only the archive's checksum (25M), the archive is
verified against it; (3) a member name that would land outside the target (``../x``, an
absolute path) makes the whole archive refused; (4) each file is streamed out and checked
against the release's checksum (`recsys_utils.movielens.RELEASES`); (5) the verified folder
is renamed to ``<cache>/<dataset>/``, replacing a damaged copy. Temporary folders of crashed
runs are removed the next time (when their process is gone, or after an hour).

Every failure raises one error whose first line says what to do, with no chained traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from recsys_utils._movielens_archive import extract_verified, manual_hint, verify_archive
from recsys_utils._movielens_base import (
    DATASET,
    DownloadError,
    Release,
    get_release,
    movielens_cache_dir,
    with_overrides,
)

__all__ = ["download_movielens", "install_release"]

TMP_PREFIX = ".tmp-"
STALE_AFTER_SECONDS = 3600


def _reason(exc: BaseException) -> str:
    """The useful end of a requests error: ``ConnectionError: [Errno 111] Connection refused``."""
    text = str(exc)
    found = re.findall(r"\[Errno -?\d+\] [^'\")\]]+", text)
    return f"{type(exc).__name__}: {found[-1] if found else text[:200]}"


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


def _fetch(release: Release, dest: Path, cache: Path, progress: bool, timeout: float) -> None:
    """Download ``release.url`` to ``dest``; every failure is one `DownloadError`, unchained."""
    import pooch
    import requests
    from requests.exceptions import ChunkedEncodingError
    from tqdm.auto import tqdm

    url, hint = release.url, manual_hint(release, cache)
    bar = _LazyBar(tqdm, unit="B", unit_scale=True, desc=f"Downloading {release.name}.zip")
    downloader = pooch.HTTPDownloader(
        progressbar=bar if progress else False, chunk_size=1 << 16, timeout=timeout
    )
    error = None
    try:
        downloader(url, str(dest), None)
    except requests.HTTPError as exc:
        error = (
            f"Cannot download MovieLens {release.name}: {hint}.\nThe server answered "
            f"{exc.response.status_code} {exc.response.reason} for {url}."
        )
    except (requests.ConnectionError, requests.Timeout, ChunkedEncodingError) as exc:
        if isinstance(exc, ChunkedEncodingError) or (dest.exists() and dest.stat().st_size):
            error = (
                f"The download of MovieLens {release.name} was cut off before the end: "
                f"run again. If it keeps failing, {hint}.\nThe connection to {url} "
                f"dropped ({_reason(exc)})."
            )
        else:
            error = (
                f"No connection to GroupLens, so MovieLens {release.name} cannot be "
                f"downloaded: {hint}.\nDetails: could not reach {url} ({_reason(exc)}). "
                "You may be offline, or behind a proxy: set HTTPS_PROXY."
            )
    except requests.RequestException as exc:
        error = f"Cannot download MovieLens {release.name}: {hint}.\n{url} failed: {exc}."
    finally:
        bar.close(leave=error is None)
    if error is not None:  # raised here, outside the except blocks: no chained traceback
        raise DownloadError(error)


class _LazyBar:
    """A tqdm bar made when the server answers, so no dead 0 % bar shows above an error.

    pooch sets ``total`` (from Content-Length) only once the response is OK, then calls
    ``update``, ``reset`` and ``close``.
    """

    def __init__(self, tqdm, **kwargs) -> None:
        self._make, self._kwargs, self._bar = tqdm, kwargs, None

    def __bool__(self) -> bool:  # pooch tests the bar's truth value
        return True

    @property
    def total(self):
        return None if self._bar is None else self._bar.total

    @total.setter
    def total(self, value) -> None:
        self._bar = self._make(total=value, **self._kwargs)

    def update(self, n: int) -> None:
        self._bar.update(n)

    def reset(self) -> None:
        self._bar.reset()

    def close(self, leave: bool = True) -> None:
        if self._bar is not None:
            self._bar.leave = self._bar.leave and leave  # a cut-off download's bar goes
            self._bar.close()


def install_release(
    cache: Path, release: Release, *, progress: bool = True, timeout: float = 60.0
) -> Path:
    """Download ``release`` into ``<cache>/<release.name>/``, verified, atomically.

    The work behind `download_movielens` (which builds ``release`` from its arguments).
    """
    name = release.name
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=cache))
    except OSError as exc:
        raise DownloadError(
            f"Cannot write to the MovieLens cache folder {cache} ({exc.strerror or exc}): set "
            "RECSYS_CACHE to a folder you can write to, or set RECSYS_DATA to a folder "
            f"holding {name}/ or {name}.zip that you downloaded by hand from {release.url}"
        ) from None
    try:
        _remove_stale(cache)
        archive = tmp / f"{name}.zip"
        _fetch(release, archive, cache, progress, timeout)
        verify_archive(archive, release, cache)
        extract_verified(archive, tmp / name, release, cache)
        final = cache / name
        if final.exists():  # a damaged copy: move it aside, then put the verified one in place
            final.rename(tmp / "damaged")
        try:
            (tmp / name).rename(final)
        except OSError:
            if not (final / "ratings.csv").is_file():  # not another process's complete copy
                raise
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def download_movielens(
    cache_dir: str | os.PathLike | None = None,
    *,
    dataset: str = DATASET,
    url: str | None = None,
    checksums: Mapping[str, str] | None = None,
    progress: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Download a MovieLens release, verify every file and install it in the cache.

    An existing ``<cache_dir>/<dataset>/`` (e.g. a damaged one) is replaced, but only once
    the new copy is complete and verified. `load_movielens` calls this only when the cache
    has no verified copy.

    Parameters
    ----------
    cache_dir : str or path-like, optional
        Default `recsys_utils.movielens.movielens_cache_dir` (``$RECSYS_CACHE``, ``data/``
        of a checkout, or the per-user cache folder).
    dataset : {"ml-latest-small", "ml-25m", "ml-32m"}, default "ml-latest-small"
        Which release (`recsys_utils.movielens.RELEASES`).
    url : str, optional
        The archive's address; default GroupLens' (``RELEASES[dataset].url``).
    checksums : mapping of str to str, optional
        Expected checksum of each file (SHA-256 as bare hex, or ``"md5:<hex>"``); every file
        named must be in the archive. Replaces the release's checks, archive included.
    progress : bool, default True
        Show a tqdm progress bar (in notebooks and terminals).
    timeout : float, default 60
        Seconds to wait for the server to connect or send more data.

    Returns
    -------
    pathlib.Path
        ``<cache_dir>/<dataset>``, holding the verified files.

    Raises
    ------
    DownloadError
        The server cannot be reached, answers with an error, the connection drops, or the
        cache folder cannot be written (the message names it and ``RECSYS_CACHE``).
    ArchiveError
        The archive is truncated or corrupt, incomplete, or has unsafe member names.
    ChecksumError
        The archive or a file differs from the expected release (both checksums named).
    """
    release = with_overrides(get_release(dataset), url, checksums)
    cache = Path(cache_dir).expanduser() if cache_dir is not None else movielens_cache_dir()
    return install_release(cache, release, progress=progress, timeout=timeout)
