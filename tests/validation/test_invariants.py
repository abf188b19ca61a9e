"""FHIRPath invariants: compiled once, evaluated per node, with a short cut for absent children."""

from __future__ import annotations

from adapter.validation.invariants import (
    Invariants,
    contained_unreferenced,
    focus_names,
    start_before_end,
    sufficient_tests,
)
from adapter.validation.records import Constraint


def rule(expression: str) -> Constraint:
    return Constraint("t-1", "error", "test", expression, None)


def test_focus_names_are_the_children_an_expression_reads() -> None:
    assert focus_names("contained.contained.empty()") == frozenset({"contained"})
    assert focus_names("(low.empty() or high.empty()) or (low <= high)") == frozenset({"low", "high"})
    assert focus_names("code.where(system = 'http://x' and code = 'y').exists()") == frozenset(
        {"code", "system"}
    )
    # variables, calls on the focus and type names may read anything: no short cut
    assert focus_names("reference.startsWith('#').not() or %rootResource.contained.exists()") is None
    assert focus_names("hasValue() or children().count() > 1") is None
    assert focus_names("Patient.active.not()") is None


def test_invariants_hold_fail_and_report_what_they_cannot_evaluate() -> None:
    invariants = Invariants()
    period = rule("start.empty() or end.empty() or (start <= end)")
    assert (
        invariants.evaluate(period, {"start": "2020-01-01", "end": "2020-02-01"}, "Period", None, None)
        is True
    )
    assert (
        invariants.evaluate(period, {"start": "2020-03-01", "end": "2020-02-01"}, "Period", None, None)
        is False
    )
    assert invariants.evaluate(period, {"id": "x"}, "Period", None, None) is True
    resource = {"resourceType": "Patient", "active": True}
    assert invariants.evaluate(rule("Patient.active.not()"), resource, "Patient", resource, resource) is False
    unsupported = invariants.evaluate(
        rule("maritalStatus.memberOf('http://hl7.org/fhir/ValueSet/marital-status')"),
        {"maritalStatus": {"text": "single"}},
        "Patient",
        None,
        None,
    )
    assert isinstance(unsupported, str) and "memberOf" in unsupported
    assert invariants.compiled("name.exists()") is invariants.compiled("name.exists()")


def test_dom_3_finds_contained_resources_nothing_refers_to() -> None:
    plan = {
        "resourceType": "CarePlan",
        "contained": [{"resourceType": "Goal", "id": "g1"}, {"resourceType": "Goal", "id": "g2"}],
        "goal": [{"reference": "#g1"}],
    }
    assert contained_unreferenced(plan) == [1]
    shown = {
        **plan,
        "text": {
            "status": "generated",
            "div": '<div xmlns="http://www.w3.org/1999/xhtml"><img src="#g2"/></div>',
        },
    }
    assert contained_unreferenced(shown) == []


def test_sufficient_tests_answer_common_invariant_shapes_without_fhirpath() -> None:
    assert sufficient_tests("patient.exists() or scope.coding.where(code='adr').exists().not()") == (
        ("present", "patient"),
    )
    assert sufficient_tests("detail.empty() or reference.empty()") == (
        ("absent", "detail"),
        ("absent", "reference"),
    )
    assert sufficient_tests("onBehalfOf.exists() implies member.exists()") == (("absent", "onBehalfOf"),)
    assert sufficient_tests("(a or b).exists() and c.exists()") == ()
    invariants = Invariants()
    either = rule("patient.exists() or name.where(use = 'official').exists().not()")
    assert (
        invariants.evaluate(
            either,
            {"patient": {"reference": "Patient/1"}, "name": [{"use": "official"}]},
            "Consent",
            None,
            None,
        )
        is True
    )
    assert invariants.evaluate(either, {"name": [{"use": "official"}]}, "Patient", None, None) is False


def test_per_1_compares_dates_and_instants_natively() -> None:
    assert start_before_end("2020-01-01", "2020-02-01")
    assert not start_before_end("2020-03", "2020-02-01")
    assert start_before_end("2020-02-01T10:00:00+01:00", "2020-02-01T09:30:00Z")
    assert not start_before_end("2020-02-01T10:00:00Z", "2020-02-01T09:30:00Z")
    assert start_before_end("2023-06-20", "2023-06-21T06:20:00Z")
    assert start_before_end("2023-06-21", "2023-06-21")
    # equal as far as both are precise, but to different precisions: not ordered (as the reference)
    assert not start_before_end("2023-06-21", "2023-06-21T06:20:00Z")
    assert not start_before_end("2023-06", "2023-06-21")


def test_bundle_invariants_are_evaluated_natively() -> None:
    from typing import Any

    from adapter.validation import validate

    def errors(bundle_type: str, *entries: dict[str, Any]) -> set[tuple[str, str | None]]:
        bundle = {"resourceType": "Bundle", "type": bundle_type, "entry": list(entries)}
        return {(i.message_id, i.expression) for i in validate(bundle).errors}

    patient = {"resourceType": "Patient", "id": "1"}
    entry: dict[str, Any] = {"fullUrl": "urn:uuid:6f1c2b9e-0d4e-4d52-9d0e-1d2f3a4b5c6d", "resource": patient}
    assert errors("collection", entry) == set()
    requested = {**entry, "request": {"method": "POST", "url": "Patient"}}
    assert ("invariant.bdl-3", "Bundle") in errors("collection", requested)
    assert ("invariant.bdl-3", "Bundle") in errors("transaction", entry)
    assert ("invariant.bdl-3", "Bundle") not in errors("transaction", requested)
    assert ("invariant.bdl-4", "Bundle") in errors("batch-response", entry)
    assert ("invariant.bdl-7", "Bundle") in errors("collection", entry, entry)
    versioned = {"fullUrl": "http://example.test/fhir/Patient/1/_history/2", "resource": patient}
    assert ("invariant.bdl-8", "Bundle.entry[0]") in errors("collection", versioned)
