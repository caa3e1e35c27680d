"""What the microkernel is made of, and how one is built from Debian packages and host binaries.

:func:`build_microkernel` writes ``vmlinuz`` and ``initrd`` into a directory, in five steps:

1. ``apt-get download`` the package ``linux-image-amd64`` depends on (Debian's generic kernel: the cloud
   kernel boots ~2 s faster under TCG but has no IPMI, and RackHD's discovery runs ipmitool in the node;
   kept in the cache's ``downloads/``);
2. ``dpkg-deb -x`` it and take ``vmlinuz``, the virtio-net modules and the IPMI system-interface modules
   (:data:`MODULES`, in load order: the .deb ships no modules.dep; compressed ones are decompressed, busybox
   ``insmod`` reads plain .ko only);
3. busybox-static with its applets, iproute2's ``ip``, dmidecode, lspci (+ pci.ids), jq, lshw and ipmitool
   with their libraries;
4. ``/init`` (``microkernel_init.sh``), ``ohai`` (``microkernel_ohai.sh``), ``sudo`` (runs its arguments:
   RackHD's commands start with it), ``bash`` (busybox sh), udhcpc's lease script, the modules;
5. the initrd: cpio newc, gzip -9 (:mod:`rackharness.vm.initramfs`).

:class:`MicrokernelInputs` holds what a build depends on; :data:`RECIPE` is this module's own part of it.
Caching is :mod:`rackharness.vm.microkernel`'s. Nothing happens at import time.
"""

from __future__ import annotations

import gzip
import json
import lzma
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rackharness.errors import PrerequisiteError, RackHarnessError
from rackharness.vm.initramfs import copy_binary, copy_file, write_initramfs

HOST_PACKAGES = ("busybox-static", "dmidecode", "pciutils", "iproute2", "jq", "lshw", "ipmitool")
KERNEL_META_PACKAGE = "linux-image-amd64"
#: virtio-net, then the in-band BMC: ipmi_si finds QEMU's KCS interface (isa-ipmi-kcs) through ACPI/SMBIOS,
#: ipmi_devintf gives /dev/ipmi0, which ipmitool opens when no -I is given (RackHD's commands)
MODULES = (
    "virtio_ring",
    "virtio",
    "virtio_pci_legacy_dev",
    "virtio_pci_modern_dev",
    "virtio_pci",
    "failover",
    "net_failover",
    "virtio_net",
    "ipmi_msghandler",
    "ipmi_si",
    "ipmi_devintf",
)
#: insmod arguments: QEMU's KCS interface has no interrupt the driver uses, and without kipmid (a kernel thread
#: polling the interface) each step of a KCS transfer waits for a timer tick
MODULE_ARGUMENTS = {"ipmi_si": "force_kipmid=1"}
OPTIONAL_MODULES = ("af_packet",)  # udhcpc's packet sockets; built in (CONFIG_PACKET=y) on Debian's kernels
TOOLS = ("dmidecode", "lspci", "ip", "jq", "lshw", "ipmitool")
DATA_FILES = ("/usr/share/misc/pci.ids",)
DIRECTORIES = (
    "bin",
    "sbin",
    "usr/bin",
    "usr/sbin",
    "etc/ohai/plugins",
    "proc",
    "sys",
    "dev",
    "tmp",
    "run",
    "root",
    "var",
    "usr/share/udhcpc",
    "lib/modules/microkernel",
)
INIT_SCRIPT = Path(__file__).with_name("microkernel_init.sh")
OHAI_SCRIPT = Path(__file__).with_name("microkernel_ohai.sh")
SUDO_SCRIPT = """#!/bin/sh
# sudo of the rackharness microkernel: all runs as root. Runs its arguments, preferring a real program to the
# busybox applet of the same name (busybox ash runs its own `ip` before PATH's).
while [ $# -gt 0 ]; do case "$1" in -E | -H | -n | -S | --) shift ;; *) break ;; esac; done
[ $# -gt 0 ] || exit 0
case "$1" in */*) ;; *)
    for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
        [ -f "$dir/$1" ] || continue
        case "$(readlink -f "$dir/$1")" in */busybox) ;; *) program=$dir/$1; shift; exec "$program" "$@" ;; esac
    done ;;
esac
exec "$@"
"""
UDHCPC_SCRIPT = """#!/bin/sh
# udhcpc's lease script: address, default route, resolv.conf, hostname
case "$1" in
    deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
    bound | renew)
        ip addr flush dev "$interface"
        ip addr add "$ip/${mask:-24}" ${broadcast:+broadcast "$broadcast"} dev "$interface"
        for r in $router; do ip route add default via "$r" dev "$interface"; break; done
        : >/etc/resolv.conf
        for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done
        [ -n "$domain" ] && echo "search $domain" >>/etc/resolv.conf
        [ -n "$hostname" ] && hostname "$hostname"
        ;;
esac
exit 0
"""
SMALL_FILES = {  # path in the initramfs → (mode, text)
    "usr/bin/sudo": (0o755, SUDO_SCRIPT),
    "bin/bash": (0o755, '#!/bin/sh\n# bash is busybox sh here\nexec /bin/sh "$@"\n'),
    "usr/share/udhcpc/default.script": (0o755, UDHCPC_SCRIPT),
    "etc/passwd": (0o644, "root:x:0:0:root:/root:/bin/sh\n"),
    "etc/group": (0o644, "root:x:0:\n"),
    "etc/hostname": (0o644, "rackharness-mk\n"),
    "etc/os-release": (
        0o644,
        'NAME="rackharness microkernel"\nID=rackharness-microkernel\nID_LIKE=debian\n'
        'VERSION_ID="1"\nPRETTY_NAME="rackharness microkernel (Debian userland)"\n',
    ),
}
RECIPE = json.dumps(
    [MODULES, MODULE_ARGUMENTS, OPTIONAL_MODULES, TOOLS, DATA_FILES, DIRECTORIES, SMALL_FILES, 1], sort_keys=True
)
STEPS = 5


