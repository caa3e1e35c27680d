"""The microkernel real VMs netboot — Debian's kernel and a busybox initramfs — built once and cached.

:func:`ensure_microkernel` returns the ``vmlinuz`` and ``initrd`` of ``<cache root>/<key>/``, building them
(:func:`~rackharness.vm.microkernel_build.build_microkernel`, ~10 s) when that entry does not exist. The key
(:func:`build_key`) is a sha256 over what the files are made of: ``/init`` and ``ohai`` (the two scripts
next to this module), the kernel .deb (name and version), the ``dpkg-query -W`` versions of the host packages
whose binaries are copied, and the build's recipe (modules, tools, small files). The cache root is
``$RACKHARNESS_CACHE_DIR/microkernel``, else ``$XDG_CACHE_HOME/rackharness/microkernel``, else
``~/.cache/rackharness/microkernel`` — never the checkout.

A build writes into a temporary directory next to the entry and renames it into place at the end: a
failed or killed build leaves no entry (a killed one's directory is removed by the next build). Missing
host packages raise :class:`~rackharness.errors.PrerequisiteError` (exit 2) naming the ``apt-get install -y``
command. Nothing happens at import time.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from rackharness.errors import PrerequisiteError
from rackharness.vm.microkernel_build import (
    HOST_PACKAGES,
    INIT_SCRIPT,
    KERNEL_META_PACKAGE,
    OHAI_SCRIPT,
    MicrokernelInputs,
    build_microkernel,
    run_checked,
)

__all__ = [
    "MicrokernelFiles",
    "MicrokernelInputs",
    "build_key",
    "default_cache_root",
    "ensure_microkernel",
    "installed_versions",
    "kernel_package",
    "read_inputs",
]


@dataclass(frozen=True)
class MicrokernelFiles:
    kernel: Path  # vmlinuz
    initrd: Path  # gzip'd cpio newc
    key: str

    @property
    def vmlinuz(self) -> Path:
        return self.kernel

    @property
    def directory(self) -> Path:
        return self.kernel.parent


def build_key(inputs: MicrokernelInputs) -> str:
    parts = {
        "init": inputs.init_script,
        "ohai": inputs.ohai_script,
        "kernel": inputs.kernel_deb,
        "packages": sorted(inputs.packages),
        "recipe": inputs.recipe,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def default_cache_root(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("RACKHARNESS_CACHE_DIR"):
        return Path(env["RACKHARNESS_CACHE_DIR"]) / "microkernel"
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "rackharness" / "microkernel"
    return Path.home() / ".cache" / "rackharness" / "microkernel"


def installed_versions(packages: Iterable[str]) -> dict[str, str]:
    """``dpkg-query -W``: package → installed version (packages not installed are absent)."""
    result = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\\t${db:Status-Abbrev}\\t${Version}\\n", *packages],
        capture_output=True,
        text=True,
    )
    rows = (line.split("\t") for line in result.stdout.splitlines())
    return {row[0]: row[2] for row in rows if len(row) == 3 and row[1].startswith("ii")}


def kernel_package(memo: Path | None = None) -> tuple[str, str]:
    """(name, version) of the package ``linux-image-amd64`` depends on; remembered in ``memo`` for as
    long as apt's package lists are unchanged (each ``apt-cache`` call takes ~0.7 s here)."""
    lists = sorted(glob.glob("/var/lib/apt/lists/*_Packages*"))
    stamp = hashlib.sha256(
        json.dumps([(p, os.stat(p).st_size, os.stat(p).st_mtime_ns) for p in lists]).encode()
    ).hexdigest()
    try:
        remembered = json.loads(memo.read_text()) if memo else {}
        if remembered.get("stamp") == stamp and remembered.get("meta") == KERNEL_META_PACKAGE:
            return remembered["name"], remembered["version"]
    except (OSError, ValueError, KeyError):
        pass
    hint = "apt-get update (apt must know the package linux-image-amd64)"
    result = subprocess.run(
        ["apt-cache", "show", "--no-all-versions", KERNEL_META_PACKAGE], capture_output=True, text=True
    )
    fields = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line and line[0] != " ")
    if result.returncode != 0 or "Depends" not in fields:
        raise PrerequisiteError(f"apt knows no package {KERNEL_META_PACKAGE}", hint=hint)
    first = fields["Depends"].split(",")[0].split("|")[0].strip()  # linux-image-6.1.0-57-amd64 (= 6.1.192-3)
    name, _, rest = first.partition(" ")
    version = rest.strip("() ").removeprefix("=").strip() if "=" in rest else ""
    if not version:
        shown = run_checked(["apt-cache", "show", "--no-all-versions", name], f"look up {name}").stdout
        version = next((line[9:].strip() for line in shown.splitlines() if line.startswith("Version: ")), "")
    if memo:
        memo.parent.mkdir(parents=True, exist_ok=True)
        memo.write_text(json.dumps({"stamp": stamp, "meta": KERNEL_META_PACKAGE, "name": name, "version": version}))
    return name, version


