"""Bodies as a tape keeps them: JSON as JSON (so it is pretty on disk), text as text, binary as base64."""

from __future__ import annotations

import base64
import json
from typing import Any


def body_for_tape(content: bytes | None) -> dict[str, Any] | None:
    """``{"json": value}``, ``{"text": str}`` or ``{"base64": str}``; None for no body."""
    if not content:
        return None
    try:
        return {"json": json.loads(content)}
    except (ValueError, UnicodeDecodeError):
        pass
    try:
        return {"text": content.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(content).decode("ascii")}


def body_from_tape(body: dict[str, Any] | None) -> bytes:
    """The bytes of a body :func:`body_for_tape` kept (JSON compact, as servers send it)."""
    if not body:
        return b""
    if "json" in body:
        return json.dumps(body["json"], separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if "text" in body:
        return body["text"].encode("utf-8")
    return base64.b64decode(body.get("base64", ""))
