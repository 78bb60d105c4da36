"""Unpack a downloaded MovieLens archive: refuse unsafe names, verify, stream out each file.

The archive half of `recsys_utils.download` (which fetches and installs). Everything is
written inside the download's temporary folder, so a file that fails is never installed.
"""

from __future__ import annotations

import shutil
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from recsys_utils._movielens_base import (
    MANIFEST,
    ArchiveError,
    Release,
    archive_members,
    digest_stream,
    verify_stream,
)


def manual_hint(release: Release, cache: Path) -> str:
    name = release.name
    return (
        f"download {release.url} by hand and save it as {cache / (name + '.zip')} (or unzip "
        f"it there), or set RECSYS_DATA to a folder holding {name}/ or {name}.zip"
    )


def _check_member_names(zf: zipfile.ZipFile, target: Path, release: Release) -> None:
    """Refuse the archive if any member would be written outside ``target``."""
    root = target.resolve()
    for name in zf.namelist():
        parts = PurePosixPath(name.replace("\\", "/")).parts
        dest = (target / name.replace("\\", "/")).resolve()
        unsafe = name.startswith(("/", "\\")) or ".." in parts or ":" in name
        if unsafe or not (dest == root or root in dest.parents):
            raise ArchiveError(
                f"Refusing the archive from {release.url}: its member {name!r} would be "
                f"written outside {target}. Nothing was extracted; the archive is not a "
                f"genuine {release.name} release"
            )


def verify_archive(archive: Path, release: Release, cache: Path) -> None:
    """Check the whole zip against the archive checksums GroupLens publishes (if any)."""
    if not release.archive_checksums:
        return
    with open(archive, "rb") as fh:
        verify_stream(
            fh,
            release.archive_checksums,
            release,
            release.url,
            f"{release.name}.zip",
            "The download is damaged (run again), or GroupLens has published a new release "
            f"that this version of recsys_utils does not know. Nothing was installed. If it "
            f"keeps failing, {manual_hint(release, cache)}.",
        )


def extract_verified(archive: Path, target: Path, release: Release, cache: Path) -> None:
    """Write the release's files from ``archive`` into ``target``, each one verified.

    Files are streamed (MovieLens 25M's ratings.csv is 650 MB); ``target`` lives in the
    temporary folder, so a file that fails verification is never installed.
    """
    wanted = list(dict.fromkeys([*release.files, *release.checksums]))
    manifest = release.archive_checksums and not release.checksums
    advice = (
        "The download is damaged, or GroupLens has published a new release of "
        f"{release.name}, which this version of recsys_utils does not know. Nothing was "
        f"installed. If it keeps failing, {manual_hint(release, cache)}."
    )
    sha256 = {}
    try:
        with zipfile.ZipFile(archive) as zf:
            _check_member_names(zf, target, release)
            members = archive_members(zf, release.name)
            missing = [name for name in wanted if name not in members]
            if missing:
                raise ArchiveError(
                    f"The archive from {release.url} lacks {', '.join(missing)}; it is not a "
                    f"complete {release.name} release. Nothing was installed: "
                    f"{manual_hint(release, cache)}"
                )
            target.mkdir()
            for name in wanted:
                checksum = release.checksums.get(name)
                with zf.open(members[name]) as src, open(target / name, "wb") as out:
                    if manifest:  # record what the verified archive held
                        sha256[name] = digest_stream(_Tee(src, out), ["sha256"])["sha256"]
                    elif checksum:
                        verify_stream(
                            _Tee(src, out), [checksum], release, release.url, name, advice
                        )
                    else:
                        shutil.copyfileobj(src, out)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ArchiveError(
            f"The archive downloaded from {release.url} is truncated or corrupt: run again. If "
            f"it keeps failing, {manual_hint(release, cache)}.\n({type(exc).__name__}: {exc})"
        ) from None
    if manifest:  # to check the installed copy later, file by file
        (target / MANIFEST).write_text(
            "".join(f"{d}  {n}\n" for n, d in sha256.items()), encoding="utf-8"
        )


class _Tee:
    """A binary stream that copies what is read from ``src`` into ``out``."""

    def __init__(self, src, out) -> None:
        self.src, self.out = src, out

    def read(self, size: int = -1) -> bytes:
        block = self.src.read(size)
        self.out.write(block)
        return block
