"""The system under test as a report states it: what it is, which version, how the run reached it.

:func:`summarize_system` reads a :class:`~rackharness.suite.sut.SystemUnderTest` (identified:
``kind`` and ``version`` known) and the run's record mode into a :class:`SystemSummary`: "reference
target 0.4.0" or "RackHD 2.60.7", the mode (``isolated``: the reference in this process; ``replay``:
from tapes, no service reached; ``record``: a live system, recorded; ``live``), the provider of the
rack (``isolated``, ``vagrant``, ``physical``...) and the API URL with no credentials in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

#: the modes a run reaches its system in
MODES = ("isolated", "replay", "record", "live")


@dataclass(frozen=True)
class SystemSummary:
    what: str  # "reference target 0.4.0", "RackHD 2.60.7", "unknown target"
    kind: str  # reference, rackhd, unknown, "" (not identified)
    version: str
    mode: str  # one of MODES
    provider: str
    api_url: str  # no credentials
    source: str  # where the target came from ("stack state in .rackharness", "tape set reference in ...")
    record_mode: str = ""  # the tape deck's mode, when there is one

    def properties(self) -> list[tuple[str, str]]:
        """(name, value) pairs as the JUnit XML's testsuite properties carry them (empty values left out)."""
        pairs = [
            ("system_under_test", self.what),
            ("system_kind", self.kind),
            ("system_version", self.version),
            ("mode", self.mode),
            ("provider", self.provider),
            ("api_url", self.api_url),
            ("target_source", self.source),
            ("record_mode", self.record_mode),
        ]
        return [(name, value) for name, value in pairs if value]

    def headline(self) -> str:
        """``RackHD 2.60.7 at http://rackhd:9090 (live, provider vagrant)``."""
        how = ", ".join(part for part in (self.mode, f"provider {self.provider}" if self.provider else "") if part)
        return f"{self.what} at {self.api_url}" + (f" ({how})" if how else "")


def without_credentials(url: str | None) -> str:
    """``http://user:pw@host:9090/x`` → ``http://host:9090/x`` (no user, no password, no query)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparseable URL)"
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def run_mode(target: Any, record_mode: str | None) -> str:
    """isolated, replay, record or live: how this run reaches ``target``."""
    if record_mode == "none" or str(getattr(target, "source", "")).startswith("tape set"):
        return "replay"
    if getattr(target, "provider", None) == "isolated" or "in this process" in str(getattr(target, "source", "")):
        return "isolated"
    if record_mode:
        return "record"
    return "live"


def summarize_system(target: Any, *, record_mode: str | None = None) -> SystemSummary:
    """``target`` (a SystemUnderTest, or None: not known) as reported."""
    record_mode = getattr(record_mode, "value", record_mode)  # a RecordMode is welcome too
    if target is None:
        return SystemSummary(
            what="system under test not known",
            kind="",
            version="",
            mode="",
            provider="",
            api_url="",
            source="",
            record_mode=record_mode or "",
        )
    what_of = getattr(target, "what", None)
    what = what_of() if callable(what_of) and getattr(target, "kind", None) else "target not identified"
    return SystemSummary(
        what=what,
        kind=getattr(target, "kind", None) or "",
        version=getattr(target, "version", None) or "",
        mode=run_mode(target, record_mode),
        provider=getattr(target, "provider", None) or "",
        api_url=without_credentials(getattr(target, "api_url", None)),
        source=str(getattr(target, "source", "") or ""),
        record_mode=record_mode or "",
    )
