"""The initramfs writer: what GNU cpio reads back from it, and binaries copied with their libraries."""

import gzip
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from rackharness.vm.initramfs import copy_binary, shared_libraries, write_initramfs


class InitramfsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="initramfs-"))
        self.addCleanup(shutil.rmtree, self.tmp)
        self.root = self.tmp / "root"
        for directory in ("bin", "dev", "etc/ohai/plugins"):
            (self.root / directory).mkdir(parents=True)
        (self.root / "init").write_text("#!/bin/sh\necho hi\n")
        (self.root / "init").chmod(0o755)
        (self.root / "bin" / "busybox").write_bytes(b"\x7fELF" + bytes(range(256)) * 3)
        (self.root / "bin" / "sh").symlink_to("busybox")

    @unittest.skipUnless(shutil.which("cpio"), "needs cpio")
    def test_cpio_reads_back_every_entry_in_order(self):
        out = self.tmp / "initrd"
        count = write_initramfs(self.root, out)
        raw = gzip.decompress(out.read_bytes())
        listing = subprocess.run(["cpio", "-itv"], input=raw, capture_output=True, check=True).stdout.decode()
        names = [line.split()[-1] if "->" not in line else line.split()[-3] for line in listing.splitlines()]
        self.assertEqual(len(names), count)
        self.assertLess(names.index("dev"), names.index("dev/console"))
        self.assertLess(names.index("etc"), names.index("etc/ohai"))
        self.assertIn("bin/sh -> busybox", listing)
        console = next(line for line in listing.splitlines() if line.endswith(" dev/console"))
        self.assertTrue(console.startswith("crw-------"), console)
        self.assertIn("5,   1", console)
        unpacked = self.tmp / "unpacked"
        unpacked.mkdir()
        subprocess.run(
            ["cpio", "-idm", "--no-absolute-filenames", "--nonmatching", "dev/*"],
            input=raw,
            cwd=unpacked,
            capture_output=True,
            check=True,
        )
        self.assertEqual((unpacked / "init").read_text(), "#!/bin/sh\necho hi\n")
        self.assertTrue(os.access(unpacked / "init", os.X_OK))
        self.assertEqual((unpacked / "bin/busybox").read_bytes(), (self.root / "bin/busybox").read_bytes())
        self.assertEqual(os.readlink(unpacked / "bin/sh"), "busybox")

    def test_the_same_tree_gives_the_same_bytes(self):
        write_initramfs(self.root, self.tmp / "a")
        os.utime(self.root / "init", (1, 1))
        write_initramfs(self.root, self.tmp / "b")
        self.assertEqual((self.tmp / "a").read_bytes(), (self.tmp / "b").read_bytes())

    @unittest.skipUnless(shutil.which("jq"), "needs jq (a dynamically linked binary)")
    def test_a_binary_comes_with_its_libraries_and_the_loader(self):
        libraries = copy_binary(shutil.which("jq"), self.root, "usr/bin/jq")
        self.assertTrue(any("libjq" in library for library in libraries), libraries)
        self.assertTrue(any("ld-linux" in library for library in libraries), libraries)
        for library in libraries + ["/usr/bin/jq"]:
            self.assertTrue((self.root / library.lstrip("/")).is_file(), library)
            self.assertFalse((self.root / library.lstrip("/")).is_symlink(), library)

    def test_a_static_binary_has_no_libraries(self):
        busybox = shutil.which("busybox")
        if busybox is None:
            self.skipTest("needs busybox-static")
        self.assertEqual(shared_libraries(Path(busybox)), [])
