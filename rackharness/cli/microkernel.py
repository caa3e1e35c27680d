"""``rackharness microkernel [--install DIR]``: the microkernel real VMs netboot, built or taken from its cache.

Without ``--install`` it prints where the kernel and initrd are. ``--install DIR`` copies them into DIR
under the names RackHD's bootstrap tasks ask for (``vmlinuz-1.2.0-rancher``, ``initrd-1.2.0-rancher``, and
the plain ``vmlinuz`` / ``initrd``): for a real RackHD, DIR is the ``common/`` folder of its static root
(on-http's ``httpStaticRoot``, e.g. /opt/monorail/static/http/common), which it serves under /common/.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rackharness.config import Config
from rackharness.errors import UsageError

NAME = "microkernel"
HELP = "build (or find in the cache) the microkernel VMs netboot; --install DIR copies it for a RackHD"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--install", metavar="DIR", help="copy the files into DIR under RackHD's names")


def run(args: argparse.Namespace, config: Config) -> int:
    del config
    from rackharness.vm.microkernel import ensure_microkernel, install

    files = ensure_microkernel()
    if not args.install:
        print(f"kernel {files.kernel}\ninitrd {files.initrd}")
        return 0
    directory = Path(args.install)
    if not directory.is_dir():
        raise UsageError(
            f"--install {args.install}: no such directory",
            hint="give the common/ folder of RackHD's static root (httpStaticRoot), e.g. "
            "/opt/monorail/static/http/common",
        )
    for path in install(files, directory):
        print(f"installed {path}")
    return 0
