"""Rules found by comparing with the HL7 reference validator, each with a small instance of its own."""

from __future__ import annotations

from typing import Any

from adapter.validation import Validator, validate


def errors(resource: Any, **options: Any) -> set[tuple[str, str | None]]:
    return {(i.message_id, i.expression) for i in validate(resource, **options).errors}


def encounter(start: str, end: str) -> dict[str, Any]:
    return {
        "resourceType": "Encounter",
        "status": "unknown",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "period": {"start": start, "end": end},
    }


def test_per_1_a_date_and_a_time_on_that_day_cannot_be_ordered() -> None:
    same_day = encounter("2023-06-21", "2023-06-21T06:20:00Z")
    assert errors(same_day) == {("invariant.per-1", "Encounter.period")}
    assert errors(encounter("2023-06-20", "2023-06-21T06:20:00Z")) == set()
    assert errors(encounter("2023-06-21T05:00:00Z", "2023-06-21T06:20:00Z")) == set()


def test_example_urls_are_errors_only_when_examples_are_not_allowed() -> None:
    def reference(url: str) -> dict[str, Any]:
        return {
            "resourceType": "DocumentReference",
            "status": "current",
            "content": [{"attachment": {"url": url}}],
        }

    example = reference("http://repository.example.org/fhir/DocumentReference/1")
    assert errors(example) == set()
    strict = Validator(allow_example_urls=False)
    found = {(i.message_id, i.expression) for i in strict.validate(example).errors}
    assert found == {("url.example", "DocumentReference.content[0].attachment.url")}
    assert not strict.validate(reference("http://repository.exampleorg.net/1")).errors
