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


def check_format(code: str, value: Any, path: str, regex_for: RegexLookup) -> Iterable[Issue]:
    """Lexical checks of one primitive value of the right JSON type."""
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
    if code == "markdown" and isinstance(value, str):
        tag = HTML_TAG.search(value)
        if tag is not None:
            yield Issue.error(
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
