"""How to name our own command in a message, so that the user can run what it says.

Errors, hints and progress lines point at the next command (``see `rackharness status```). The words
``rackharness status`` only work when ``rackharness`` is on ``PATH``; after ``./stack.sh`` it lives in
``.venv/bin``. :func:`command` says it the way it runs here:

1. started through ``stack.sh`` (which exports ``RACKHARNESS_VIA`` as the path it was started by,
   ``$0``): ``./stack.sh status``;
2. the ``rackharness`` found on ``PATH`` is this one: ``rackharness status``;
3. otherwise its path as it was typed (``.venv/bin/rackharness status``), or the script beside this
   Python when another program runs (``nose2``, ``pytest``: ``.venv/bin/rackharness status``), or
   ``python3 -m rackharness status`` when there is no script at all.

Everything is read when a message is made, never at import time; nothing is cached (tests and
child processes change the environment).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

#: set by stack.sh for the rackharness it runs: the path stack.sh was started by (``$0``)
VIA_ENV = "RACKHARNESS_VIA"
SCRIPT = "rackharness"


def command(
    args: str = "",
    *,
    environ: Mapping[str, str] | None = None,
    argv0: str | None = None,
    executable: str | None = None,
    cwd: str | Path | None = None,
) -> str:
    """``rackharness ARGS`` as the user can run it here (see the module's docstring)."""
    environ = os.environ if environ is None else environ
    program = _program(
        environ,
        sys.argv[0] if argv0 is None else argv0,
        sys.executable if executable is None else executable,
        Path.cwd() if cwd is None else Path(cwd),
    )
    return f"{program} {args}".strip()


def _program(environ: Mapping[str, str], argv0: str, executable: str, cwd: Path) -> str:
    via = environ.get(VIA_ENV, "").strip()
    if via:
        return via if "/" in via else f"./{via}"
    path = environ.get("PATH", "")
    if Path(argv0).name == SCRIPT:  # the console script itself
        if _on_path(Path(argv0), path, cwd):
            return SCRIPT
        return argv0  # as typed: relative to the user's directory, which is ours
    script = Path(executable).parent / SCRIPT  # nose2, pytest, python -m: the script of this environment
    if script.is_file():
        return SCRIPT if _on_path(script, path, cwd) else _shown(script, cwd)
    python = Path(executable).name or "python3"
    return f"{python if shutil.which(python, path=path) else executable} -m rackharness"


def _on_path(script: Path, path: str, cwd: Path) -> bool:
    """Whether ``rackharness`` typed alone runs ``script``."""
    found = shutil.which(SCRIPT, path=path)
    if not found:
        return False
    try:
        return Path(found).resolve() == (cwd / script).resolve()
    except OSError:
        return False


def _shown(script: Path, cwd: Path) -> str:
    """``script`` relative to ``cwd`` when it is below it (``.venv/bin/rackharness``), else absolute."""
    try:
        shown = str(script.absolute().relative_to(cwd.absolute()))
    except ValueError:
        return str(script.absolute())
    return shown if "/" in shown else f"./{shown}"


def named(text: str, **how: object) -> str:
    """``text`` with each command in backticks that runs rackharness (```rackharness VERB```,
    ```./stack.sh VERB```, not ``./stack.sh test``) said as :func:`command` says it; ``how`` as for it."""
    program = command(**how)  # type: ignore[arg-type]
    for said in ("`rackharness ", "`./stack.sh "):
        parts = text.split(said)
        text = parts[0] + "".join(
            (said if said == "`./stack.sh " and part.startswith("test") else f"`{program} ") + part
            for part in parts[1:]
        )
    return text
