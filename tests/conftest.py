"""Shared fixtures.

MovieLens: tests never read the real data except through ``RECSYS_DATA`` (CI sets it to
``../shared/data``), and never touch the network. Tests of the loader build a small
synthetic copy in MovieLens' layout, with its own checksums, in ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import socket
import sys
import threading
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

# Read once, before any test's monkeypatching: where the real MovieLens is (or None).
REAL_RECSYS_DATA = os.environ.get("RECSYS_DATA")

# A synthetic ml-latest-small: 4 users, 5 movies (one unrated), 12 ratings on the 0.5-5 scale.
SYNTHETIC_FILES = {
    "ratings.csv": (
        "userId,movieId,rating,timestamp\n"
        "1,1,4.0,964982703\n1,3,4.5,964981247\n1,6,0.5,964982224\n"
        "2,1,5.0,1445714994\n2,50,3.0,1445714835\n2,3,2.5,1445715000\n"
        "3,6,3.5,1306463578\n3,50,1.0,1306463500\n3,1,4.0,1306463600\n"
        "7,3,5.0,1106635946\n7,50,2.0,1106635996\n7,6,4.5,1106635996\n"
    ),
    "movies.csv": (
        "movieId,title,genres\n"
        "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n"
        "3,Grumpier Old Men (1995),Comedy|Romance\n"
        '6,"American President, The (1995)",Comedy|Drama|Romance\n'
        "50,\"Usual Suspects, The (1995)\",Crime|Mystery|Thriller\n"
        "99,Unrated Movie (2000),(no genres listed)\n"
    ),
    "links.csv": "movieId,imdbId,tmdbId\n1,0114709,862\n3,0113228,15602\n",
    "tags.csv": "userId,movieId,tag,timestamp\n2,1,funny,1445714994\n",
    "README.txt": "Synthetic MovieLens-format data for the recsys_utils tests.\n",
}
SYNTHETIC_COUNTS = SimpleNamespace(n_ratings=12, n_users=4, n_movies=5, n_rated_movies=4)


def make_zip(path: Path, files: dict[str, bytes], prefix: str = "ml-latest-small/") -> Path:
    """Write ``files`` into the zip ``path`` as GroupLens lays it out (``<prefix><name>``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(prefix + name, data)
    return path


@pytest.fixture
def synthetic_movielens(tmp_path: Path) -> SimpleNamespace:
    """A synthetic ml-latest-small in ``tmp_path``, in every layout the loader accepts.

    Attributes: ``files`` (name -> bytes), ``checksums`` (name -> SHA-256, pass as
    ``checksums=``), ``folder`` (``.../folder_layout/ml-latest-small/``), ``folder_parent``,
    ``zip`` (``.../zip_layout/ml-latest-small.zip``), ``zip_parent``, ``zip_bytes``,
    ``counts`` and ``make_zip`` (to build variants).
    """
    files = {name: text.encode() for name, text in SYNTHETIC_FILES.items()}
    folder = tmp_path / "folder_layout" / "ml-latest-small"
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    archive = make_zip(tmp_path / "zip_layout" / "ml-latest-small.zip", files)
    return SimpleNamespace(
        files=files,
        checksums={name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        folder=folder,
        folder_parent=folder.parent,
        zip=archive,
        zip_parent=archive.parent,
        zip_bytes=archive.read_bytes(),
        counts=SYNTHETIC_COUNTS,
        make_zip=make_zip,
    )


@pytest.fixture
def isolated_data_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Unset ``RECSYS_DATA`` and point ``RECSYS_CACHE`` at an empty ``tmp_path/cache``.

    Returns the cache folder (not created). Nothing the test does reaches the real cache.
    """
    cache = tmp_path / "cache"
    monkeypatch.delenv("RECSYS_DATA", raising=False)
    monkeypatch.setenv("RECSYS_CACHE", str(cache))
    return cache


# --- a local HTTP server for the download tests (no test touches the internet) -----------


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        server.requests.append(self.path)
        route = server.routes.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        body, mode = route
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "cut":  # announce the whole archive, send half, hang up
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        step = 16_384 if mode == "slow" else len(body)
        for start in range(0, len(body), step):
            self.wfile.write(body[start : start + step])
            self.wfile.flush()
            if mode == "slow":
                time.sleep(0.1)

    def log_message(self, *args):  # keep the test output quiet
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client that gives up mid-transfer (the point of some tests) breaks the pipe.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@pytest.fixture
def server(monkeypatch):
    """A local HTTP server: ``server.routes[path] = (bytes, mode)``; ``server.url(path)``."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.routes, httpd.requests = {}, []
    httpd.url = lambda path: f"http://127.0.0.1:{httpd.server_address[1]}{path}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def offline_url(monkeypatch):
    """``offline_url(name)``: a URL on 127.0.0.1 where nobody listens (as if offline)."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return lambda name="ml-latest-small.zip": f"http://127.0.0.1:{port}/{name}"


@pytest.fixture
def real_movielens_dir() -> Path:
    """The folder ``RECSYS_DATA`` names (holding ml-latest-small/ and/or the zip), or skip."""
    if not REAL_RECSYS_DATA:
        pytest.skip(
            "RECSYS_DATA is not set: the real MovieLens tests need it to point at a folder "
            "holding ml-latest-small/ or ml-latest-small.zip (CI sets it to ../shared/data)"
        )
    return Path(REAL_RECSYS_DATA)


@pytest.fixture
def small():
    """A five-row ratings table, hand-made so every expected figure can be read off."""
    # Users 7 and 9, movies 1, 3, 8; hand-made so every expected figure can be read off.
    import pandas as pd

    return pd.DataFrame(
        {
            "userId": [9, 7, 7, 9, 7],
            "movieId": [3, 3, 1, 8, 8],
            "rating": [0.5, 4.0, 5.0, 2.5, 3.0],
            "timestamp": [100, 50, 10, 200, 60],
        }
    )
