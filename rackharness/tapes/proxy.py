"""Record and replay what code asks of the operating system, for the harness's own tests.

In the spirit of nova's Hyper-V ``MockProxy``, but the recording is JSON a person can read and edit,
never a pickle. :class:`RecordingProxy` wraps the real thing (``subprocess``, ``os``, ``time``): every
call goes through to it, and its name, arguments and result (or the exception it raised) go into a
:class:`CallLog`, in order; reads of plain attributes (``os.sep``) are kept the same way, and module
attributes (``os.path``) are wrapped in turn. :class:`ReplayProxy` answers the same reads and calls
from the log without touching the system: per name, the n-th call gets the n-th recorded result, and
a call whose arguments differ from the recorded ones is a :class:`ReplayMismatch` with a diff.

On disk (:meth:`CallLog.save`)::

    {"entries": [{"args": [["printf", "a"]], "kind": "call", "kwargs": {"capture_output": true},
                  "name": "subprocess.run",
                  "result": {"$object": "CompletedProcess", "attrs": {"returncode": 0, ...}}}],
     "format": "rackharness-calls/1"}

Values use :mod:`.values` (objects come back as ``RecordedObject``; an exception as its builtin type
when it has one, else as ``RecordedError``). Classes read through a recording proxy
(``subprocess.CalledProcessError``) are handed over unrecorded, so replay cannot answer them.

Secrets: nothing here logs, and values are written as given. Whoever records scrubs what it saves.
"""

from __future__ import annotations

import builtins
import contextlib
import difflib
import json
import types
from pathlib import Path
from typing import Any, Iterator

from rackharness.errors import RackHarnessError, UsageError
from rackharness.tapes.tape import write_atomically
from rackharness.tapes.values import RecordedError, decode, encode, error_value, is_error

FORMAT = "rackharness-calls/1"
KINDS = ("call", "attr")


class ReplayMismatch(RackHarnessError, AssertionError):
    """The code under test did something other than what the log recorded (a test failure)."""


