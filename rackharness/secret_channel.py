"""Secrets a child process needs reach it on its standard input, never in the files it reads.

The rack process and the reference target each read a JSON file the provider writes into the state
directory (``rack.json``, ``target.json``). Those files keep their shape but hold ``***`` where a
secret was: a password, a token secret, the password inside a URL. :func:`split` takes the secrets
out; the provider pipes them to the child's stdin (:func:`encode`), and the child puts them back
(:func:`read_stdin` then :func:`join`) before it uses the document. The only files under the state
dir that hold secrets are then ``state.json`` and ``config.json``, both 0600.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from rackharness.redaction import MASK, redact_url

#: keys whose text value is a secret (RackHD's own names among them: authTokenSecret, autoCreateObmPassword)
SECRET_KEY = re.compile(r"password|secret|passphrase|(^|_)pass$|token", re.IGNORECASE)

Path_ = tuple[Any, ...]


def _has_url_password(value: str) -> bool:
    if "://" not in value or "@" not in value:
        return False
    try:
        return urlsplit(value).password is not None
    except ValueError:
        return False


def split(document: Any) -> tuple[Any, list[list[Any]]]:
    """(the document with each secret masked, ``[[path, value], ...]`` the secrets taken out)."""
    secrets: list[list[Any]] = []

    def walk(node: Any, path: Path_, key: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, path + (k,), k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, path + (i,), key) for i, v in enumerate(node)]
        if isinstance(node, str) and node and isinstance(key, str) and SECRET_KEY.search(key):
            secrets.append([list(path), node])
            return MASK
        if isinstance(node, str) and _has_url_password(node):
            secrets.append([list(path), node])
            return redact_url(node)
        return node

    return walk(document, (), None), secrets


def join(document: Any, secrets: list[list[Any]]) -> Any:
    """Put the secrets :func:`split` took out back into ``document`` (in place; returned for chaining)."""
    for path, value in secrets:
        node = document
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
    return document


def encode(secrets: list[list[Any]]) -> bytes:
    return json.dumps({"rackharness-secrets": secrets}).encode("utf-8")


def read_stdin(stream: IO[str] | None = None) -> list[list[Any]]:
    """The secrets piped to this process, or none (stdin a terminal, empty, or closed)."""
    stream = sys.stdin if stream is None else stream
    if stream is None or stream.closed or stream.isatty():
        return []
    text = stream.read()
    if not text.strip():
        return []
    raw = json.loads(text)
    secrets = raw.get("rackharness-secrets") if isinstance(raw, dict) else None
    if not isinstance(secrets, list):
        raise ValueError("standard input holds no rackharness secrets")
    return secrets


def add_stdin_flag(parser: argparse.ArgumentParser, document: str) -> None:
    """A child's ``--secrets-on-stdin``: what ``rackharness up`` passes when it pipes the secrets."""
    parser.add_argument(
        "--secrets-on-stdin",
        action="store_true",
        help=f"read the secrets {document} leaves out from stdin (what `rackharness up` does)",
    )


def read_document(path: str | Path, *, secrets_on_stdin: bool) -> Any:
    """The JSON document at ``path`` with the secrets piped to this process put back."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    return join(document, read_stdin() if secrets_on_stdin else [])
