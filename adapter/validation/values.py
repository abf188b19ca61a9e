"""Fixed and pattern values, and minValue / maxValue / maxLength, as small checks.

``fixed[x]``: the instance equals the value exactly (objects member by member, with nothing extra).
``pattern[x]``: every member the pattern states is in the instance with that value; a pattern
array is met when each of its items matches some instance item.

From FHIR R4 ElementDefinition.fixed[x] ("exactly the same ... no additional values") and
ElementDefinition.pattern[x] (on a complex type, "each element provided in the pattern must be
present in the instance", the instance "may have additional values"): so patternCodeableConcept
is met by a CodeableConcept holding a Coding with the pattern's system and code among others.
minLength is the R4 extension http://hl7.org/fhir/StructureDefinition/minLength (R5's
ElementDefinition.minLength) on the element, checked on a primitive's text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from adapter.outcome import Issue
from adapter.validation.records import ElementRecord


def equals(expected: Any, actual: Any) -> bool:
    """Exact equality of JSON values; numbers by value (1.0 == 1)."""
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(equals(v, actual[k]) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(equals(e, a) for e, a in zip(expected, actual, strict=True))
        )
    return _same_scalar(expected, actual)


def matches_pattern(pattern: Any, actual: Any) -> bool:
    """Does ``actual`` contain everything ``pattern`` states?"""
    if isinstance(pattern, dict):
        return isinstance(actual, dict) and all(
            k in actual and matches_pattern(v, actual[k]) for k, v in pattern.items()
        )
    if isinstance(pattern, list):
        items = actual if isinstance(actual, list) else [actual]
        return all(any(matches_pattern(p, a) for a in items) for p in pattern)
    return _same_scalar(pattern, actual)


def _same_scalar(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return Decimal(str(expected)) == Decimal(str(actual))
    return bool(expected == actual)


def check_fixed(element: ElementRecord, value: Any, path: str, source: str) -> Iterable[Issue]:
    """The instance value must equal the element's fixed value."""
    if element.fixed is not None and not equals(element.fixed, value):
        yield Issue.error(
            "value",
            "value.fixed",
            f"Value is {_show(value)} but is fixed to {_show(element.fixed)} in the profile {source}",
            path,
        )


def check_pattern(element: ElementRecord, value: Any, path: str, source: str) -> Iterable[Issue]:
    """The instance value must contain the element's pattern."""
    if element.pattern is not None and not matches_pattern(element.pattern, value):
        yield Issue.error(
            "value",
            "value.pattern",
            f"Value {_show(value)} does not match the pattern {_show(element.pattern)} "
            f"of the profile {source}",
            path,
        )


def check_limits(
    element: ElementRecord, code: str, value: Any, path: str, now: dt.datetime | None = None
) -> Iterable[Issue]:
    """minValue / maxValue (numbers, dates, Quantity values, Durations from ``now`` on dates),
    maxLength, and the minLength and regex extensions."""
    if element.max_length is not None and isinstance(value, str) and len(value) > element.max_length:
        yield Issue.error(
            "value",
            "value.max-length",
            f"The value is {len(value)} characters long, more than the maximum of {element.max_length}",
            path,
        )
    if element.min_length is not None and isinstance(value, str) and len(value) < element.min_length:
        # The minLength extension (InstanceValidator: PRIMITIVE_TOO_SHORT, an error).
        yield Issue.error(
            "value",
            "value.min-length",
            f"The value is {len(value)} characters long, less than the minimum of {element.min_length}",
            path,
        )
    regex = element.regex
    if regex is not None and isinstance(value, str | int | float) and not _matches(regex, value):
        # The regex extension on the element (InstanceValidator: TYPE_SPECIFIC_CHECKS_DT_PRIMITIVE_REGEX).
        yield Issue.error(
            "value",
            "value.regex",
            f"The value '{value}' does not meet the regex '{regex}'",
            path,
        )
    actual = value.get("value") if isinstance(value, dict) else value
    for bound, is_min in ((element.min_value, True), (element.max_value, False)):
        if bound is None or actual is None:
            continue
        limit = bound.get("value") if isinstance(bound, dict) else bound
        if isinstance(bound, dict) and isinstance(actual, str):
            # A Duration bound on a date: measured from now (minValue: now - d, maxValue: now + d).
            limit = _from_now(bound, -1 if is_min else 1, now)
            if limit is None:
                continue
        if isinstance(bound, dict) and isinstance(value, dict) and not _same_unit(bound, value):
            # Across units only metric prefixes of one UCUM base unit are converted (g and kg).
            converted = _in_unit_of(value, bound)
            if converted is None:
                continue
            actual = converted
        order = _compare(actual, limit)
        if order is None:
            continue
        if (is_min and order < 0) or (not is_min and order > 0):
            word = "less than the minimum" if is_min else "greater than the maximum"
            yield Issue.error(
                "value",
                "value.min" if is_min else "value.max",
                f"The {code} value {actual} is {word} permitted value {limit}",
                path,
            )


