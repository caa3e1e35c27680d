"""The southbound protocol without services: the command channel between jobs and a node's task
runner (GET/POST /tasks/{id}), the jobs that talk through it (documents offered, replies handled,
failures, cancel), and what /profiles and bootstrap.js render."""

import threading
import time
import unittest

from bson import ObjectId
from werkzeug.datastructures import MultiDict

from rackharness.reference.context import TargetContext
from rackharness.reference.discovery import profiles
from rackharness.reference.documents import ApiError
from rackharness.reference.events_memory import RecordingEventBus
from rackharness.reference.southbound import CommandChannel
from rackharness.reference.workflows import discovery_jobs as jobs
from rackharness.reference.workflows.jobs import CancelToken, JobError, JobRun
from rackharness.reference.workflows.obm import ObmRegistry
from tests.support import discovery_outputs as out
from tests.support.fake_mongo import FakeDatabase

NODE = "5f0000000000000000000001"
LAN = out.LAN_PRINT.format(bmc_ip="10.1.2.3", bmc_mac="52:54:00:00:01:b0")


class ChannelTest(unittest.TestCase):
    def setUp(self):
        self.channel = CommandChannel(wait_seconds=0)

    def test_nothing_offered(self):
        self.assertEqual(self.channel.request(NODE), ("none", None))
        self.assertEqual(self.channel.fetches(NODE), 1)
        self.assertIsNone(self.channel.respond(NODE, {"tasks": []}))

    def test_a_catalog_offer_is_served_until_answered(self):
        offer = self.channel.offer(NODE, "t1", {"identifier": NODE, "tasks": [{"cmd": "sudo dmidecode"}]}, repeat=True)
        first = self.channel.request(NODE)
        self.assertEqual(first, ("commands", {"identifier": NODE, "tasks": [{"cmd": "sudo dmidecode"}]}))
        first[1]["tasks"][0]["stdout"] = "changed by the caller"
        self.assertEqual(self.channel.request(NODE)[1]["tasks"], [{"cmd": "sudo dmidecode"}])  # served again, a copy
        self.assertFalse(offer.wake.is_set())
        self.assertIs(self.channel.respond(NODE, {"tasks": [{"cmd": "sudo dmidecode", "stdout": "x"}]}), offer)
        self.assertTrue(offer.wake.is_set())
        self.assertEqual(offer.reply["tasks"][0]["stdout"], "x")
        self.assertIsNone(self.channel.respond(NODE, {"tasks": []}))  # answered once
        self.assertEqual(self.channel.request(NODE), ("empty", None))  # not served again while not withdrawn
        self.channel.withdraw(offer)
        self.assertEqual(self.channel.request(NODE), ("none", None))

    def test_run_only_once_and_exit_offers(self):
        once = self.channel.offer(NODE, "t1", {"identifier": NODE, "tasks": [{"cmd": "a"}]})
        self.assertEqual(self.channel.request(NODE)[0], "commands")
        self.assertEqual(self.channel.request(NODE), ("empty", None))  # RackHD's runOnlyOnce: nothing again
        self.assertIs(self.channel.respond(NODE, {"tasks": [{"cmd": "a"}]}), once)
        self.channel.withdraw(once)
        leave = self.channel.offer(NODE, "t2", {"identifier": NODE, "tasks": [{"cmd": ""}], "exit": 1}, answer=False)
        self.assertEqual(self.channel.request(NODE)[1]["exit"], 1)
        self.assertTrue(leave.wake.is_set())  # served is done: no reply expected
        self.assertIsNone(self.channel.respond(NODE, {"tasks": [{"cmd": ""}], "exit": 1}))

    def test_a_waiting_fetch_gets_an_offer_made_meanwhile(self):
        channel = CommandChannel(wait_seconds=5)
        timer = threading.Timer(0.1, channel.offer, (NODE, "t", {"identifier": NODE, "tasks": [{"cmd": "x"}]}))
        timer.start()
        began = time.monotonic()
        self.assertEqual(channel.request(NODE)[0], "commands")
        self.assertLess(time.monotonic() - began, 2)
        self.assertEqual(channel.request("5f0000000000000000000009", wait=0), ("none", None))  # per node

    def test_fetch_watchers(self):
        fetched = threading.Event()
        self.channel.watch_fetch(NODE, fetched)
        self.channel.request("5f0000000000000000000009")
        self.assertFalse(fetched.is_set())
        self.channel.request(NODE)
        self.assertTrue(fetched.is_set())
        self.channel.unwatch_fetch(NODE, fetched)
        # a fetch waiting right now counts (the bootstrap job may register after the GET began)
        channel = CommandChannel(wait_seconds=2)
        thread = threading.Thread(target=channel.request, args=(NODE,))
        thread.start()
        while not channel.fetches(NODE):
            time.sleep(0.01)
        late = threading.Event()
        channel.watch_fetch(NODE, late)
        self.assertTrue(late.is_set())
        channel.offer(NODE, "t", {"identifier": NODE, "tasks": []})
        thread.join(5)


