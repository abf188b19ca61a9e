"""Writing the extension table (:mod:`adapter.fhir.extensions`) from canonical objects."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import BaseModel

from adapter.fhir.extensions import Complex, Part
from adapter.fhir.to_fhir.context import Context, period
from adapter.types import FhirJson
from adapter.urls import extension_url


def _value(ctx: Context, part: Part, value: Any) -> Any:
    if value is None:
        return None
    match part.kind:
        case "date" | "datetime":
            return value.isoformat() if isinstance(value, date) else value
        case "code":
            return ctx.terminology.coding(value)
        case "member":
            return ctx.member_role(value)
        case "organisation":
            return ctx.ref("Organization", value)
        case _:
            return value


def _parts(ctx: Context, part: Part, source: BaseModel, url: str) -> Iterator[FhirJson]:
    """The (sub-)extensions for one row: none when absent, one per item when it repeats."""
    if part.kind == "period":
        value = period(getattr(source, part.field), getattr(source, part.end_field or ""))
        if value is not None:
            yield {"url": url, part.value_key: value}
        return
    raw = getattr(source, part.field)
    for item in raw if part.repeats else [raw]:
        value = _value(ctx, part, item)
        if value is not None:
            yield {"url": url, part.value_key: value}


def write(ctx: Context, rows: tuple[Part | Complex, ...], source: BaseModel) -> list[FhirJson]:
    """``source``'s extensions, row by row. A complex object equal to its default (an agreement with
    nothing agreed or signed) is left out: reading its absence gives the default back."""
    written: list[FhirJson] = []
    for row in rows:
        if isinstance(row, Part):
            written += _parts(ctx, row, source, extension_url(row.name))
        else:
            written += _complexes(ctx, row, source)
    return written


def _complexes(ctx: Context, row: Complex, source: BaseModel) -> Iterator[FhirJson]:
    value = getattr(source, row.field)
    for item in value if row.repeats else [value]:
        if item is None or (not row.repeats and _is_default(source, row.field, item)):
            continue
        yield complex_extension(ctx, row, item)


def complex_extension(ctx: Context, row: Complex, item: BaseModel) -> FhirJson:
    """One complex extension; a nested Complex part is written as its own extension (full url)."""
    parts: list[FhirJson] = []
    for part in row.parts:
        if isinstance(part, Complex):
            parts += _complexes(ctx, part, item)
        else:
            parts += _parts(ctx, part, item, part.name)
    return {"url": extension_url(row.name), "extension": parts}


def _is_default(source: BaseModel, field: str, value: Any) -> bool:
    default = type(source).model_fields[field].get_default(call_default_factory=True)
    return bool(value == default)
