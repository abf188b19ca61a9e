"""What compiled FHIRPath closures compute with: plain JSON values, FHIRPath's rules over them.

A collection is a Python list of JSON values (dict, list items, str, bool, int, float, Decimal).
A primitive that carries a primitive extension (``_given``) is one :class:`Primitive` item, as in
FHIRPath on FHIR, where value and extensions are one node; without one it is its bare value, so
the common case costs nothing.

Two exceptions leave a closure: :class:`Defer` (this value is one the native evaluator will not
decide - the caller asks fhirpathpy instead) and :class:`EvaluationError` (FHIRPath itself says
the expression fails here, e.g. a singleton was expected).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


class Defer(Exception):
    """A value the native evaluator does not decide (a date of another precision...)."""


class EvaluationError(Exception):
    """FHIRPath says the evaluation fails (a collection where a single value is required)."""


@dataclass(frozen=True, slots=True)
class Primitive:
    """A primitive value (None when absent) with its primitive extension object (``_field``)."""

    value: Any
    extras: Any


def bare(item: Any) -> Any:
    """The JSON value of an item: a primitive's value, or the item itself."""
    return item.value if isinstance(item, Primitive) else item


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def singleton(items: list[Any], what: str) -> Any:
    """The one value of a collection (None when empty); more than one is an evaluation error."""
    if len(items) > 1:
        raise EvaluationError(f"{what} expects a single value, got {len(items)}")
    return bare(items[0]) if items else None


def to_boolean(items: list[Any]) -> bool | None:
    """Singleton evaluation of collections as a Boolean: empty is unknown (None), one Boolean is
    itself, any other single item is true, more than one is an error."""
    if not items:
        return None
    value = singleton(items, "a Boolean operand")
    return value if isinstance(value, bool) else True


TEMPORAL_TEXT = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?(T.*)?|\d{2}:\d{2}(:\d{2}.*)?)$")
DATE_ONLY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def items_equal(left: Any, right: Any, temporal: str) -> bool:
    """FHIRPath ``=`` of two single items. ``temporal`` says what the static types tell about
    dates: "plain" (neither side can be one), "temporal" (one side is) or "unknown"."""
    a, b = bare(left), bare(right)
    if a is None or b is None:
        raise Defer("a primitive with extensions but no value")
    if isinstance(a, str) and isinstance(b, str):
        # A date compares by precision, not as text: FHIRPath's rules, left to fhirpathpy.
        if temporal == "temporal" or (
            temporal == "unknown" and (TEMPORAL_TEXT.match(a) or TEMPORAL_TEXT.match(b))
        ):
            raise Defer("date or time equality")
        return a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return bool(Decimal(str(a)) == Decimal(str(b)))
    if isinstance(a, dict) and isinstance(b, dict):
        return a == b
    return False


def collections_equal(left: list[Any], right: list[Any], temporal: str) -> bool | None:
    """FHIRPath ``=`` on collections: empty when either is empty, false when the sizes differ,
    else item by item in order."""
    if not left or not right:
        return None
    if len(left) != len(right):
        return False
    return all(items_equal(a, b, temporal) for a, b in zip(left, right, strict=True))


def compare(left: list[Any], right: list[Any], temporal: str) -> int | None:
    """The order of two singletons (-1, 0, 1), or None when either is empty."""
    a, b = singleton(left, "a comparison"), singleton(right, "a comparison")
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        x, y = Decimal(str(a)), Decimal(str(b))
    elif isinstance(a, str) and isinstance(b, str):
        dated = temporal == "temporal" or (
            temporal == "unknown" and bool(TEMPORAL_TEXT.match(a) or TEMPORAL_TEXT.match(b))
        )
        # Dates of one precision without a time order as text; anything else has FHIRPath rules
        # (time zones, uncertain results) that fhirpathpy applies.
        if dated and not (DATE_ONLY.match(a) and DATE_ONLY.match(b) and len(a) == len(b)):
            raise Defer("date or time comparison")
        x, y = a, b  # type: ignore[assignment]
    else:
        raise EvaluationError(f"cannot compare {type(a).__name__} with {type(b).__name__}")
    return (x > y) - (x < y)


UCUM = "http://unitsofmeasure.org"


def compare_quantities(left: list[Any], right: list[Any]) -> int | None:
    """The order of two single Quantities in the same UCUM unit, None when either is empty.
    Other units need UCUM conversion, and a comparator makes a value uncertain: deferred."""
    a, b = singleton(left, "a comparison"), singleton(right, "a comparison")
    if a is None or b is None:
        return None
    if not (isinstance(a, dict) and isinstance(b, dict)):
        raise EvaluationError("a Quantity comparison needs Quantities")
    same_unit = a.get("system") == b.get("system") == UCUM and a.get("code") == b.get("code") is not None
    x, y = a.get("value"), b.get("value")
    if not same_unit or "comparator" in a or "comparator" in b or not (is_number(x) and is_number(y)):
        raise Defer("Quantities in other units, with a comparator or without a value")
    first, second = Decimal(str(x)), Decimal(str(y))
    return (first > second) - (first < second)


def identity(item: Any) -> str:
    """A key equal for equal items, for distinct() and isDistinct()."""
    value = bare(item)
    if isinstance(value, str):
        return "s:" + value
    if is_number(value):
        return f"n:{Decimal(str(value)).normalize()}"
    return json.dumps(value, sort_keys=True, default=str)


def concatenate(left: list[Any], right: list[Any], empty_is_text: bool) -> list[Any]:
    """``&`` (an empty side is '') and ``+`` on strings (an empty side makes the result empty)."""
    a, b = singleton(left, "a concatenation"), singleton(right, "a concatenation")
    if (a is None or b is None) and not empty_is_text:
        return []
    a, b = "" if a is None else a, "" if b is None else b
    if isinstance(a, str) and isinstance(b, str):
        return [a + b]
    if is_number(a) and is_number(b) and not empty_is_text:
        both_integers = isinstance(a, int) and isinstance(b, int)
        return [a + b if both_integers else Decimal(str(a)) + Decimal(str(b))]
    raise EvaluationError(f"cannot add {type(a).__name__} and {type(b).__name__}")
