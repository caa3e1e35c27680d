"""Moving a recorded tape set into the repository: scrub every tape, prove no secret is left, then write.

:func:`promote` reads a set (``tapes.record_dir/<set>``: what a recording wrote, secrets and all),
replaces every secret known to the run by its placeholder (:mod:`.scrub`; the placeholders are the
values of the fixtures' fake config, so the fake config and the tapes agree by construction), checks
every scrubbed tape with :meth:`~.scrub.Scrubber.leaks`, and only when none leaks writes the set into
``tapes.dir/<set>``, replacing the tapes of the same tests, and removes the recording. A leak, or a
file that is not a tape, stops it before anything is written. :func:`import_set` does the same for
a set recorded elsewhere (RackHD's answers supplied in ``../shared/rackhd-tapes/``) and keeps the source.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from rackharness.errors import UsageError
from rackharness.invocation import named
from rackharness.tapes.scrub import Leak, Scrubber, placeholders_for
from rackharness.tapes.tape import SESSION, SUFFIX, Tape, file_name, is_set, load

TOKEN_SECRET_ROLE = "target.auth_token_secret"


@dataclass
class Promotion:
    """What a promotion did: the set, where it went, how many tapes, which secrets (by role) it replaced."""

    set_name: str
    destination: Path
    tapes: int = 0
    replaced: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"promoted {self.tapes} tape(s) of set {self.set_name} to {self.destination} "
            f"({len(self.replaced)} replaced); secrets scrubbed: {', '.join(self.roles) or 'none known'}"
        )


def read_set(directory: Path) -> list[Tape]:
    """Every tape of a set; a set needs its session tape."""
    if not is_set(directory):
        raise UsageError(
            f"{directory} is not a tape set (no {file_name(SESSION)})",
            hint="record one first: RACKHARNESS_RECORD_MODE=all nose2 (docs/record-replay.md)",
        )
    return [load(path) for path in sorted(directory.glob("*" + SUFFIX))]


def scrubber_for(secrets: Mapping[str, str], placeholders: Mapping[str, str]) -> Scrubber:
    """A scrubber for ``secrets`` (role → value; empty ones left out), each by its placeholder."""
    known = {role: value for role, value in secrets.items() if value}
    listed = placeholders_for(known, placeholders)
    token = next((s.placeholder for s in listed if s.role == TOKEN_SECRET_ROLE), None)
    return Scrubber(listed, token_secret_placeholder=token)


def scrub_set(tapes: list[Tape], scrubber: Scrubber) -> list[tuple[str, str]]:
    """(file name, scrubbed JSON) of every tape; :class:`UsageError` listing the leaks if any is left."""
    out: list[tuple[str, str]] = []
    leaks: list[Leak] = []
    for tape in tapes:
        name = Path(tape.path).name
        data = scrubber.scrub(json.loads(tape.to_json()))
        leaks.extend(scrubber.leaks(data, where=name))
        out.append((name, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"))
    if leaks:
        shown = "\n  ".join(str(leak) for leak in leaks[:20])
        more = f"\n  ... and {len(leaks) - 20} more" if len(leaks) > 20 else ""
        raise UsageError(
            f"{len(leaks)} secret(s) or token(s) would remain after scrubbing; nothing was written:\n  {shown}{more}",
            hint=named(
                "name the secret so it can be replaced (a setting, the inventory), or "
                "re-record without it; `rackharness tapes check DIR` shows the same list"
            ),
        )
    return out


def write_set(scrubbed: list[tuple[str, str]], destination: Path) -> int:
    """Write the scrubbed tapes into ``destination`` (replacing same-named ones) all or nothing; how many replaced."""
    destination.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=destination, prefix=".promote-"))
    try:
        for name, text in scrubbed:
            (staging / name).write_text(text, encoding="utf-8")
            os.chmod(staging / name, 0o644)
        replaced = sum((destination / name).exists() for name, _ in scrubbed)
        for name, _ in scrubbed:
            os.replace(staging / name, destination / name)
        return replaced
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def promote(
    source: Path,
    destination: Path,
    secrets: Mapping[str, str],
    placeholders: Mapping[str, str],
    *,
    keep_source: bool = False,
) -> Promotion:
    """Scrub the set at ``source`` into ``destination``; the recording is removed unless ``keep_source``."""
    tapes = read_set(source)
    scrubber = scrubber_for(secrets, placeholders)
    scrubbed = scrub_set(tapes, scrubber)
    replaced = write_set(scrubbed, destination)
    if not keep_source:
        shutil.rmtree(source)
    result = Promotion(
        destination.name,
        destination,
        len(scrubbed),
        [n for n, _ in scrubbed][:replaced],
        sorted({s.role for s in scrubber.secrets}),
    )
    return result


def check_set(directory: Path, secrets: Mapping[str, str], placeholders: Mapping[str, str]) -> list[Leak]:
    """Every known secret or token-like string left in the set at ``directory`` (a promoted set: none)."""
    scrubber = scrubber_for(secrets, placeholders)
    leaks: list[Leak] = []
    for tape in read_set(directory):
        leaks.extend(scrubber.leaks(json.loads(tape.to_json()), where=Path(tape.path).name))
    return leaks