def _matches(regex: str, value: Any) -> bool:
    try:
        return re.fullmatch(regex, str(value).lower() if isinstance(value, bool) else str(value)) is not None
    except re.error:
        return True  # a regex Python cannot read is the profile's problem, reported where it is read


UCUM_SECONDS = {"a": 31_557_600, "mo": 2_629_800, "wk": 604_800, "d": 86_400, "h": 3_600, "min": 60, "s": 1}
"""UCUM time units in seconds (a = 365.25 days, mo = a / 12), for Duration bounds on dates."""


def _from_now(duration: dict[str, Any], sign: int, now: dt.datetime | None) -> str | None:
    seconds = UCUM_SECONDS.get(str(duration.get("code")))
    amount = duration.get("value")
    if seconds is None or not isinstance(amount, int | float | Decimal) or isinstance(amount, bool):
        return None
    start = now if now is not None else dt.datetime.now(dt.UTC)
    return (start + sign * dt.timedelta(seconds=float(amount) * seconds)).isoformat()


UCUM = "http://unitsofmeasure.org"
UCUM_BASE_UNITS = frozenset({"g", "L", "l", "m", "mol", "s", "Pa", "J", "W", "Hz", "eq", "U"})
UCUM_PREFIXES = {
    "k": Decimal("1e3"),
    "h": Decimal("1e2"),
    "d": Decimal("1e-1"),
    "c": Decimal("1e-2"),
    "m": Decimal("1e-3"),
    "u": Decimal("1e-6"),
    "n": Decimal("1e-9"),
    "p": Decimal("1e-12"),
}


def _ucum_scale(code: Any) -> tuple[str, Decimal] | None:
    if not isinstance(code, str):
        return None
    if code in UCUM_BASE_UNITS:
        return code, Decimal(1)
    if len(code) > 1 and code[0] in UCUM_PREFIXES and code[1:] in UCUM_BASE_UNITS:
        return code[1:], UCUM_PREFIXES[code[0]]
    return None


def _in_unit_of(value: dict[str, Any], bound: dict[str, Any]) -> Decimal | None:
    """The value's amount in the bound's unit, when both are UCUM prefixes of one base unit."""
    if value.get("system") != UCUM or bound.get("system") != UCUM:
        return None
    have, want, amount = _ucum_scale(value.get("code")), _ucum_scale(bound.get("code")), value.get("value")
    if have is None or want is None or have[0] != want[0]:
        return None
    if not isinstance(amount, int | float | Decimal) or isinstance(amount, bool):
        return None
    return Decimal(str(amount)) * have[1] / want[1]


def _same_unit(bound: dict[str, Any], value: dict[str, Any]) -> bool:
    return (bound.get("system"), bound.get("code")) == (value.get("system"), value.get("code"))


def _compare(actual: Any, limit: Any) -> int | None:
    try:
        if isinstance(actual, int | float | Decimal) and isinstance(limit, int | float | Decimal):
            a, b = Decimal(str(actual)), Decimal(str(limit))
        elif isinstance(actual, str) and isinstance(limit, str):
            a2, b2 = _instant(actual), _instant(limit)
            if a2 is None or b2 is None:
                return None
            return (a2 > b2) - (a2 < b2)
        else:
            return None
    except InvalidOperation:
        return None
    return (a > b) - (a < b)


def _instant(text: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 120 else text[:117] + "..."
