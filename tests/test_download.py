"""Downloading MovieLens, against a local HTTP server on 127.0.0.1 (no internet).

The server serves small synthetic archives in GroupLens' layout; the loader is given their
checksums. Every failure case checks the message and that nothing unverified is left in the
cache: no ``ml-latest-small/``, no zip, no temporary folder.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from recsys_utils import download as download_module
from recsys_utils.download import download_movielens
from recsys_utils.movielens import (
    ArchiveError,
    ChecksumError,
    DataNotFoundError,
    DownloadError,
    load_movielens,
)


@pytest.fixture
def syn(synthetic_movielens):
    """The synthetic ml-latest-small of conftest (files, checksums, zip bytes)."""
    return synthetic_movielens


@pytest.fixture
def cache_dir(isolated_data_env):
    """An empty RECSYS_CACHE in tmp_path (not created yet); RECSYS_DATA unset."""
    return isolated_data_env


pytestmark = pytest.mark.usefixtures("isolated_data_env")


@pytest.fixture
def archive(syn):
    return syn.zip_bytes


def _zip(files: dict[str, bytes]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name if "/" in name else f"ml-latest-small/{name}", data)
    return buf.getvalue()


def assert_nothing_unverified(cache: Path) -> None:
    """The cache holds no MovieLens folder, zip or temporary folder (it may not exist)."""
    leftovers = sorted(p.name for p in cache.iterdir()) if cache.exists() else []
    assert leftovers == [], f"left in the cache: {leftovers}"


# --- the happy path and the cache --------------------------------------------------------


def test_download_then_reuse_without_network(server, archive, syn, cache_dir):
    cache = cache_dir
    server.routes["/ml-latest-small.zip"] = (archive, "fast")
    url, sums = server.url("/ml-latest-small.zip"), syn.checksums
    ml = load_movielens(url=url, checksums=sums)
    assert ml.origin == "download" and ml.source == cache / "ml-latest-small"
    assert len(ml.ratings) == syn.counts.n_ratings
    assert sorted(p.name for p in cache.iterdir()) == ["ml-latest-small"]  # no temp, no zip
    for name, data in syn.files.items():
        assert (cache / "ml-latest-small" / name).read_bytes() == data
    assert server.requests == ["/ml-latest-small.zip"]
    # Second run: from the cache, no request, even with the network gone.
    server.routes.clear()
    again = load_movielens(url=url, checksums=sums)
    assert again.origin == "cache"
    assert server.requests == ["/ml-latest-small.zip"]
    assert again.ratings.equals(ml.ratings)


def test_progress_bar_is_shown(server, archive, syn, tmp_path, capsys):
    server.routes["/a.zip"] = (archive, "fast")
    download_movielens(tmp_path / "c", url=server.url("/a.zip"), checksums=syn.checksums)
    err = capsys.readouterr().err
    assert "Downloading ml-latest-small.zip" in err and "100%" in err


def test_download_false_never_touches_the_network(server, archive, syn, cache_dir):
    server.routes["/ml-latest-small.zip"] = (archive, "fast")
    with pytest.raises(DataNotFoundError, match="download=False"):
        load_movielens(
            download=False, url=server.url("/ml-latest-small.zip"), checksums=syn.checksums
        )
    assert server.requests == []
    assert_nothing_unverified(cache_dir)


# --- failures: message, and nothing unverified left --------------------------------------


def test_checksum_mismatch(server, syn, cache_dir):
    files = dict(syn.files)
    files["ratings.csv"] = files["ratings.csv"].replace(b"4.0", b"3.0", 1)  # a "new release"
    server.routes["/ml-latest-small.zip"] = (_zip(files), "fast")
    with pytest.raises(ChecksumError) as info:
        load_movielens(url=server.url("/ml-latest-small.zip"), checksums=syn.checksums)
    message = str(info.value)
    assert "ratings.csv" in message and server.url("/ml-latest-small.zip") in message
    assert syn.checksums["ratings.csv"] in message
    assert hashlib.sha256(files["ratings.csv"]).hexdigest() in message
    assert "new release" in message
    assert_nothing_unverified(cache_dir)


def test_response_cut_off_halfway(server, archive, syn, cache_dir):
    server.routes["/ml-latest-small.zip"] = (archive, "cut")
    with pytest.raises((DownloadError, ArchiveError), match="cut off|truncated") as info:
        load_movielens(url=server.url("/ml-latest-small.zip"), checksums=syn.checksums)
    assert "run again" in str(info.value) and "RECSYS_DATA" in str(info.value)
    assert_nothing_unverified(cache_dir)


def test_truncated_archive_served_whole(server, archive, syn, cache_dir):
    # The server sends a complete response, but what it has is half an archive.
    server.routes["/ml-latest-small.zip"] = (archive[: len(archive) // 2], "fast")
    with pytest.raises(ArchiveError, match="truncated or corrupt"):
        load_movielens(url=server.url("/ml-latest-small.zip"), checksums=syn.checksums)
    assert_nothing_unverified(cache_dir)


@pytest.mark.parametrize("evil", ["../evil.csv", "ml-latest-small/../../evil.csv", "/tmp/evil.csv"])
def test_member_outside_the_target_is_refused(server, syn, cache_dir, evil):
    files = dict(syn.files)
    server.routes["/ml-latest-small.zip"] = (_zip({**files, evil: b"pwned\n"}), "fast")
    with pytest.raises(ArchiveError, match=r"Refusing the archive .* member .*evil\.csv.* outside"):
        load_movielens(url=server.url("/ml-latest-small.zip"), checksums=syn.checksums)
    assert_nothing_unverified(cache_dir)
    root = cache_dir.parent
    assert not list(root.rglob("evil.csv")) and not Path("/tmp/evil.csv").exists()


def test_incomplete_archive(server, syn, cache_dir):
    files = {k: v for k, v in syn.files.items() if k != "tags.csv"}
    server.routes["/ml-latest-small.zip"] = (_zip(files), "fast")
    with pytest.raises(ArchiveError, match="lacks tags.csv"):
        load_movielens(url=server.url("/ml-latest-small.zip"), checksums=syn.checksums)
    assert_nothing_unverified(cache_dir)


def test_server_not_there(syn, cache_dir, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/ml-latest-small.zip"
    with pytest.raises(DownloadError) as info:
        load_movielens(url=url, checksums=syn.checksums)
    message = str(info.value)
    assert f"could not reach {url}" in message
    assert "by hand" in message and str(cache_dir / "ml-latest-small.zip") in message
    assert "RECSYS_DATA" in message
    assert_nothing_unverified(cache_dir)


def test_http_error(server, syn, cache_dir):
    with pytest.raises(DownloadError, match="answered 404"):
        load_movielens(url=server.url("/gone.zip"), checksums=syn.checksums)
    assert_nothing_unverified(cache_dir)


def test_cache_not_writable(server, archive, syn, tmp_path, monkeypatch):
    server.routes["/a.zip"] = (archive, "fast")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RECSYS_CACHE", str(blocker / "cache"))
    with pytest.raises(DownloadError) as info:
        load_movielens(url=server.url("/a.zip"), checksums=syn.checksums)
    message = str(info.value)
    assert f"Cannot write to the MovieLens cache folder {blocker / 'cache'}" in message
    assert "RECSYS_CACHE" in message
    assert server.requests == []


def test_cache_permission_denied(server, archive, syn, cache_dir, monkeypatch):
    server.routes["/a.zip"] = (archive, "fast")
    cache = cache_dir
    cache.mkdir()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(cache))

    monkeypatch.setattr(download_module.tempfile, "mkdtemp", refuse)
    with pytest.raises(DownloadError, match=r"Cannot write .*Permission denied.*RECSYS_CACHE"):
        load_movielens(url=server.url("/a.zip"), checksums=syn.checksums)
    assert_nothing_unverified(cache)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_cache_read_only_folder(server, archive, syn, cache_dir):
    server.routes["/a.zip"] = (archive, "fast")
    cache = cache_dir
    cache.mkdir(mode=0o555)
    try:
        with pytest.raises(DownloadError, match="RECSYS_CACHE"):
            load_movielens(url=server.url("/a.zip"), checksums=syn.checksums)
    finally:
        cache.chmod(0o755)
    assert_nothing_unverified(cache)


# --- crashes: a half-written cache is never accepted, and is repaired --------------------


def test_crash_mid_download_is_repaired(server, archive, syn, cache_dir):
    """Kill a downloading process (SIGKILL, no clean-up), then load: repaired."""
    cache = cache_dir
    # Long enough (about 2 s) for the client to write a first 64 KiB block, then be killed.
    server.routes["/slow.zip"] = (archive + bytes(300_000), "slow")
    server.routes["/ml-latest-small.zip"] = (archive, "fast")
    code = (
        "import sys; from recsys_utils.download import download_movielens; "
        "download_movielens(sys.argv[1], url=sys.argv[2], checksums=eval(sys.argv[3]), "
        "progress=False)"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(cache), server.url("/slow.zip"), repr(syn.checksums)],
        env=dict(os.environ, NO_PROXY="127.0.0.1,localhost"),
    )
    try:
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size for p in cache.glob(".tmp-*/*.zip")):
            assert time.monotonic() < deadline and child.poll() is None, "download never started"
            time.sleep(0.02)
    finally:
        child.kill()
        child.wait()
    # What the crash left: a temporary folder with part of the archive, nothing installed.
    assert len(list(cache.glob(".tmp-*"))) == 1
    assert not (cache / "ml-latest-small").exists()
    ml = load_movielens(
        download=True, url=server.url("/ml-latest-small.zip"), checksums=syn.checksums
    )
    assert ml.origin == "download"
    assert sorted(p.name for p in cache.iterdir()) == ["ml-latest-small"]  # debris removed


def test_damaged_cache_folder_is_detected_and_replaced(server, archive, syn, cache_dir):
    cache = cache_dir
    folder = cache / "ml-latest-small"
    folder.mkdir(parents=True)
    # As if a copy had stopped halfway: ratings.csv cut short, tags.csv missing.
    for name, data in syn.files.items():
        if name != "tags.csv":
            (folder / name).write_bytes(data[: len(data) // 2] if name == "ratings.csv" else data)
    server.routes["/ml-latest-small.zip"] = (archive, "fast")
    url, sums = server.url("/ml-latest-small.zip"), syn.checksums
    damaged = r"(?s)ratings\.csv at .*small is not .*cached copy is damaged.*download=True"
    with pytest.raises(ChecksumError, match=damaged):
        load_movielens(download=False, url=url, checksums=sums)
    assert server.requests == []
    ml = load_movielens(url=url, checksums=sums)
    assert ml.origin == "download" and len(ml.ratings) == syn.counts.n_ratings
    assert sorted(p.name for p in cache.iterdir()) == ["ml-latest-small"]
    assert (folder / "tags.csv").read_bytes() == syn.files["tags.csv"]


def test_fresh_temporary_folder_of_a_running_download_is_left_alone(
    server, archive, syn, cache_dir
):
    cache = cache_dir
    running = cache / f".tmp-{os.getppid()}-other"  # a live process's download in progress
    old = cache / ".tmp-1-crashed"
    for tmp in (running, old):
        tmp.mkdir(parents=True)
        (tmp / "ml-latest-small.zip").write_bytes(archive[:100])
    hour_ago = time.time() - 2 * download_module.STALE_AFTER_SECONDS
    os.utime(old / "ml-latest-small.zip", (hour_ago, hour_ago))
    os.utime(old, (hour_ago, hour_ago))
    server.routes["/a.zip"] = (archive, "fast")
    load_movielens(url=server.url("/a.zip"), checksums=syn.checksums)
    assert sorted(p.name for p in cache.iterdir()) == [running.name, "ml-latest-small"]


@pytest.mark.parametrize("damage", ["truncated", "other release"])
def test_damaged_zip_in_the_cache_is_replaced(server, archive, syn, cache_dir, damage):
    """A damaged ml-latest-small.zip put in the cache is repaired by download=True."""
    cache = cache_dir
    cache.mkdir()
    files = dict(syn.files, **{"ratings.csv": syn.files["ratings.csv"] + b"9,1,1.0,1\n"})
    bad = archive[: len(archive) // 2] if damage == "truncated" else _zip(files)
    (cache / "ml-latest-small.zip").write_bytes(bad)
    server.routes["/ml-latest-small.zip"] = (archive, "fast")
    url, sums = server.url("/ml-latest-small.zip"), syn.checksums
    with pytest.raises((ArchiveError, ChecksumError)):
        load_movielens(download=False, url=url, checksums=sums)
    assert server.requests == []
    ml = load_movielens(url=url, checksums=sums)
    assert ml.origin == "download" and len(ml.ratings) == syn.counts.n_ratings
    # The damaged zip is moved aside (nothing of the user's is deleted), never read again.
    assert sorted(p.name for p in cache.iterdir()) == [
        "ml-latest-small",
        "ml-latest-small.zip.damaged",
    ]
    assert (cache / "ml-latest-small.zip.damaged").read_bytes() == bad
    assert load_movielens(url=url, checksums=sums).origin == "cache"
    assert server.requests == ["/ml-latest-small.zip"]


def test_no_import_circle_and_modules_stay_small():
    """download and movielens share _movielens_base; download never imports movielens."""
    import ast

    import recsys_utils

    root = Path(recsys_utils.__file__).parent
    names = ("download", "movielens", "_movielens_base", "_movielens_read", "_movielens_archive")

    def imported(module: str, top_level: bool = False) -> set[str]:
        tree = ast.parse((root / f"{module}.py").read_text())
        nodes = tree.body if top_level else ast.walk(tree)
        return {
            n.module.rsplit(".", 1)[-1]
            for n in nodes
            if isinstance(n, ast.ImportFrom) and n.module and "recsys_utils" in n.module
        }

    assert imported("download") == {"_movielens_base", "_movielens_archive"}
    assert imported("_movielens_archive") == {"_movielens_base"}
    assert imported("_movielens_read") == {"_movielens_base"}
    assert imported("_movielens_base") == set()
    # movielens imports download only inside load_movielens, when it must download.
    assert imported("movielens") == {"_movielens_base", "_movielens_read", "download"}
    assert imported("movielens", top_level=True) == {"_movielens_base", "_movielens_read"}
    code = "import sys, recsys_utils.download; print('recsys_utils.movielens' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    for module in names:
        lines = len((root / f"{module}.py").read_text().splitlines())
        assert lines <= 310, f"{module}.py has {lines} lines; split it by concept"


def test_the_reason_shown_is_the_useful_end_of_a_requests_error():
    import requests

    dns = requests.ConnectionError(
        "HTTPSConnectionPool(host='files.grouplens.org', port=443): Max retries exceeded with "
        'url: /datasets/movielens/ml-latest-small.zip (Caused by NameResolutionError("<urllib3'
        ".connection.HTTPSConnection object at 0x7f>: Failed to resolve 'files.grouplens.org' "
        '([Errno -3] Temporary failure in name resolution)"))'
    )
    assert download_module._reason(dns) == (
        "ConnectionError: [Errno -3] Temporary failure in name resolution"
    )
    proxy = requests.ConnectionError("x" * 500)
    assert download_module._reason(proxy) == "ConnectionError: " + "x" * 200
