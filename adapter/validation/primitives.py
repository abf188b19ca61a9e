"""Checks of primitive values: the JSON type each primitive must have, and its lexical format.

Formats come from the regex extension on each primitive's ``.value`` element in the core
StructureDefinitions (read once, then cached); the rules the regexes cannot say - calendar dates
that exist, a timezone when a time is given, 32-bit integer ranges, decodable base64 - are added here.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from adapter.outcome import Issue
from adapter.validation.records import PRIMITIVE_JSON_TYPES

REGEX_EXTENSION = "http://hl7.org/fhir/StructureDefinition/regex"
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>")
INT32 = (-(2**31), 2**31 - 1)
MAX_STRING = 1024 * 1024
JSON_TYPE_NAMES = {bool: "boolean", int: "number", float: "number", Decimal: "number", str: "string"}

URL_TYPES = frozenset({"uri", "url"})
EXAMPLE_HOSTS = ("example.org", "example.com", "example.net")
"""Hosts reserved for documentation (RFC 2606): a URL on them is an example, not real content."""

RegexLookup = Callable[[str], "re.Pattern[str] | None"]


def json_type_issue(code: str, value: Any, path: str) -> Issue | None:
    """An error when a primitive's JSON value has the wrong JSON type (``"active": "true"``)."""
    expected = PRIMITIVE_JSON_TYPES.get(code, (str,))
    if isinstance(value, expected) and (bool in expected or not isinstance(value, bool)):
        return None
    wanted = JSON_TYPE_NAMES.get(expected[0], "string")
    found = "null" if value is None else JSON_TYPE_NAMES.get(type(value), type(value).__name__)
    if isinstance(value, dict):
        found = "object"
    elif isinstance(value, list):
        found = "array"
    return Issue.error(
        "structure",
        "json.primitive-type",
        f"The value of a {code} must be a JSON {wanted}, not a JSON {found}",
        path,
    )


def check_example_url(value: Any, path: str) -> Iterable[Issue]:
    """An error for a uri/url on an example host, for callers validating real (not example) content."""
    if not isinstance(value, str) or "://" not in value:
        return
    host = value.partition("://")[2].split("/", 1)[0].rpartition("@")[2].split(":", 1)[0].lower()
    if any(host == name or host.endswith("." + name) for name in EXAMPLE_HOSTS):
        yield Issue.error(
            "invalid", "url.example", f"Example URLs are not allowed in this context ({value})", path
        )


def check_format(
    code: str, value: Any, path: str, regex_for: RegexLookup, *, markdown_html: str = "warning"
) -> Iterable[Issue]:
    """Lexical checks of one primitive value of the right JSON type. ``markdown_html``: what an
    HTML tag in markdown is - "warning" (the reference validator's default), "error" or "none"."""
    if isinstance(value, str):
        if value == "":
            yield Issue.error("value", "format.empty", "A primitive value cannot be an empty string", path)
            return
        if code not in ("string", "markdown", "xhtml") and value != value.strip():
            yield Issue.error(
                "value",
                f"format.{code}",
                f"The {code} value {value!r} has leading or trailing whitespace",
                path,
            )
            return
        if len(value) > MAX_STRING:
            yield Issue.error(
                "value", "format.too-long", f"The value is longer than {MAX_STRING} characters", path
            )
            return
    pattern = regex_for(code)
    text = _lexical(value)
    if pattern is not None and code not in ("string", "markdown") and not pattern.fullmatch(text):
        yield Issue.error("value", f"format.{code}", _bad(code, text), path)
        return
    if code == "canonical" and isinstance(value, str) and ":" not in value and not value.startswith("#"):
        yield Issue.error(
            "value",
            "format.canonical-relative",
            f"Canonical URLs must be absolute URLs if they are not fragment references ({value})",
            path,
        )
    if code == "markdown" and isinstance(value, str) and markdown_html != "none":
        tag = HTML_TAG.search(value)
        if tag is not None:
            yield Issue(
                "error" if markdown_html == "error" else "warning",
                "value",
                "format.markdown-html",
                f"The markdown contains content that appears to be an embedded HTML tag starting at "
                f"'{tag.group(0)[:2]}'; a presentation layer will (or should) escape it",
                path,
            )
    extra = EXTRA_CHECKS.get(code)
    if extra is not None:
        problem = extra(value)
        if problem:
            yield Issue.error("value", f"format.{code}", problem, path)
            return
    if isinstance(value, str):
        yield from check_content(code, value, path)


URI_FAMILY = frozenset({"uri", "url", "canonical", "oid", "uuid"})
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_OID = re.compile(r"[0-2](\.(0|[1-9][0-9]*))+")


