"""Secrets out of tapes before they move into git, and the check that proves none is left.

A :class:`Scrubber` knows every secret of the run (:class:`Secret`: role, value, placeholder) and
replaces each, in every encoding a tape may hold it in, by its placeholder encoded the same way:

* plain (URLs ``amqp://user:SECRET@host``, ``ipmitool -P SECRET``, JSON in strings), URL-encoded
  (``quote``, ``quote_plus``), JSON-escaped, hex (any case);
* base64: any base64(url) run whose decoded bytes hold a secret (``Basic <base64(user:pw)>``, a
  ``{"$base64": ...}`` body, base64 of the secret itself) is decoded, scrubbed and re-encoded;
* JWTs: a token the API issued is re-signed with ``token_secret_placeholder`` (header and payload
  kept, the payload's strings scrubbed) so replay can verify it; a token that is not HMAC-signed,
  or not signed with the run's ``*auth_token_secret`` (a forged one), or any token when there is no
  placeholder secret, becomes ``rh-tape-token-<n>``. The same token always maps to the same output.

:meth:`Scrubber.leaks` is the proof: every known secret in any of those encodings, every JWT that
does not verify with the placeholder secret, every ``Bearer``/``JWT``/``Basic`` credential in a
header-like value not built from placeholders. A :class:`Leak` names where and how, never the value.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping
from urllib.parse import quote, quote_plus

from rackharness.errors import UsageError

MIN_LENGTH = 4
PREFIX = "rh-tape-"
TOKEN_PLACEHOLDER = re.compile(r"rh-tape-token-\d+")
_HMAC = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
_JWT = re.compile(r"(?<![A-Za-z0-9_.-])[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?![A-Za-z0-9_-])")
_BLOB = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_SCHEME = re.compile(r"(?i)(?:^\s*|authorization[\"']?\s*[:=]\s*[\"']?)(bearer|jwt|basic)\s+([^\s\"',;]+)")
_AFTER_BASIC = re.compile(r"(?i)basic\s+\Z")
_TOKENISH = re.compile(r"(?=.*\d)[A-Za-z0-9._~+/=-]{12,}")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")
_TO_URLSAFE = str.maketrans("+/", "-_")
_FROM_URLSAFE = str.maketrans("-_", "+/")
_KEY = re.compile(r"[A-Za-z_$][\w$-]*")
_TRANSFORMS = (
    ("plain", lambda s: s),
    ("url-encoded", lambda s: quote(s, safe="")),
    ("url-encoded", quote),
    ("url-encoded", quote_plus),
    ("json-escaped", lambda s: json.dumps(s)[1:-1]),
    ("json-escaped", lambda s: json.dumps(s, ensure_ascii=False)[1:-1]),
    ("hex", lambda s: s.encode("utf-8").hex()),
)


@dataclass(frozen=True)
class Secret:
    """A secret of the run: its role (``bmc.password``), its value (never in a repr), its placeholder."""

    role: str
    value: str = field(repr=False)
    placeholder: str


@dataclass(frozen=True)
class Leak:
    """A secret or token-like string left in a value: where (a JSON path), which role, in what encoding."""

    where: str
    role: str
    encoding: str

    def __str__(self) -> str:
        what = "a token-like string" if self.role == "token" else f"the {self.role} secret"
        return f"{self.where}: {what} ({self.encoding})"


def rackhd_signing_key(secret: str) -> bytes:
    """RackHD's HMAC key for ``authTokenSecret``: Node's ``new Buffer(secret, 'base64')`` (junk dropped,
    ``-_`` read as ``+/``, padding optional), so ``RackHDRocks!`` is the 8 bytes of ``RackHDRocks``."""
    chars = _NOT_BASE64.sub("", secret.replace("-", "+").replace("_", "/"))
    chars = chars[:-1] if len(chars) % 4 == 1 else chars
    return base64.b64decode(chars + "=" * (-len(chars) % 4))


def placeholders_for(secrets: Mapping[str, str], fake_config: Mapping[str, str]) -> list[Secret]:
    """A :class:`Secret` per role (sorted): the fake config's placeholder, else ``rh-tape-<role-dashed>``;
    one value under several roles gets the first role's placeholder. Short secrets are a UsageError."""
    chosen: dict[str, str] = {}
    result = []
    for role in sorted(secrets):
        value = secrets[role]
        _check_length(role, value)
        placeholder = chosen.setdefault(value, fake_config.get(role) or PREFIX + role.replace(".", "-"))
        _check_not_inside(role, value, placeholder)
        result.append(Secret(role, value, placeholder))
    return result


