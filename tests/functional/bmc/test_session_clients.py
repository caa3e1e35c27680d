"""The virtual BMC's session layer against the real clients: ipmitool (lanplus), FreeIPMI
(ipmipower, bmc-info) and pyghmi's client, over loopback UDP.

A BmcServer runs in a background thread's event loop with a small in-memory handler.
A test is skipped (with the reason) only when the client binary is not installed.
"""

import asyncio
import shutil
import socket
import subprocess
import threading
import time
import unittest
import uuid

from rackharness.bmc.message import IpmiResponse, Privilege
from rackharness.bmc.probe import async_bmc_answers, bmc_answers
from rackharness.bmc.server import BmcEndpoint, BmcServer
from rackharness.bmc.users import BmcUser, UserTable
from rackharness.errors import BmcError
from rackharness.ipmi.completion_codes import Completion

HOST = "127.0.0.1"
FAST = 2.0  # seconds: refusals must be at least this quick


class ToyChassis:
    """Get Device ID, Get Chassis Status and Chassis Control, power kept in memory."""

    def __init__(self):
        self.power_on = False

    def handle(self, request, session):
        key = (request.netfn, request.command)
        if key == (0x06, 0x01):  # Get Device ID: 15 data bytes (IPMI 2.0 table 20-2)
            return IpmiResponse(
                data=bytes((0x20, 0x81, 0x01, 0x00, 0x02, 0xBF, 0x57, 0x01, 0x00, 0x34, 0x12, 0, 0, 0, 0))
            )
        if key == (0x00, 0x01):  # Get Chassis Status (table 28-3)
            return IpmiResponse(data=bytes((0x01 if self.power_on else 0x00, 0x00, 0x00)))
        if key == (0x00, 0x02):  # Chassis Control (table 28-4)
            if session.privilege < Privilege.OPERATOR:
                return IpmiResponse.error(Completion.INSUFFICIENT_PRIVILEGE)
            if not request.data:
                return IpmiResponse.error(Completion.REQUEST_DATA_LENGTH_INVALID)
            if request.data[0] & 0x0F in (0, 1):
                self.power_on = request.data[0] & 0x0F == 1
            return IpmiResponse()
        return IpmiResponse.error(Completion.INVALID_COMMAND)


def user_table():
    return UserTable([BmcUser(2, "admin", "secret"), BmcUser(3, "viewer", "viewpw", Privilege.USER)])


