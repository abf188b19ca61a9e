"""FHIRPath invariants: compiled once, evaluated per node, with a short cut for absent children."""

from __future__ import annotations

from adapter.validation.invariants import Invariants, contained_unreferenced, focus_names
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
        rule("managingOrganization.resolve().exists()"),
        {"managingOrganization": {"reference": "Organization/1"}},
        "Patient",
        None,
        None,
    )
    assert isinstance(unsupported, str) and "resolve" in unsupported
    assert invariants.compiled("name.exists()") is invariants.compiled("name.exists()")


def test_dom_3_finds_contained_resources_nothing_refers_to() -> None:
    plan = {
        "resourceType": "CarePlan",
        "contained": [{"resourceType": "Goal", "id": "g1"}, {"resourceType": "Goal", "id": "g2"}],
        "goal": [{"reference": "#g1"}],
    }
    assert contained_unreferenced(plan) == [1]