@dataclass(frozen=True)
class MicrokernelInputs:
    """What a build is made of; equal inputs give the same :func:`build_key`."""

    init_script: str
    ohai_script: str
    kernel_package: str  # linux-image-6.1.0-NN-amd64
    kernel_version: str
    packages: tuple[tuple[str, str], ...]  # (package, installed version) of HOST_PACKAGES
    recipe: str = RECIPE

    @property
    def kernel_deb(self) -> str:
        return f"{self.kernel_package}_{self.kernel_version.replace(':', '%3a')}_amd64.deb"


def run_checked(argv: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    except FileNotFoundError as exc:
        raise PrerequisiteError(f"{what}: {argv[0]} is not installed") from exc
    if result.returncode != 0:
        raise RackHarnessError(f"{what}: `{' '.join(argv)}` exited {result.returncode}: {result.stderr.strip()[-400:]}")
    return result


def fetch_kernel_deb(inputs: MicrokernelInputs, downloads: Path) -> Path:
    deb = downloads / inputs.kernel_deb
    if deb.is_file():
        return deb
    downloads.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=downloads))
    try:
        run_checked(
            ["apt-get", "download", f"{inputs.kernel_package}={inputs.kernel_version}"],
            f"download {inputs.kernel_package}",
            cwd=partial,
        )
        fetched = list(partial.glob("*.deb"))
        if len(fetched) != 1:
            raise RackHarnessError(f"apt-get download {inputs.kernel_package} left {len(fetched)} .deb files")
        for old in downloads.glob("linux-image-*.deb"):
            old.unlink()
        os.replace(fetched[0], deb)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return deb


