"""FHIR systems: the system sends and receives FHIR R4 (through adapter.fhir) but keeps only part of
the canonical record. Its table lists the canonical paths it keeps (``carries``, ``[]`` for any
index) and those it cannot do without (``requires``).

Reading maps the bundle with :func:`adapter.fhir.from_fhir` and keeps what the system keeps; the
unmapped list holds the FHIRPaths from_fhir could not map, then the canonical paths of what the
bundle held that the system does not keep. Writing keeps what the system keeps, checks the result
is still a whole record, and maps it with :func:`adapter.fhir.to_fhir`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from adapter.dialects import paths
from adapter.dialects.defaults import is_default
from adapter.dialects.engine import Loss
from adapter.dialects.errors import InvalidSystemRecord
from adapter.dialects.results import Conversion, Written
from adapter.errors import AdapterError
from adapter.model import ClientRecord, dump_record, load_record
from adapter.outcome import Issue, OperationOutcome

_INDEX = re.compile(r"\[\d+\]")


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith((prefix + ".", prefix + "["))


@dataclass(frozen=True, slots=True)
class FhirDialect:
    """A system whose wire format is FHIR R4 and which keeps the canonical paths in ``carries``."""

    name: str
    carries: tuple[str, ...]
    requires: tuple[str, ...]
    wire: str = "json"
    max_bytes: int = 10 * 1024 * 1024

    def _kept(self, path: str) -> bool:
        general = _INDEX.sub("[]", path)
        return any(_under(general, pattern) for pattern in self.carries)

    def _leads_on(self, path: str) -> bool:
        general = _INDEX.sub("[]", path)
        return any(_under(pattern, general) for pattern in self.carries)

    def _keep(self, value: Any, path: str) -> Any:
        if self._kept(path):
            return value
        if path and not self._leads_on(path):
            return None
        if isinstance(value, dict):
            kept = {key: self._keep(item, paths.join(path, key)) for key, item in value.items()}
            return {key: item for key, item in kept.items() if item is not None} or None
        if isinstance(value, list):
            items = [self._keep(item, f"{path}[{index}]") for index, item in enumerate(value)]
            return [item for item in items if item is not None] or None
        return None

    def _project(self, canonical: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        kept = self._keep(canonical, "") or {}
        review = canonical.get("plan", {}).get("import_review")
        if review is not None and isinstance(kept.get("plan"), dict):
            # The imported-for-review marker travels with the "not stated" values it explains: a
            # projection that kept those without it would be a plan no one knows to review.
            kept["plan"]["import_review"] = review
        dropped = [
            path
            for path, value in paths.leaf_values(canonical)
            if not self._kept(path)
            and not is_default(path, value)
            and not path.startswith("plan.import_review")
        ]
        return kept, dropped

    def _load(self, canonical: dict[str, Any]) -> ClientRecord:
        try:
            return load_record(canonical)
        except AdapterError as error:
            raise InvalidSystemRecord(error.outcome) from None

    def read_records(self, data: bytes) -> list[Conversion]:
        """The one client record in a FHIR bundle, cut down to what the system keeps."""
        from adapter.fhir import read_plan
        from adapter.wire import read_resource

        # A GP system's plan is another system's: read as the importer reads it (ours strictly).
        try:
            result = read_plan(read_resource(data, max_bytes=self.max_bytes))
        except AdapterError as error:
            raise InvalidSystemRecord(error.outcome) from None
        kept, dropped = self._project(dump_record(result.record))
        unmapped = tuple(issue.expression or "Bundle" for issue in result.unmapped)
        return [Conversion(self._load(kept), unmapped, OperationOutcome.of(result.unmapped), tuple(dropped))]

    def iter_records(self, data: bytes) -> Iterator[Conversion]:
        """The one client record, as :meth:`read_records` gives it."""
        yield from self.read_records(data)

    def write_record(self, record: ClientRecord) -> Written:
        """The part of ``record`` the system keeps, as a FHIR bundle; the rest reported as losses."""
        from adapter.fhir import to_fhir
        from adapter.wire import write_resource

        canonical = dump_record(record)
        missing = [path for path in self.requires if paths.get(canonical, path) is None]
        if missing:
            raise InvalidSystemRecord.of(
                [
                    Issue.error(
                        "required", "dialects.required", f"{path}: {self.name} requires a value", path
                    )
                    for path in missing
                ]
            )
        kept, dropped = self._project(canonical)
        try:
            bundle = to_fhir(self._load(kept))
        except InvalidSystemRecord:
            raise
        except AdapterError as error:
            raise InvalidSystemRecord(error.outcome) from None
        losses = tuple(Loss(path, f"{self.name} does not keep it") for path in dropped)
        return Written(
            write_resource(bundle, "xml" if self.wire == "xml" else "json"), losses, OperationOutcome()
        )
