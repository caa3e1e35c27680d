"""The microkernel boots in a real QEMU VM (TCG) and speaks RackHD's bootstrap protocol to a tiny HTTP server.

The VM boots ``vmlinuz``/``initrd`` directly (no PXE), finds its NIC by ``BOOTIF``, takes a DHCP lease from
QEMU's user network, fetches bootstrap.js and :data:`DOCUMENTS` one after the other (dmidecode, lspci, ohai;
then small ones, about what a RackHD discovery's catalogs cost in documents; the last one with ``exit``),
posts each one's results and reboots — which ends QEMU (``-no-reboot``). Prints the time from QEMU's start to
the first and the last POST, what a document costs beyond its tasks (from the console's uptime stamps) and
QEMU's peak RSS. Skips, saying why, without qemu-system-x86_64 or the packages the build needs.
"""

import http.server
import json
import re
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
DOCUMENT = {
    "identifier": NODE,
    "tasks": [
        {"cmd": "sudo dmidecode -t system", "acceptedResponseCodes": [1]},
        {"cmd": "sudo lspci -nn -vmm"},
        {"cmd": "sudo ohai --directory /etc/ohai/plugins"},
    ],
}
ODD_CMD = "printf '%s|' \"it's\" 'a\\b' caf\u00e9 \"tab\there\""  # escapes the runner decodes
#: the main document, ten small ones (cheap tasks: what is measured is the runner's cost per document), `exit`
DOCUMENTS = (
    [DOCUMENT]
    + [
        {"identifier": NODE, "tasks": [task]}
        for task in (
            {"cmd": "cat /proc/cpuinfo", "source": "cpuinfo", "format": "raw"},
            {"cmd": "cat /proc/meminfo"},
            {"cmd": "ls -l /sys/class/net"},
            {"cmd": "uname -a"},
            {"cmd": "cat /proc/cmdline"},
            {"cmd": "sudo true", "catalog": {"source": "true", "format": "raw"}},
            {"cmd": ODD_CMD},
            {"cmd": "echo to stderr >&2; exit 3", "acceptedResponseCodes": [3]},
            {"cmd": "cat /proc/partitions"},
            {"cmd": "sudo dmidecode -t bios"},
        )
    ]
    + [{"identifier": NODE, "tasks": [{"cmd": "true"}], "exit": {"code": 0}}]
)
STAMP = re.compile(r"rackharness-mk: \[([0-9.]+)\] (.*)")


