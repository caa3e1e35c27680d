"""``rackharness matrix``: docs/tested-matrix.md from the black-box suite's registry."""
from __future__ import annotations

import argparse
from pathlib import Path

from rackharness.config import Config

NAME = "matrix"
HELP = "print (or --write) the tested-matrix page generated from the black-box suite"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--suite", default="tests/rackhd", help="the suite directory (default tests/rackhd)")
    parser.add_argument("--write", metavar="FILE", help="write the page to FILE (e.g. docs/tested-matrix.md)")


def run(args: argparse.Namespace, config: Config) -> int:
    del config
    from rackharness.suite.matrix import build_matrix
    page = build_matrix(args.suite)
    if args.write:
        Path(args.write).write_text(page, encoding="utf-8")
        print(f"wrote {args.write}")
    else:
        print(page, end="")
    return 0
