"""The state file: what the last ``up`` started, rewritten (atomically, mode 0600) after each step.

``.rackharness/state.json`` holds the provider, the lifecycle status, the steps done, the process
records of every service started and the endpoints the suite reads (``status --json``). It is the
single source of truth for ``status`` and ``down``; a file that is not ours is an error (exit 2),
never silently overwritten.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rackharness.config.loader import Config, write_private
from rackharness.errors import StateFileError
from rackharness.invocation import named

FORMAT = "rackharness-state/1"
STATE_FILE = "state.json"


@dataclass
class RackState:
    provider: str
    status: str = "down"  # down | starting | up | failed | stopping
    steps: dict[str, float] = field(default_factory=dict)  # step name → time done
    processes: dict[str, dict[str, Any]] = field(default_factory=dict)  # service → ProcessRecord dict
    endpoints: dict[str, Any] = field(default_factory=dict)  # api_url, amqp_url, mongo_url, nodes ...
    #: the `up` or `down` process changing the stack while status is starting/stopping
    pid: int | None = None
    updated_at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, **asdict(self)}


class StateStore:
    """Reads and rewrites ``<state_dir>/state.json``."""

    def __init__(self, state_dir: Path) -> None:
        self.dir = Path(state_dir)
        self.path = self.dir / STATE_FILE

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> RackState | None:
        if not self.path.exists():
            return None
        where = str(self.path)
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise StateFileError(
                f"{where}:{exc.lineno}: the state file is corrupt ({exc.msg})",
                hint=named(f"stop anything it started with `rackharness down --force`, which also removes {where}"),
            ) from None
        except OSError as exc:
            raise StateFileError(f"{where}: cannot read the state file: {exc.strerror}") from exc
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise StateFileError(
                f"{where}: not a rackharness state file (expected format {FORMAT!r})",
                hint=named(f"`rackharness down --force` stops what it can find and removes {where}"),
            )
        try:
            return RackState(
                provider=str(raw["provider"]),
                status=str(raw.get("status", "down")),
                steps=dict(raw.get("steps", {})),
                processes=dict(raw.get("processes", {})),
                endpoints=dict(raw.get("endpoints", {})),
                updated_at=float(raw.get("updated_at", 0.0)),
                pid=int(raw["pid"]) if raw.get("pid") is not None else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StateFileError(
                f"{where}: the state file is missing or mangles field {exc}",
                hint=named("`rackharness down --force` stops what it can find and removes it"),
            ) from None

    def save(self, state: RackState) -> None:
        state.updated_at = time.time()
        make_private_dir(self.dir)
        write_private(self.path, json.dumps(state.to_dict(), indent=2, sort_keys=True) + "\n")

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


#: settings whose change does not make a running stack a different one
RUNTIME_ONLY = frozenset(
    {
        "discover_timeout",
        "ready_timeout",
        "keep_data",
        "state_dir",
        "suite.callback_host",
        "suite.callback_port",
        "suite.api_timeout",
    }
)


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and its parents) and make it private to its owner (0700): the state dir holds
    secrets (state.json, config.json, the BMC credentials of rack.json)."""
    path.mkdir(parents=True, exist_ok=True)
    if path.stat().st_uid == os.geteuid():
        os.chmod(path, 0o700)


def changed_settings(saved: Config, asked: Config) -> list[str]:
    """``key: running X, asked Y`` for every setting that makes the stack ``asked`` describes another one
    than the stack ``saved`` describes (secrets masked)."""
    out = []
    for key in sorted(set(saved.to_dict()) | set(asked.to_dict())):
        if key in RUNTIME_ONLY:
            continue
        before, after = saved.to_dict(show_secrets=True).get(key), asked.to_dict(show_secrets=True).get(key)
        if before != after:
            shown = saved.to_dict().get(key), asked.to_dict().get(key)
            if shown[0] == shown[1]:  # a secret: say that it changed, not what it is
                shown = ("***", "another value")
            out.append(f"{key}: running {shown[0]!r}, asked {shown[1]!r}")
    return out


def interrupted(state: RackState) -> bool:
    """The ``up`` or ``down`` that was changing the stack is gone (killed) before it finished."""
    if state.status not in ("starting", "stopping") or state.pid is None:
        return False
    try:
        os.kill(state.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
