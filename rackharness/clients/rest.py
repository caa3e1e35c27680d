"""The RackHD REST client tests use: JSON in and out, typed errors, optional auth, workflow waits.

Built on the HTTP-out seam (:mod:`rackharness.transports.http_out`): ``open_http(base_url)`` picks
requests for ``http://`` or an in-process handler for ``inprocess://<name>``, or pass ``http=``
any :class:`~rackharness.transports.http_out.base.HttpOut` (a fake, a recorder). On the requests
side a fake adapter (:class:`~rackharness.transports.http_out.fake_adapter.FakeTransport`) still
plugs in below with ``client.session.mount("http://", adapter)``. Answers are
:class:`~rackharness.transports.http_out.base.HttpAnswer` (``status_code``, ``headers``, ``text``,
``json()`` as on a ``requests.Response``).

Every call names the status it expects. Anything else raises
:class:`~rackharness.errors.HttpStatusError` (method, URL, status, body); an unreachable API
(refused, timeout) raises :class:`~rackharness.errors.ServiceUnavailable` saying the URL and the
timeout. Passwords and tokens never appear in errors, reprs or logs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from rackharness.api_paths import API_ROOT
from rackharness.errors import ClientError, HttpStatusError, ServiceUnavailable
from rackharness.invocation import named
from rackharness.redaction import MASK
from rackharness.transports.http_out.base import HttpAnswer, HttpOut, HttpUnreachable
from rackharness.transports.http_out.chooser import open_http
from rackharness.wait import Condition, Observation

log = logging.getLogger(__name__)

#: graph states after which a workflow will not change any more
TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled", "timeout"})


class RackHDClient:
    """A RackHD northbound API at ``base_url`` (``http://host:port``, no ``/api/2.0``)."""

    def __init__(
        self,
        base_url: str,
        *,
        session: Any = None,
        timeout: float = 10,
        username: str | None = None,
        password: str | None = None,
        http: HttpOut | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        #: the HTTP-out transport every request goes through
        self.http = http or open_http(self.base_url, timeout=timeout, session=session)
        self.username = username
        self._password = password
        self._auth_headers: dict[str, str] = {}

    @property
    def session(self) -> Any:
        """The ``requests.Session`` below the transport (requests side only; None otherwise)."""
        return getattr(self.http, "session", None)

    def __repr__(self) -> str:
        auth = f", user={self.username!r}" if self.username else ""
        state = ", authenticated" if self._auth_headers else ""
        return f"RackHDClient({self.base_url!r}{auth}{state})"

    @classmethod
    def from_stack(cls, stack: Any, **kwargs: Any) -> "RackHDClient":
        """The API of a rack described by :func:`rackharness.stack_info.current_stack`."""
        if not getattr(stack, "api_url", None):
            raise ClientError(
                f"the rack in {getattr(stack, 'state_dir', '?')} has no api_url",
                hint=named("`./stack.sh status` shows the endpoints; is the target running?"),
            )
        return cls(stack.api_url, **kwargs)

    @classmethod
    def from_config(cls, config: Any = None, **kwargs: Any) -> "RackHDClient":
        """The API named by the configuration (``target.url``, else ``target.host``:``target.port``)."""
        if config is None:
            from rackharness.config.loader import load_config

            config = load_config()
        url = config["target.url"] or f"http://{config['target.host']}:{config['target.port']}"
        return cls(url, **kwargs)

    # -- transport -----------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """``path`` (``/api/2.0/nodes``) as an absolute URL; absolute URLs pass through."""
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + ("" if path.startswith("/") else "/") + path

    def _redact(self, text: str) -> str:
        for secret in (self._password, *self._auth_headers.values()):
            if secret:
                text = text.replace(secret, MASK)
                if secret.startswith("JWT "):
                    text = text.replace(secret[4:], MASK)
        return text

    def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        expect: Iterable[int] = (200,),
        params: dict[str, Any] | None = None,
    ) -> HttpAnswer:
        """Send one request; return the answer if its status is in ``expect``, else raise."""
        url = self.url(path)
        try:
            response = self.http.request(
                method, url, json=json, params=params, timeout=self.timeout, headers=self._auth_headers or None
            )
        except HttpUnreachable as exc:
            cause = exc.__cause__ or exc
            reason = self._redact(f"{type(cause).__name__}: {cause}")
            raise ServiceUnavailable(
                f"{method} {url}: RackHD did not answer within the {self.timeout:g}s timeout ({reason})",
                hint=named("is the rack up? `./stack.sh status` shows api_url; a slow API needs a larger timeout"),
            ) from cause
        log.debug("%s %s -> %s", method, url, response.status_code)
        expected = tuple(expect)
        if response.status_code not in expected:
            hint = (
                "log in first (client.login()) or check the credentials"
                if response.status_code == 401
                else f"expected {' or '.join(map(str, expected))}"
            )
            raise HttpStatusError(method, url, response.status_code, self._redact(response.text), hint=hint)
        return response

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        expect: Iterable[int] = (200,),
        params: dict[str, Any] | None = None,
    ) -> Any:
        """Like :meth:`send`, returning the parsed JSON body (None for 204 or an empty body)."""
        response = self.send(method, path, json=json, expect=expect, params=params)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ClientError(
                f"{method} {self.url(path)} answered {response.status_code} with a body that is "
                f"not JSON: {self._redact(response.text[:200])!r}"
            ) from exc

    def get(self, path: str, *, expect: Iterable[int] = (200,), params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, expect=expect, params=params)

    def post(
        self, path: str, json: Any = None, *, expect: Iterable[int] = (200,), params: dict[str, Any] | None = None
    ) -> Any:
        return self.request("POST", path, json=json, expect=expect, params=params)

    def put(
        self, path: str, json: Any = None, *, expect: Iterable[int] = (200,), params: dict[str, Any] | None = None
    ) -> Any:
        return self.request("PUT", path, json=json, expect=expect, params=params)

    def patch(
        self, path: str, json: Any = None, *, expect: Iterable[int] = (200,), params: dict[str, Any] | None = None
    ) -> Any:
        return self.request("PATCH", path, json=json, expect=expect, params=params)

    def delete(
        self, path: str, json: Any = None, *, expect: Iterable[int] = (200,), params: dict[str, Any] | None = None
    ) -> Any:
        return self.request("DELETE", path, json=json, expect=expect, params=params)

    # -- auth ----------------------------------------------------------------------------------

    def _credentials(self, what: str) -> tuple[str, str]:
        if not self.username or self._password is None:
            raise ClientError(
                f"{what} needs a username and password", hint="RackHDClient(url, username=..., password=...)"
            )
        return self.username, self._password

    def login(self) -> str:
        """``POST /login`` → JWT; later requests send ``authorization: JWT <token>``."""
        username, password = self._credentials("login()")
        body = self.post("/login", {"username": username, "password": password})
        token = body.get("token") if isinstance(body, dict) else None
        if not token:
            raise ClientError(
                f"POST {self.url('/login')} answered without a token",
                hint="is auth enabled on this RackHD (authEnabled: true)?",
            )
        self._auth_headers = {"authorization": f"JWT {token}"}
        return token

    def use_headers(self, headers: dict[str, str]) -> None:
        """Send these credentials (``{"authorization": "JWT <token>"}``, ``{"X-Auth-Token": ...}``) from now
        on instead of any login's; ``{}`` sends none. Like a login's, they are masked in errors."""
        self._auth_headers = dict(headers)

    def redfish_login(self) -> None:
        """A Redfish session: later requests send its ``X-Auth-Token``."""
        username, password = self._credentials("redfish_login()")
        path = "/redfish/v1/SessionService/Sessions"
        response = self.send("POST", path, json={"UserName": username, "Password": password}, expect=(200, 201))
        token = response.headers.get("x-auth-token")
        if not token:
            raise ClientError(f"POST {self.url(path)} answered {response.status_code} without an X-Auth-Token header")
        self._auth_headers = {"X-Auth-Token": token}

    # -- RackHD helpers ------------------------------------------------------------------------

    def nodes(self, **filters: Any) -> list[dict[str, Any]]:
        """``GET /nodes`` (view), filtered like RackHD (``type="compute"``)."""
        return self.get(f"{API_ROOT}/nodes", params=filters or None)

    def node(self, node_id: str) -> dict[str, Any]:
        return self.get(f"{API_ROOT}/nodes/{node_id}")

    def create_node(
        self, name: str, type: str = "compute", identifiers: list[str] | None = None, **fields: Any
    ) -> dict[str, Any]:
        """``POST /nodes`` → the raw node (201)."""
        body = {"name": name, "type": type, **fields}
        if identifiers is not None:
            body["identifiers"] = identifiers
        return self.post(f"{API_ROOT}/nodes", body, expect=(201,))

    def delete_node(self, node_id: str) -> None:
        self.delete(f"{API_ROOT}/nodes/{node_id}", expect=(200, 204))

    def run_workflow(self, node_id: str, graph_name: str, options: dict[str, Any] | None = None) -> str:
        """``POST /nodes/{id}/workflows`` → the new graph's ``instanceId``."""
        graph = self.post(
            f"{API_ROOT}/nodes/{node_id}/workflows", {"name": graph_name, "options": options or {}}, expect=(201,)
        )
        return graph.get("instanceId") or graph["id"]

    def workflow(self, instance_id: str) -> dict[str, Any]:
        return self.get(f"{API_ROOT}/workflows/{instance_id}")

    def wait_for_workflow(self, instance_id: str, timeout: float, interval: float = 0.1) -> dict[str, Any]:
        """Poll the graph until it is finished (succeeded, failed, cancelled, timeout); return it.

        Raises :class:`~rackharness.errors.ReadinessTimeout` naming the last status and task states.
        """
        last: dict[str, Any] = {}

        def probe() -> Observation:
            graph = self.workflow(instance_id)
            last["graph"] = graph
            status = graph_status(graph)
            return Observation(status in TERMINAL_STATUSES, describe_graph(graph))

        Condition(
            timeout=timeout,
            interval=interval,
            transient=(ServiceUnavailable,),
            probe=probe,
            what=f"workflow {instance_id} to finish",
            hint=f"see the graph: GET {self.url(f'{API_ROOT}/workflows/{instance_id}')}",
        ).wait()
        return last["graph"]


def graph_status(graph: dict[str, Any]) -> str | None:
    """A graph's state from the view (``status``) or the raw record (``_status``)."""
    return graph.get("status", graph.get("_status"))


def graph_tasks(graph: dict[str, Any]) -> list[dict[str, Any]]:
    """A graph's tasks as a list, whether served as a list (view) or a dict by task id (raw)."""
    tasks = graph.get("tasks") or []
    if isinstance(tasks, dict):
        return [{"instanceId": key, **value} for key, value in tasks.items()]
    return list(tasks)


def describe_graph(graph: dict[str, Any]) -> str:
    """``status=running; tasks: power-on=succeeded, reboot=pending``."""
    tasks = ", ".join(
        f"{t.get('label') or t.get('injectableName') or '?'}={t.get('state', '?')}" for t in graph_tasks(graph)
    )
    return f"status={graph_status(graph)}; tasks: {tasks or 'none'}"


def normalize_graph(graph: dict[str, Any]) -> dict[str, Any]:
    """A copy with both ``status`` and ``_status`` set and ``tasks`` as a list."""
    out = dict(graph)
    out["status"] = out["_status"] = graph_status(graph)
    out["tasks"] = graph_tasks(graph)
    return out