class LoopThread:
    """An asyncio loop in a daemon thread, as the rack process runs it."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro, timeout=5):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, function, *args):
        async def wrapper():
            return function(*args)

        return self.run(wrapper())

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


class RackTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.loop = LoopThread()
        cls.server = BmcServer()
        cls.chassis = ToyChassis()
        cls.node = cls.loop.run(
            cls.server.add(BmcEndpoint(HOST, 0, user_table(), cls.chassis, uuid.uuid4().bytes, "node-1"))
        )
        cls.port = cls.node.port

    @classmethod
    def tearDownClass(cls):
        cls.loop.call(cls.server.close)
        cls.loop.stop()

    def run_tool(self, *argv, timeout=30):
        started = time.monotonic()
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        return done, time.monotonic() - started


def requires(binary):
    return unittest.skipUnless(shutil.which(binary), f"{binary} binary is not installed")


@requires("ipmitool")
class IpmitoolTest(RackTestCase):
    def ipmitool(self, *args, user="admin", password="secret"):
        return self.run_tool(
            "ipmitool",
            "-I",
            "lanplus",
            "-H",
            HOST,
            "-p",
            str(self.port),
            "-U",
            user,
            "-P",
            password,
            "-N",
            "1",
            "-R",
            "2",
            *args,
        )

    def test_mc_info_with_default_and_explicit_suites(self):
        for suite in ([], ["-C", "3"], ["-C", "17"]):
            done, took = self.ipmitool(*suite, "mc", "info")
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertRegex(done.stdout, r"IPMI Version\s+: 2\.0")
            self.assertRegex(done.stdout, r"Manufacturer ID\s+: 343")
            self.assertLess(took, FAST, suite)

    def test_default_suite_is_17(self):
        done, _ = self.ipmitool("-v", "chassis", "power", "status")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("cipher suite 17", done.stdout + done.stderr)

    def test_power_on_off_status(self):
        for suite in ("3", "17"):
            for state in ("on", "off"):
                done, _ = self.ipmitool("-C", suite, "chassis", "power", state)
                self.assertEqual(done.returncode, 0, done.stderr)
                done, _ = self.ipmitool("-C", suite, "chassis", "power", "status")
                self.assertEqual(done.stdout.strip(), f"Chassis Power is {state}")

    def test_wrong_password_fails_fast(self):
        done, took = self.ipmitool("-v", "chassis", "power", "status", password="wrong")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("RAKP 2 HMAC is invalid", done.stdout + done.stderr)
        self.assertLess(took, FAST)

    def test_unknown_user_fails_fast(self):
        done, took = self.ipmitool("-v", "chassis", "power", "status", user="nobody")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("RAKP 2 message indicates an error : unauthorized name", done.stdout + done.stderr)
        self.assertLess(took, FAST)

    def test_unsupported_suite_is_refused_fast(self):
        done, took = self.ipmitool("-C", "1", "chassis", "power", "status")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("invalid integrity algorithm", done.stdout + done.stderr)
        self.assertLess(took, FAST)

    def test_user_privilege_cannot_power_on(self):
        done, _ = self.ipmitool("-L", "USER", "chassis", "power", "status", user="viewer", password="viewpw")
        self.assertEqual(done.returncode, 0, done.stderr)
        done, took = self.ipmitool("-L", "USER", "chassis", "power", "on", user="viewer", password="viewpw")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("Insufficient privilege", done.stdout + done.stderr)
        self.assertLess(took, FAST)

    def test_user_limited_account_cannot_ask_for_admin(self):
        done, took = self.ipmitool(
            "-v", "chassis", "power", "status", user="viewer", password="viewpw"
        )  # ipmitool asks for ADMINISTRATOR
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("RAKP 2 message indicates an error : invalid role", done.stdout + done.stderr)
        self.assertLess(took, FAST)


@requires("ipmipower")
class IpmipowerTest(RackTestCase):
    def ipmipower(self, *args, password="secret", user="admin"):
        return self.run_tool(
            "ipmipower", "-h", f"{HOST}:{self.port}", "-u", user, "-p", password, "-D", "LAN_2_0", *args
        )

    def test_stat_on_off_with_suites_3_and_17(self):
        for suite in ("3", "17"):
            done, took = self.ipmipower("-I", suite, "--on")
            self.assertIn(": ok", done.stdout, done.stderr)
            done, _ = self.ipmipower("-I", suite, "--stat")
            self.assertEqual(done.stdout.strip(), f"{HOST}: on")
            done, _ = self.ipmipower("-I", suite, "--off")
            self.assertIn(": ok", done.stdout)
            done, _ = self.ipmipower("-I", suite, "--stat")
            self.assertEqual(done.stdout.strip(), f"{HOST}: off")
            self.assertLess(took, FAST)

    def test_bad_credentials(self):
        done, took = self.ipmipower("--stat", password="wrong")
        self.assertIn("password invalid", done.stdout)
        self.assertLess(took, FAST)
        done, took = self.ipmipower("--stat", user="nobody")
        self.assertIn("username invalid", done.stdout)
        self.assertLess(took, FAST)


@requires("bmc-info")
class BmcInfoTest(RackTestCase):
    def test_bmc_info(self):
        done, took = self.run_tool(
            "bmc-info", "-h", f"{HOST}:{self.port}", "-u", "admin", "-p", "secret", "-D", "LAN_2_0"
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertRegex(done.stdout, r"IPMI Version\s+: 2\.0")
        self.assertRegex(done.stdout, r"System GUID\s+: [0-9a-f-]{36}")  # App 37h, in session
        self.assertLess(took, FAST)


class PyghmiClientTest(RackTestCase):
    def test_login_power(self):
        from pyghmi.ipmi import command

        started = time.monotonic()
        client = command.Command(bmc=HOST, port=self.port, userid="admin", password="secret")
        try:
            self.assertEqual(client.ipmi_session.currhashlen, 16)  # it got suite 17
            self.assertEqual(client.set_power("on", wait=False), {"pendingpowerstate": "on"})
            self.assertEqual(client.get_power(), {"powerstate": "on"})
            client.set_power("off", wait=False)
            self.assertEqual(client.get_power(), {"powerstate": "off"})
        finally:
            client.ipmi_session.logout()
        self.assertLess(time.monotonic() - started, FAST)

    def test_wrong_password(self):
        from pyghmi import exceptions
        from pyghmi.ipmi import command

        started = time.monotonic()
        with self.assertRaises(exceptions.IpmiException):
            command.Command(bmc=HOST, port=self.port, userid="admin", password="bad")
        self.assertLess(time.monotonic() - started, FAST)


class ServerTest(RackTestCase):
    def add(self, name, port=0):
        return self.loop.run(
            self.server.add(BmcEndpoint(HOST, port, user_table(), ToyChassis(), uuid.uuid4().bytes, name))
        )

    def test_probe(self):
        self.assertTrue(bmc_answers(HOST, self.port))
        self.assertTrue(self.loop.run(async_bmc_answers(HOST, self.port)))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind((HOST, 0))
            free = sock.getsockname()[1]
        self.assertFalse(bmc_answers(HOST, free, timeout=0.2))

    def test_port_in_use(self):
        with self.assertRaises(BmcError) as caught:
            self.add("clash", self.port)
        self.assertIn(f"{HOST}:{self.port}", str(caught.exception))

    def test_remove(self):
        endpoint = self.add("short-lived")
        self.assertTrue(bmc_answers(HOST, endpoint.port))
        self.loop.run(self.server.remove("short-lived"))
        self.assertNotIn("short-lived", self.server)
        self.assertFalse(bmc_answers(HOST, endpoint.port, timeout=0.2))

    def test_silent_endpoint_does_not_delay_others(self):
        mute = self.add("mute")
        try:
            self.loop.call(setattr, mute, "silent", True)
            self.assertFalse(bmc_answers(HOST, mute.port, timeout=0.2))
            flood = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            stop = threading.Event()

            def hammer():
                while not stop.is_set():  # pings the mute BMC never answers
                    flood.sendto(b"\x06\x00\xff\x06\x00\x00\x11\xbe\x80\x01\x00\x00", (HOST, mute.port))
                    time.sleep(0.0005)

            threading.Thread(target=hammer, daemon=True).start()
            try:
                started = time.monotonic()
                for _ in range(20):
                    self.assertTrue(bmc_answers(HOST, self.port, timeout=0.5))
                self.assertLess((time.monotonic() - started) / 20, 0.05)
            finally:
                stop.set()
                flood.close()
            self.loop.call(setattr, mute, "silent", False)
            self.assertTrue(bmc_answers(HOST, mute.port))
        finally:
            self.loop.run(self.server.remove("mute"))


if __name__ == "__main__":
    unittest.main()
