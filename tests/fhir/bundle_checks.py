"""Rule-based checks every exported bundle must pass (used by the fixture, golden and property tests)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from adapter.types import FhirJson


def references(node: Any) -> Iterator[str]:
    """Every ``reference`` string anywhere in ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def check_bundle(bundle: FhirJson) -> None:
    """Parses with fhir.resources R4B; ids unique; fullUrls are urn:uuids of the ids; PUT requests;
    every reference resolves inside the bundle; every resource claims one of our profiles."""
    Bundle.model_validate(bundle)
    assert bundle["type"] == "transaction"
    entries = bundle["entry"]
    ids = [e["resource"]["id"] for e in entries]
    assert len(ids) == len(set(ids)), "resource ids are not unique"
    full_urls = {e["fullUrl"] for e in entries}
    for entry in entries:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        assert entry["request"] == {"method": "PUT", "url": f"{resource['resourceType']}/{resource['id']}"}
        assert resource["meta"]["profile"][0].startswith(
            "https://fhir.careplan-adapter.org/StructureDefinition/"
        )
    dangling = [ref for ref in references(entries) if ref not in full_urls]
    assert dangling == [], f"references that do not resolve inside the bundle: {dangling}"
