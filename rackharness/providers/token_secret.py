"""The reference target's token secret: a random one per stack, unless ``target.auth_token_secret`` is set.

RackHD's default ``authTokenSecret`` (``RackHDRocks!``) gives an 8-byte HMAC key, which PyJWT warns
about on every token. When the setting is left at its default and the stack runs the reference
target, :func:`for_stack` gives the config a secret of its own: 32 random bytes, base64 (the target
decodes it the way RackHD does, ``new Buffer(secret, 'base64')``, back to those 32 bytes). It is kept
in ``<state dir>/token-secret`` (0600) by :func:`keep` when ``up`` prepares the stack, so every target
process of that stack, and every later ``up`` or restart, signs and verifies with the same key; the
suite reads it from the stack's saved config (``config.json``, 0600). It reaches the target on its
stdin (:mod:`rackharness.secret_channel`) and is never printed: the setting is a secret, masked in
every output. An isolated rack (:func:`for_process`) gets a fresh one per process.

A RackHD you test (``target.url``) keeps the setting as given: its ``authTokenSecret`` is RackHD's.
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

from rackharness.config.loader import Config, write_private

KEY = "target.auth_token_secret"
FILE_NAME = "token-secret"
GENERATED = "generated"  # how a generated secret's source starts


def generate() -> str:
    """44 base64 characters: 32 random bytes once decoded (HS256's own key size)."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _wanted(config: Config) -> bool:
    """The secret is at its default and the stack runs the reference target."""
    return config.source(KEY) == "default" and not config["target.url"] and not config["services_only"]


def for_stack(config: Config, state_dir: str | Path) -> Config:
    """``config`` with the stack's own secret (the one kept in ``state_dir``, else a new one) when
    :func:`_wanted`; ``config`` itself otherwise. Reads only: :func:`keep` writes."""
    if not _wanted(config):
        return config
    path = Path(state_dir) / FILE_NAME
    try:
        kept = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        kept = ""
    return config.with_value(KEY, kept or generate(), f"{GENERATED} for this stack ({path})")


def keep(config: Config, state_dir: str | Path) -> None:
    """Write the secret :func:`for_stack` generated into ``state_dir`` (0600), once."""
    if not config.source(KEY).startswith(GENERATED):
        return
    path = Path(state_dir) / FILE_NAME
    if not path.is_file() or path.read_text(encoding="ascii").strip() != config[KEY]:
        write_private(path, config[KEY] + "\n")


def for_process(config: Config) -> Config:
    """``config`` with a secret of this process (an isolated rack) when :func:`_wanted`."""
    if not _wanted(config):
        return config
    return config.with_value(KEY, generate(), f"{GENERATED} for this process")
