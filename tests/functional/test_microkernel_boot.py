"""The microkernel boots in a real QEMU VM (TCG) and speaks RackHD's bootstrap protocol to a tiny HTTP server.

The VM boots ``vmlinuz``/``initrd`` directly (no PXE), finds its NIC by ``BOOTIF``, takes a DHCP lease from
QEMU's user network, fetches bootstrap.js and one task document (dmidecode, lspci, ohai, then ``exit``),
posts the results and reboots — which ends QEMU (``-no-reboot``). Prints the time from QEMU's start to the
POST and QEMU's peak RSS. Skips, saying why, without qemu-system-x86_64 or the packages the build needs.
"""
import http.server
import json
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
from pathlib import Path

from rackharness.errors import PrerequisiteError
from rackharness.vm.microkernel import ensure_microkernel

MAC = "52:54:00:12:34:56"
NODE = "abc123"
TASKS = f"/api/current/tasks/{NODE}"
BOOT_SECONDS = 60.0
DOCUMENT = {"identifier": NODE, "tasks": [
    {"cmd": "sudo dmidecode -t system", "acceptedResponseCodes": [1]},
    {"cmd": "sudo lspci -nn -vmm"},
    {"cmd": "sudo ohai --directory /etc/ohai/plugins"},
], "exit": {"code": 0}}


class Southbound(http.server.ThreadingHTTPServer):
    """bootstrap.js, one task document, then "no task"; remembers what was asked and posted, and when."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[str] = []
        self.served = 0
        self.posted: dict | None = None
        self.posted_at: float | None = None
        self.got_post = threading.Event()


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Southbound

    def log_message(self, *args) -> None:
        pass

    def _answer(self, status: int, body: str, kind: str = "application/json") -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.server.requests.append(f"GET {self.path}")
        if self.path.startswith("/api/current/tasks/bootstrap.js"):
            self._answer(200, f"var server = '10.0.2.2',\n    tasksPath = '{TASKS}',\n    INTERVAL = 5000;\n",
                         "application/javascript")
        elif self.path == TASKS and self.server.served == 0:
            self.server.served += 1
            self._answer(200, json.dumps(DOCUMENT))
        else:
            self._answer(404, "{}")

    def do_POST(self) -> None:
        self.server.requests.append(f"POST {self.path}")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == TASKS:
            self.server.posted, self.server.posted_at = json.loads(body), time.monotonic()
            self.server.got_post.set()
        self._answer(200, "{}")


def peak_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MicrokernelBootTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.qemu = shutil.which("qemu-system-x86_64")
        if cls.qemu is None:
            raise unittest.SkipTest("qemu-system-x86_64 is not installed (apt-get install -y qemu-system-x86)")
        started = time.monotonic()
        try:
            cls.files = ensure_microkernel()
        except PrerequisiteError as exc:
            raise unittest.SkipTest(f"cannot build the microkernel here: {exc}")
        print(f"\nmicrokernel ready in {time.monotonic() - started:.1f}s: {cls.files.directory}")

    def setUp(self):
        self.server = Southbound()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.tmp = Path(tempfile.mkdtemp(prefix="mk-boot-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def boot(self) -> tuple[int | None, float, int]:
        """Run the VM until it exits (or BOOT_SECONDS pass): (exit code or None, seconds, peak RSS kB)."""
        port = self.server.server_address[1]
        argv = [self.qemu, "-machine", "accel=tcg", "-m", "160", "-nographic", "-no-reboot",
                "-kernel", str(self.files.kernel), "-initrd", str(self.files.initrd),
                "-append", f"console=ttyS0 panic=1 API_CB=10.0.2.2:{port} BOOTIF=01-{MAC.replace(':', '-')}",
                "-netdev", "user,id=n0", "-device", f"virtio-net-pci,netdev=n0,mac={MAC}",
                "-serial", f"file:{self.tmp / 'serial.log'}", "-monitor", "none"]
        self.started = time.monotonic()
        vm = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        peak = 0
        try:
            while vm.poll() is None and time.monotonic() - self.started < BOOT_SECONDS:
                peak = max(peak, peak_rss_kb(vm.pid))
                time.sleep(0.05)
        finally:
            if vm.poll() is None:
                vm.kill()
                vm.wait()
                code = None
            else:
                code = vm.returncode
        self.qemu_output = vm.stdout.read().decode(errors="replace") if vm.stdout else ""
        return code, time.monotonic() - self.started, peak

    def serial(self) -> str:
        path = self.tmp / "serial.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def test_the_vm_runs_the_tasks_posts_the_results_and_reboots(self):
        code, seconds, peak = self.boot()
        log = self.serial()
        context = f"\n--- qemu ---\n{self.qemu_output[-2000:]}\n--- serial (tail) ---\n{log[-4000:]}"
        self.assertIsNotNone(code, f"QEMU still running after {BOOT_SECONDS:g}s{context}")
        self.assertTrue(self.server.got_post.is_set(), f"no POST; requests: {self.server.requests}{context}")
        to_post = self.server.posted_at - self.started
        print(f"\nQEMU start → POST {to_post:.1f}s, QEMU exited after {seconds:.1f}s (code {code}), "
              f"peak RSS {peak / 1024:.0f} MB")
        self.assertIn(f"GET /api/current/tasks/bootstrap.js?macAddress={MAC}", self.server.requests)
        dmi, lspci, ohai = self.server.posted["tasks"]
        for task in (dmi, lspci, ohai):
            self.assertIsNone(task["error"], f"{task['cmd']}: {task.get('stderr')}{context}")
        self.assertIn("Manufacturer: QEMU", dmi["stdout"])
        self.assertTrue(lspci["stdout"].strip(), "lspci printed nothing")
        self.assertIn("Vendor:", lspci["stdout"])
        data = json.loads(ohai["stdout"])
        addresses = {address.lower() for nic in data["network"]["interfaces"].values() for address in nic["addresses"]}
        self.assertIn(MAC, addresses)
        self.assertEqual(data["dmi"]["system"]["manufacturer"], "QEMU")
        self.assertEqual(self.server.posted["identifier"], NODE)
        self.assertRegex(log, r"rackharness-mk: \[[0-9.]+\] exit", "the serial log shows no reboot on `exit`")
        self.assertNotIn("FATAL", log)

