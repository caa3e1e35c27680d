"""An initramfs from a staged directory: host binaries copied with their shared libraries, packed as gzip'd cpio.

* :func:`copy_binary` puts a host executable at a path of the staged root together with every library
  ``ldd`` names for it (and the dynamic loader), each at the path ``ldd`` printed, so the loader finds
  them without an ``ld.so.cache``;
* :func:`write_initramfs` packs the staged root as the kernel unpacks it: cpio ``newc`` (SVR4, no CRC),
  compressed with gzip -9, every entry owned by root with mtime 0 (the same tree gives the same bytes),
  plus character devices (``/dev/console``) that an unprivileged build could not ``mknod``.
"""

from __future__ import annotations

import gzip
import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import BinaryIO

from rackharness.errors import RackHarnessError

#: character devices every initramfs gets: the kernel opens /dev/console for /init before devtmpfs is mounted
DEVICES = {"dev/console": (5, 1), "dev/null": (1, 3)}
_TRAILER = "TRAILER!!!"


def shared_libraries(binary: Path) -> list[str]:
    """The absolute paths ``ldd`` resolves ``binary``'s libraries to (the loader included); [] for a static one."""
    result = subprocess.run(["ldd", str(binary)], capture_output=True, text=True)
    if result.returncode != 0:  # "not a dynamic executable"
        return []
    libraries = []
    for line in result.stdout.splitlines():
        line = line.strip()
        if "=>" in line:
            target = line.split("=>", 1)[1].strip()
            if target.startswith("not found"):
                raise RackHarnessError(
                    f"{binary} needs {line.split()[0]}, which ldd cannot find",
                    hint="reinstall the package that ships it (apt-get install --reinstall ...)",
                )
            if target.startswith("/"):
                libraries.append(target.split(" (", 1)[0])
        elif line.startswith("/"):
            libraries.append(line.split(" (", 1)[0])
    return libraries


def copy_file(source: str | Path, root: Path, dest: str, mode: int | None = None) -> None:
    """``source``'s content (symlinks followed) at ``root/dest``."""
    target = root / dest.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    os.chmod(target, mode if mode is not None else stat.S_IMODE(os.stat(source).st_mode))


def copy_binary(source: str | Path, root: Path, dest: str) -> list[str]:
    """``source`` at ``root/dest`` and its libraries where ``ldd`` found them; the libraries' paths."""
    copy_file(source, root, dest)
    libraries = shared_libraries(Path(source))
    for library in libraries:
        if not (root / library.lstrip("/")).exists():
            copy_file(library, root, library, 0o755)
    return libraries


def _entry(out: BinaryIO, name: str, mode: int, data: bytes, ino: int, rdev: tuple[int, int] = (0, 0)) -> None:
    nlink = 2 if stat.S_ISDIR(mode) else 1
    encoded = name.encode() + b"\0"
    fields = (ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(encoded), 0)
    header = b"070701" + b"".join(b"%08X" % value for value in fields)
    out.write(header + encoded + b"\0" * (-(len(header) + len(encoded)) % 4))
    out.write(data + b"\0" * (-len(data) % 4))


def _payload(path: Path, st: os.stat_result) -> bytes:
    if stat.S_ISLNK(st.st_mode):
        return os.readlink(path).encode()
    return path.read_bytes() if stat.S_ISREG(st.st_mode) else b""


def write_initramfs(root: Path, out: Path, devices: dict[str, tuple[int, int]] = DEVICES) -> int:
    """Pack ``root`` (each directory before what it holds, names sorted) into ``out``; the number of entries.
    ``devices`` (path → major, minor) are added in their directory, which must exist in ``root``."""
    count = 0
    with open(out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:

        def add(rel: str, mode: int, data: bytes = b"", rdev: tuple[int, int] = (0, 0)) -> None:
            nonlocal count
            count += 1
            _entry(gz, rel, mode, data, count, rdev)

        for directory, dirs, files in os.walk(root):
            base = Path(directory)
            here = base.relative_to(root).as_posix()
            if base != root:
                add(here, os.lstat(base).st_mode)
            links = [d for d in dirs if (base / d).is_symlink()]  # os.walk lists links to directories as dirs
            dirs[:] = sorted(set(dirs) - set(links))
            for name in sorted(files + links):
                st = os.lstat(base / name)
                add((base / name).relative_to(root).as_posix(), st.st_mode, _payload(base / name, st))
            for dev, rdev in sorted(devices.items()):
                if os.path.dirname(dev) == ("" if base == root else here) and not (root / dev).exists():
                    add(dev, stat.S_IFCHR | 0o600, rdev=rdev)
        _entry(gz, _TRAILER, 0, b"", 0)
    return count
