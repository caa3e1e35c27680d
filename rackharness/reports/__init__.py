"""Reports people read: group progress, JUnit XML, a self-contained HTML page — for any test runner.

The runner-neutral layer shared by the nose2 plugin (:mod:`rackharness.nose2.reports`) and the pytest
plugin (:mod:`rackharness.pytest_plugin`). A runner drives one :class:`ReportSession` per run::

    from rackharness.reports import ReportSession

    session = ReportSession(plan.runnable, say=lambda line: sys.stderr.write(f"rackharness: {line}\\n"))
    session.expect(test_ids)                   # optional: the run's test ids, when they are not the entries'
    session.system(target, record_mode=None)   # the SystemUnderTest (identified: kind/version), once known
    session.test_started(test_id)              # clears the witness journal, starts the clock
    ...                                        # the test runs; its HTTP exchanges and AMQP events are witnessed
    session.test_finished(test_id, "failed", duration=0.12, message="HttpStatusError: ...",
                          details=traceback_text)    # -> TestRecord; may print a group's progress line
    session.write(junit_path="nose2-junit.xml", html_path="report.html")   # at the end of the run
    session.finish()                           # (write() calls it) remaining group lines; the journal stops

``entries`` are the plan's entries in run order (:class:`rackharness.suite.plan.PlanEntry`, or anything
with ``id``, ``groups``, ``description`` and ``source``); they say each test's groups (a test counts in
its first) and how many tests each group has, so a group's line ``group nodes: 14 passed, 0 failed,
1 skipped in 3.2 s`` is said as soon as its last test finishes. A test id the plan does not list (a
method of a unittest-style class is looked up by its class's id; anything else) is reported under
"(no group)". ``say`` gets each progress line (None: silent). ``add_secrets(*strings)`` names more strings
never to show. ``session.record`` is the :class:`RunRecord` (``tests``: :class:`TestRecord` in finishing order).
Creating a session starts the witness journal; create one per run.

Outcomes (:class:`Outcome`; plain strings are accepted): ``passed``, ``failed``, ``error``, ``skipped``,
``known-difference`` (an expected failure: a known difference of the RackHD under test),
``unexpected-pass``. ``duration`` in seconds (None: measured from :meth:`ReportSession.test_started`);
``message``: one short line; ``details``: the full text (the traceback).

The *witness* (:mod:`rackharness.reports.witness`): :class:`~rackharness.suite.context.SuiteContext`
wraps the suite's HTTP-out transports in :class:`WitnessedHttpOut` and its AMQP transports in
:class:`WitnessedAmqpTransport`, which append each exchange and each event taken off a queue to the
process's :data:`JOURNAL` (a bounded ring, bodies truncated) while a session is recording. The session
takes the journal's contents into the test's record at :meth:`ReportSession.test_finished`. Nothing is
changed in what is sent. Secrets (passwords, tokens, auth headers, URL credentials) are redacted
when a report is written (:mod:`rackharness.reports.redact`), in every field.

Modules: :mod:`.record` (outcomes, test and run records), :mod:`.witness` (the journal and the seams'
wrappers), :mod:`.redact` (secrets out of reports), :mod:`.system` (the system under test as reported),
:mod:`.progress` (group lines), :mod:`.junit` and :mod:`.html_report` (the writers), :mod:`.session`.
Importing this package does no I/O.
"""

from __future__ import annotations

from rackharness.reports.record import NO_GROUP, Outcome, RunRecord, TestRecord
from rackharness.reports.session import ReportSession
from rackharness.reports.system import SystemSummary, summarize_system
from rackharness.reports.witness import JOURNAL, Exchange, Journal, SeenEvent, WitnessedAmqpTransport, WitnessedHttpOut

__all__ = [
    "JOURNAL",
    "NO_GROUP",
    "Exchange",
    "Journal",
    "Outcome",
    "ReportSession",
    "RunRecord",
    "SeenEvent",
    "SystemSummary",
    "TestRecord",
    "WitnessedAmqpTransport",
    "WitnessedHttpOut",
    "summarize_system",
]
