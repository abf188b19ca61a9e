"""The minimisation table's ``without``: parts left out of each item of a list element that travels
(probation is told the client is in treatment, not the dose: seed 003 DRR; hazard H-46)."""

from __future__ import annotations

import pytest
from handover_cases import fixture

from adapter.handover import minimise, rule_for
from adapter.handover.rules import _check_without
from adapter.model.codes import OrganisationKind


def test_probation_gets_the_interventions_without_their_prescribing() -> None:
    record = fixture("05-community-drr.json")
    rule = rule_for(OrganisationKind.PROBATION)
    assert rule is not None and ("interventions", frozenset({"prescribing"})) in rule.without
    sent = minimise(record, rule, record.consents[0])
    assert [(i.id, i.modality, i.status) for i in sent.plan.interventions] == [
        (i.id, i.modality, i.status) for i in record.plan.interventions
    ]
    assert any(i.prescribing for i in record.plan.interventions)
    assert all(i.prescribing is None for i in sent.plan.interventions)


@pytest.mark.parametrize(
    ("element", "parts", "expected"),
    [
        ("interventions", {"dose"}, "['dose'] are not optional parts of interventions"),
        ("interventions", {"id"}, "['id'] are not optional parts of interventions"),
        ("risk", {"summary"}, "['summary'] are not optional parts of risk"),
        ("notes", {"text"}, "'without' on notes, which has no parts"),
    ],
)
def test_a_without_the_model_does_not_have_is_refused_when_the_table_is_read(
    element: str, parts: set[str], expected: str
) -> None:
    with pytest.raises(ValueError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        _check_without("probation", element, frozenset(parts))
