"""Every OperationDefinition the server's CapabilityStatement names is defined: ours in the IG (with the
code, resource and parameters the server's route implements), R4 core's in the R4 core package."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from compiled_guide import CompiledGuide

from adapter.model.codes import CANONICAL_BASE
from adapter.server import Settings
from adapter.server.routes.metadata import CHECK_OPERATION, capability_statement
from adapter.types import FhirJson

CORE_OPERATIONS = "http://hl7.org/fhir/OperationDefinition/"
# Where SUSHI keeps the R4 core package (scripts/build_ig.sh lays it out); absent on a fresh clone.
CORE_PACKAGE = Path.home() / ".fhir" / "packages" / "hl7.fhir.r4.core#4.0.1" / "package"


def _named() -> list[tuple[str, str, str | None]]:
    """(operation name, definition URL, resource type or None for a system-level operation)."""
    statement = capability_statement(Settings(ods="Y02345"), date(2026, 11, 25))
    named: list[tuple[str, str, str | None]] = []
    for rest in statement["rest"]:
        for resource in rest.get("resource", []):
            named += [
                (op["name"], op["definition"], resource["type"]) for op in resource.get("operation", [])
            ]
        named += [(op["name"], op["definition"], None) for op in rest.get("operation", [])]
    return named


NAMED = _named()
OURS = [entry for entry in NAMED if entry[1].startswith(f"{CANONICAL_BASE}/")]
CORE = [entry for entry in NAMED if entry[1].startswith(CORE_OPERATIONS)]


def test_every_operation_named_is_ours_or_r4_cores() -> None:
    assert NAMED and len(NAMED) == len(OURS) + len(CORE)
    assert [url for _, url, _ in OURS] == [CHECK_OPERATION]


@pytest.mark.parametrize(("name", "url", "resource_type"), OURS, ids=[url for _, url, _ in OURS])
def test_our_operations_are_defined_in_the_ig_as_the_statement_names_them(
    ig: CompiledGuide, name: str, url: str, resource_type: str | None
) -> None:
    definition = ig.get(url)
    assert definition["resourceType"] == "OperationDefinition"
    assert definition["code"] == name
    assert definition["kind"] == "operation" and definition["status"] in {"draft", "active"}
    if resource_type is None:
        assert definition["system"] is True
    else:
        assert resource_type in definition["resource"] and definition["type"] is True


def _parameters(definition: FhirJson) -> dict[tuple[str, str], tuple[int, str, str]]:
    return {(p["use"], p["name"]): (p["min"], p["max"], p["type"]) for p in definition.get("parameter", [])}


def test_check_takes_a_resource_and_returns_an_operation_outcome(ig: CompiledGuide) -> None:
    definition = ig.get(CHECK_OPERATION)
    assert _parameters(definition) == {
        ("in", "resource"): (1, "1", "Resource"),
        ("out", "return"): (1, "1", "OperationOutcome"),
    }
    # POST /CarePlan/$check (adapter/server/routes/check.py): type level only, and nothing is stored.
    assert (definition["system"], definition["type"], definition["instance"]) == (False, True, False)
    assert definition["affectsState"] is False
    assert "Bundle" in definition["parameter"][0]["documentation"]
    assert "CarePlan" in definition["parameter"][0]["documentation"]


def test_the_ig_lists_the_operation_definition(ig: CompiledGuide) -> None:
    guide = next(r for r in ig.files.values() if r["resourceType"] == "ImplementationGuide")
    listed = {r["reference"]["reference"] for r in guide["definition"]["resource"]}
    assert "OperationDefinition/CarePlan-check" in listed


@pytest.mark.parametrize(("name", "url", "resource_type"), CORE, ids=[url for _, url, _ in CORE])
def test_r4_core_operations_exist_in_the_core_package(name: str, url: str, resource_type: str | None) -> None:
    if not (CORE_PACKAGE / "package.json").is_file():
        pytest.skip(f"the R4 core package is not laid out at {CORE_PACKAGE} (scripts/build_ig.sh does it)")
    path = CORE_PACKAGE / f"OperationDefinition-{url.removeprefix(CORE_OPERATIONS)}.json"
    assert path.is_file(), f"R4 core has no {url}"
    definition = json.loads(path.read_text("utf-8"))
    assert (definition["url"], definition["code"]) == (url, name)
    if resource_type is not None:
        assert resource_type in definition["resource"] or "Resource" in definition["resource"]
