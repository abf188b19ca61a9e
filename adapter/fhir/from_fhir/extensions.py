"""Reading the extension table (:mod:`adapter.fhir.extensions`) into canonical JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapter.fhir.extensions import Complex, Part
from adapter.fhir.from_fhir.context import Import
from adapter.fhir.from_fhir.node import Node
from adapter.fhir.references import Target
from adapter.types import FhirJson
from adapter.urls import extension_url

if TYPE_CHECKING:  # parties reads the Patient's extensions through this module
    from adapter.fhir.from_fhir.parties import Parties


class ExtensionReader:
    """Reads rows of the table from one resource (``source``, for resolving references)."""

    def __init__(self, imp: Import, parties: Parties, source: Target) -> None:
        self.imp = imp
        self.parties = parties
        self.source = source

    def read(self, node: Node, rows: tuple[Part | Complex, ...], out: FhirJson, canonical: str) -> None:
        for row in rows:
            if isinstance(row, Part):
                self._part(node, row, extension_url(row.name), out, canonical)
            else:
                self.complex(node, row, out, canonical)

    def complex(self, node: Node, row: Complex, out: FhirJson, canonical: str) -> None:
        url = extension_url(row.name)
        items: list[FhirJson] = []
        for ext in node.extensions(url):
            where = f"{canonical}.{row.field}[{len(items)}]" if row.repeats else f"{canonical}.{row.field}"
            self.imp.where[where] = ext.path
            item: FhirJson = {}
            for part in row.parts:
                if isinstance(part, Complex):
                    self.complex(ext, part, item, where)
                else:
                    self._part(ext, part, part.name, item, where)
            items.append(item)
            if not row.repeats:
                break  # a second one has nowhere to go: it stays unread and is reported
        value = items if row.repeats else (items[0] if items else None)
        self.imp.put(out, canonical, row.field, value, node.ext_path(url))

    def _part(self, container: Node, part: Part, url: str, out: FhirJson, canonical: str) -> None:
        found = container.extensions(url)
        if part.kind == "period":
            self._period(container, part, url, found, out, canonical)
            return
        if part.repeats:
            values = [self._value(ext, part) for ext in found]
            self.imp.put(
                out, canonical, part.field, [v for v in values if v is not None], container.ext_path(url)
            )
            return
        value = self._value(found[0], part) if found else None
        self.imp.put(out, canonical, part.field, value, found[0].path if found else container.ext_path(url))

    def _period(
        self, container: Node, part: Part, url: str, found: list[Node], out: FhirJson, canonical: str
    ) -> None:
        period = found[0].child(part.value_key) if found else None
        for key, field in (("start", part.field), ("end", part.end_field or "")):
            value = period.value(key) if period is not None else None
            path = f"{period.path}.{key}" if period is not None else container.ext_path(url)
            self.imp.put(out, canonical, field, value, path)

    def _value(self, ext: Node, part: Part) -> Any:
        match part.kind:
            case "code":
                return self.imp.coding(ext.child(part.value_key), part.enum) if part.enum else None
            case "member":
                return self.parties.member_ref(ext.child(part.value_key), self.source)
            case "organisation":
                return self.parties.organisation_ref(ext.child(part.value_key), self.source)
            case _:
                return ext.value(part.value_key)
