"""The JUnit XML of a run: nose2's layout, with properties a CI page and ``rackharness matrix`` can read.

One ``<testsuite name="nose2-junit">`` (counts as nose2's junitxml counted them: known differences and
unexpected passes are ``skipped``), whose ``<properties>`` state the system under test (what it is,
kind, version, mode, provider, API URL without credentials); one ``<testcase>`` per test with nose2's
``classname``/``name`` split of the id (everything before the last dot / the last part) and its own
``<properties>``: ``test_id``, ``group`` (the one it counts in), ``groups``, ``description``,
``source`` (``file:line``), ``outcome``. A failure or error carries the short message and the full
details; a skip its reason; a known difference ``known difference ...`` (what
:func:`rackharness.suite.run_results.read_junit` reads as one). Every text is scrubbed of secrets.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from rackharness.errors import UsageError
from rackharness.reports.record import Outcome, RunRecord, TestRecord
from rackharness.reports.redact import Scrubber

SUITE_NAME = "nose2-junit"
#: characters XML 1.0 cannot carry (replaced by U+FFFD, as nose2 does)
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: the short message attribute is kept to this many characters
MESSAGE_CHARS = 500


class ReportWriteError(UsageError):
    """A report could not be written (its directory does not exist, no permission)."""


def clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _properties(parent: ET.Element, pairs: list[tuple[str, str]]) -> None:
    properties = ET.SubElement(parent, "properties")
    for name, value in pairs:
        ET.SubElement(properties, "property", {"name": name, "value": clean(value)})


def _short(record: TestRecord, scrub: Scrubber) -> str:
    message = scrub.text(record.message or (record.details.strip().splitlines() or [""])[-1])
    return clean(message if len(message) <= MESSAGE_CHARS else message[: MESSAGE_CHARS - 3] + "...")


def testcase(record: TestRecord, scrub: Scrubber) -> ET.Element:
    """One ``<testcase>`` element."""
    case = ET.Element(
        "testcase", {"classname": record.classname, "name": record.name, "time": f"{record.duration:.6f}"}
    )
    pairs = [
        ("test_id", record.id),
        ("group", record.group),
        ("groups", ", ".join(record.groups)),
        ("description", record.description),
        ("source", record.source),
        ("outcome", record.outcome.value),
    ]
    _properties(case, [(name, value) for name, value in pairs if value])
    outcome, details = record.outcome, clean(scrub.text(record.details or record.message))
    if outcome in (Outcome.FAILED, Outcome.ERROR):
        element = ET.SubElement(
            case,
            "failure" if outcome is Outcome.FAILED else "error",
            {"message": _short(record, scrub) or "test failure"},
        )
        element.text = details
    elif outcome is Outcome.SKIPPED:
        ET.SubElement(case, "skipped", {"message": _short(record, scrub) or "test skipped"}).text = details or None
    elif outcome is Outcome.KNOWN_DIFFERENCE:
        message = _short(record, scrub)
        if not message.lower().startswith("known difference"):
            message = f"expected test failure: {message}" if message else "expected test failure"
        ET.SubElement(case, "skipped", {"message": message, "type": "known-difference"}).text = details or None
    elif outcome is Outcome.UNEXPECTED_PASS:
        ET.SubElement(case, "skipped", {"message": "test passes unexpectedly", "type": "unexpected-pass"})
    ET.SubElement(case, "system-out")
    return case


def junit_tree(run: RunRecord, scrub: Scrubber) -> ET.Element:
    """The whole ``<testsuite>``."""
    counts = {outcome: 0 for outcome in Outcome}
    for record in run.tests:
        counts[record.outcome] += 1
    suite = ET.Element(
        "testsuite",
        {
            "name": SUITE_NAME,
            "tests": str(len(run.tests)),
            "errors": str(counts[Outcome.ERROR]),
            "failures": str(counts[Outcome.FAILED]),
            "skipped": str(
                counts[Outcome.SKIPPED] + counts[Outcome.KNOWN_DIFFERENCE] + counts[Outcome.UNEXPECTED_PASS]
            ),
            "time": f"{run.duration:.3f}",
        },
    )
    if run.started is not None:
        suite.set("timestamp", run.started.isoformat(timespec="seconds"))
    if run.system is not None:
        _properties(suite, [(name, scrub.text(value)) for name, value in run.system.properties()])
    for record in run.tests:
        suite.append(testcase(record, scrub))
    return suite


def write_junit(run: RunRecord, path: Path, scrub: Scrubber | None = None) -> Path:
    """Write ``run``'s JUnit XML to ``path``; returns it."""
    scrub = scrub or Scrubber()
    scrub.learn_run(run)
    tree = junit_tree(run, scrub)
    ET.indent(tree)
    try:
        ET.ElementTree(tree).write(path, encoding="utf-8", xml_declaration=True)
    except OSError as exc:
        raise ReportWriteError(
            f"JUnit XML {path}: {exc.strerror or exc}", hint="pass a path in an existing, writable directory"
        ) from exc
    return path