def check_content(code: str, value: str, path: str) -> Iterable[Issue]:
    """What a value of the right lexical form may still get wrong, as the reference validator's
    InstanceValidator.checkPrimitive reads R4's datatype definitions:

    - any string-like value: characters below U+0020 other than tab, CR and LF are a warning
      (R4 string: "Strings SHOULD not contain Unicode character points below 32, except for
      u0009 (horizontal tab), u0010 (carriage return) and u0013 (line feed)");
    - a string all of whitespace, or with leading or trailing whitespace: a warning;
    - uri, url, canonical, oid, uuid: ``oid:`` and ``uuid:`` are not URI schemes (an error: the
      forms are ``urn:oid:`` and ``urn:uuid:``); after ``urn:uuid:`` a UUID must follow, and after
      ``urn:oid:`` an OID of at least two arcs beyond a short root (the reference's test: a last
      dot at position 4 or later, or a ``1.3`` root) - errors;
    - base64Binary with whitespace: a warning in R4 (an error from R5 on).
    """
    bad = sorted({f"{ord(c):x}" for c in value if ord(c) < 32 and c not in "\t\r\n"})
    if bad:
        yield Issue.warning(
            "invalid",
            "string.control-characters",
            f"The value contains characters below U+0020 ({', '.join(bad)}), which strings should not",
            path,
        )
    if code == "string":
        if not value.strip():
            yield Issue.warning(
                "invalid", "string.whitespace-all", "The string value is all whitespace", path
            )
        elif value != value.strip():
            text = f"The string value {_short(value)!r} has leading or trailing whitespace"
            yield Issue.warning("invalid", "string.whitespace", text, path)
    elif code in URI_FAMILY:
        yield from _uri_content(code, value, path)
    elif code == "base64Binary" and re.search(r"\s", value):
        text = "Base64 values should not contain whitespace (R4; an error from R5 on)"
        yield Issue.warning("invalid", "format.base64-whitespace", text, path)


def _uri_content(code: str, value: str, path: str) -> Iterable[Issue]:
    for scheme in ("oid:", "uuid:"):
        if value.startswith(scheme):
            text = f"URI values cannot start with {scheme} (the form is urn:{scheme}...): {value!r}"
            yield Issue.error("invalid", f"uri.{scheme[:-1]}-scheme", text, path)
    if value.startswith("urn:uuid:"):
        uuid = value[9:].partition("#")[0]
        if code == "canonical":
            uuid = uuid.rpartition("|")[0] or uuid
        if not _UUID.fullmatch(uuid):
            yield Issue.error("invalid", "uri.uuid", f"'{uuid}' is not a valid UUID (in {value!r})", path)
    if value.startswith("urn:oid:"):
        oid = value[8:]
        if not _OID.fullmatch(oid) or not (oid.rfind(".") >= 4 or oid.startswith("1.3")):
            yield Issue.error("invalid", "uri.oid", f"'{oid}' is not a valid OID (in {value!r})", path)


def _lexical(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _bad(code: str, text: str) -> str:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return f"The value {shown!r} is not a valid {code}"


def _date_parts_exist(value: str) -> str | None:
    year, _, rest = value.partition("-")
    if not rest or len(rest) < 5:
        return None
    try:
        dt.date(int(year), int(rest[:2]), int(rest[3:5]))
    except ValueError:
        return f"The date {value!r} does not exist"
    return None


def _check_date(value: Any) -> str | None:
    return _date_parts_exist(str(value))


def _check_date_time(value: Any) -> str | None:
    text = str(value)
    if "T" in text and not (text.endswith("Z") or re.search(r"[+-]\d\d:\d\d$", text)):
        return f"If a date has a time, it must have a timezone ({text!r})"
    return _date_parts_exist(text.partition("T")[0])


def _check_integer(value: Any) -> str | None:
    if isinstance(value, int) and not INT32[0] <= value <= INT32[1]:
        return f"The integer {value} is outside the 32-bit range"
    return None


def _check_positive(value: Any) -> str | None:
    if isinstance(value, int) and value < 1:
        return f"A positiveInt must be at least 1, not {value}"
    return _check_integer(value)


def _check_unsigned(value: Any) -> str | None:
    if isinstance(value, int) and value < 0:
        return f"An unsignedInt must not be negative, not {value}"
    return _check_integer(value)


def _check_decimal(value: Any) -> str | None:
    try:
        Decimal(str(value))
    except InvalidOperation:
        return f"The value {value!r} is not a valid decimal"
    return None


def _check_base64(value: Any) -> str | None:
    compact = re.sub(r"\s+", "", str(value))
    try:
        base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return f"The value {_short(str(value))!r} is not a valid Base64 value"
    return None


def _check_id(value: Any) -> str | None:
    return None if len(str(value)) <= 64 else f"An id is at most 64 characters ({len(str(value))} found)"


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


EXTRA_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "date": _check_date,
    "dateTime": _check_date_time,
    "instant": _check_date_time,
    "integer": _check_integer,
    "positiveInt": _check_positive,
    "unsignedInt": _check_unsigned,
    "decimal": _check_decimal,
    "base64Binary": _check_base64,
    "id": _check_id,
}
