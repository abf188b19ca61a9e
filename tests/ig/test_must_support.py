"""What a receiver must not ignore is mustSupport in the IG (issue 11, deliverable 5): the overdose risk
on release, the child-protection flag, current prescribing with its last dose, the release date; and
every fixture's golden bundle still validates against the profiles, with none of the guidance's
"must" invariants (cp-signed, cp-closure-evidence) broken by a fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from compiled_guide import ROOT, SD_BASE, CompiledGuide

from adapter.validation import validate

GOLDEN = sorted((ROOT / "fixtures" / "golden").glob("*.bundle.json"))

MUST_SUPPORT = {
    "DrugTreatmentCarePlan": [
        "CarePlan.extension:riskAssessment",
        "CarePlan.extension:riskManagementPlan",
        "CarePlan.extension:childProtectionConcern",
        "CarePlan.extension:custody",
        "CarePlan.activity",
        "CarePlan.activity.detail",
        "CarePlan.activity.detail.product[x]",
        "CarePlan.activity.detail.dailyAmount",
        "CarePlan.activity.detail.extension:doseStrength",
        "CarePlan.activity.detail.extension:lastDose",
        "CarePlan.activity.detail.extension:prescriber",
        "CarePlan.activity.detail.extension:dispensingPharmacy",
    ],
    "risk-assessment": ["Extension.extension:overdoseRiskOnRelease", "Extension.extension:level"],
    "child-protection-concern": ["Extension.extension:raised", "Extension.extension:inRiskManagementPlan"],
    "custody": ["Extension.extension:releaseDate", "Extension.extension:receivingCjit"],
    "handover-prescribing": ["Extension.extension:dailyDose", "Extension.extension:lastDose"],
}


@pytest.mark.parametrize(
    ("profile", "element_id"),
    [(profile, element) for profile, elements in MUST_SUPPORT.items() for element in elements],
)
def test_what_a_receiver_must_not_ignore_is_must_support(
    ig: CompiledGuide, profile: str, element_id: str
) -> None:
    assert ig.element(profile, element_id).get("mustSupport") is True


def test_the_optional_detail_is_not_must_support(ig: CompiledGuide) -> None:
    """mustSupport is kept for what matters: a social care summary or a referral date is not flagged."""
    definition = ig.get(SD_BASE + "DrugTreatmentCarePlan")
    flagged = {e["id"] for e in definition["differential"]["element"] if e.get("mustSupport")}
    assert "CarePlan.extension:substanceUse" not in flagged
    assert "CarePlan.activity.detail.extension:referredOn" not in flagged


@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: p.name.split(".")[0])
def test_every_golden_validates_without_errors_or_broken_must_invariants(golden: Path) -> None:
    result = validate(json.loads(golden.read_text("utf-8")))
    assert [(i.message_id, i.expression, i.text) for i in result.errors] == []
    broken = [i for i in result.issues if any(key in i.text for key in ("cp-signed", "cp-closure-evidence"))]
    assert broken == []


def _plan_entry(bundle: dict[str, object]) -> tuple[int, dict[str, object]]:
    entries = bundle["entry"]
    assert isinstance(entries, list)
    for index, entry in enumerate(entries):
        if entry["resource"]["resourceType"] == "CarePlan":
            return index, entry["resource"]
    raise AssertionError("no CarePlan")


def _extension(plan: dict[str, object], name: str) -> dict[str, object]:
    extensions = plan["extension"]
    assert isinstance(extensions, list)
    return next(e for e in extensions if e["url"] == SD_BASE.replace("StructureDefinition/", "") + name)


@pytest.mark.parametrize(
    ("golden", "extension", "part", "key"),
    [
        (
            "02-carat-release",
            "StructureDefinition/service-user-agreement",
            "signedByServiceUser",
            "cp-signed",
        ),
        ("11-prison-transfer", "StructureDefinition/closure", "evidenceOnFile", "cp-closure-evidence"),
    ],
)
def test_the_validator_warns_at_the_careplan_when_a_must_invariant_is_broken(
    golden: str, extension: str, part: str, key: str
) -> None:
    bundle = json.loads((ROOT / "fixtures" / "golden" / f"{golden}.bundle.json").read_text("utf-8"))
    index, plan = _plan_entry(bundle)
    parts = _extension(plan, extension)["extension"]
    assert isinstance(parts, list)
    [value] = [p for p in parts if p["url"] == part]
    value["valueBoolean"] = False
    result = validate(bundle)
    assert not result.errors
    found = [(i.severity, i.expression) for i in result.issues if key in i.text]
    assert found == [("warning", f"Bundle.entry[{index}].resource")]
