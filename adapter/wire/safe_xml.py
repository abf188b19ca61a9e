"""Parse XML from outside: no DTDs, no entities, no network, bounded size and depth.

Every XML format the adapter reads (FHIR XML, and any system's own XML dialect) goes through
:func:`parse_untrusted_xml`. It never raises anything but the caller's AdapterError subclass, with
one Issue saying what was refused and, where libxml2 knows, the line and column.

    >>> root = parse_untrusted_xml(b'<Patient xmlns="http://hl7.org/fhir"><id value="x"/></Patient>')
    >>> root.tag
    '{http://hl7.org/fhir}Patient'

What is refused, and why:

- a DOCTYPE, whatever it holds: FHIR XML has none, and a DTD is where external entities (XXE),
  entity expansion bombs (billion laughs, quadratic blow-up) and remote fetches come from. The
  parser is also configured never to resolve entities, load a DTD or touch the network, so even
  the refusal fetches nothing;
- input over ``max_bytes``, checked before parsing;
- elements nested deeper than ``max_depth`` (libxml2 itself stops at 256 without ``huge_tree``,
  which is never enabled);
- UTF-32 and encodings no codec knows, and a declared encoding that contradicts the bytes (a
  UTF-16 byte-order mark under ``encoding="UTF-8"`` or ``"ISO-8859-1"``, or UTF-8 bytes under
  ``encoding="UTF-16"``). Other declared encodings (ISO-8859-1, windows-1252...) are read as
  declared, as XML 1.0 (4.3.3) allows and the HL7 reference validator does; characters outside
  the Basic Multilingual Plane are read whatever the encoding.
"""

from __future__ import annotations

import codecs
import re
import threading
from functools import cache
from typing import Any

from lxml import etree

from adapter.errors import AdapterError, InvalidFhir
from adapter.outcome import Issue, OperationOutcome
from adapter.wire.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_XML_DEPTH, LIBXML2_MAX_DEPTH, check_size

_PROLOG_WINDOW = 64 * 1024
_DECLARED_ENCODING = re.compile(r"""<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# What may precede a DOCTYPE: blanks, the XML declaration, processing instructions, comments.
_PROLOG_ITEMS = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_COSTLY_PARSER_ERRORS = ("amplification", "huge")
_PARSERS = threading.local()


def parse_untrusted_xml(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_XML_DEPTH,
    error: type[AdapterError] = InvalidFhir,
) -> etree._Element:
    """The root element of ``data``, parsed with everything dangerous switched off.

    Raises ``error`` (InvalidFhir unless told otherwise) with an Issue of code ``too-costly`` (size,
    depth, entity amplification), ``not-supported`` (an encoding other than UTF-8/UTF-16) or
    ``structure`` (malformed XML, a DOCTYPE, contradictory encodings).
    """
    check_size(data, max_bytes, "xml", error)
    codec = _sniff_encoding(data, error)
    prolog = data[:_PROLOG_WINDOW].decode(codec, errors="replace")
    _check_declared_encoding(prolog, codec, error)
    if _starts_with_doctype(prolog):
        raise _doctype_refused(error)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as syntax:
        raise _syntax_error(syntax, min(max_depth, LIBXML2_MAX_DEPTH), error) from None
    docinfo: Any = root.getroottree().docinfo  # lxml-stubs lack DocInfo.doctype
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _doctype_refused(error)
    if max_depth < LIBXML2_MAX_DEPTH and _deeper_than(max_depth)(root):
        raise error.single(
            "too-costly", "xml.too-deep", f"XML elements are nested deeper than {max_depth} levels"
        )
    return root


def _sniff_encoding(data: bytes, error: type[AdapterError]) -> str:
    """The codec the bytes are in, from the byte-order mark or the first '<' (XML 1.0, appendix F)."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or data[:4] in (
        b"\x00\x00\x00<",
        b"<\x00\x00\x00",
    ):
        raise error.single(
            "not-supported", "xml.encoding", "XML in UTF-32 is not accepted; send UTF-8 (or UTF-16)"
        )
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if data.startswith(b"<\x00"):
        return "utf-16-le"
    if data.startswith(b"\x00<"):
        return "utf-16-be"
    return "utf-8"


def _check_declared_encoding(prolog: str, codec: str, error: type[AdapterError]) -> None:
    declared = _DECLARED_ENCODING.match(prolog)
    if declared is None:
        return
    name = declared.group(1)
    family = name.lower().replace("_", "-")
    if family in ("utf-8", "utf8"):
        family = "utf-8"
    elif family in ("utf-16", "utf16", "utf-16le", "utf-16be"):
        family = "utf-16"
    else:
        # Any other encoding the XML declares is read as declared (XML 1.0 section 4.3.3: a
        # processor may read encodings beyond the two it must; the HL7 reference validator reads
        # ISO-8859-1, windows-1252...). Its bytes must be single-byte-compatible, as the ASCII
        # declaration just read shows; UTF-32 stays refused above.
        if family.startswith(("utf-32", "utf32", "ucs-4", "ucs4")) or not _known_encoding(name):
            raise error.single(
                "not-supported",
                "xml.encoding",
                f"the XML declares encoding {name!r}, which is not a known encoding (or is UTF-32); "
                "send UTF-8 or UTF-16",
            )
        family = "utf-8"
    actual = "utf-16" if codec.startswith("utf-16") else "utf-8"
    if family != actual:
        raise error.single(
            "structure",
            "xml.encoding-mismatch",
            f"the XML declares encoding {name!r} but its bytes are {actual.upper()}"
            + (" (byte-order mark)" if codec in ("utf-16", "utf-8-sig") else ""),
        )


def _known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _starts_with_doctype(prolog: str) -> bool:
    after = _PROLOG_ITEMS.match(prolog.lstrip("\ufeff"))
    return prolog.lstrip("\ufeff").startswith("<!DOCTYPE", after.end() if after else 0)


def _doctype_refused(error: type[AdapterError]) -> AdapterError:
    return error.single(
        "structure",
        "xml.doctype",
        "the XML has a DOCTYPE; DTDs and entity declarations are not allowed (FHIR XML has none, "
        "and they are how entity-expansion and external-entity attacks are made)",
    )


def _syntax_error(syntax: etree.XMLSyntaxError, max_depth: int, error: type[AdapterError]) -> AdapterError:
    message = (syntax.msg or str(syntax)).rsplit(", line ", 1)[0]
    line, column = syntax.position
    where = f"at line {line}, column {column}"
    lowered = message.lower()
    if "excessive depth" in lowered:
        issue = Issue.error(
            "too-costly", "xml.too-deep", f"XML elements are nested deeper than {max_depth} levels ({where})"
        )
    elif any(word in lowered for word in _COSTLY_PARSER_ERRORS):
        issue = Issue.error("too-costly", "xml.too-costly", f"XML refused {where}: {message}")
    else:
        issue = Issue.error("structure", "xml.syntax", f"malformed XML {where}: {message}")
    return error(OperationOutcome.of([issue]))


def _parser() -> etree.XMLParser:
    """This thread's parser (lxml parsers may not be shared between threads; making one costs)."""
    parser: etree.XMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            dtd_validation=False,
            collect_ids=False,
        )
    return parser


@cache
def _deeper_than(max_depth: int) -> etree.XPath:
    # An element exists at level max_depth + 1: one path step per level, evaluated in C.
    return etree.XPath("boolean(/" + "/".join(["*"] * (max_depth + 1)) + ")")
