"""Secrets out of reports: every text a report shows goes through a :class:`Scrubber`.

Three layers, so that no password or token reaches a report even when a body was cut mid-way:

* structure — a JSON body has every value under a secret key masked (:func:`rackharness.redaction.redact_values`),
  a credential header (``Authorization``, ``X-Auth-Token``, cookies) is masked, URLs lose their password
  and secret query parameters;
* pattern — text that is not (or no longer) JSON has ``"password": "..."``-like pairs and ``JWT``/``Bearer``
  tokens masked;
* known values — the secrets the scrubber learned (the target's passwords, every credential header's
  value and every secret-keyed value seen in a body during the run) are masked wherever they occur,
  in messages and tracebacks too.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rackharness.redaction import MASK, SECRET_KEY, redact_url, redact_values

#: headers whose values are credentials
SECRET_HEADER = re.compile(r"authorization|auth-token|cookie|api-key|token|secret|password", re.IGNORECASE)
#: ``"password": "..."`` / ``password=...`` pairs in text that is not parseable JSON
_SECRET_PAIR = re.compile(
    r"""(?P<key>(?:password|secret|token|community|productkey|sharedkey)[\w.-]{0,40}["']?\s*[:=]\s*)"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s,&}\]"']+)""",
    re.IGNORECASE,
)
_SCHEME_TOKEN = re.compile(r"\b(JWT|Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}")
#: shorter strings are not learned as secrets (masking "a" everywhere would garble the report)
MIN_SECRET = 4


class Scrubber:
    """Masks secrets in what a report shows; :meth:`learn` more secrets as the run goes."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()

    # -- learning -------------------------------------------------------------------------------
    def learn(self, *values: Any) -> None:
        for value in values:
            if isinstance(value, str) and len(value) >= MIN_SECRET and value != MASK:
                self.secrets.add(value)
                if value.startswith(("JWT ", "Bearer ", "Basic ")):
                    self.learn(value.split(" ", 1)[1])

    def learn_url(self, url: str | None) -> None:
        if url:
            try:
                self.learn(urlsplit(url).password)
            except ValueError:
                pass

    def learn_target(self, target: Any) -> None:
        """The system under test's passwords: auth login and token secret, AMQP and Mongo URL passwords."""
        auth = getattr(target, "auth", None)
        if auth is not None:
            self.learn(getattr(auth, "password", None), getattr(auth, "token_secret", None))
        for name in ("api_url", "amqp_url", "mongo_url"):
            self.learn_url(getattr(target, name, None))

    def learn_exchange(self, exchange: Any) -> None:
        """Credential headers, secret-keyed JSON values of both bodies, the URL's password."""
        for headers in (exchange.request_headers, exchange.response_headers):
            for name, value in (headers or {}).items():
                if SECRET_HEADER.search(name):
                    self.learn(value)
        self._learn_json(exchange.request_body)
        if exchange.response_body[:1] in (b"{", b"["):
            try:
                self._learn_json(json.loads(exchange.response_body))
            except ValueError:
                pass
        self.learn_url(exchange.url)

    def learn_run(self, run: Any) -> None:
        for record in run.tests:
            for exchange in record.exchanges:
                self.learn_exchange(exchange)

    def _learn_json(self, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and SECRET_KEY.search(key) and isinstance(item, str):
                    self.learn(item)
                else:
                    self._learn_json(item)
        elif isinstance(value, list):
            for item in value:
                self._learn_json(item)

    # -- masking --------------------------------------------------------------------------------
    def text(self, value: Any) -> str:
        """Any text (a message, a traceback, a body) with every secret masked."""
        text = value if isinstance(value, str) else str(value)
        for secret in sorted(self.secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
        text = _SCHEME_TOKEN.sub(lambda m: f"{m.group(1)} {MASK}", text)
        return _SECRET_PAIR.sub(_mask_pair, text)

    def url(self, url: str) -> str:
        """The URL with no password and no secret query parameter."""
        shown = redact_url(url) or ""
        parts = urlsplit(shown)
        if parts.query:
            pairs = [
                (k, MASK if SECRET_KEY.search(k) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            ]
            shown = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs, safe="*"), parts.fragment))
        return self.text(shown)

    def headers(self, headers: dict[str, str]) -> list[tuple[str, str]]:
        return [(name, MASK if SECRET_HEADER.search(name) else self.text(value)) for name, value in headers.items()]

    def body(self, body: Any, limit: int, *, truncated: bool = False) -> str:
        """A body as shown: JSON pretty-printed with secret values masked, else text; at most ``limit``
        characters (``... (N more)`` says what was cut)."""
        if body is None:
            return ""
        parsed, is_json = body, not isinstance(body, (bytes, str))
        if isinstance(body, (bytes, str)):
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
            if text[:1] in ("{", "["):
                try:
                    parsed, is_json = json.loads(text), True
                except ValueError:
                    pass
        if is_json:
            text = json.dumps(redact_values(parsed), indent=2, sort_keys=True, default=str)
        text = self.text(text)
        if len(text) > limit:
            return f"{text[:limit]}\n... ({len(text) - limit} more characters not shown)"
        return text + ("\n... (cut by the witness)" if truncated else "")


def _mask_pair(match: re.Match) -> str:
    value = match.group("value")
    if value in (MASK, f'"{MASK}"', f"'{MASK}'") or value.lower() in ('""', "null", "none", "''"):
        return match.group(0)
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group('key')}{quote}{MASK}{quote}"
