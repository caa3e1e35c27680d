"""``python -m rackharness.suite [nose2 args]``: the black-box suite, from wherever rackharness is.

What ``nose2`` at the repository's root runs, without the repository: nose2 with the project's own
``unittest.cfg`` (the same file, bundled in the wheel: the same plugins and settings), discovering
``tests/rackhd`` with its parent directory as the top level, so the tests import as ``tests.rackhd``
and their ids (the tapes' names, the known differences') are the checkout's. The suite and the config
are the checkout's in a checkout (or an editable install), else the copies bundled with rackharness
(:mod:`rackharness.project_files`). Every argument goes to nose2: ``--group NAME``, ``--show-plan``,
``--junit-xml``, ``--record-mode none``, test names. Files the plugins write (``nose2-failures.log``,
``nose2-junit.xml``) go to the current directory, as with ``nose2``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rackharness.errors import UsageError
from rackharness.project_files import ProjectFiles, project

PROG = "python -m rackharness.suite"


def nose2_argv(files: ProjectFiles, args: Sequence[str]) -> list[str]:
    """nose2's command line for ``args``: the project's config, the suite's start and top-level directories."""
    return [
        PROG,
        "--config",
        str(files.nose2_config),
        "--start-dir",
        str(files.suite),
        "--top-level-directory",
        str(files.suite_root),
        *args,
    ]


def check(files: ProjectFiles) -> None:
    """:class:`UsageError` (exit 2) when the suite or its config is not where ``files`` says."""
    missing = [str(path) for path in (files.nose2_config, files.suite) if not path.exists()]
    if missing:
        raise UsageError(
            f"the black-box suite is not in {files.where()}: no {', '.join(missing)}",
            hint="reinstall rackharness from its wheel (it bundles tests/rackhd and unittest.cfg), "
            "or run nose2 from the repository's root",
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run nose2 on the suite; nose2 exits with the run's status (a usage error here exits 2)."""
    args = list(sys.argv[1:] if argv is None else argv)
    files = project()
    try:
        check(files)
    except UsageError as exc:
        print(f"rackharness.suite: error: {exc}", file=sys.stderr)
        return exc.exit_code
    import nose2

    nose2.discover(argv=nose2_argv(files, args), exit=True)
    return 0  # not reached: nose2 exits