def _check_length(role: str, value: str) -> None:
    if len(value or "") < MIN_LENGTH:
        raise UsageError(
            f"cannot scrub the {role} secret from tapes: a secret of {len(value or '')} characters "
            "cannot be told apart from other text; use a longer password for a recording",
            hint=f"secrets need at least {MIN_LENGTH} characters",
        )


def _check_not_inside(role: str, value: str, placeholder: str, owner: str | None = None) -> None:
    if value in placeholder:
        whose = "its own placeholder" if owner in (None, role) else f"the placeholder of {owner}"
        raise UsageError(
            f"the {role} secret is a substring of {whose}: scrubbing would leave it in the tape",
            hint=f"set another placeholder for {owner or role} in the fake config, "
            "or use another password for the recording",
        )


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64_views(run: str) -> Iterator[tuple[int, int, bytes]]:
    """Decodings of a base64(url) run at each of the four alignments: (start, end in the run, bytes)."""
    body = run.rstrip("=")
    for offset in range(4):
        usable = len(body) - offset
        usable -= usable % 4 == 1
        if usable < 6:
            return
        try:
            chunk = body[offset : offset + usable].translate(_FROM_URLSAFE)
            yield offset, offset + usable, base64.b64decode(chunk + "=" * (-usable % 4), validate=True)
        except binascii.Error:
            continue


def _jwt_parts(token: str) -> tuple[dict, Any] | None:
    """(header, payload) of a JWT, or None when ``token`` is not one (the header must hold ``alg``)."""
    head, payload, _ = token.split(".")
    try:
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error):
        return None
    return (header, claims) if isinstance(header, dict) and "alg" in header else None


def _signature(head: str, payload: str, alg: str, key: bytes) -> str:
    return _b64url(hmac.new(key, f"{head}.{payload}".encode("ascii"), _HMAC[alg]).digest())


def _signed_by(token: str, alg: Any, key: bytes | None) -> bool:
    if key is None or alg not in _HMAC:
        return False
    head, payload, signature = token.split(".")
    return hmac.compare_digest(_signature(head, payload, alg, key), signature)


