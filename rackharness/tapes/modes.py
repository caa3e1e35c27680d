"""The record mode: one switch, ``RACKHARNESS_RECORD_MODE`` (or ``nose2 --record-mode``).

=================  ==========================================================================
(unset)            live: no tapes at all
``none``           replay only; a request that is not on the tape fails the test; no service needed
``once``           record a test whose tape is missing, replay one that exists
``new_episodes``   replay what matches, record what is new (appended to the test's tape)
``all``            record everything again
=================  ==========================================================================
"""

from __future__ import annotations

import enum
import os
from typing import Mapping

from rackharness.errors import UsageError

MODE_ENV = "RACKHARNESS_RECORD_MODE"


class RecordMode(enum.Enum):
    NONE = "none"
    ONCE = "once"
    NEW_EPISODES = "new_episodes"
    ALL = "all"

    @property
    def needs_service(self) -> bool:
        """Whether the run may talk to a live system (every mode but ``none``)."""
        return self is not RecordMode.NONE


def parse(value: str | None, *, source: str = MODE_ENV) -> RecordMode | None:
    """The mode ``value`` names (None: live, no tapes); a bad value is a :class:`UsageError` saying the choices."""
    if value is None or not value.strip() or value.strip().lower() == "live":
        return None
    try:
        return RecordMode(value.strip().lower().replace("-", "_"))
    except ValueError:
        choices = ", ".join(m.value for m in RecordMode)
        raise UsageError(
            f"{source}={value!r} is not a record mode (expected one of {choices}, or unset for live)",
            hint="none replays the tapes; all records them again (docs/record-replay.md)",
        ) from None


def from_environment(environ: Mapping[str, str] | None = None) -> RecordMode | None:
    environ = os.environ if environ is None else environ
    return parse(environ.get(MODE_ENV))