class JobHarness:
    """Runs a discovery job in a thread against a dict database and a real channel."""

    def __init__(self, job, options, *, config=None):
        self.db = FakeDatabase()
        self.events = RecordingEventBus()
        self.ctx = TargetContext(
            db=self.db, events=self.events, config=config or {}, southbound=CommandChannel(wait_seconds=0.2)
        )
        self.cancelled = CancelToken()
        self.run = JobRun(self.db, ObmRegistry({}), NODE, options, self.cancelled, ctx=self.ctx, task_id="task-1")
        self.error = None
        self.done = threading.Event()

        def main():
            try:
                job(self.run)
            except JobError as exc:
                self.error = str(exc)
            finally:
                self.done.set()

        self.thread = threading.Thread(target=main, daemon=True)
        self.thread.start()

    def fetch(self):
        return self.ctx.southbound.request(NODE)

    def finish(self, timeout=5):
        assert self.done.wait(timeout), "the job did not end"
        return self.error


class CatalogJobTest(unittest.TestCase):
    COMMANDS = [
        {"command": "sudo ipmitool lan print", "acceptedResponseCodes": [1]},
        "sudo ipmitool sel",
        {"command": "sudo ipmitool lan print 2", "acceptedResponseCodes": [1]},
    ]

    def test_the_offered_document_and_the_stored_catalogs(self):
        harness = JobHarness(jobs.linux_catalog, {"commands": self.COMMANDS})
        outcome, document = harness.fetch()
        self.assertEqual(outcome, "commands")
        self.assertEqual(
            document,
            {
                "identifier": NODE,
                "tasks": [
                    {"cmd": "sudo ipmitool lan print", "acceptedResponseCodes": [1]},
                    {"cmd": "sudo ipmitool sel"},
                    {"cmd": "sudo ipmitool lan print 2", "acceptedResponseCodes": [1]},
                ],
            },
        )
        document["tasks"][0].update(stdout=LAN, stderr="", error=None)
        document["tasks"][1].update(stdout=out.SEL_INFO, stderr="", error=None)
        document["tasks"][2].update(error={"killed": False, "code": 1, "signal": None, "cmd": "x"})
        harness.ctx.southbound.respond(NODE, document)
        self.assertIsNone(harness.finish())
        catalogs = {c["source"]: c for c in harness.db["catalogs"].find({})}
        self.assertEqual(set(catalogs), {"bmc", "ipmi-sel-information"})  # channel 2 is absent: nothing stored
        self.assertEqual(catalogs["bmc"]["node"], ObjectId(NODE))
        self.assertIsInstance(catalogs["bmc"]["_id"], str)
        self.assertEqual(catalogs["bmc"]["data"]["IP Address"], "10.1.2.3")
        (lookup,) = harness.db["lookups"].find({})
        self.assertEqual((lookup["macAddress"], lookup["ipAddress"]), ("52:54:00:00:01:b0", "10.1.2.3"))
        self.assertNotIn("node", lookup)  # RackHD's setIp names no node

    def test_an_unaccepted_failure_fails_with_command_code_and_stderr(self):
        harness = JobHarness(jobs.linux_catalog, {"commands": self.COMMANDS})
        _, document = harness.fetch()
        document["tasks"][0].update(stdout=LAN, stderr="", error=None)
        document["tasks"][1].update(error={"code": 127, "killed": False}, stderr="sudo: ipmitool: command not found")
        harness.ctx.southbound.respond(NODE, document)
        error = harness.finish()
        self.assertEqual(
            error,
            "Encountered a failure running remote commands: command 'sudo ipmitool sel' on node "
            f"{NODE} failed (exit code 127: sudo: ipmitool: command not found)",
        )
        self.assertEqual(list(harness.db["catalogs"].find({})), [])

    def test_a_reply_without_tasks_and_cancel(self):
        harness = JobHarness(jobs.linux_catalog, {"commands": ["sudo dmidecode"]})
        harness.fetch()
        harness.ctx.southbound.respond(NODE, {"identifier": NODE})
        self.assertIn("without a 'tasks' list", harness.finish())
        waiting = JobHarness(jobs.linux_catalog, {"commands": ["sudo dmidecode"]})
        time.sleep(0.05)
        waiting.cancelled.set()
        self.assertIn("stopped while waiting for node", waiting.finish())

    def test_commands_job_sends_once(self):
        harness = JobHarness(jobs.linux_commands, {"commands": "sudo ipmitool chassis bootdev pxe"})
        self.assertEqual(harness.fetch()[1]["tasks"], [{"cmd": "sudo ipmitool chassis bootdev pxe"}])
        self.assertEqual(harness.fetch(), ("empty", None))
        harness.ctx.southbound.respond(
            NODE, {"tasks": [{"cmd": "sudo ipmitool chassis bootdev pxe", "stdout": "ok", "error": None}]}
        )
        self.assertIsNone(harness.finish())


