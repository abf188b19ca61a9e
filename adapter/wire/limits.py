"""How much untrusted input the wire codecs accept, and why the depth limits are what they are.

Depth ceilings come from the libraries underneath, so a document we accept can always be written
back in both formats:

- orjson serialises at most 254 levels of nested JSON containers, so JSON input is capped at 200.
- libxml2 refuses more than 256 levels of XML elements unless ``huge_tree`` is on (never, here).
  One XML level of a repeating element is two JSON levels (an array, then an object), so XML input
  is capped at 120: its JSON form then stays under orjson's 254.
"""

from __future__ import annotations

from adapter.errors import AdapterError, InvalidFhir

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""Largest input accepted, in bytes (50 MiB)."""

DEFAULT_MAX_JSON_DEPTH = 200
"""Deepest JSON nesting accepted (objects and arrays, the root object is level 1)."""

DEFAULT_MAX_XML_DEPTH = 120
"""Deepest XML element nesting accepted (the root element is level 1)."""

ORJSON_MAX_DEPTH = 254
LIBXML2_MAX_DEPTH = 256


def check_size(data: bytes, max_bytes: int, what: str, error: type[AdapterError] = InvalidFhir) -> None:
    """Refuse input larger than ``max_bytes`` before any parsing work is spent on it."""
    if len(data) > max_bytes:
        raise error.single(
            "too-costly",
            f"{what}.too-large",
            f"{what.upper()} input is {len(data):,} bytes; the limit is {max_bytes:,} bytes",
        )