class Southbound(http.server.ThreadingHTTPServer):
    """bootstrap.js, DOCUMENTS (the next one once the last one's results came), then "no task"; remembers what
    was asked and posted, and when."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[str] = []
        self.served = 0
        self.posts: list[tuple[float, dict]] = []
        self.got_post = threading.Event()
        self.got_all = threading.Event()


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
            self._answer(
                200,
                f"var server = '10.0.2.2',\n    tasksPath = '{TASKS}',\n    INTERVAL = 5000;\n",
                "application/javascript",
            )
        elif (
            self.path == TASKS and self.server.served < len(DOCUMENTS) and self.server.served == len(self.server.posts)
        ):
            self.server.served += 1
            self._answer(200, json.dumps(DOCUMENTS[self.server.served - 1]))
        else:
            self._answer(404, "{}")

    def do_POST(self) -> None:
        self.server.requests.append(f"POST {self.path}")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == TASKS:
            self.server.posts.append((time.monotonic(), json.loads(body)))
            self.server.got_post.set()
            if len(self.server.posts) == len(DOCUMENTS):
                self.server.got_all.set()
        self._answer(200, "{}")


def document_costs(log: str) -> list[tuple[float, float]]:
    """Per document, from the console's uptime stamps: (seconds from the previous POST, or from bootstrap.js, to
    this one's POST; of which its tasks ran, download included)."""
    costs, start, tasks, task_start = [], None, 0.0, None
    for match in STAMP.finditer(log):
        uptime, message = float(match[1]), match[2].rstrip("\r")
        if message.startswith("bootstrap.js: tasks at"):
            start = uptime
        elif re.fullmatch(r"task [0-9]+: exit [0-9]+", message):
            if task_start is not None:
                tasks, task_start = tasks + uptime - task_start, None
        elif re.match(r"task [0-9]+: ", message) and task_start is None:
            task_start = uptime
        elif message == "results posted" and start is not None:
            costs.append((uptime - start, tasks))
            start, tasks = uptime, 0.0
    return costs


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
        argv = [
            self.qemu,
            "-machine",
            "accel=tcg",
            "-m",
            "160",
            "-nographic",
            "-no-reboot",
            "-kernel",
            str(self.files.kernel),
            "-initrd",
            str(self.files.initrd),
            "-append",
            f"console=ttyS0 panic=1 API_CB=10.0.2.2:{port} BOOTIF=01-{MAC.replace(':', '-')}",
            "-netdev",
            "user,id=n0",
            "-device",
            f"virtio-net-pci,netdev=n0,mac={MAC}",
            "-serial",
            f"file:{self.tmp / 'serial.log'}",
            "-monitor",
            "none",
        ]
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
        self.assertTrue(self.server.got_all.is_set(), f"{len(self.server.posts)} POSTs of {len(DOCUMENTS)}{context}")
        (first_at, posted), last_at = self.server.posts[0], self.server.posts[-1][0]
        costs = document_costs(log)
        overheads = [total - tasks for total, tasks in costs]
        print(
            f"\nQEMU start → first POST {first_at - self.started:.1f}s, → last ({len(DOCUMENTS)}th) POST "
            f"{last_at - self.started:.1f}s; QEMU exited after {seconds:.1f}s (code {code}), "
            f"peak RSS {peak / 1024:.0f} MB"
        )
        if costs:
            print(
                f"per document (console uptime, {len(costs)} documents): {sum(t for t, _ in costs) / len(costs):.2f}s"
                f" of which {sum(overheads) / len(overheads):.2f}s beyond its tasks (GET, plan, merge, POST); "
                "beyond tasks each: " + " ".join(f"{o:.2f}" for o in overheads)
            )
        self.assertIn(f"GET /api/current/tasks/bootstrap.js?macAddress={MAC}", self.server.requests)
        for _, document in self.server.posts[1:]:
            for task in document["tasks"]:
                if "acceptedResponseCodes" not in task:
                    self.assertIsNone(task["error"], f"{task['cmd']}: {task.get('stderr')}{context}")
        results = {task["cmd"]: task for _, document in self.server.posts for task in document["tasks"]}
        self.assertEqual(results[ODD_CMD]["stdout"], "it's|a\\b|café|tab\there|")
        self.assertEqual(results["echo to stderr >&2; exit 3"]["error"]["code"], 3)
        self.assertEqual(results["echo to stderr >&2; exit 3"]["stderr"], "to stderr\n")
        self.assertEqual(results["cat /proc/cpuinfo"]["source"], "cpuinfo")
        self.assertIn("Vendor: SeaBIOS", results["sudo dmidecode -t bios"]["stdout"])
        dmi, lspci, ohai = posted["tasks"]
        for task in (dmi, lspci, ohai):
            self.assertIsNone(task["error"], f"{task['cmd']}: {task.get('stderr')}{context}")
        self.assertIn("Manufacturer: QEMU", dmi["stdout"])
        self.assertTrue(lspci["stdout"].strip(), "lspci printed nothing")
        self.assertIn("Vendor:", lspci["stdout"])
        data = json.loads(ohai["stdout"])
        addresses = {address.lower() for nic in data["network"]["interfaces"].values() for address in nic["addresses"]}
        self.assertIn(MAC, addresses)
        self.assertEqual(data["dmi"]["system"]["manufacturer"], "QEMU")
        self.assertEqual(posted["identifier"], NODE)
        self.assertRegex(log, r"rackharness-mk: \[[0-9.]+\] exit", "the serial log shows no reboot on `exit`")
        self.assertNotIn("FATAL", log)