class NodeJobsTest(unittest.TestCase):
    def test_bootstrap_succeeds_at_the_first_fetch(self):
        harness = JobHarness(jobs.linux_bootstrap, {})
        time.sleep(0.05)
        self.assertFalse(harness.done.is_set())
        harness.ctx.southbound.request(NODE, wait=0)
        self.assertIsNone(harness.finish())

    def test_shell_reboot_hands_out_exit(self):
        harness = JobHarness(jobs.linux_shell_reboot, {"rebootCode": 1})
        self.assertEqual(harness.fetch(), ("commands", {"identifier": NODE, "tasks": [{"cmd": ""}], "exit": 1}))
        self.assertIsNone(harness.finish())
        self.assertIn("rebootCode", JobHarness(jobs.linux_shell_reboot, {"rebootCode": "1"}).finish())


class JobPiecesTest(unittest.TestCase):
    def test_build_commands(self):
        self.assertEqual(
            jobs.build_commands(
                [
                    "a",
                    {
                        "command": "b",
                        "acceptedResponseCodes": [1],
                        "timeout": 5,
                        "catalog": {"source": "s", "format": "json"},
                    },
                ]
            ),
            [
                {"cmd": "a"},
                {
                    "cmd": "b",
                    "acceptedResponseCodes": [1],
                    "timeout": 5,
                    "source": "s",
                    "format": "json",
                    "catalog": True,
                },
            ],
        )
        with self.assertRaises(JobError) as caught:
            jobs.build_commands([{"command": "x", "sudo": True}])
        self.assertIn("sudo option is not supported", str(caught.exception))

    def test_remote_failures(self):
        jobs.check_remote_failures(
            NODE,
            [
                {"cmd": "a", "error": None},
                {"cmd": "b", "error": {}},
                {"cmd": "c", "error": {"code": 1}, "acceptedResponseCodes": [1]},
            ],
            [],
        )
        with self.assertRaises(JobError):
            jobs.check_remote_failures(NODE, [{"cmd": "a", "error": "Error: spawn failed"}], [])
        # the code list the target offered counts when the reply dropped it
        jobs.check_remote_failures(
            NODE, [{"cmd": "c", "error": {"code": 1}}], [{"cmd": "c", "acceptedResponseCodes": [1]}]
        )

    def test_condition(self):
        options = {"autoCreateObm": "true", "when": "{{options.autoCreateObm}}"}
        run = JobRun(FakeDatabase(), ObmRegistry({}), NODE, options)
        jobs.evaluate_condition(run)
        run.options["autoCreateObm"] = False
        with self.assertRaises(JobError):
            jobs.evaluate_condition(run)
        run.options["when"] = "TRUE"
        jobs.evaluate_condition(run)


