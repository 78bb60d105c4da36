"""Print the exact versions of everything ``recsys-utils[test]`` needs, as a pip constraints file.

    python tools/constraints.py > constraints.txt     # `make constraints` runs it after `make test-latest`

Walks the installed distributions from ``recsys-utils`` with its ``test`` extra through their
requirements (markers evaluated for this interpreter and platform), so tools that happen to be
installed in the same environment (ruff, faiss, nbgrader, ...) are left out. ``make lab`` and
``make test`` install with ``-c constraints.txt``: a learner gets the versions CI tested.
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT, EXTRAS = "recsys-utils", {"test"}
# Packaging tools are left to the venv and to pip, as `pip freeze` does (an old pinned setuptools
# breaks on newer Pythons).
UNPINNED = {"pip", "setuptools", "wheel"}
# Published in lockstep: pin the other flavour too, so macOS (plain tensorflow) gets the same release.
TWINS = {"tensorflow-cpu": "tensorflow", "tensorflow": "tensorflow-cpu"}


def closure(project: str = PROJECT, extras: set[str] = EXTRAS) -> dict[str, str]:
    """``{canonical name: version}`` of ``project`` and every distribution it requires, recursively."""
    env = default_environment()
    found: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [(project, set(extras))]
    while todo:
        name, wanted = todo.pop()
        if (canonicalize_name(name), frozenset(wanted)) in seen:
            continue
        seen.add((canonicalize_name(name), frozenset(wanted)))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise SystemExit(f"{name} is required but not installed here; run this in the environment "
                             "`make test-latest` built (.venv-latest/bin/python tools/constraints.py)") from None
        found[canonicalize_name(dist.metadata["Name"])] = dist.version
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is not None and not any(req.marker.evaluate(dict(env, extra=e))
                                                   for e in (wanted or {""})):
                continue
            todo.append((req.name, set(req.extras)))
    found.pop(canonicalize_name(project))  # the project itself is installed editable, not pinned
    return {name: version for name, version in found.items() if name not in UNPINNED}


def main() -> None:
    pins = closure()
    for name, twin in TWINS.items():
        if name in pins and twin not in pins:
            pins[twin] = pins[name]
    print(f"# The versions `make test` passed with: Python {platform.python_version()} on "
          f"{sys.platform} {platform.machine()}.")
    print("# Regenerate with `make constraints` (runs `make test-latest`, then tools/constraints.py).")
    print("# Used by `make lab` / `make test` as `pip install -c constraints.txt`; `make test-latest` ignores it.")
    for name in sorted(pins):
        print(f"{name}=={pins[name]}")


if __name__ == "__main__":
    main()
