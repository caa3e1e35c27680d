"""The two string formats RackHD's body schemas use, checked as on-http checks them.

on-http validates bodies with ajv in its default ("fast") format mode: ``uri`` is a scheme and
a colon followed by no whitespace (``ftp:x`` passes, ``10.1.1.1/hook`` does not) and ``ipv4`` a
dotted quad of numbers 0-255. Values of other types are not the format's business (the schema's
``type`` judges them). No other format is checked.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema

FORMATS = jsonschema.FormatChecker(formats=())
_URI = re.compile(r"^[a-z][a-z0-9+\-.]*:(//)?\S*$", re.IGNORECASE)
_IPV4 = re.compile(r"^((25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(25[0-5]|2[0-4]\d|[01]?\d\d?)$")


@FORMATS.checks("uri")
def is_uri(value: Any) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


@FORMATS.checks("ipv4")
def is_ipv4(value: Any) -> bool:
    return not isinstance(value, str) or bool(_IPV4.match(value))