class ProfilesTest(unittest.TestCase):
    def setUp(self):
        self.ctx = TargetContext(
            db=FakeDatabase(),
            events=RecordingEventBus(),
            config={"apiServerAddress": "172.31.128.1", "apiServerPort": 9030},
        )

    def test_discovery_options_as_rackhd_builds_them(self):
        self.ctx.config.update(autoCreateObm=True, skipResetPostDiscovery="true")
        name, options = profiles.discovery_options(self.ctx, NODE)
        self.assertEqual(name, "Graph.SKU.Discovery")
        self.assertEqual(options["defaults"]["graphOptions"]["target"], NODE)
        self.assertEqual(options["defaults"]["nodeId"], NODE)
        self.assertEqual(options["defaults"]["graphOptions"]["shell-reboot"], {"rebootCode": 127})
        self.assertEqual(options["defaults"]["graphOptions"]["obm-option"], {"autoCreateObm": "true"})
        self.assertEqual(options["obm-option"], {"autoCreateObm": "true"})
        self.assertEqual(options["skip-pollers"], {"skipPollersCreation": "false"})

    def test_linux_profile_points_the_microkernel_back(self):
        options = {
            "kernelFile": "vmlinuz-x",
            "initrdFile": "initrd-x",
            "kernelUri": "{{ file.server }}/common/{{ options.kernelFile }}",
            "basefsUri": "{{ api.server }}/common/base.img",
            "comport": "ttyS1",
            "kargs": {"acpi": "off"},
        }
        text = profiles.linux_ipxe(self.ctx, "52:54:00:00:01:00", options)
        self.assertTrue(text.startswith("#!ipxe\n"))
        self.assertIn("kernel http://172.31.128.1:9030/common/vmlinuz-x\n", text)
        self.assertIn("API_CB=172.31.128.1:9030", text)
        self.assertIn("BASEFS=http://172.31.128.1:9030/common/base.img", text)
        self.assertIn("BOOTIF=01-52:54:00:00:01:00", text)
        self.assertIn("console=ttyS1,115200n8", text)
        self.assertIn("acpi=off", text)

    def test_other_texts(self):
        self.assertIn(
            "chain http://172.31.128.1:9030/api/current/profiles?macs=${macs}", profiles.redirect_ipxe(self.ctx)
        )
        self.assertIn(
            "echo RackHD: No active workflow", profiles.ipxe_info(self.ctx, "m", profiles.NO_WORKFLOW_MESSAGE)
        )
        script = profiles.bootstrap_js(self.ctx, NODE)
        self.assertIn(f"tasksPath = '/api/current/tasks/{NODE}'", script)
        self.assertIn("server = '172.31.128.1'", script)
        with self.assertRaises(ApiError) as caught:
            profiles.render_profile(self.ctx, "install-centos.ipxe", {}, "m")
        self.assertEqual(caught.exception.status, 404)

    def test_macs_from_the_query(self):
        args = MultiDict([("macs", "52-54-00-00-01-00"), ("macs", "52:54:00:00:01:01"), ("macs", "")])
        self.assertEqual(profiles.macs_of(args), ["52:54:00:00:01:00", "52:54:00:00:01:01"])
        self.assertEqual(profiles.macs_of(MultiDict([("mac", "52:54:00:00:01:00")])), ["52:54:00:00:01:00"])
        with self.assertRaises(ApiError):
            profiles.macs_of(MultiDict([("macs", "bogus")]))
        self.assertEqual(profiles.flag(True), "true")
        self.assertEqual(profiles.flag("False"), "false")
