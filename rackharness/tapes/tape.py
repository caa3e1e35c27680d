"""One tape: a header and the interactions of one test (or of the session), in the order they happened.

On disk a tape is JSON with sorted keys and two-space indents, so a re-recording diffs line by line::

    {"format": "rackharness-tape/1",
     "header": {"test": "tests.rackhd.test_nodes.Nodes.create", "system": "reference",
                "target": "reference target 0.1.0", "recorded_at": "2026-12-03T12:00:00+00:00",
                "mode": "all", "rackharness": "0.1.0"},
     "interactions": [
       {"seq": 0, "at": 0.0, "seam": "http_out", "kind": "call", "channel": "api",
        "request": {"method": "GET", "url": "http://10.0.0.2:9090/api/2.0/nodes", "query": [], "body": null},
        "response": {"status": 200, "headers": {...}, "body": [...]}},
       {"seq": 1, "at": 0.4, "seam": "amqp", "kind": "delivery", "channel": "amq.gen-...",
        "message": {"exchange": "on.events", "routing_key": "node.added...", "body": {...}}}]}

``kind`` is ``call`` (the harness asked; ``request`` and ``response`` or ``error``) or ``delivery``
(something arrived: an AMQP message, a webhook). ``at`` is seconds since the tape began; replay's
virtual clock reaches it when the interaction plays. Bodies that are JSON are kept as JSON (pretty on
disk); other bodies as text; binary as ``{"$base64": ...}`` (:mod:`.values`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rackharness.errors import UsageError

FORMAT = "rackharness-tape/1"
SESSION = "(session)"
SUFFIX = ".json"


@dataclass
class Tape:
    """A header and the interactions, in order; ``path`` is where it was read from or goes."""

    header: dict[str, Any]
    interactions: list[dict[str, Any]] = field(default_factory=list)
    path: Path | None = None

    @property
    def test(self) -> str:
        return self.header.get("test", "?")

    def append(self, interaction: dict[str, Any]) -> dict[str, Any]:
        interaction = {"seq": len(self.interactions), **interaction}
        self.interactions.append(interaction)
        return interaction

    def to_json(self) -> str:
        return (
            json.dumps(
                {"format": FORMAT, "header": self.header, "interactions": self.interactions},
                indent=2,
                sort_keys=True,
                ensure_ascii=False,
            )
            + "\n"
        )

    def save(self, path: Path | None = None) -> Path:
        """Write atomically (a reader never sees half a tape); the file is private (0600): it may hold secrets."""
        self.path = write_atomically(Path(path or self.path), self.to_json())
        return self.path


def write_atomically(path: Path, text: str) -> Path:
    """``text`` into ``path`` (0600) through a temporary file beside it, so a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem[:20]}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def load(path: Path) -> Tape:
    """The tape at ``path``; a file that is not a tape is a :class:`UsageError` naming it (and the line)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read tape {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", "?")
        raise UsageError(
            f"{path}:{line}: not a tape (not JSON: {exc})",
            hint="re-record it (RACKHARNESS_RECORD_MODE=all) or restore it from git",
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise UsageError(
            f"{path}: not a {FORMAT} tape (format: {found!r})",
            hint="tapes are written by rackharness's recorder; re-record it",
        )
    interactions = data.get("interactions")
    if not isinstance(data.get("header"), dict) or not isinstance(interactions, list):
        raise UsageError(f"{path}: a tape needs a 'header' object and an 'interactions' list")
    return Tape(data["header"], interactions, path)


def file_name(test_id: str) -> str:
    """The tape file for a test id: the id itself where it is safe in a file name."""
    if test_id == SESSION:
        return "_session" + SUFFIX
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_id).strip("._") or "test"
    return safe + SUFFIX


def is_set(directory: Path) -> bool:
    """Whether ``directory`` is a tape set: it has a session tape."""
    return (Path(directory) / file_name(SESSION)).is_file()


def sets_in(directory: Path) -> list[Path]:
    """The tape sets in ``directory``, the one recorded last at the end; none when it does not exist."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted((p for p in directory.iterdir() if is_set(p)), key=lambda p: (p / file_name(SESSION)).stat().st_mtime)


def session_header(directory: Path) -> dict[str, Any]:
    """The header of a set's session tape (what the run tested, its run id)."""
    return load(Path(directory) / file_name(SESSION)).header
