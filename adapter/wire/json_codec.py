"""FHIR JSON with exact decimals, no duplicate keys, and bounded size and depth.

    >>> resource = read_json(b'{"resourceType": "Observation", "valueQuantity": {"value": 1.50}}')
    >>> resource["valueQuantity"]["value"]
    FhirDecimal('1.50')
    >>> write_json(resource, indent=False)
    b'{"resourceType":"Observation","valueQuantity":{"value":1.50}}'

Numbers with a fraction or an exponent are read as :class:`FhirDecimal` (a ``Decimal`` that keeps
its text); integers as ``int``, except ``-0`` and those beyond 64 bits, which are read as
``FhirDecimal`` too, so that writing gives back the same text. Writing emits every ``FhirDecimal``
verbatim as a JSON number.

How it reads, and why. orjson parses about three times faster than the standard library, but it
turns ``1.50`` into the float ``1.5`` and silently keeps the last of duplicate keys. Recovering the
lexemes around orjson (blank the strings with a regex, collect the numbers, walk the tree to put
them back) costs more than orjson saves. So reading uses the standard library's C scanner, which
hands each number's text to ``parse_float`` and each object's pairs to ``object_pairs_hook``
(duplicates refused there), then one ``orjson.dumps`` with indentation measures the depth:
``OPT_INDENT_2`` puts a container's members ``2 * depth`` spaces in and strings never hold a raw
newline, so "a line indented past the limit" is one substring search. Writing is orjson, with each
``FhirDecimal`` as an ``orjson.Fragment``.

Measured with ``benchmarks/wire.py --json-only`` (CPU time, best of 10, the 22 R4 examples in
tests/wire/data, 0.15 MB): orjson.loads 410 MB/s, json.loads 218 MB/s, this reader 120 MB/s,
orjson + regex + walk 35 MB/s; over the whole R4 examples package (5,220 files, 74 MB): 149, 129,
78 and 45 MB/s.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from typing import Any

import orjson

from adapter.errors import InvalidFhir
from adapter.outcome import Issue, OperationOutcome
from adapter.text import control_issues
from adapter.types import FhirJson, FhirPath
from adapter.wire.fhir_decimal import DECIMAL_LEXICAL, FhirDecimal
from adapter.wire.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_JSON_DEPTH, ORJSON_MAX_DEPTH, check_size

_INT64_MIN = -(2**63)
# Where a control character could be: an escape \u0000-\u001F, \u007F-\u009F, or DEL/C1 raw (the
# scanner refuses raw C0). Only then is the tree walked to find the field (adapter.text's policy).
_MAY_HOLD_CONTROL = re.compile(r"\\u00[0189][0-9a-fA-F]|\\u007[fF]|[\x7f-\x9f]")
_UINT64_MAX = 2**64 - 1


class _DuplicateKey(Exception):
    """Raised inside the scanner; the caller re-reads the text to say where every duplicate is."""


class _NotANumber(Exception):
    """NaN and Infinity: the standard library accepts them, JSON does not."""


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _DuplicateKey
    return obj


def _reject_constant(name: str) -> Any:
    raise _NotANumber(name)


def _integer(text: str) -> int | FhirDecimal:
    # -0 is the one integer whose text int() loses; a number's sign is part of what was written.
    return FhirDecimal.trusted(text) if text == "-0" else int(text)


_DECODER = json.JSONDecoder(
    parse_float=FhirDecimal.trusted,
    parse_int=_integer,
    parse_constant=_reject_constant,
    object_pairs_hook=_unique_object,
)


def read_json(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_JSON_DEPTH
) -> FhirJson:
    """Parse FHIR JSON (UTF-8) into dicts and lists, keeping every decimal's exact text.

    Raises InvalidFhir with one Issue saying what is wrong and, where the parser knows, the line and
    column: malformed JSON, a root that is not an object, duplicate keys (one Issue per duplicate,
    with its FHIRPath), nesting deeper than ``max_depth``, input over ``max_bytes``.
    """
    check_size(data, max_bytes, "json")
    text = _decode_utf8(data)
    try:
        parsed = _DECODER.decode(text)
    except _DuplicateKey:
        # The scanner stops at the first duplicate; re-reading names them all, unless the text
        # breaks further on (then the syntax error is what the sender must fix first).
        raise InvalidFhir(OperationOutcome.of(_duplicate_issues(text))) from None
    except json.JSONDecodeError as error:
        raise InvalidFhir.single(
            "structure",
            "json.syntax",
            f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}",
        ) from None
    except _NotANumber as error:
        raise InvalidFhir.single(
            "structure", "json.syntax", f"malformed JSON: {error} is not a JSON number"
        ) from None
    except RecursionError:
        raise _too_deep(max_depth) from None
    except ValueError as error:  # over 4,300 digits for int(), or an exponent over 10**18
        raise InvalidFhir.single(
            "too-costly", "json.number-too-large", f"a number cannot be held: {error}"
        ) from None
    if not isinstance(parsed, dict):
        raise InvalidFhir.single(
            "structure",
            "json.not-object",
            f"a FHIR resource is a JSON object; this document's root is {json_kind(parsed)}",
        )
    _check_depth(parsed, max_depth)
    if _MAY_HOLD_CONTROL.search(text):
        root = parsed.get("resourceType")
        issues = control_issues(parsed, root if isinstance(root, str) else "$this")
        if issues:
            raise InvalidFhir(OperationOutcome.of(issues))
    return parsed


def write_json(resource: FhirJson, *, indent: bool = True) -> bytes:
    """Serialise a resource as UTF-8 JSON, decimals exactly as read (two-space indent by default)."""
    option = orjson.OPT_INDENT_2 if indent else 0
    try:
        return orjson.dumps(resource, default=_json_default, option=option)
    except orjson.JSONEncodeError as error:
        if "Integer exceeds" in str(error):
            widened = copy.deepcopy(resource)
            _widen_big_integers(widened)
            return write_json(widened, indent=indent)
        if "Recursion limit" in str(error):
            raise _too_deep(ORJSON_MAX_DEPTH) from None
        raise InvalidFhir.single(
            "structure", "json.unwritable", f"the resource cannot be written as JSON: {error}"
        ) from None


def _json_default(value: object) -> orjson.Fragment:
    if isinstance(value, FhirDecimal):
        return orjson.Fragment(value.lexeme)
    if isinstance(value, Decimal):
        text = str(value)  # a plain Decimal: its own spelling ("1E+3") is a valid JSON number
        if DECIMAL_LEXICAL.fullmatch(text) is not None:
            return orjson.Fragment(text)
    raise TypeError(f"{type(value).__name__} {value!r} is not a JSON value")


def _decode_utf8(data: bytes) -> str:
    head = data[:4]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head:
        raise InvalidFhir.single(
            "structure",
            "json.encoding",
            "FHIR JSON must be UTF-8; this input looks like UTF-16 or UTF-32",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - data.rfind(b"\n", 0, error.start)
        raise InvalidFhir.single(
            "structure",
            "json.encoding",
            f"FHIR JSON must be UTF-8; byte 0x{data[error.start]:02X} at line {line}, column {column} "
            "is not valid UTF-8",
        ) from None


def _check_depth(parsed: FhirJson, max_depth: int) -> None:
    limit = min(max_depth, ORJSON_MAX_DEPTH)
    try:
        indented = orjson.dumps(parsed, default=_json_default, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError as error:
        message = str(error)
        if "Integer exceeds" in message:
            _widen_big_integers(parsed)
            _check_depth(parsed, max_depth)
            return
        if "Recursion limit" in message:
            raise _too_deep(limit) from None
        raise InvalidFhir.single(
            "structure",
            "json.string",
            f"a string is not valid Unicode ({message}); FHIR strings are Unicode text",
        ) from None
    if b"\n" + b" " * (2 * (limit + 1)) in indented:
        raise _too_deep(limit)


def _too_deep(limit: int) -> InvalidFhir:
    return InvalidFhir(
        OperationOutcome.of(
            [
                Issue.error(
                    "too-costly",
                    "json.too-deep",
                    f"JSON nesting is deeper than {limit} levels of objects and arrays",
                )
            ]
        )
    )


def _widen_big_integers(tree: Any) -> None:
    """Integers orjson cannot hold (beyond 64 bits) become FhirDecimal: only a decimal can be that big."""
    stack = [tree]
    while stack:
        node = stack.pop()
        keys = node.keys() if isinstance(node, dict) else range(len(node))
        for key in keys:
            value = node[key]
            if isinstance(value, dict | list):
                stack.append(value)
            elif type(value) is int and not _INT64_MIN <= value <= _UINT64_MAX:
                node[key] = FhirDecimal.trusted(str(value))


class _Pairs(list[tuple[str, Any]]):
    """An object read with its duplicates kept, to find where they are."""


def _duplicate_issues(text: str) -> list[Issue]:
    try:
        tree = json.loads(text, parse_float=str, parse_int=str, object_pairs_hook=_Pairs)
    except json.JSONDecodeError as error:
        return [
            Issue.error(
                "structure",
                "json.syntax",
                f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            )
        ]
    except RecursionError:
        return [_too_deep(DEFAULT_MAX_JSON_DEPTH).outcome.issues[0]]
    root_type = dict(tree).get("resourceType") if isinstance(tree, _Pairs) else None
    stack: list[tuple[Any, FhirPath]] = [(tree, root_type if isinstance(root_type, str) else "$this")]
    issues: list[Issue] = []
    while stack:
        node, path = stack.pop()
        if isinstance(node, _Pairs):
            seen: set[str] = set()
            for key, value in node:
                if key in seen:
                    issues.append(
                        Issue.error(
                            "structure",
                            "json.duplicate-key",
                            f"duplicate key {key!r}: FHIR JSON does not allow a name twice in one object",
                            f"{path}.{key}",
                        )
                    )
                seen.add(key)
                stack.append((value, f"{path}.{key}"))
        elif isinstance(node, list):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(node))
    return sorted(issues, key=lambda issue: issue.expression or "")


def json_kind(value: object) -> str:
    """A JSON value's kind in words ("an object", "an array", "a string" ...), for messages."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"
