"""The auth part of the target's settings (target.json), from the rackharness config ``target.auth_*``."""

from __future__ import annotations

from typing import Any, Mapping


def auth_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """``auth_port``, the Administrator the target creates, and RackHD's token secret and lifetime."""
    return {
        "auth_port": config["target.auth_port"],
        "auth_user": config["target.auth_user"],
        "auth_password": config["target.auth_password"],
        "auth_token_secret": config["target.auth_token_secret"],
        "auth_token_expire_in": config["target.auth_token_expire"],
    }