class Scrubber:
    """Replaces every known secret (any encoding) by its placeholder; :meth:`leaks` proves none is left."""

    def __init__(self, secrets: Iterable[Secret], *, token_secret_placeholder: str | None = None) -> None:
        self.secrets = tuple(secrets)
        self._token_key = None if token_secret_placeholder is None else rackhd_signing_key(token_secret_placeholder)
        self._real_keys = [
            (s.role, rackhd_signing_key(s.value)) for s in self.secrets if s.role.endswith("auth_token_secret")
        ]
        self._tokens: dict[str, str] = {}
        self._forms: list[tuple[str, str, str, bool]] = []  # role, encoding, form, case-insensitive
        replacements: dict[str, str] = {}
        by_value: dict[str, Secret] = {}
        for secret in sorted(self.secrets, key=lambda s: s.role):
            _check_length(secret.role, secret.value)
            first = by_value.setdefault(secret.value, secret)
            if first.placeholder != secret.placeholder:
                raise UsageError(
                    f"the {first.role} and {secret.role} secrets are the same value with two "
                    "placeholders: the same secret must always get the same placeholder"
                )
            for encoding, transform in _TRANSFORMS:
                form, hexed = transform(secret.value), encoding == "hex"
                if (form.lower() if hexed else form) not in replacements:
                    replacements[form.lower() if hexed else form] = transform(secret.placeholder)
                    self._forms.append((secret.role, encoding, form, hexed))
        self._replacements = replacements
        alternatives = sorted(self._forms, key=lambda f: -len(f[2]))
        pattern = "|".join(f"(?i:{re.escape(f)})" if ci else re.escape(f) for _, _, f, ci in alternatives)
        self._pattern = re.compile(pattern) if pattern else None
        self._bytes_pattern = re.compile(pattern.encode("utf-8")) if pattern else None
        self.placeholders = sorted(
            {s.placeholder for s in self.secrets} | ({token_secret_placeholder} if token_secret_placeholder else set())
        )
        for secret in self.secrets:
            for other in self.secrets:
                _check_not_inside(secret.role, secret.value, other.placeholder, other.role)
            if token_secret_placeholder:
                _check_not_inside(secret.role, secret.value, token_secret_placeholder, "the token secret")
        for placeholder in self.placeholders:
            if self._text_leaks(placeholder):
                raise UsageError(
                    "a placeholder looks like a leak itself (it encodes a secret or a token); pick other placeholders"
                )

    # -- scrubbing --------------------------------------------------------------------------------

    def scrub(self, value: Any) -> Any:
        """A scrubbed deep copy of a JSON-like value (dict keys too; bytes and tuples kept as such)."""
        if isinstance(value, str):
            return self.scrub_text(value)
        if isinstance(value, dict):
            return {self.scrub(k): self.scrub(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.scrub(v) for v in value)
        if isinstance(value, (bytes, bytearray)):
            return type(value)(self._scrub_bytes(bytes(value)))
        return copy.deepcopy(value)

    def scrub_text(self, text: str) -> str:
        """``text`` with every JWT re-signed or replaced, then base64 runs holding a secret, then the rest."""
        text = _JWT.sub(lambda m: self._scrub_jwt(m.group(0)), text)
        text = _BLOB.sub(self._scrub_blob, text)
        return self._replace(text)

    def _replace(self, text: Any) -> Any:
        if self._pattern is None:
            return text
        if isinstance(text, str):
            return self._pattern.sub(lambda m: self._replacement(m.group(0)), text)
        return self._bytes_pattern.sub(lambda m: self._replacement(m.group(0).decode("utf-8")).encode("utf-8"), text)

    def _replacement(self, found: str) -> str:
        if found in self._replacements:
            return self._replacements[found]
        replacement = self._replacements[found.lower()]  # hex in another case
        return replacement.upper() if found.isupper() else replacement

    def _scrub_bytes(self, data: bytes) -> bytes:
        try:
            return self.scrub_text(data.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            return self._replace(data)

    def _scrub_blob(self, match: re.Match) -> str:
        run = match.group(0)
        for start, end, data in _b64_views(run):
            if self._bytes_roles(data):
                encoded = base64.b64encode(self._scrub_bytes(data)).decode("ascii")
                if "-" in run or "_" in run:
                    encoded = encoded.translate(_TO_URLSAFE)
                if not run.endswith("=") and ((len(run) - start) % 4 or "-" in run or "_" in run):
                    encoded = encoded.rstrip(
                        "="
                    )  # unpadded stays unpadded; padded base64 that needed none keeps valid padding
                return run[:start] + encoded + run.rstrip("=")[end:]
        return run

    def _scrub_jwt(self, token: str) -> str:
        if token in self._tokens:
            return self._tokens[token]
        parts = _jwt_parts(token)
        if parts is None:
            return token
        header, claims = parts
        alg = header["alg"]
        genuine = (
            not self._real_keys
            or any(_signed_by(token, alg, key) for _, key in self._real_keys)
            or _signed_by(token, alg, self._token_key)
        )
        if self._token_key is not None and alg in _HMAC and isinstance(claims, dict) and genuine:
            head, payload, _ = token.split(".")
            if self.scrub(header) != header:
                head = _b64url(json.dumps(self.scrub(header), separators=(",", ":")).encode("utf-8"))
            if self.scrub(claims) != claims:
                payload = _b64url(json.dumps(self.scrub(claims), separators=(",", ":")).encode("utf-8"))
            result = f"{head}.{payload}.{_signature(head, payload, alg, self._token_key)}"
        else:
            result = f"rh-tape-token-{sum(1 for t in self._tokens.values() if t.startswith('rh-tape-token-')) + 1}"
        self._tokens[token] = result
        return result

    # -- the check --------------------------------------------------------------------------------

    def leaks(self, value: Any, *, where: str = "") -> list[Leak]:
        """Every known secret (any encoding) and every token-like string left in ``value``, by JSON path."""
        found = []
        for path, text in self._walk(value, ""):
            shown = path or "$"
            for role, encoding in sorted(self._text_leaks(text)):
                found.append(Leak(f"{where}: {shown}" if where else shown, role, encoding))
        return found

    def _walk(self, value: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, (bytes, bytearray)):
            yield path, bytes(value).decode("utf-8", "replace")
        elif isinstance(value, dict):
            for index, (key, item) in enumerate(value.items()):
                name = str(key)
                if self._text_leaks(name):
                    child = f"{path}[key #{index}]"
                else:
                    child = f"{path}[{json.dumps(name)}]"
                    if _KEY.fullmatch(name):
                        child = f"{path}.{name}" if path else name
                yield child + " (key)", name
                yield from self._walk(item, child)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                yield from self._walk(item, f"{path}[{index}]")

    def _roles(self, text: str) -> set[tuple[str, str]]:
        lowered = text.lower()
        return {
            (role, encoding)
            for role, encoding, form, ci in self._forms
            if (form.lower() in lowered if ci else form in text)
        }

    def _bytes_roles(self, data: bytes) -> set[str]:
        lowered = data.lower()
        return {
            role
            for role, _, form, ci in self._forms
            if (form.lower().encode("utf-8") in lowered if ci else form.encode("utf-8") in data)
        }

    def _text_leaks(self, text: str) -> set[tuple[str, str]]:
        found = self._roles(text)
        tokens = [match.span() for match in _JWT.finditer(text) if _jwt_parts(match.group(0))]
        for match in _BLOB.finditer(text):
            if any(start <= match.start() < end for start, end in tokens):
                continue  # a JWT's segments: checked as a JWT below
            encoding = "basic-auth" if _AFTER_BASIC.search(text, 0, match.start()) else "base64"
            for _, _, data in _b64_views(match.group(0)):
                roles = self._bytes_roles(data)
                found |= {(role, encoding) for role in roles}
                if roles:
                    break
        for match in _JWT.finditer(text):
            token = match.group(0)
            parts = _jwt_parts(token)
            if parts is None:
                continue
            header, claims = parts
            found |= {(role, "jwt") for path, inner in self._walk(claims, "") for role, _ in self._text_leaks(inner)}
            if not _signed_by(token, header["alg"], self._token_key):
                signer = next((role for role, key in self._real_keys if _signed_by(token, header["alg"], key)), "token")
                found.add((signer, "jwt"))
        for match in _SCHEME.finditer(text):
            scheme, credential = match.group(1).lower(), match.group(2)
            if TOKEN_PLACEHOLDER.fullmatch(credential) or any(p in credential for p in self.placeholders):
                continue
            if scheme == "basic":
                decoded = next((data for start, _, data in _b64_views(credential) if start == 0), b"")
                if (
                    b":" in decoded
                    and not self._bytes_roles(decoded)
                    and not any(p.encode("utf-8") in decoded for p in self.placeholders)
                ):
                    found.add(("token", "basic-auth"))
            elif _TOKENISH.fullmatch(credential) and (credential.count(".") != 2 or _jwt_parts(credential) is None):
                found.add(("token", "bearer"))
        return found
