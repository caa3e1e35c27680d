"""Known differences: suite tests a given RackHD version fails because RackHD contradicts its own contract.

The list is one YAML file of the project's own (``tests/rackhd/known_differences.yaml``)::

    version: 1
    differences:
      - test: tests.rackhd.test_redfish.RedfishSessions.session_lifecycle   # the test id nose2 prints
        rackhd: ["2.60.7"]                  # the RackHD versions it applies to
        reason: POST .../Sessions answers 200 where RackHD's redfish.yaml documents 201
        evidence: the captured exchange, in a sentence

The same file lists, under ``answers:``, the known differences between the reference's answers and a
RackHD's that ``rackharness diff`` finds (an endpoint, where in the answer, and which side is right)::

    answers:
      - endpoint: "POST /redfish/v1/SessionService/Sessions"   # as the diff report names it
        where: status                       # or "header content-type", "body.obms[].ref", a pattern "body.*"
        rackhd: ["2.60.7"]
        right: contract                      # rackhd, reference, contract (neither: the contract says) or run
        reason: RackHD answers 200 where its redfish.yaml documents 201; the reference follows the contract

A test listed here stays as it is: it states the contract. When the system under test is a RackHD
whose version the entry names, the nose2 plugin (:mod:`rackharness.nose2.known`) reports its failure
as an expected failure ("known difference of RackHD 2.60.7: <reason>") and the run does not fail on
it; a listed test that passes is reported as passing ("known difference no longer seen"). Against the
reference target, or a RackHD of another or unknown version, the marks do not apply.

API: :func:`load` (validates, raises :class:`KnownDifferencesError`, exit 2), then
:meth:`KnownDifferences.applying` / :meth:`KnownDifferences.get` / iteration. The differential
report and ``rackharness matrix`` read the same file through this module.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from rackharness.config.yaml_file import compose_file
from rackharness.errors import ConfigError
from rackharness.project_files import KNOWN_DIFFERENCES, resolve

#: the project's list, relative to the repository root (read from the bundled suite outside a checkout)
DEFAULT_PATH = KNOWN_DIFFERENCES
#: overrides the path the nose2 plugin reads
PATH_ENV = "RACKHARNESS_KNOWN_DIFFERENCES"
SCHEMA_VERSION = 1
FIELDS = ("test", "rackhd", "reason", "evidence")
ANSWER_FIELDS = ("endpoint", "where", "rackhd", "right", "reason")
#: who is right; "run": no behaviour differs, the two runs' data or timing do (which node a paired request
#: asked about, whether a poller had run yet): each side answered its own state correctly
SIDES = ("rackhd", "reference", "contract", "run")
_TEST_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*([-+][0-9A-Za-z.-]+)?$")


class KnownDifferencesError(ConfigError):
    """The known-differences file is missing or malformed (exit 2)."""


@dataclass(frozen=True)
class KnownDifference:
    test: str
    rackhd: tuple[str, ...]
    reason: str
    evidence: str

    def applies_to(self, kind: str | None, version: str | None) -> bool:
        """True for a RackHD (``kind == "rackhd"``) whose version this entry names; never for the reference."""
        return kind == "rackhd" and version is not None and version in self.rackhd

    def label(self, version: str) -> str:
        return f"known difference of RackHD {version}: {self.reason}"


@dataclass(frozen=True)
class KnownAnswer:
    """A difference of answers ``rackharness diff`` reports that is known, and which side is right."""

    endpoint: str
    where: str
    rackhd: tuple[str, ...]
    right: str
    reason: str

    def names(self, endpoint: str, where: str, version: str | None) -> bool:
        """Whether this entry covers that difference: in ``endpoint`` and ``where``, ``*`` stands for any text and
        ``?`` for one character (``body.*``, ``body[].data.?``); brackets are plain text, as the report writes them."""
        return (
            _pattern(self.endpoint).fullmatch(endpoint) is not None
            and _pattern(self.where).fullmatch(where) is not None
            and (version is None or version in self.rackhd)
        )


@functools.lru_cache(maxsize=512)
def _pattern(where: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in where))


@dataclass(frozen=True)
class KnownDifferences:
    entries: tuple[KnownDifference, ...] = ()
    source: str = "(none)"
    answers: tuple[KnownAnswer, ...] = ()

    def answer(self, endpoint: str, where: str, version: str | None) -> KnownAnswer | None:
        """The ``answers:`` entry for a difference the diff found at ``endpoint``/``where``, if any."""
        return next((entry for entry in self.answers if entry.names(endpoint, where, version)), None)  # first wins

    def __iter__(self) -> Iterator[KnownDifference]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, test_id: str) -> KnownDifference | None:
        return next((entry for entry in self.entries if entry.test == test_id), None)

    def applying(self, test_id: str, kind: str | None, version: str | None) -> KnownDifference | None:
        """The entry for ``test_id`` when it applies to that system under test, else None."""
        entry = self.get(test_id)
        return entry if entry is not None and entry.applies_to(kind, version) else None

    def versions(self) -> list[str]:
        return sorted({v for entry in self.entries for v in entry.rackhd}, key=_version_key)

    def unknown_tests(self, test_ids: set[str] | list[str]) -> list[str]:
        """Entries naming a test that is not among ``test_ids`` (a renamed or deleted test)."""
        known = set(test_ids)
        return [entry.test for entry in self.entries if entry.test not in known]


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.+-]", version))


def parse(data: Any, source: str) -> KnownDifferences:
    """Validate ``data`` (the file's YAML content) into :class:`KnownDifferences`."""

    def bad(message: str, hint: str = 'see docs/black-box-suite.md, "Known differences"') -> KnownDifferencesError:
        return KnownDifferencesError(f"known differences {source}: {message}", hint=hint)

    if data is None:
        return KnownDifferences((), source)
    if not isinstance(data, dict):
        raise bad(f"expected a mapping with `version` and `differences`, found {type(data).__name__}")
    extra = sorted(set(data) - {"version", "differences", "answers"})
    if extra:
        raise bad(f"unknown top-level key(s) {', '.join(map(str, extra))}")
    if data.get("version") != SCHEMA_VERSION:
        raise bad(f"`version` must be {SCHEMA_VERSION}, found {data.get('version')!r}")
    items = data.get("differences")
    items = [] if items is None else items
    if not isinstance(items, list):
        raise bad("`differences` must be a list")
    entries: list[KnownDifference] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"differences[{index}]"
        _check_fields(item, FIELDS, where, bad)
        test_id = item["test"]
        if not isinstance(test_id, str) or not _TEST_ID.match(test_id):
            raise bad(f"{where}.test must be a dotted test id (tests.rackhd.test_x.Class.method), found {test_id!r}")
        if test_id in seen:
            raise bad(f"{where}: test {test_id} is listed twice")
        seen.add(test_id)
        versions = item["rackhd"]
        if isinstance(versions, str):
            versions = [versions]
        if (
            not isinstance(versions, list)
            or not versions
            or not all(isinstance(v, str) and _VERSION.match(v) for v in versions)
        ):
            raise bad(
                f'{where}.rackhd must be a non-empty list of RackHD versions ("2.60.7"), found {item["rackhd"]!r}'
            )
        for field in ("reason", "evidence"):
            value = item[field]
            if not isinstance(value, str) or not value.strip():
                raise bad(f"{where}.{field} must be a non-empty string")
        entries.append(
            KnownDifference(
                test_id, tuple(versions), " ".join(item["reason"].split()), " ".join(item["evidence"].split())
            )
        )
    return KnownDifferences(tuple(entries), source, _answers(data.get("answers"), bad))


def _check_fields(item: Any, fields: tuple[str, ...], where: str, bad: Any) -> None:
    """``item`` is a mapping with exactly ``fields``; else the error says which are missing or unknown."""
    if not isinstance(item, dict):
        raise bad(f"{where} must be a mapping with {', '.join(fields)}")
    missing = [f for f in fields if f not in item]
    unknown = sorted(str(k) for k in set(item) - set(fields))
    if missing or unknown:
        raise bad(
            f"{where}: "
            + "; ".join(
                filter(
                    None,
                    [missing and f"missing {', '.join(missing)}", unknown and f"unknown key(s) {', '.join(unknown)}"],
                )
            )
        )


def _answers(items: Any, bad: Any) -> tuple[KnownAnswer, ...]:
    items = [] if items is None else items
    if not isinstance(items, list):
        raise bad("`answers` must be a list")
    out: list[KnownAnswer] = []
    for index, item in enumerate(items):
        where = f"answers[{index}]"
        _check_fields(item, ANSWER_FIELDS, where, bad)
        for field in ("endpoint", "where", "reason"):
            if not isinstance(item[field], str) or not item[field].strip():
                raise bad(f"{where}.{field} must be a non-empty string")
        if item["right"] not in SIDES:
            raise bad(f"{where}.right must be one of {', '.join(SIDES)}, found {item['right']!r}")
        versions = [item["rackhd"]] if isinstance(item["rackhd"], str) else item["rackhd"]
        if (
            not isinstance(versions, list)
            or not versions
            or not all(isinstance(v, str) and _VERSION.match(v) for v in versions)
        ):
            raise bad(f"{where}.rackhd must be a non-empty list of RackHD versions, found {item['rackhd']!r}")
        out.append(
            KnownAnswer(
                item["endpoint"].strip(),
                item["where"].strip(),
                tuple(versions),
                item["right"],
                " ".join(item["reason"].split()),
            )
        )
    return tuple(out)


def load(path: str | Path = DEFAULT_PATH) -> KnownDifferences:
    """Read and validate the known-differences file; :class:`KnownDifferencesError` (exit 2) says what is wrong.

    A relative path missing from the current directory is read from the project
    (:func:`rackharness.project_files.resolve`): the default is the suite's list wherever rackharness runs."""
    path = resolve(path)
    try:
        node = compose_file(path, "known-differences file")
    except KnownDifferencesError:
        raise
    except ConfigError as exc:
        raise KnownDifferencesError(exc.message, hint=exc.hint) from exc
    if node is None:
        return KnownDifferences((), str(path))
    data = yaml.SafeLoader("").construct_document(node)
    return parse(data, str(path))
