"""RackHD's own contract files (on-http 2.60.7's Swagger specs and JSON schemas), for tests only.

They are not part of the project: tests read them from ``<repo>/../shared/rackhd`` (the layout of
RackHD's repos: ``on-http/static/monorail-2.0.yaml``, ``on-http/static/schemas/...``), or from the
folder ``RACKHARNESS_RACKHD_CONTRACT`` names. :func:`require_rackhd_contract` skips a test, naming
where it looked, when they are not there.
"""

from __future__ import annotations

import functools
import json
import os
import unittest
from pathlib import Path
from typing import Any

import yaml

ENV_VAR = "RACKHARNESS_RACKHD_CONTRACT"
REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_NAMES = ("monorail-2.0.yaml", "redfish.yaml", "redfish-root.yaml")


def contract_dir() -> Path:
    """Where RackHD's files are looked for: $RACKHARNESS_RACKHD_CONTRACT, else <repo>/../shared/rackhd."""
    configured = os.environ.get(ENV_VAR)
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "rackhd"


class RackhdContract:
    """RackHD's on-http static files under ``root``, each parsed once."""

    def __init__(self, root: Path):
        self.root = root
        self.static = root / "on-http" / "static"

    def present(self) -> bool:
        return (self.static / SPEC_NAMES[0]).is_file()

    @functools.lru_cache(maxsize=None)
    def spec(self, name: str = SPEC_NAMES[0]) -> dict[str, Any]:
        return yaml.safe_load((self.static / name).read_text(encoding="utf-8"))

    def spec_file(self, name: str = SPEC_NAMES[0]) -> Path:
        return self.static / name

    @functools.lru_cache(maxsize=None)
    def schema(self, relative: str) -> dict[str, Any]:
        """A schema document by its path under ``static/schemas`` (``2.0/node.2.0.json``)."""
        return json.loads((self.static / "schemas" / relative).read_text(encoding="utf-8"))

    def schema_names(self, folder: str) -> list[str]:
        """The schema files of ``folder`` (``2.0``, ``obms``), by file name, sorted."""
        return sorted(path.name for path in (self.static / "schemas" / folder).glob("*.json"))


def require_rackhd_contract(test: unittest.TestCase) -> RackhdContract:
    """RackHD's files, or skip ``test`` saying where they were looked for."""
    contract = RackhdContract(contract_dir())
    if not contract.present():
        where = (
            f"${ENV_VAR}" if os.environ.get(ENV_VAR) else f"<repo>/../shared/rackhd; set ${ENV_VAR} to look elsewhere"
        )
        test.skipTest(
            f"RackHD's contract files not found: no {contract.static / SPEC_NAMES[0]} "
            f"(looked in {contract.root}, from {where})"
        )
    return contract
