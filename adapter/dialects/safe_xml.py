"""Parsing XML that comes from outside: no entities, no DTD, no network, bounded size and depth.

One function, :func:`parse_untrusted_xml`, so the whole adapter can share (or swap) one hardened
parser. A document is refused, with an Issue saying why, when it is larger than ``max_bytes``, holds
a DOCTYPE (the door to XXE, billion laughs and quadratic blow-up), nests deeper than ``max_depth``,
or is not well-formed in its declared encoding.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from adapter.dialects.errors import InvalidSystemRecord
from adapter.outcome import Issue


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on one untrusted document."""

    max_bytes: int = 10 * 1024 * 1024
    max_depth: int = 64


def _refuse(message_id: str, text: str) -> InvalidSystemRecord:
    return InvalidSystemRecord.of([Issue.error("security", message_id, text, None)])


def _parser() -> etree.XMLParser:
    # huge_tree off keeps libxml2's own caps (depth 256, text node size) as a second line.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


_DOCTYPE_SPELLINGS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)


def _declares_doctype(data: bytes) -> bool:
    # Refused before parsing so no entity is ever expanded, not even by libxml2's own guards. A
    # document that merely mentions "<!DOCTYPE" in a comment or CDATA is refused too: records of
    # ours never need to.
    return any(marker in data for marker in _DOCTYPE_SPELLINGS)


def _depth(root: etree._Element, limit: int) -> int:
    deepest = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth + 1) for child in element)
    return deepest


def parse_untrusted_xml(data: bytes, limits: Limits | None = None) -> etree._ElementTree:
    """Parse ``data`` safely or raise InvalidSystemRecord (code ``security`` or ``structure``)."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise _refuse(
            "dialects.too-large",
            f"document is {len(data)} bytes; the limit is {limits.max_bytes} bytes",
        )
    if _declares_doctype(data):
        raise _refuse("dialects.doctype", "a DOCTYPE is not allowed (entities and DTDs are refused)")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        if "Excessive depth" in str(error.msg):
            # libxml2's own cap (huge_tree off) caught it before our walk could.
            raise _refuse(
                "dialects.too-deep", f"elements nest deeper than {limits.max_depth} levels"
            ) from None
        raise InvalidSystemRecord.of(
            [
                Issue.error(
                    "structure",
                    "dialects.not-well-formed",
                    f"line {error.lineno}: not well-formed XML: {error.msg}",
                    f"line {error.lineno}",
                )
            ]
        ) from None
    tree = root.getroottree()
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # type: ignore[union-attr]  # stubs lag lxml
        raise _refuse("dialects.doctype", "a DOCTYPE is not allowed (entities and DTDs are refused)")
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise _refuse("dialects.entity", "entity references are not allowed")
    if _depth(root, limits.max_depth) > limits.max_depth:
        raise _refuse("dialects.too-deep", f"elements nest deeper than {limits.max_depth} levels")
    return tree