def kernel_parts(tree: Path) -> tuple[Path, list[tuple[str, bytes]]]:
    """vmlinuz and the (name, uncompressed .ko) of MODULES (+ OPTIONAL_MODULES that are modules) in load order."""
    kernels = sorted(tree.glob("boot/vmlinuz-*"))
    if not kernels:
        raise RackHarnessError(f"the kernel package has no boot/vmlinuz-* ({tree})")
    found: dict[str, Path] = {}
    for base in (tree / "lib" / "modules", tree / "usr" / "lib" / "modules"):
        for path in base.rglob("*.ko*") if base.is_dir() else ():
            found.setdefault(path.name.split(".ko")[0].replace("-", "_"), path)
    missing = [name for name in MODULES if name not in found]
    if missing:
        raise RackHarnessError(f"the kernel package lacks the modules {', '.join(missing)}")
    modules = []
    for name in MODULES + tuple(n for n in OPTIONAL_MODULES if n in found):
        path, data = found[name], found[name].read_bytes()
        if path.name.endswith(".xz"):
            data = lzma.decompress(data)
        elif path.name.endswith(".gz"):
            data = gzip.decompress(data)
        elif not path.name.endswith(".ko"):
            raise RackHarnessError(f"cannot decompress {path.name} (busybox insmod reads plain .ko only)")
        modules.append((name, data))
    return kernels[-1], modules


def _which(program: str) -> str:
    found = shutil.which(program, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if found is None:
        raise PrerequisiteError(
            f"the microkernel needs {program}, which is not on this machine",
            hint=f"apt-get install -y {' '.join(HOST_PACKAGES)}",
        )
    return found


def stage_programs(root: Path) -> None:
    """The directories, busybox and its applets, the tools with their libraries, pci.ids."""
    for directory in DIRECTORIES:
        (root / directory).mkdir(parents=True, exist_ok=True)
    busybox = _which("busybox")
    copy_binary(busybox, root, "bin/busybox")
    for tool in TOOLS:
        source = _which(tool)
        copy_binary(source, root, f"usr/{'sbin' if '/sbin/' in source else 'bin'}/{tool}")
    for path in DATA_FILES:
        copy_file(path, root, path, 0o644)
    applets = run_checked([busybox, "--list"], "list busybox's applets").stdout.split()
    for applet in applets:
        if applet != "busybox" and not (root / "bin" / applet).exists():
            (root / "bin" / applet).symlink_to("busybox")


def stage_scripts(root: Path, inputs: MicrokernelInputs, modules: list[tuple[str, bytes]]) -> None:
    """/init, ohai, the small files and the modules with their load order."""
    for path, (mode, text) in {
        "init": (0o755, inputs.init_script),
        "usr/bin/ohai": (0o755, inputs.ohai_script),
        **SMALL_FILES,
    }.items():
        (root / path).unlink(missing_ok=True)  # never write through an applet's symlink into busybox
        (root / path).write_text(text)
        os.chmod(root / path, mode)
    for name, data in modules:
        (root / "lib/modules/microkernel" / f"{name}.ko").write_bytes(data)
    (root / "lib/modules/microkernel/modules.order").write_text(
        "".join(f"{name}.ko {MODULE_ARGUMENTS.get(name, '')}".rstrip() + "\n" for name, _ in modules)
    )


def build_microkernel(inputs: MicrokernelInputs, out: Path, work: Path, downloads: Path, say=print) -> dict:
    """Write ``out/vmlinuz`` and ``out/initrd``, using ``work`` as scratch; a summary for the manifest."""

    def step(k: int, what: str) -> None:
        say(f"microkernel: step {k}/{STEPS}: {what}")

    step(1, f"kernel package {inputs.kernel_deb}")
    deb = fetch_kernel_deb(inputs, downloads)
    step(2, "extract vmlinuz and the virtio-net modules")
    run_checked(["dpkg-deb", "-x", str(deb), str(work / "deb")], f"extract {deb.name}")
    vmlinuz, modules = kernel_parts(work / "deb")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(vmlinuz, out / "vmlinuz")
    shutil.rmtree(work / "deb")
    step(3, "busybox, " + ", ".join(TOOLS) + " and their libraries")
    stage_programs(work / "root")
    step(4, "/init, ohai, sudo, bash, udhcpc's script and " + ", ".join(name for name, _ in modules))
    stage_scripts(work / "root", inputs, modules)
    step(5, "pack the initrd (cpio newc, gzip -9)")
    entries = write_initramfs(work / "root", out / "initrd")
    return {
        "kernel": vmlinuz.name,
        "modules": [name for name, _ in modules],
        "initrd_entries": entries,
        "initrd_bytes": (out / "initrd").stat().st_size,
    }
