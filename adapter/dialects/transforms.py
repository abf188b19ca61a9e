"""Named, pure field transforms that mapping tables refer to.

A transform is a pair of functions: ``read`` turns a system's value into the canonical one, ``write``
turns it back. Tables name them with their arguments (``{date: {format: "%d/%m/%Y"}}``); the engine
applies a field's transforms in order when reading and in reverse order when writing. A value a
transform cannot take raises :class:`TransformError` with a message saying what was expected; a
code-map lookup that had to use its declared fallback raises :class:`FellBack` with the value it
used, so the engine can carry on and report a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from adapter.dialects.codemaps import CodeMap, Lookup
from adapter.dialects.errors import TransformError
from adapter.model.coordination import CareManagerLimb

Args = Mapping[str, Any]

__all__ = ["TRANSFORMS", "FellBack", "Transform", "TransformError"]


class FellBack(Exception):
    """A code map used its declared fallback: ``value`` is what it produced, ``notes`` say why."""

    def __init__(self, value: Any, notes: list[str]) -> None:
        super().__init__("; ".join(notes))
        self.value = value
        self.notes = notes


@dataclass(frozen=True, slots=True)
class Transform:
    """A named pair of pure functions: system value -> canonical value, and back."""

    name: str
    read: Callable[[Any, Args], Any]
    write: Callable[[Any, Args], Any]


def _human(pattern: str) -> str:
    for directive, shown in (("%d", "DD"), ("%m", "MM"), ("%Y", "YYYY"), ("%H", "hh"), ("%M", "mm")):
        pattern = pattern.replace(directive, shown)
    return pattern.replace("%S", "ss").replace("%z", "+hhmm")


def _date_read(value: Any, args: Args) -> str:
    pattern = str(args["format"])
    try:
        return datetime.strptime(str(value).strip(), pattern).date().isoformat()
    except ValueError:
        raise TransformError(f"expected a date as {_human(pattern)}, got '{value}'") from None


def _date_write(value: Any, args: Args) -> str:
    return date.fromisoformat(str(value)).strftime(str(args["format"]))


def _zone(args: Args) -> ZoneInfo:
    return ZoneInfo(str(args.get("timezone", "Europe/London")))


def _datetime_read(value: Any, args: Args) -> str:
    pattern = str(args["format"])
    try:
        moment = datetime.strptime(str(value).strip(), pattern)
    except ValueError:
        raise TransformError(f"expected a date and time as {_human(pattern)}, got '{value}'") from None
    # Systems that record local wall-clock time leave the offset out: the table says which zone.
    if moment.tzinfo is None:
        moment = _local(moment, _zone(args), value)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _local(wall: datetime, zone: ZoneInfo, value: Any) -> datetime:
    """``wall`` as a time in ``zone``, refusing a wall-clock time the zone skips (the hour the clocks
    go forward) or passes twice (the hour they go back): reading one as either instant could put a
    last dose an hour out (hazard H-13)."""
    early, late = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    if early.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise TransformError(
            f"'{value}' is a local time that does not exist in {zone.key} (the clocks go forward): give "
            f"the UTC offset"
        )
    if early.utcoffset() != late.utcoffset():
        raise TransformError(
            f"'{value}' is a local time that occurs twice in {zone.key} (the clocks go back): give the "
            f"UTC offset"
        )
    return early


def _datetime_write(value: Any, args: Args) -> str:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.astimezone(_zone(args)).strftime(str(args["format"]))


def _boolean_read(value: Any, args: Args) -> bool:
    true, false = str(args.get("when_true", "Y")), str(args.get("when_false", "N"))
    token = str(value).strip()
    if token == true:
        return True
    if token == false:
        return False
    raise TransformError(f"expected '{true}' or '{false}', got '{value}'")


def _boolean_write(value: Any, args: Args) -> str:
    return str(args.get("when_true", "Y")) if value else str(args.get("when_false", "N"))


def _split_read(value: Any, args: Args) -> list[str]:
    separator = str(args.get("separator", ";"))
    return [part.strip() for part in str(value).split(separator) if part.strip()]


def _split_write(value: Any, args: Args) -> str:
    return str(args.get("separator", ";")).join(str(item) for item in value)


_WHITESPACE = re.compile(r"\s+")


def _words_read(value: Any, args: Args) -> list[str]:
    return [word for word in _WHITESPACE.split(str(value).strip()) if word]


def _words_write(value: Any, args: Args) -> str:
    return " ".join(str(item) for item in value)


def _surname_first_read(value: Any, args: Args) -> dict[str, Any]:
    family, comma, given = str(value).partition(",")
    if not comma or not family.strip() or not given.strip():
        raise TransformError(f"expected 'SURNAME, Forenames', got '{value}'")
    return {"family": family.strip(), "given": _words_read(given, args)}


def _surname_first_write(value: Any, args: Args) -> str:
    return f"{value['family']}, {' '.join(value['given'])}"


def _decimal_read(value: Any, args: Args) -> str:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise TransformError(f"expected a number, got '{value}'") from None
    if not number.is_finite():
        raise TransformError(f"expected a finite number, got '{value}'")
    return str(number)


def _decimal_write(value: Any, args: Args) -> str:
    return str(value)


def _code_apply(lookup: Callable[[str], Lookup], value: Any) -> Any:
    if isinstance(value, list):
        results = [lookup(str(item)) for item in value]
        mapped: Any = [result.code for result in results]
        notes = [result.note for result in results if result.note]
    else:
        result = lookup(str(value))
        mapped, notes = result.code, [result.note] if result.note else []
    if notes:
        raise FellBack(mapped, notes)
    return mapped


def _code_read(value: Any, args: Args) -> Any:
    codemap: CodeMap = args["map"]
    return _code_apply(codemap.to_canonical, value)


def _code_write(value: Any, args: Args) -> Any:
    codemap: CodeMap = args["map"]
    return _code_apply(codemap.to_system, value)


def _dated_flag_read(value: Any, args: Args) -> dict[str, Any]:
    # A signature date on file is the evidence that the plan was signed.
    return {"date": value, "flag": True}


def _dated_flag_write(value: Any, args: Args) -> Any:
    if value.get("flag") and value.get("date") is None:
        raise TransformError("marked signed but no signature date; the system records only the date")
    return value.get("date")


_LIMBS = tuple(limb.value for limb in CareManagerLimb)


def _criteria_met_read(value: Any, args: Args) -> list[dict[str, Any]] | None:
    """A system that keeps only "criteria met" (yes/no): yes means every limb of seed 003's criteria
    for care manager involvement is met (the protocol joins them with "and"), with no evidence; no does
    not say which limb failed, so nothing is read (the writer reports what such a system loses)."""
    if not _boolean_read(value, args):
        return None
    return [{"limb": limb, "met": True} for limb in _LIMBS]


def _criteria_met_write(value: Any, args: Args) -> str:
    met = {item.get("limb"): item.get("met") for item in value}
    return _boolean_write(all(met.get(limb) for limb in _LIMBS), args)


TRANSFORMS: dict[str, Transform] = {
    transform.name: transform
    for transform in (
        Transform("date", _date_read, _date_write),
        Transform("datetime", _datetime_read, _datetime_write),
        Transform("boolean", _boolean_read, _boolean_write),
        Transform("split", _split_read, _split_write),
        Transform("words", _words_read, _words_write),
        Transform("surname_first", _surname_first_read, _surname_first_write),
        Transform("decimal", _decimal_read, _decimal_write),
        Transform("code", _code_read, _code_write),
        Transform("dated_flag", _dated_flag_read, _dated_flag_write),
        Transform("criteria_met", _criteria_met_read, _criteria_met_write),
    )
}
"""Every transform a table may name. ``code`` takes ``map``: the name of one of the system's code maps."""
