"""The client's own record (issue 11) in FHIR both ways: standard elements where R4 and UK Core have
them (Patient.communication for the first language, R4 core's patient-interpreterRequired, UK Core's
ethnic category extension), our extensions otherwise (docs/fhir-mapping.md), every one read back;
what has nowhere to go reported."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

from adapter.fhir import from_fhir, to_fhir
from adapter.fhir.extensions import UK_CORE_ETHNIC_CATEGORY_EXTENSION
from adapter.model import load_record
from adapter.model.circumstance_codes import UK_CORE_ETHNIC_CATEGORY
from adapter.types import FhirJson
from adapter.urls import extension_url
from adapter.validation import validate

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
CLIENTS = sorted(FIXTURES.glob("*.json"))


def bundle_of(name: str) -> FhirJson:
    return to_fhir(load_record(orjson.loads((FIXTURES / name).read_bytes())))


def resource(bundle: FhirJson, resource_type: str) -> dict[str, Any]:
    (found,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]
    return dict(found)


@pytest.mark.parametrize("path", CLIENTS, ids=lambda p: p.stem)
def test_every_fixture_s_own_record_round_trips(path: Path) -> None:
    record = load_record(orjson.loads(path.read_bytes()))
    result = from_fhir(copy.deepcopy(to_fhir(record)))
    assert result.unmapped == []
    assert result.record.service_user == record.service_user
    assert (result.record.plan.circumstances, result.record.plan.pregnancy) == (
        record.plan.circumstances,
        record.plan.pregnancy,
    )
    assert (result.record.plan.injecting, result.record.plan.blood_borne_viruses) == (
        record.plan.injecting,
        record.plan.blood_borne_viruses,
    )
    assert result.record.episode == record.episode


def test_the_ethnic_category_is_uk_core_s_extension_with_the_england_code_and_its_display() -> None:
    # UK Core 2.3.0 Extension-UKCore-EthnicCategory: valueCodeableConcept; the display is the one
    # UK Core's CodeSystem UKCore-EthnicCategoryEngland gives code C.
    bundle = bundle_of("02-carat-release.json")
    patient = resource(bundle, "Patient")
    (ethnic,) = [e for e in patient["extension"] if e["url"] == UK_CORE_ETHNIC_CATEGORY_EXTENSION]
    assert ethnic == {
        "url": UK_CORE_ETHNIC_CATEGORY_EXTENSION,
        "valueCodeableConcept": {
            "coding": [
                {
                    "system": UK_CORE_ETHNIC_CATEGORY,
                    "code": "C",
                    "display": "White - Any other White background",
                }
            ]
        },
    }
    assert not [e for e in patient["extension"] if e["url"] == extension_url("ethnic-category")]
    assert validate(bundle).errors == ()


def test_sex_at_birth_sits_beside_gender_not_instead_of_it() -> None:
    patient = resource(bundle_of("08-simultaneous-referral.json"), "Patient")
    assert patient["gender"] == "other"
    (sex,) = [e for e in patient["extension"] if e["url"] == extension_url("sex-at-birth")]
    assert sex["valueCoding"]["code"] == "indeterminate"


def test_hiv_and_hepatitis_tests_are_nested_in_the_blood_borne_virus_status_by_their_own_urls() -> None:
    plan = resource(bundle_of("02-carat-release.json"), "CarePlan")
    (status,) = [e for e in plan["extension"] if e["url"] == extension_url("blood-borne-virus-status")]
    assert [e["url"] for e in status["extension"]] == [
        extension_url("hepatitis-b-vaccination"),
        extension_url("hepatitis-c-test"),
        extension_url("hiv-test"),
    ]
    hiv = status["extension"][2]["extension"]
    assert [(e["url"], next(v for k, v in e.items() if k.startswith("value"))) for e in hiv][:2] == [
        (
            "testing",
            {
                "system": "https://fhir.careplan-adapter.org/CodeSystem/virus-testing",
                "code": "tested",
                "display": "Tested",
            },
        ),
        ("date", "2026-07-14"),
    ]


def test_previous_treatment_is_a_period_a_modality_and_a_place() -> None:
    episode = resource(bundle_of("10-dropout-reengaged.json"), "EpisodeOfCare")
    (history,) = [e for e in episode["extension"] if e["url"] == extension_url("treatment-history")]
    first = history["extension"][1]
    assert first["url"] == extension_url("previous-treatment")
    assert first["extension"][0] == {
        "url": "period",
        "valuePeriod": {"start": "2022-01-10", "end": "2022-06-30"},
    }
    dates = {e["url"]: e.get("valueDate") for e in episode["extension"]}
    assert (
        dates[extension_url("referral-received")],
        dates[extension_url("first-appointment-offered")],
        dates[extension_url("treatment-start")],
    ) == ("2026-04-20", "2026-04-24", "2026-05-05")


def test_the_preferred_language_is_the_first_language_and_another_is_reported_unread() -> None:
    bundle = bundle_of("02-carat-release.json")
    patient = resource(bundle, "Patient")
    patient["communication"] = [
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en"}]}},
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "pl"}]}, "preferred": True},
    ]
    entry = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Patient")
    bundle["entry"][entry]["resource"] = patient
    result = from_fhir(bundle)
    assert result.record.service_user.first_language == "pl"
    assert [issue.expression for issue in result.unmapped] == [
        f"Bundle.entry[{entry}].resource.communication[0]"
    ]


def test_a_language_with_no_bcp_47_coding_is_not_guessed() -> None:
    bundle = bundle_of("02-carat-release.json")
    patient = resource(bundle, "Patient")
    patient["communication"] = [{"language": {"text": "Polish"}, "preferred": True}]
    entry = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Patient")
    bundle["entry"][entry]["resource"] = patient
    result = from_fhir(bundle)
    assert result.record.service_user.first_language is None
    assert [issue.expression for issue in result.unmapped] == [
        f"Bundle.entry[{entry}].resource.communication[0].language"
    ]


def test_uk_core_s_ethnic_category_is_read_from_its_england_coding_and_a_wales_coding_is_reported() -> None:
    bundle = bundle_of("02-carat-release.json")
    entry = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Patient")
    patient = bundle["entry"][entry]["resource"]
    at = next(i for i, e in enumerate(patient["extension"]) if e["url"] == UK_CORE_ETHNIC_CATEGORY_EXTENSION)
    # As another system may write it: a text beside the coding, no display.
    patient["extension"][at]["valueCodeableConcept"] = {
        "coding": [{"system": UK_CORE_ETHNIC_CATEGORY, "code": "M"}],
        "text": "Black Caribbean",
    }
    result = from_fhir(copy.deepcopy(bundle))
    assert result.record.service_user.ethnic_category == "M"
    assert result.unmapped == []
    # A coding of another system (Wales's) has no place in the model: it stays unread and is reported.
    patient["extension"][at]["valueCodeableConcept"]["coding"][0]["system"] = (
        "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryWales"
    )
    result = from_fhir(bundle)
    assert result.record.service_user.ethnic_category is None
    where = f"Bundle.entry[{entry}].resource.extension[{at}]"
    assert [issue.expression for issue in result.unmapped] == [f"{where}.valueCodeableConcept.coding"]


def test_the_plan_s_narrative_says_who_the_client_is_and_what_the_plan_takes_account_of() -> None:
    plan = resource(bundle_of("12-child-protection.json"), "CarePlan")
    div = plan["text"]["div"]
    section = div[div.index("<h3>About the client</h3>") : div.index("</ul>", div.index("About the client"))]
    assert "<li>Pregnant (recorded 2026-10-05, expected delivery 2027-04-19)</li>" in section
    assert "<li>Injecting: never (recorded 2026-02-16)</li>" in section
    assert "children living with the client: all" in section
    assert "<li>HIV: tested on 2026-10-05, negative (Antenatal screening)</li>" in section


def test_a_record_holding_none_of_it_has_no_section_about_the_client() -> None:
    data = orjson.loads((FIXTURES / "04-enhanced-cpa.json").read_bytes())
    for field in ("sex_at_birth", "ethnic_category", "sexual_orientation", "religion", "first_language"):
        data["service_user"].pop(field, None)
    data["service_user"]["disabilities"] = []
    for field in ("circumstances", "injecting"):
        data["plan"].pop(field, None)
    plan = resource(to_fhir(load_record(data)), "CarePlan")
    assert "About the client" not in plan["text"]["div"]
