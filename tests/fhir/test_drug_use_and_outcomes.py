"""The drug-use profile, the criminal justice referral and the Treatment Outcomes Profile in FHIR:
where each is written, that it reads back, and that bad values are named where they came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from adapter.errors import InvalidFhir
from adapter.fhir import from_fhir, to_fhir
from adapter.model import ClientRecord, load_record
from adapter.types import FhirJson

CLIENTS = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
SD = "https://fhir.careplan-adapter.org/StructureDefinition/"
CS = "https://fhir.careplan-adapter.org/CodeSystem/"


def _client(name: str) -> ClientRecord:
    path = CLIENTS / f"{name}.json"
    if not path.exists():
        pytest.skip(f"fixture {name} not present")
    return load_record(orjson.loads(path.read_bytes()))


def _resource(bundle: FhirJson, resource_type: str) -> tuple[int, FhirJson]:
    return next(
        (i, e["resource"])
        for i, e in enumerate(bundle["entry"])
        if e["resource"]["resourceType"] == resource_type
    )


def _parts(extension: FhirJson) -> dict[str, Any]:
    """A complex extension's parts by url, each the value (or the nested extension itself)."""
    out: dict[str, Any] = {}
    for part in extension["extension"]:
        value = next((v for k, v in part.items() if k.startswith("value")), part)
        out[part["url"]] = value
    return out


def _expressions(bundle: FhirJson) -> list[str]:
    with pytest.raises(InvalidFhir) as caught:
        from_fhir(bundle)
    return sorted(issue.expression or "" for issue in caught.value.outcome.issues)


def test_substance_use_is_written_on_the_care_plan_in_rank_order() -> None:
    bundle = to_fhir(_client("01-custody-triage"))
    _, plan = _resource(bundle, "CarePlan")
    written = [_parts(e) for e in plan["extension"] if e["url"] == SD + "substance-use"]
    assert [
        (p["substance"]["code"], p["rank"], p["route"]["code"], p["daysUsedLast28"]) for p in written
    ] == [
        ("heroin", 1, "injecting", 26),
        ("crack-cocaine", 2, "smoking", 8),
    ]
    assert written[0]["substance"]["system"] == CS + "substance"
    assert written[0]["ageFirstUsed"] == 19 and "ageFirstUsed" not in written[1]


def test_the_criminal_justice_referral_is_written_on_the_episode() -> None:
    bundle = to_fhir(_client("01-custody-triage"))
    _, episode = _resource(bundle, "EpisodeOfCare")
    (referral,) = [_parts(e) for e in episode["extension"] if e["url"] == SD + "criminal-justice-referral"]
    assert referral["date"] == "2026-11-23"
    assert (referral["setting"]["system"], referral["setting"]["code"]) == (
        CS + "referral-setting",
        "police-custody",
    )
    assert (referral["drugTest"]["system"], referral["drugTest"]["code"]) == (
        CS + "drug-test-result",
        "positive-both",
    )
    assert (referral["triggerOffence"], referral["requiredAssessment"]) == ("Theft from a shop", True)


def test_the_top_is_nested_in_its_review_with_its_own_url_and_reads_back() -> None:
    record = _client("09-discharge-aftercare")
    bundle = to_fhir(record)
    _, plan = _resource(bundle, "CarePlan")
    exit_review, post_exit = [e for e in plan["extension"] if e["url"] == SD + "care-plan-review"]
    top = _parts(exit_review)[SD + "top-outcome"]
    assert _parts(top)["alcoholDays"] == 8
    assert _parts(top)["qualityOfLife"] == 16
    assert _parts(top)["atRiskOfEviction"] is False
    # The TOP in full: its stage, an amount on a using day, the crime section, work and education days.
    assert _parts(top)["stage"]["code"] == "exit"
    assert _parts(top)["alcoholUnitsPerDrinkingDay"] == 4
    assert _parts(top)["shopliftingDays"] == 0
    assert _parts(top)["assaultOrViolence"] is False
    assert _parts(top)["paidWorkDays"] == 12
    assert _parts(_parts(post_exit)[SD + "top-outcome"])["stage"]["code"] == "post-exit"
    back = from_fhir(bundle).record
    assert back.plan.reviews == record.plan.reviews
    assert back.episode == record.episode


def test_a_bad_or_missing_top_score_is_named_at_its_extension() -> None:
    bundle = to_fhir(_client("09-discharge-aftercare"))
    _, plan = _resource(bundle, "CarePlan")
    i = next(i for i, e in enumerate(plan["extension"]) if e["url"] == SD + "care-plan-review")
    review = plan["extension"][i]["extension"]
    j = next(j for j, e in enumerate(review) if e["url"] == SD + "top-outcome")
    top = review[j]["extension"]
    k = next(k for k, e in enumerate(top) if e["url"] == "injectingDays")
    top[k]["valueInteger"] = 30
    top[:] = [e for e in top if e["url"] != "qualityOfLife"]
    where = f"Bundle.entry[0].resource.extension[{i}].extension[{j}]"
    assert _expressions(bundle) == [f"{where}.extension('qualityOfLife')", f"{where}.extension[{k}]"]


def test_a_top_on_a_review_without_a_completed_top_is_refused() -> None:
    bundle = to_fhir(_client("09-discharge-aftercare"))
    _, plan = _resource(bundle, "CarePlan")
    i = next(i for i, e in enumerate(plan["extension"]) if e["url"] == SD + "care-plan-review")
    review = plan["extension"][i]["extension"]
    flag = next(e for e in review if e["url"] == "topCompleted")
    flag["valueBoolean"] = False
    j = next(j for j, e in enumerate(review) if e["url"] == SD + "top-outcome")
    assert _expressions(bundle) == [f"Bundle.entry[0].resource.extension[{i}].extension[{j}]"]
