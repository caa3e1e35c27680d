"""The one exception tree of rackharness.

    RackHarnessError                 root; ``exit_code`` is what the CLI exits with
    ├── UsageError (2)               bad flag, bad value, bad config file, bad state file
    │   ├── ConfigError              a config layer is wrong: says which file:line / env var / flag
    │   └── StateFileError           .rackharness/state.json is unreadable or not ours
    ├── PrerequisiteError (2)        something the machine lacks (a Debian package, root); says the command
    ├── PortInUseError (2)           a configured port is taken by a process we did not start
    ├── ServiceError (1)             a service failed to start or stop
    │   └── ReadinessTimeout         a wait strategy gave up; carries what it observed
    ├── BmcError (1)                 a virtual BMC could not be served, or an IPMI call to a BMC failed
    └── ClientError (1)              a harness client call failed (tests see these)
        ├── ServiceUnavailable       the service cannot be reached in time (refused, timeout, broker/Mongo down)
        ├── HttpStatusError          the API answered with an unexpected status: method, url, status, body
        └── BmcCommandError          an IPMI command failed: node, BMC address, command, reason

Library errors (OSError, pika, pymongo, pyghmi) are re-raised ``from exc`` at the boundary so the
CLI shows one line and the traceback stays available with ``--debug``.
"""

from __future__ import annotations


class RackHarnessError(Exception):
    """Root of every error rackharness raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\nHint: {self.hint}"
        return self.message


class UsageError(RackHarnessError):
    """The user asked for something malformed; exit 2."""

    exit_code = 2


class ConfigError(UsageError):
    """A configuration layer (defaults, file, environment, flags) holds a bad value."""


class StateFileError(UsageError):
    """The state file cannot be read or was not written by rackharness."""


class PrerequisiteError(RackHarnessError):
    """The machine lacks something rackharness needs (a package, a binary, root)."""

    exit_code = 2


class PortInUseError(RackHarnessError):
    """A port rackharness is configured to use is already taken by someone else."""

    exit_code = 2


class ServiceError(RackHarnessError):
    """A service (RabbitMQ, Mongo, the rack process, the target) failed to start or stop."""


class ReadinessTimeout(ServiceError):
    """A wait strategy ran out of time; the message says what it saw last."""


class BmcError(RackHarnessError):
    """A BMC could not be served (bind failure, bad profile), or an IPMI call to one failed or overran;
    the message names the BMC and says what to check."""


class ClientError(RackHarnessError):
    """A call made by one of the harness clients (REST, AMQP, Mongo, IPMI) failed."""


class ServiceUnavailable(ClientError):
    """The service did not answer in time: connection refused, timeout, broker or database down."""


class HttpStatusError(ClientError):
    """An API call answered with a status the caller did not expect."""

    def __init__(self, method: str, url: str, status: int, body: str, *, hint: str | None = None) -> None:
        snippet = body if len(body) <= 500 else body[:500] + "..."
        super().__init__(f"{method} {url} answered {status}: {snippet}", hint=hint)
        self.method, self.url, self.status, self.body = method, url, status, body


class BmcCommandError(ClientError):
    """An IPMI command to a node's BMC failed (wrong password, no answer, refused command)."""

    def __init__(self, node: str, address: str, command: str, reason: str, *, hint: str | None = None) -> None:
        super().__init__(f"node {node!r} BMC {address}: {command} failed: {reason}", hint=hint)
        self.node, self.address, self.command, self.reason = node, address, command, reason
