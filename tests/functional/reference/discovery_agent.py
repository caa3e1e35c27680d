"""A scripted node for the discovery tests: iPXE + the RackHD microkernel's task runner, over HTTP.

It does what RackHD's ``redirect.ipxe`` and ``bootstrap.js`` do (contract §5): ``GET
/api/current/profiles?macs=..&ips=..``, ``GET /api/current/tasks/bootstrap.js?macAddress=``, then
fetch ``/api/current/tasks/<id>``, run each ``cmd`` serially (here: look its output up in a table),
stop at the first failure whose code is not in ``acceptedResponseCodes``, ``POST`` the document back
with ``stdout``/``stderr``/``error`` per task, and end when a document carries ``exit``. Failures
are reported like node's ``exec``: ``error = {killed, code, signal, cmd}`` and no stdout/stderr.
"""

import re
import threading
import time
import urllib.parse

import requests


class ScriptedAgent:
    def __init__(self, base_url, macs, ip, outputs, *, poll=0.05, timeout=60):
        self.base = base_url.rstrip("/")
        self.macs = list(macs)
        self.ip = ip
        self.outputs = dict(outputs)
        self.poll = poll
        self.timeout = timeout
        self.ran = []  # commands in the order they ran
        self.exit = None
        self.profile = None
        self.node_id = None
        self.error = None
        self._thread = None
        self.stop = threading.Event()

    def boot(self):
        """The iPXE part: the profile (RackHD creates the node and starts discovery here)."""
        query = urllib.parse.urlencode([("macs", mac) for mac in self.macs] + [("ips", self.ip)])
        response = requests.get(f"{self.base}/api/current/profiles?{query}", timeout=30)
        response.raise_for_status()
        self.profile = response.text
        return response

    def bootstrap(self):
        response = requests.get(
            f"{self.base}/api/current/tasks/bootstrap.js", params={"macAddress": self.macs[0]}, timeout=10
        )
        response.raise_for_status()
        match = re.search(r"tasksPath = '/api/current/tasks/([0-9a-f]{24})'", response.text)
        if match is None:
            raise AssertionError(f"bootstrap.js names no tasksPath: {response.text[:500]}")
        self.node_id = match.group(1)
        return response

    def run_task(self, task):
        cmd = task.get("cmd", "")
        self.ran.append(cmd)
        code, stdout, stderr = self.outputs.get(cmd, (127, "", f"/bin/sh: 1: {cmd.split(' ')[-1]}: not found\n"))
        if code == 0:
            task.update(stdout=stdout, stderr=stderr, error=None)
            return True
        task["error"] = {"killed": False, "code": code, "signal": None, "cmd": cmd}
        if stderr:
            task["stderr"] = stderr
        accepted = task.get("acceptedResponseCodes")
        return isinstance(accepted, list) and code in accepted

    def task_loop(self):
        url = f"{self.base}/api/current/tasks/{self.node_id}"
        deadline = time.monotonic() + self.timeout
        while not self.stop.is_set() and time.monotonic() < deadline:
            response = requests.get(url, timeout=10)
            try:
                document = response.json()
            except ValueError:  # 404 or an empty 200: nothing now
                self.stop.wait(self.poll)
                continue
            for task in document.get("tasks", []):
                if not self.run_task(task):
                    break
            requests.post(url, json=document, timeout=10).raise_for_status()
            if "exit" in document:
                self.exit = document["exit"]
                return
        if not self.stop.is_set():
            raise AssertionError(f"no exit from the target within {self.timeout} s; ran {self.ran}")

    def run(self):
        """Boot and run tasks until ``exit`` (in the calling thread)."""
        self.boot()
        self.bootstrap()
        self.task_loop()

    def start(self):
        def main():
            try:
                self.run()
            except Exception as exc:  # reported by join()
                self.error = exc

        self._thread = threading.Thread(target=main, daemon=True, name=f"agent-{self.macs[0]}")
        self._thread.start()
        return self

    def join(self, timeout=None):
        self._thread.join(timeout if timeout is not None else self.timeout + 10)
        if self.error is not None:
            raise self.error
