"""Print rackharness's requirements (core plus the extras named on the command line), one per line.

The tests image (Dockerfile) installs these in a layer of their own, from the packaging files alone,
before the source is copied: a source edit then rebuilds only the last layer. Reads pyproject.toml's
[project] table when it has one, else the arguments setup.py passes to setup(); builds nothing.

    python .ci/dependencies.py test isolated > requirements.txt
"""

from __future__ import annotations

import contextlib
import sys
import tomllib
from pathlib import Path
from unittest import mock


def from_pyproject(path: Path) -> tuple[list[str], dict[str, list[str]]] | None:
    project = tomllib.loads(path.read_text(encoding="utf-8")).get("project") or {}
    if "dependencies" not in project and "optional-dependencies" not in project:
        return None
    return list(project.get("dependencies", [])), dict(project.get("optional-dependencies", {}))


def from_setup_py(path: Path) -> tuple[list[str], dict[str, list[str]]]:
    seen: dict = {}
    with mock.patch("setuptools.setup", side_effect=lambda **kw: seen.update(kw)), contextlib.chdir(path.parent):
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), {"__name__": "__main__"})
    return list(seen.get("install_requires", [])), dict(seen.get("extras_require", {}))


def main(extras: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    found = from_pyproject(root / "pyproject.toml") if (root / "pyproject.toml").is_file() else None
    core, optional = found if found is not None else from_setup_py(root / "setup.py")
    unknown = sorted(set(extras) - set(optional))
    if unknown:
        print(
            f"dependencies.py: no extra {', '.join(unknown)} (extras: {', '.join(sorted(optional))})", file=sys.stderr
        )
        return 2
    lines = list(dict.fromkeys(core + [req for extra in extras for req in optional[extra]]))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
