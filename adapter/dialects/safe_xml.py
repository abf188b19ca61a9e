"""Parsing a system's XML from outside, through the adapter's one hardened parser.

:func:`adapter.wire.parse_untrusted_xml` refuses DOCTYPEs (XXE, billion laughs, quadratic
blow-up), never resolves entities, loads DTDs or touches the network, keeps huge_tree off, and
bounds size and depth. Here it gets this room's own limits - a system record is one client, so
smaller than a FHIR bundle may be - and raises InvalidSystemRecord.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from adapter.dialects.errors import InvalidSystemRecord
from adapter.wire import parse_untrusted_xml as parse_hardened


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on one untrusted document."""

    max_bytes: int = 10 * 1024 * 1024
    max_depth: int = 64
    max_field_bytes: int = 1024 * 1024
    """Longest CSV cell (FHIR strings SHALL NOT exceed 1 MB either): csv stops a longer one unread."""
    max_issues: int = 1000
    """Problems collected before a reader stops looking (a wrong file would otherwise list every line)."""


def parse_untrusted_xml(data: bytes, limits: Limits | None = None) -> etree._ElementTree:
    """Parse ``data`` safely, or raise InvalidSystemRecord saying what was refused and where."""
    limits = limits or Limits()
    root = parse_hardened(
        data, max_bytes=limits.max_bytes, max_depth=limits.max_depth, error=InvalidSystemRecord
    )
    return root.getroottree()
