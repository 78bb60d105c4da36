"""Give every notebook an "Open in Colab" badge and a Colab-only install cell.

    python tools/colab.py notebooks/*.ipynb           # add or refresh the two cells, in place
    python tools/colab.py --check notebooks/*.ipynb   # exit 1 if a notebook's cells are missing or stale

Both cells carry the tag ``colab``; a run first removes every cell so tagged and then inserts
them afresh, so the script can be re-run at any time (after a merge, after the URL changes) and
changes nothing when they are current. The repository's address is read from one place:
``[project.urls] Repository`` in ``pyproject.toml``.

* The badge is a markdown cell of its own right after the title cell.
* The install cell is a code cell of its own right before the setup cell (the first code cell).
  On Colab (``google.colab`` imported) it pip-installs the package from the repository; anywhere
  else — JupyterLab from ``make lab``, nbval in CI — it does nothing and prints nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
TAG = "colab"
BRANCH = "main"


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """``[project.urls] Repository`` of ``pyproject``: ``https://github.com/<owner>/<name>``."""
    urls = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"].get("urls", {})
    url = urls.get("Repository", "").rstrip("/")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"pyproject.toml's [project.urls] Repository must be https://github.com/<owner>/<name>, "
                         f"got {url!r}; set it there (the only place the address is written)")
    return url


def badge_source(url: str, notebook: str) -> str:
    """Markdown of the badge that opens ``notebooks/<notebook>`` of ``url`` in Colab."""
    colab = url.replace("https://github.com/", "https://colab.research.google.com/github/")
    return (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab}/blob/{BRANCH}/notebooks/{notebook})")


def install_source(url: str) -> str:
    """The install cell: a pip install from ``url`` on Colab, nothing anywhere else.

    Plain Python (no ``%pip`` magic), so every tool that parses the notebooks' code can read it.
    """
    return (
        "# On Google Colab only: install this series' package from its repository (a minute).\n"
        "# Colab already has NumPy, pandas, TensorFlow, Keras and ipywidgets, so only the package\n"
        "# and pooch are installed (--no-deps keeps a second TensorFlow out). Elsewhere: does nothing.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "pooch",\n'
        f'                    "recsys-utils @ git+{url}"], check=True)'
    )


def _cell(kind: str, source: str) -> dict:
    lines = source.splitlines(keepends=True)
    if kind == "code":  # nbformat 4.4's key order, as tools/notebooks.py writes it
        return {"cell_type": "code", "execution_count": None, "metadata": {"tags": [TAG]}, "outputs": [],
                "source": lines}
    return {"cell_type": kind, "metadata": {"tags": [TAG]}, "source": lines}


def _is_colab(cell: dict) -> bool:
    return TAG in cell.get("metadata", {}).get("tags", [])


def with_colab_cells(nb: dict, url: str, name: str) -> dict:
    """``nb`` with exactly one badge cell after the title and one install cell before the setup cell."""
    cells = [c for c in nb["cells"] if not _is_colab(c)]
    if not cells or cells[0]["cell_type"] != "markdown":
        raise ValueError(f"{name}: the first cell must be the markdown title cell")
    first_code = next((k for k, c in enumerate(cells) if c["cell_type"] == "code"), None)
    if first_code is None:
        raise ValueError(f"{name}: no code cell (the setup cell) to put the install cell before")
    cells.insert(first_code, _cell("code", install_source(url)))
    cells.insert(1, _cell("markdown", badge_source(url, name)))
    return dict(nb, cells=cells)


def _dump(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any notebook is stale")
    args = parser.parse_args(argv)
    url = repository_url()
    stale = []
    for path in args.notebooks:
        text = path.read_text(encoding="utf-8")
        new = _dump(with_colab_cells(json.loads(text), url, path.name))
        if new != text:
            stale.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    verb = "stale (run: python tools/colab.py notebooks/*.ipynb)" if args.check else "updated"
    for path in stale:
        print(f"{path}: {verb}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
