"""The microkernel's build cache (no apt, no dpkg: inputs and builds are injected) and its two scripts, run on
this host with busybox sh: /init's task runner and conversation (against a local HTTP server), and ohai."""
import dataclasses
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import unittest
from pathlib import Path

from rackharness.errors import PrerequisiteError, RackHarnessError
from rackharness.vm.microkernel import (MicrokernelInputs, build_key, default_cache_root, ensure_microkernel,
                                        read_inputs)
from rackharness.vm.microkernel_build import HOST_PACKAGES, INIT_SCRIPT, OHAI_SCRIPT, SUDO_SCRIPT

BUSYBOX = shutil.which("busybox")
VERSIONS = {package: "1.0-1" for package in HOST_PACKAGES}
KERNEL = ("linux-image-6.1.0-99-cloud-amd64", "6.1.999-1")


def inputs(versions=None, **changes) -> MicrokernelInputs:
    read = read_inputs(Path("/nonexistent"), versions=lambda names: dict(versions or VERSIONS), kernel=lambda: KERNEL)
    return dataclasses.replace(read, **changes)


class CacheKeyTest(unittest.TestCase):
    def test_the_same_inputs_give_the_same_key(self):
        self.assertEqual(build_key(inputs()), build_key(inputs()))
        self.assertEqual(len(build_key(inputs())), 64)

    def test_the_init_or_ohai_script_changes_the_key(self):
        base = inputs()
        self.assertNotEqual(build_key(base), build_key(dataclasses.replace(base, init_script=base.init_script + "#\n")))
        self.assertNotEqual(build_key(base), build_key(dataclasses.replace(base, ohai_script=base.ohai_script + "#\n")))

    def test_a_package_version_or_the_kernel_changes_the_key(self):
        base = build_key(inputs())
        self.assertNotEqual(base, build_key(inputs({**VERSIONS, "jq": "1.0-2"})))
        self.assertNotEqual(base, build_key(inputs(kernel_version="6.1.999-2")))
        self.assertNotEqual(base, build_key(inputs(kernel_package="linux-image-6.1.0-100-cloud-amd64")))

    def test_nothing_else_changes_the_key(self):
        base = build_key(inputs())
        self.assertEqual(base, build_key(inputs({**VERSIONS, "curl": "8.0"})))  # a package the build does not copy
        self.assertEqual(base, build_key(inputs(dict(reversed(list(VERSIONS.items()))))))

    def test_the_inputs_read_the_scripts_and_name_the_deb(self):
        read = inputs()
        self.assertEqual(read.init_script, INIT_SCRIPT.read_text())
        self.assertEqual(read.ohai_script, OHAI_SCRIPT.read_text())
        self.assertEqual(read.kernel_deb, "linux-image-6.1.0-99-cloud-amd64_6.1.999-1_amd64.deb")


class MissingPackagesTest(unittest.TestCase):
    def test_the_error_names_the_apt_command(self):
        versions = {k: v for k, v in VERSIONS.items() if k not in ("jq", "lshw")}
        with self.assertRaises(PrerequisiteError) as caught:
            read_inputs(Path("/nonexistent"), versions=lambda names: versions, kernel=lambda: KERNEL)
        self.assertIn("apt-get install -y jq lshw", str(caught.exception))
        self.assertIn("jq, lshw", caught.exception.message)
        self.assertIsInstance(caught.exception, RackHarnessError)
        self.assertEqual(caught.exception.exit_code, 2)