class CallLog:
    """The recording: entries ``{"name", "kind", "args", "kwargs", "result"}`` in the order they happened."""

    def __init__(self, entries: list[dict[str, Any]] | None = None, path: Path | None = None) -> None:
        self.entries = entries if entries is not None else []
        self.path = path

    def add(self, kind: str, name: str, args: tuple = (), kwargs: dict | None = None, *, result: Any) -> None:
        """Append one entry; ``args``/``kwargs`` are raw values, ``result`` is already encoded."""
        self.entries.append(
            {
                "name": name,
                "kind": kind,
                "args": [encode(a) for a in args],
                "kwargs": {k: encode(v) for k, v in (kwargs or {}).items()},
                "result": result,
            }
        )

    def save(self, path: Path | str) -> Path:
        """Write the log as JSON, atomically (a reader never sees half of it)."""
        text = (
            json.dumps({"format": FORMAT, "entries": self.entries}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )
        self.path = write_atomically(Path(path), text)
        return self.path

    @classmethod
    def load(cls, path: Path | str) -> CallLog:
        """The log at ``path``; a file that is not one is a :class:`UsageError` naming it (and the line)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"cannot read call log {path}: {exc.strerror or exc}") from exc
        except ValueError as exc:
            raise UsageError(
                f"{path}:{getattr(exc, 'lineno', '?')}: not a call log (not JSON: {exc})",
                hint="re-record it, or fix the hand edit",
            ) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise UsageError(f"{path}: not a {FORMAT} call log (format: {found!r})")
        entries = data.get("entries")
        if not isinstance(entries, list):
            raise UsageError(f"{path}: a call log needs an 'entries' list")
        for number, entry in enumerate(entries):
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("name"), str)
                and entry.get("kind") in KINDS
                and "result" in entry
            ):
                raise UsageError(
                    f"{path}: entry {number} needs a 'name', a 'kind' ({' or '.join(KINDS)}) "
                    f"and a 'result': {json.dumps(entry)[:200]}"
                )
            entry.setdefault("args", [])
            entry.setdefault("kwargs", {})
        return cls(entries, path)


class RecordingProxy:
    """Stands in for ``target`` and records into ``log`` every attribute read and call made through it."""

    def __init__(self, target: Any, log: CallLog, name: str = "subprocess") -> None:
        self._target, self._log, self._name = target, log, name

    def __getattr__(self, attr: str) -> Any:
        full = f"{self._name}.{attr}"
        try:
            value = getattr(self._target, attr)
        except AttributeError as exc:
            self._log.add("attr", full, result=error_value(exc))
            raise
        if isinstance(value, types.ModuleType):
            return RecordingProxy(value, self._log, full)
        if isinstance(value, type):
            return value  # a class (for ``except subprocess.CalledProcessError``): handed over, not recorded
        if not callable(value):
            self._log.add("attr", full, result=encode(value))
            return value
        return self._recorder(full, value)

    def _recorder(self, full: str, function: Any) -> Any:
        log = self._log

        def record(*args: Any, **kwargs: Any) -> Any:
            try:
                result = function(*args, **kwargs)
            except Exception as exc:
                log.add("call", full, args, kwargs, result=error_value(exc))
                raise
            if isinstance(result, (types.GeneratorType, map, filter)):  # kept whole, handed on as a list
                try:
                    result = list(result)
                except Exception as exc:
                    log.add("call", full, args, kwargs, result=error_value(exc))
                    raise
            log.add("call", full, args, kwargs, result=encode(result))
            return result

        record.__name__ = record.__qualname__ = full
        return record


class _Player:
    """What the replay proxies of one log share: the entries per (kind, name), and how far each has got."""

    def __init__(self, log: CallLog) -> None:
        self.log = log
        self.queues: dict[tuple[str, str], list[int]] = {}
        for index, entry in enumerate(log.entries):
            self.queues.setdefault((entry["kind"], entry["name"]), []).append(index)
        self.played: dict[tuple[str, str], int] = {}
        self.used: set[int] = set()

    def where(self) -> str:
        return str(self.log.path) if self.log.path else "unsaved log"

    def next(self, kind: str, name: str, called: tuple[list, dict] | None = None) -> Any:
        """The next recorded answer for ``name`` (raised if it is an error); checks a call's arguments."""
        queue = self.queues.get((kind, name), [])
        count = self.played.get((kind, name), 0)
        verb = "called" if kind == "call" else "read"
        if count >= len(queue):
            raise ReplayMismatch(
                f"{name} {verb} a {_ordinal(count + 1)} time; the log has {len(queue)} ({self.where()})"
            )
        entry = self.log.entries[queue[count]]
        if called is not None and [entry["args"], entry["kwargs"]] != list(called):
            recorded = json.dumps({"args": entry["args"], "kwargs": entry["kwargs"]}, indent=2, sort_keys=True)
            now = json.dumps({"args": called[0], "kwargs": called[1]}, indent=2, sort_keys=True)
            diff = "\n".join(
                difflib.unified_diff(recorded.splitlines(), now.splitlines(), "recorded", "called", n=1, lineterm="")
            )
            raise ReplayMismatch(
                f"{name}: the {_ordinal(count + 1)} call differs from the log ({self.where()})\n"
                f"  called:   {_show(name, *called)}\n"
                f"  recorded: {_show(name, entry['args'], entry['kwargs'])}\n{diff}"
            )
        self.played[(kind, name)] = count + 1
        self.used.add(queue[count])
        if is_error(entry["result"]):
            raise _rebuild(entry["result"])
        return decode(entry["result"])


class ReplayProxy:
    """Answers the attribute reads and calls recorded in ``log`` for ``name``, in order, without the real thing."""

    def __init__(self, log: CallLog, name: str = "subprocess", *, _player: _Player | None = None) -> None:
        self._player, self._name = _player or _Player(log), name

    def __getattr__(self, attr: str) -> Any:
        full, player = f"{self._name}.{attr}", self._player
        if ("call", full) in player.queues:

            def replay(*args: Any, **kwargs: Any) -> Any:
                return player.next("call", full, ([encode(a) for a in args], {k: encode(v) for k, v in kwargs.items()}))

            replay.__name__ = replay.__qualname__ = full
            return replay
        if ("attr", full) in player.queues:
            return player.next("attr", full)
        if any(name.startswith(full + ".") for _, name in player.queues):
            return ReplayProxy(player.log, full, _player=player)
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        raise ReplayMismatch(f"{full} was never used when the log was recorded ({player.where()})")

    def unused(self) -> list[dict[str, Any]]:
        """The entries no read or call has consumed yet, in log order."""
        return [entry for index, entry in enumerate(self._player.log.entries) if index not in self._player.used]


@contextlib.contextmanager
def proxied(target: Any, path: Path | str, *, record: bool, name: str) -> Iterator[Any]:
    """Record through ``target`` and save to ``path`` if the block succeeds (``record=True``), or replay ``path``."""
    if record:
        log = CallLog()
        yield RecordingProxy(target, log, name)
        log.save(path)
    else:
        yield ReplayProxy(CallLog.load(path), name)


def _rebuild(result: dict[str, Any]) -> BaseException:
    """A recorded error as its builtin exception type when it is one, else as a ``RecordedError``."""
    kind, message = result["$error"], result.get("message", "")
    cls = getattr(builtins, kind, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            return cls(message)
        except TypeError:  # a builtin that needs more than a message (UnicodeDecodeError)
            pass
    return RecordedError(kind, message)


def _show(name: str, args: list, kwargs: dict) -> str:
    """A call as Python would write it, from encoded arguments, shortened."""
    shown = [repr(decode(a)) for a in args] + [f"{k}={decode(v)!r}" for k, v in sorted(kwargs.items())]
    text = f"{name}({', '.join(shown)})"
    return text if len(text) <= 300 else text[:297] + "..."


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
