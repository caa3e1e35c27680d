"""Records and entries the report tests build on: a failing exchange with secrets in every place one can hide."""

from __future__ import annotations

from dataclasses import dataclass

from rackharness.reports.record import Outcome, RunRecord, TestRecord
from rackharness.reports.system import summarize_system
from rackharness.reports.witness import Exchange, SeenEvent
from rackharness.suite.sut import AuthAccess, SystemUnderTest

PASSWORD = "hunter2-amqp-pw"
LOGIN_PASSWORD = "s3cret-login-pw"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.abcdef123456"
SECRETS = (PASSWORD, LOGIN_PASSWORD, TOKEN)


@dataclass
class Entry:
    id: str
    groups: tuple[str, ...]
    description: str = ""
    source: str = ""


def target(**overrides) -> SystemUnderTest:
    fields = dict(
        api_url="http://127.0.0.1:26080",
        amqp_url=f"amqp://guest:{PASSWORD}@127.0.0.1:26672/%2F",
        mongo_url="mongodb://127.0.0.1:26017",
        source="stack state in .rackharness",
        provider="vagrant",
        auth=AuthAccess("http://127.0.0.1:26443", "admin", LOGIN_PASSWORD, "token-signing-secret"),
        kind="rackhd",
        version="2.60.7",
    )
    fields.update(overrides)
    return SystemUnderTest(**fields)


def failing_exchange() -> Exchange:
    """GET a node that is not there, logged in: 404 with a body that echoes the token."""
    return Exchange(
        "GET",
        "http://127.0.0.1:26080/api/2.0/nodes/rh-missing?token=" + TOKEN,
        {"authorization": f"JWT {TOKEN}"},
        None,
        404,
        {"Content-Type": "application/json"},
        b'{"message": "Not Found: <rh-missing>", "status": 404, "echo": "' + TOKEN.encode() + b'"}',
    )


def login_exchange() -> Exchange:
    return Exchange(
        "POST",
        "http://127.0.0.1:26443/login",
        {},
        {"username": "admin", "password": LOGIN_PASSWORD},
        200,
        {"Content-Type": "application/json"},
        b'{"token": "' + TOKEN.encode() + b'"}',
    )


def failed_record() -> TestRecord:
    details = (
        'Traceback (most recent call last):\n  File "tests/rackhd/test_nodes.py", line 40, in reads\n'
        f"HttpStatusError: GET http://admin:{LOGIN_PASSWORD}@127.0.0.1:26080/api/2.0/nodes/rh-missing "
        "answered 404 <expected 200>"
    )
    return TestRecord(
        id="tests.rackhd.test_nodes.Nodes.reads_a_node",
        outcome=Outcome.FAILED,
        duration=0.25,
        groups=("nodes", "api"),
        description="GET /nodes/<id> answers the node & its <fields>.",
        source="tests/rackhd/test_nodes.py:40",
        message="HttpStatusError: answered 404 <expected 200>",
        details=details,
        exchanges=[login_exchange(), failing_exchange()],
        events=[SeenEvent("received", "on.events", "node.added.rh-1", {"nodeId": "rh-1", "password": LOGIN_PASSWORD})],
    )


def sample_run() -> RunRecord:
    run = RunRecord(system=summarize_system(target()), duration=1.5)
    run.tests = [
        TestRecord(
            id="tests.rackhd.test_smoke.Smoke.api_serves_config",
            outcome=Outcome.PASSED,
            duration=0.1,
            groups=("smoke",),
            description="GET /api/2.0/config answers 200.",
            source="tests/rackhd/test_smoke.py:12",
        ),
        failed_record(),
        TestRecord(
            id="tests.rackhd.test_nodes.Nodes.deletes",
            outcome=Outcome.SKIPPED,
            groups=("nodes",),
            message="prerequisite tests.rackhd.test_nodes.Nodes.reads_a_node failed",
        ),
        TestRecord(
            id="tests.rackhd.test_nodes.Nodes.patches",
            outcome=Outcome.KNOWN_DIFFERENCE,
            groups=("nodes",),
            message="known difference of RackHD 2.60.7: PATCH answers 500",
            details="AssertionError: 500",
        ),
        TestRecord(
            id="tests.rackhd.test_tags.Tags.errs",
            outcome=Outcome.ERROR,
            groups=("tags",),
            message="KeyError: 'id'",
            details="Traceback ...\nKeyError: 'id'",
        ),
    ]
    return run
