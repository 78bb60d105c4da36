"""What a learner sees when MovieLens is not there: one short error, first line = what to do.

Offline, the first MovieLens cell used to print a 191-line chained traceback (requests,
urllib3, socket) with the useful message at its very end. Now every loader error is raised
without a chain, and IPython / Jupyter show only its message (``_render_traceback_``).
"""

from __future__ import annotations

import traceback

import pytest

from recsys_utils.movielens import (
    ArchiveError,
    ChecksumError,
    DataNotFoundError,
    DownloadError,
    MovieLensError,
    load_movielens,
)

pytestmark = pytest.mark.usefixtures("isolated_data_env")


def _assert_short_and_unchained(exc: BaseException) -> list[str]:
    """No chained cause or context is shown; return the message's lines."""
    assert exc.__cause__ is None
    assert exc.__context__ is None or exc.__suppress_context__
    shown = "".join(traceback.format_exception(exc))
    assert "direct cause" not in shown and "During handling" not in shown
    assert isinstance(exc, MovieLensError)
    lines = exc._render_traceback_()
    assert lines[0] == f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    assert len(lines) <= 6, lines
    return str(exc).splitlines()


def test_offline_first_use(offline_url, isolated_data_env, capsys):
    url = offline_url()
    with pytest.raises(DownloadError) as info:
        load_movielens(url=url)
    assert "Downloading" not in capsys.readouterr().err  # no progress bar for nothing
    lines = _assert_short_and_unchained(info.value)
    first = lines[0]
    # The first line says what to do: download the zip by hand, or set RECSYS_DATA.
    assert first.startswith("No connection to GroupLens")
    assert f"download {url} by hand" in first and "RECSYS_DATA" in first
    assert str(isolated_data_env / "ml-latest-small.zip") in first
    # The details follow, short: which address, what the system said.
    assert f"could not reach {url}" in lines[1] and "Connection refused" in lines[1]
    assert "HTTPConnectionPool" not in str(info.value)
    assert not isolated_data_env.exists() or not any(isolated_data_env.iterdir())


def test_download_false_first_use(isolated_data_env):
    with pytest.raises(DataNotFoundError) as info:
        load_movielens(download=False)
    first = _assert_short_and_unchained(info.value)[0]
    assert first.startswith("MovieLens ml-latest-small is not on this computer")
    assert "files.grouplens.org/datasets/movielens/ml-latest-small.zip" in first
    assert "RECSYS_DATA" in first


def test_corrupt_zip_is_unchained(synthetic_movielens, tmp_path):
    cut = tmp_path / "cut" / "ml-latest-small.zip"
    cut.parent.mkdir()
    cut.write_bytes(synthetic_movielens.zip_bytes[:200])
    with pytest.raises(ArchiveError) as info:
        load_movielens(cut, checksums=synthetic_movielens.checksums)
    first = _assert_short_and_unchained(info.value)[0]
    assert first.startswith(f"Cannot read the zip archive {cut}: it is truncated or corrupt")
    assert "Download it again from https://files.grouplens.org" in first


def test_errors_keep_their_standard_bases():
    # Code that caught the standard errors before still catches them.
    assert issubclass(DownloadError, OSError) and issubclass(DataNotFoundError, FileNotFoundError)
    assert issubclass(ChecksumError, ValueError) and issubclass(ArchiveError, ValueError)
    assert DownloadError.__module__ == "recsys_utils.movielens"


def test_jupyter_shows_only_the_message(offline_url, isolated_data_env):
    """A real Jupyter kernel runs a learner's first cell offline: a short, readable error."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    url = offline_url()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f"import recsys_utils as ru\nml = ru.load_movielens(url={url!r})")
    ]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    # The error is the cell's only output: no dead "Downloading 0 %" bar above it.
    (error,) = nb.cells[0].outputs
    assert error.output_type == "error"
    assert error.ename == "DownloadError"
    shown = "\n".join(error.traceback)
    # Only the message: no "Traceback", no frame of recsys_utils, requests or urllib3.
    assert "Traceback" not in shown and "site-packages" not in shown, shown
    assert "requests" not in shown and "urllib3" not in shown, shown
    assert len(shown.splitlines()) <= 6, shown
    assert shown.splitlines()[0].startswith("DownloadError: No connection to GroupLens")
    assert "RECSYS_DATA" in shown.splitlines()[0]


def test_plain_python_still_prints_a_traceback(offline_url):
    # Outside IPython the usual traceback stays (developers need the frames), but unchained.
    with pytest.raises(DownloadError) as info:
        load_movielens(url=offline_url())
    shown = "".join(traceback.format_exception(info.value))
    assert shown.startswith("Traceback") and "recsys_utils/download.py" in shown
    assert "urllib3" not in shown and "site-packages/requests" not in shown
    assert shown.rstrip().splitlines()[-2].startswith("recsys_utils.movielens.DownloadError: No")