class CacheTest(unittest.TestCase):
    def setUp(self):
        self.root = Path(tempfile.mkdtemp(prefix="mk-cache-"))
        self.addCleanup(shutil.rmtree, self.root)
        self.said = []

    def fake_build(self, inputs, out, work, downloads, say):
        say("microkernel: step 1/1: fake")
        out.mkdir(parents=True)
        (out / "vmlinuz").write_bytes(b"kernel")
        (out / "initrd").write_bytes(b"initrd")
        return {"modules": []}

    def test_a_build_fills_an_entry_named_by_the_key_and_then_hits(self):
        files = ensure_microkernel(self.root, say=self.said.append, inputs=inputs(), build=self.fake_build)
        self.assertEqual(files.directory, self.root / build_key(inputs()))
        self.assertEqual(files.kernel.read_bytes(), b"kernel")
        self.assertEqual(files.vmlinuz, files.kernel)
        self.assertEqual(json.loads((files.directory / "manifest.json").read_text())["key"], files.key)
        self.assertIn("microkernel: step 1/1: fake", self.said)
        self.assertEqual([p.name for p in self.root.iterdir()], [files.key])  # no temporary directory left

        def must_not_build(*args):
            raise AssertionError("a cache hit built")

        again = ensure_microkernel(self.root, say=self.said.append, inputs=inputs(), build=must_not_build)
        self.assertEqual(again, files)
        self.assertEqual(self.said[-1], f"microkernel: cached in {files.directory}")

    def test_a_failed_build_leaves_no_entry(self):
        def failing(inputs, out, work, downloads, say):
            out.mkdir(parents=True)
            (out / "vmlinuz").write_bytes(b"half")
            raise RackHarnessError("download failed")

        with self.assertRaises(RackHarnessError):
            ensure_microkernel(self.root, say=self.said.append, inputs=inputs(), build=failing)
        self.assertEqual(list(self.root.iterdir()), [])

    def test_a_killed_builds_directory_is_removed_by_the_next_build(self):
        stale = self.root / ".build-999999999-abc"
        (stale / "out").mkdir(parents=True)
        ensure_microkernel(self.root, say=self.said.append, inputs=inputs(), build=self.fake_build)
        self.assertFalse(stale.exists())

    def test_the_default_root_is_outside_the_checkout(self):
        self.assertEqual(default_cache_root({"RACKHARNESS_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}),
                         Path("/c/microkernel"))
        self.assertEqual(default_cache_root({"XDG_CACHE_HOME": "/x"}), Path("/x/rackharness/microkernel"))
        self.assertEqual(default_cache_root({}), Path.home() / ".cache/rackharness/microkernel")


@unittest.skipUnless(BUSYBOX and shutil.which("jq"), "needs busybox (busybox-static) and jq")
class ScriptsTest(unittest.TestCase):
    def test_both_scripts_parse_with_busybox_sh(self):
        for script in (INIT_SCRIPT, OHAI_SCRIPT):
            result = subprocess.run([BUSYBOX, "sh", "-n", str(script)], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, f"{script.name}: {result.stderr}")
        self.assertEqual(subprocess.run([BUSYBOX, "sh", "-n", "-c", SUDO_SCRIPT]).returncode, 0)

    def test_ohai_describes_this_host(self):
        result = subprocess.run([BUSYBOX, "sh", str(OHAI_SCRIPT), "--directory", "/etc/ohai/plugins"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        data = json.loads(result.stdout)
        interfaces = data["network"]["interfaces"]
        self.assertEqual(set(interfaces), set(os.listdir("/sys/class/net")))
        for name in interfaces:
            mac = Path(f"/sys/class/net/{name}/address").read_text().strip()
            if name != "lo" and mac:
                self.assertEqual(interfaces[name]["addresses"].get(mac.upper()), {"family": "lladdr"}, name)
        self.assertEqual(data["kernel"]["release"], os.uname().release)
        self.assertEqual(data["hostname"], os.uname().nodename)
        self.assertRegex(data["memory"]["total"], r"^[0-9]+kB$")
        processors = Path("/proc/cpuinfo").read_text().count("\nprocessor") + \
            Path("/proc/cpuinfo").read_text().startswith("processor")
        self.assertEqual(data["cpu"]["total"], processors)


def run_init(commands: str, env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess:
    """``commands`` after sourcing /init's functions (MK_LIB=1), under busybox sh."""
    return subprocess.run([BUSYBOX, "sh", "-c", f'MK_LIB=1 . "$0"\n{commands}', str(INIT_SCRIPT)],
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **env})


@unittest.skipUnless(BUSYBOX and shutil.which("jq"), "needs busybox (busybox-static) and jq")
class TaskRunnerTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="mk-runner-"))
        self.addCleanup(shutil.rmtree, self.tmp)
        (self.tmp / "bin").mkdir()
        (self.tmp / "bin" / "sudo").write_text(SUDO_SCRIPT)
        (self.tmp / "bin" / "sudo").chmod(0o755)
        self.env = {"MK_WORK": str(self.tmp / "work"), "MK_STATE": str(self.tmp / "state"),
                    "PATH": f"{self.tmp / 'bin'}:{os.environ['PATH']}"}

    def run_document(self, document) -> tuple[subprocess.CompletedProcess, object]:
        path = self.tmp / "doc.json"
        path.write_text(document if isinstance(document, str) else json.dumps(document))
        result = run_init(f'mk_run_document "{path}"; echo "rc=$? exit=$MK_EXIT"', self.env)
        try:
            return result, json.loads(path.read_text())
        except ValueError:
            return result, None

    def test_results_stop_at_the_first_failure_not_accepted(self):
        odd = "printf 'a\"b\\\\c\\n\\ttab $(x) é'; echo 'to stderr' >&2; exit 3"
        document = {"identifier": "n1", "tasks": [
            {"cmd": "echo out; echo err >&2"}, "not an object", {"cmd": odd, "acceptedResponseCodes": [1, 3]},
            {"cmd": "cd /; exit 4", "acceptedResponseCodes": [1]}, {"cmd": "echo never"}], "exit": {"code": 0}}
        result, doc = self.run_document(document)
        self.assertIn('rc=0 exit={"code":0}', result.stdout)
        first, junk, accepted, failed, skipped = doc["tasks"]
        self.assertEqual((first["stdout"], first["stderr"], first["error"]), ("out\n", "err\n", None))
        self.assertEqual(junk, "not an object")
        self.assertEqual(accepted["stdout"], 'a"b\\c\n\ttab $(x) é')
        self.assertEqual(accepted["stderr"], "to stderr\n")
        self.assertEqual(accepted["error"], {"code": 3, "killed": False, "signal": None, "cmd": odd})
        self.assertEqual(failed["error"]["code"], 4)
        self.assertEqual(skipped, {"cmd": "echo never"})
        self.assertEqual(doc["identifier"], "n1")

    def test_the_console_shows_programs_never_arguments(self):
        result, doc = self.run_document({"tasks": [{"cmd": "sudo true -P s3cret"}, {"cmd": "PASS=s3cret true"}]})
        self.assertNotIn("s3cret", result.stdout + result.stderr)
        self.assertIn("task 0: true", result.stdout)
        self.assertIn("task 1: PASS=***", result.stdout)
        self.assertIsNone(doc["tasks"][1]["error"])

    def test_sudo_and_a_bare_ip_reach_iproute2_not_the_busybox_applet(self):
        if not shutil.which("ip", path="/usr/sbin:/usr/bin:/sbin:/bin"):
            self.skipTest("iproute2 is not installed")
        result, doc = self.run_document({"tasks": [{"cmd": "sudo ip -V; ip -V"}]})
        self.assertEqual(doc["tasks"][0]["stdout"].count("iproute2"), 2, doc["tasks"][0])

    def test_anything_but_a_task_document_runs_nothing(self):
        for answer in ("", "{}", '{"tasks": {}}', "[]", "not json"):
            with self.subTest(answer=answer):
                result, _ = self.run_document(answer)
                self.assertIn("rc=1", result.stdout)

    def test_kernel_command_line_and_bootstrap_js(self):
        js = self.tmp / "bootstrap.js"
        cases = {"  tasksPath = '/api/current/tasks/5a1b',\n": "/api/current/tasks/5a1b",
                 'var tasksPath="http://10.1.0.1:9080/api/current/tasks/abc";': "/api/current/tasks/abc",
                 "var path = '/api/current/tasks/x';": ""}
        for text, expected in cases.items():
            js.write_text("// runner\n" + text)
            self.assertEqual(run_init(f'mk_tasks_path "{js}"', self.env).stdout.strip(), expected, text)
        macs = {"01-52-54-00-AB-34-56": "52:54:00:ab:34:56", "01-52:54:00:12:34:56": "52:54:00:12:34:56",
                "01:52:54:00:12:34:56": "52:54:00:12:34:56", "52-54-00-12-34-56": "52:54:00:12:34:56", "junk": ""}
        for bootif, expected in macs.items():
            self.assertEqual(run_init(f'mk_bootif_mac "{bootif}"', self.env).stdout.strip(), expected, bootif)
        line = "console=ttyS0 API_CB=10.0.2.2:9090 BOOTIF=01-aa-bb-cc-dd-ee-ff *"
        self.assertEqual(run_init(f'mk_cmdline_value API_CB "{line}"; mk_cmdline_value BOOTIF "{line}"; '
                                  f'mk_cmdline_value NONE "{line}" || echo absent', self.env).stdout.split(),
                         ["10.0.2.2:9090", "01-aa-bb-cc-dd-ee-ff", "absent"])


class _Southbound(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, documents):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.documents = list(documents)
        self.requests, self.posts = [], []


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path.startswith("/api/current/tasks/bootstrap.js"):
            self._answer(200, "var tasksPath = '/api/current/tasks/n9';\n")
        elif self.path == "/api/current/tasks/n9" and len(self.server.requests) > 2 and self.server.documents:
            self._answer(200, json.dumps(self.server.documents.pop(0)))
        elif self.path.startswith("/files/"):
            self._answer(200, "echo downloaded $1\n")
        else:
            self._answer(404, "")  # the first task fetch: no task yet

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append((self.path, self.headers["Content-Type"], json.loads(body)))
        self._answer(200, "{}")


@unittest.skipUnless(BUSYBOX and shutil.which("jq"), "needs busybox (busybox-static) and jq")
class ConversationTest(unittest.TestCase):
    """bootstrap.js, a 404 (no task yet), two documents, POSTs with busybox wget, then the reboot."""

    def test_the_runner_speaks_the_bootstrap_protocol(self):
        tmp = Path(tempfile.mkdtemp(prefix="mk-talk-"))
        self.addCleanup(shutil.rmtree, tmp)
        documents = [{"identifier": "n9", "tasks": [{"cmd": "sh hello.sh one", "downloadUrl": "/files/hello.sh?n=9"}]},
                     {"identifier": "n9", "tasks": [{"cmd": "sh script.sh", "downloadUrl": "PORT/files/script.sh"},
                                                    {"cmd": "sh missing.sh", "downloadUrl": "/nothing/missing.sh"}],
                      "exit": {"code": 0}}]
        server = _Southbound(documents)
        port = server.server_address[1]
        documents[1]["tasks"][0]["downloadUrl"] = f"http://127.0.0.1:{port}/files/script.sh"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        env = {"MK_WORK": str(tmp / "work"), "MK_STATE": str(tmp / "state"), "MK_POLL": "0.1",
               "API_CB": f"127.0.0.1:{port}", "MAC": "52:54:00:12:34:56"}
        result = run_init('mkdir -p "$MK_STATE"; mk_reboot() { echo REBOOTED; exit 0; }\n'
                          'mk_bootstrap && mk_task_loop', env)
        self.assertIn("REBOOTED", result.stdout, result.stdout + result.stderr)
        self.assertEqual(server.requests[0], "/api/current/tasks/bootstrap.js?macAddress=52:54:00:12:34:56")
        self.assertEqual(len(server.posts), 2)
        (path, kind, first), (_, _, second) = server.posts
        self.assertEqual((path, kind), ("/api/current/tasks/n9", "application/json"))
        self.assertEqual(first["tasks"][0]["stdout"], "downloaded one\n")
        self.assertEqual(second["tasks"][0]["stdout"], "downloaded\n")
        self.assertEqual(second["tasks"][1]["error"]["code"], 1)
        self.assertIn("download of /nothing/missing.sh failed", second["tasks"][1]["stderr"])
        self.assertIn("rackharness-mk:", result.stdout)


class InstallTest(unittest.TestCase):
    """The files under the names RackHD's bootstrap tasks ask for (the target's static root, or a RackHD's)."""

    def test_copies_or_links_the_kernel_and_initrd_under_rackhds_names(self):
        from rackharness.vm.microkernel import MicrokernelFiles, install

        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "build").mkdir()
            (root / "build" / "vmlinuz").write_bytes(b"k")
            (root / "build" / "initrd").write_bytes(b"i")
            files = MicrokernelFiles(root / "build" / "vmlinuz", root / "build" / "initrd", "key")
            (root / "copies").mkdir()
            written = install(files, root / "copies")
            self.assertEqual(sorted(p.name for p in written),
                             ["initrd", "initrd-1.2.0-rancher", "vmlinuz", "vmlinuz-1.2.0-rancher"])
            self.assertEqual((root / "copies" / "initrd-1.2.0-rancher").read_bytes(), b"i")
            self.assertFalse((root / "copies" / "vmlinuz").is_symlink())
            (root / "links").mkdir()
            install(files, root / "links", link=True)
            install(files, root / "links", link=True)  # again: replaces, does not fail
            self.assertEqual((root / "links" / "vmlinuz-1.2.0-rancher").resolve(), root / "build" / "vmlinuz")