def read_inputs(
    cache_root: Path | None = None,
    *,
    versions: Callable[[Iterable[str]], dict[str, str]] = installed_versions,
    kernel: Callable[[], tuple[str, str]] | None = None,
) -> MicrokernelInputs:
    found = versions(HOST_PACKAGES)
    missing = [package for package in HOST_PACKAGES if not found.get(package)]
    if missing:
        raise PrerequisiteError(
            f"building the microkernel needs Debian packages that are not installed: {', '.join(missing)}",
            hint=f"apt-get install -y {' '.join(missing)}",
        )
    memo = (cache_root or default_cache_root()) / "kernel-package.json"
    name, version = (kernel or (lambda: kernel_package(memo)))()
    return MicrokernelInputs(
        INIT_SCRIPT.read_text(),
        OHAI_SCRIPT.read_text(),
        name,
        version,
        tuple((package, found[package]) for package in HOST_PACKAGES),
    )


def _clean_stale(cache_root: Path) -> None:
    """Remove the temporary directories of builds whose process is gone (``.build-<pid>-*``)."""
    for path in cache_root.glob(".build-*"):
        try:
            os.kill(int(path.name.split("-")[1]), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (ValueError, IndexError, PermissionError):
            pass


def ensure_microkernel(
    cache_root: Path | None = None,
    say=print,
    *,
    inputs: MicrokernelInputs | None = None,
    build: Callable[..., dict] = build_microkernel,
) -> MicrokernelFiles:
    """The cached microkernel for these inputs, built first if needed. Missing host packages raise
    :class:`~rackharness.errors.PrerequisiteError` naming the ``apt-get install -y ...`` command."""
    root = Path(cache_root) if cache_root is not None else default_cache_root()
    inputs = inputs or read_inputs(root)
    key = build_key(inputs)
    entry = root / key
    files = MicrokernelFiles(entry / "vmlinuz", entry / "initrd", key)
    if files.kernel.is_file() and files.initrd.is_file():
        say(f"microkernel: cached in {entry}")
        return files
    root.mkdir(parents=True, exist_ok=True)
    _clean_stale(root)
    work = Path(tempfile.mkdtemp(prefix=f".build-{os.getpid()}-", dir=root))
    started = time.monotonic()
    try:
        summary = build(inputs, work / "out", work, root / "downloads", say)
        manifest = {
            "key": key,
            "built_at": time.time(),
            "build_seconds": round(time.monotonic() - started, 1),
            "kernel_package": inputs.kernel_deb,
            "packages": dict(inputs.packages),
            **summary,
        }
        (work / "out" / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        try:
            os.rename(work / "out", entry)
        except OSError:
            if not (files.kernel.is_file() and files.initrd.is_file()):  # else: a concurrent build got there first
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"microkernel: built in {time.monotonic() - started:.1f}s: {entry}")
    return files


#: the names RackHD's bootstrap tasks give the microkernel's files (Task.Linux.Bootstrap.Rancher's
#: kernelFile / initrdFile, and the plain names), all served from one build
KERNEL_NAMES = ("vmlinuz-1.2.0-rancher", "vmlinuz")
INITRD_NAMES = ("initrd-1.2.0-rancher", "initrd")


def install(files, directory: Path, *, link: bool = False) -> list[Path]:
    """The kernel and initrd in ``directory`` under every name of KERNEL_NAMES / INITRD_NAMES (symlinks with
    ``link``, copies otherwise); the paths written."""
    written = []
    for names, source in ((KERNEL_NAMES, files.kernel), (INITRD_NAMES, files.initrd)):
        for name in names:
            target = directory / name
            if target.is_symlink() or target.exists():
                target.unlink()
            if link:
                target.symlink_to(source)
            else:
                shutil.copyfile(source, target)
            written.append(target)
    return written
