"""Codes from systems the validator does not hold, checked by a terminology service the caller
names: a real HTTP server on loopback serving our IG's code systems ($expand, $validate-code).

The validator under test holds R4 core only, so our IG's code systems are "external" to it, as
SNOMED CT or LOINC are to a real run."""

from __future__ import annotations

from typing import Any

import httpx

from adapter.definitions import Definitions
from adapter.validation.terminology_service import TerminologyServer
from tests.validation.terminology_server import terminology_server
from tests.validation.validation_builders import profile, validator

DOMAIN = "https://fhir.careplan-adapter.org/CodeSystem/care-plan-domain"
DOMAIN_VS = "https://fhir.careplan-adapter.org/ValueSet/care-plan-domain"
VALUE_SET = Definitions.default().require(DOMAIN_VS)
CATEGORISED = profile(
    "CategorisedGoal",
    "Goal",
    [
        {
            "id": "Goal.category",
            "path": "Goal.category",
            "binding": {"strength": "required", "valueSet": DOMAIN_VS},
        }
    ],
)


def goal(code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": DOMAIN, "code": code} | ({"display": display} if display else {})
    return {
        "resourceType": "Goal",
        "lifecycleStatus": "active",
        "category": [{"coding": [coding]}],
        "description": {"text": "Stop using heroin"},
        "subject": {"reference": "Patient/1"},
        "text": {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">Goal</div>'},
    }


def by_id(outcome: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for issue in outcome.issues:
        found.setdefault(issue.message_id, []).append(f"{issue.severity} {issue.expression}")
    return found


def test_without_a_service_unchecked_codes_are_named() -> None:
    outcome = validator(VALUE_SET, CATEGORISED).validate(goal("nonsense"), profiles=[CATEGORISED["url"]])
    found = by_id(outcome)
    assert found["terminology.unchecked"] == ["information Goal.category[0].coding[0]"]
    assert found["binding.unverifiable"] == ["warning Goal.category[0]"]
    assert outcome.ok


def test_a_service_checks_codes_and_displays_of_systems_not_held() -> None:
    with terminology_server() as (url, requests):
        checker = validator(VALUE_SET, CATEGORISED, terminology_server=url)
        good = checker.validate(goal("offending", "Offending"), profiles=[CATEGORISED["url"]])
        assert [i for i in good.issues if i.severity != "information"] == []
        assert "terminology.unchecked" not in by_id(good)

        bad = checker.validate(goal("nonsense"), profiles=[CATEGORISED["url"]])
        assert by_id(bad)["coding.invalid-external"] == ["error Goal.category[0].coding[0]"]
        assert by_id(bad)["binding.required"] == ["error Goal.category[0]"]
        assert (
            "Unknown code 'nonsense'" in bad.errors[0].text or "Unknown code 'nonsense'" in bad.errors[1].text
        )

        wrong_display = checker.validate(goal("offending", "Crime"))
        assert by_id(wrong_display)["coding.invalid-external"] == ["error Goal.category[0].coding[0]"]
        assert "Wrong display" in wrong_display.errors[0].text

        # answers are cached for the run: asking again reaches the server no more
        served = len(requests)
        checker.validate(goal("nonsense"), profiles=[CATEGORISED["url"]])
        assert len(requests) == served
        assert "ValueSet/$expand" in requests and "CodeSystem/$validate-code" in requests


def test_a_client_may_be_given_and_an_unreachable_service_is_a_warning_not_an_error() -> None:
    with terminology_server() as (url, requests):
        with httpx.Client(base_url=url + "/") as client:
            outcome = validator(terminology_server=client).validate(goal("health"))
        assert outcome.ok and requests == ["CodeSystem/$validate-code"]
    # the server has stopped: nothing answers on its port any more
    outcome = validator(terminology_server=url).validate(goal("health"))
    assert by_id(outcome)["terminology.unavailable"] == ["warning Goal.category[0].coding[0]"]
    assert outcome.ok


def test_a_value_set_too_large_to_expand_is_asked_code_by_code() -> None:
    with terminology_server() as (url, requests):
        # our value set has four codes; the server lists two and its total says four
        lookup = TerminologyServer(url, expansion_limit=2)
        checker = validator(VALUE_SET, CATEGORISED, terminology_server=lookup)
        assert checker.validate(goal("health"), profiles=[CATEGORISED["url"]]).ok
        assert not checker.validate(goal("nonsense"), profiles=[CATEGORISED["url"]]).ok
    assert requests.count("ValueSet/$validate-code") == 2
