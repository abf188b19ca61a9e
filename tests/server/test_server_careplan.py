"""GET /CarePlan/{id} and GET /CarePlan?patient.identifier=: plans held by receipt, read by those a
consent names; JSON or XML by _format and Accept."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from adapter.model.identifiers import PRISON_NUMBER_SYSTEM
from adapter.types import FhirJson
from adapter.urls import CARE_PLAN_ID_SYSTEM
from adapter.wire import read_json, read_resource, write_json
from server.cases import NHS_NUMBER, bearer

NHS = "https://fhir.nhs.uk/Id/nhs-number"


@pytest.fixture
def received(client: TestClient, message: FhirJson) -> TestClient:
    response = client.post(
        "/$process-message",
        content=write_json(message),
        headers={"Content-Type": "application/fhir+json"} | bearer("carat-token"),
    )
    assert response.status_code == 200
    return client


def search(client: TestClient, token: str, query: str) -> tuple[int, FhirJson]:
    response = client.get(f"/CarePlan?{query}", headers=bearer(token))
    return response.status_code, read_json(response.content)


def test_the_gp_finds_its_shared_care_plan_by_nhs_number(received: TestClient) -> None:
    status, bundle = search(received, "gp-token", f"patient.identifier={NHS}|{NHS_NUMBER}")
    assert status == 200
    assert (bundle["type"], bundle["total"]) == ("searchset", 1)
    matches = [e for e in bundle["entry"] if e["search"]["mode"] == "match"]
    assert [e["resource"]["resourceType"] for e in matches] == ["CarePlan"]
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "CareTeam", "Goal", "Consent"} <= kinds
    # Every reference in the plan resolves inside the searchset.
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert matches[0]["resource"]["subject"]["reference"] in urls


def test_the_plan_is_read_by_the_id_the_search_gave(received: TestClient) -> None:
    _, bundle = search(received, "gp-token", f"patient.identifier={NHS_NUMBER}")
    plan = next(e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "match")
    response = received.get(f"/CarePlan/{plan['id']}", headers=bearer("gp-token"))
    assert response.status_code == 200
    assert read_json(response.content) == plan


def test_another_patient_or_system_finds_nothing(received: TestClient) -> None:
    for query in (f"patient.identifier={NHS}|9990000018", f"patient.identifier=urn:other|{NHS_NUMBER}"):
        status, bundle = search(received, "gp-token", query)
        assert (status, bundle["total"], "entry" in bundle) == (200, 0, False)


def test_the_plan_is_found_by_prison_number_and_pnc_id_but_not_by_a_value_with_no_system(
    received: TestClient,
) -> None:
    found = {}
    for query in (
        f"patient.identifier={NHS}|{NHS_NUMBER}",
        "patient.identifier=A4821KD",
        "patient.identifier=2009/0045871W",
        f"patient.identifier={PRISON_NUMBER_SYSTEM}|A4821KD",
    ):
        status, bundle = search(received, "gp-token", query)
        assert (status, bundle["total"]) == (200, 1), query
        found[query] = next(e["resource"]["id"] for e in bundle["entry"] if e["search"]["mode"] == "match")
    assert len(set(found.values())) == 1
    # "|value" asks for an identifier with no system; every identifier the plan keeps names one.
    status, bundle = search(received, "gp-token", f"patient.identifier=|{NHS_NUMBER}")
    assert (status, bundle["total"]) == (200, 0)


def test_an_organisation_no_consent_names_sees_no_plan(received: TestClient) -> None:
    _, bundle = search(received, "stranger-token", f"patient.identifier={NHS}|{NHS_NUMBER}")
    assert bundle["total"] == 0
    _, visible = search(received, "gp-token", "")
    plan_id = next(e["resource"]["id"] for e in visible["entry"] if e["search"]["mode"] == "match")
    response = received.get(f"/CarePlan/{plan_id}", headers=bearer("stranger-token"))
    assert response.status_code == 404


def test_an_unknown_id_is_404_naming_the_id(received: TestClient) -> None:
    response = received.get("/CarePlan/no-such-plan", headers=bearer("cjit-token"))
    assert response.status_code == 404
    outcome = read_json(response.content)
    assert outcome["issue"][0]["expression"] == ["CarePlan.id"]
    assert "no-such-plan" in outcome["issue"][0]["diagnostics"]


def test_a_local_plan_id_is_answered_with_the_fhir_id_to_read(received: TestClient) -> None:
    _, visible = search(received, "gp-token", "")
    plan = next(e["resource"] for e in visible["entry"] if e["search"]["mode"] == "match")
    response = received.get("/CarePlan/plan-nti-a4821kd", headers=bearer("gp-token"))
    assert response.status_code == 404
    (issue,) = read_json(response.content)["issue"]
    assert issue["expression"] == ["CarePlan.id"]
    assert issue["diagnostics"].startswith(
        f"plan-nti-a4821kd is a local plan id, not a FHIR id: read it as CarePlan/{plan['id']}"
    )
    # To an organisation no consent names, the local id is as unknown as any other.
    hidden = received.get("/CarePlan/plan-nti-a4821kd", headers=bearer("stranger-token"))
    assert "local plan id" not in read_json(hidden.content)["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    ("query", "total"),
    [
        (f"identifier={CARE_PLAN_ID_SYSTEM}|plan-nti-a4821kd", 1),
        ("identifier=plan-nti-a4821kd", 1),
        ("identifier=urn:other|plan-nti-a4821kd", 0),
        (f"identifier=plan-nti-a4821kd&patient.identifier={NHS}|{NHS_NUMBER}", 1),
        ("identifier=plan-nti-a4821kd&patient.identifier=" + NHS + "|9990000018", 0),
    ],
)
def test_a_plan_is_searched_by_its_own_identifier(received: TestClient, query: str, total: int) -> None:
    status, bundle = search(received, "gp-token", query)
    assert (status, bundle["total"]) == (200, total)
    hidden_status, hidden = search(received, "stranger-token", query)
    assert (hidden_status, hidden["total"]) == (200, 0)


def test_an_unknown_search_parameter_is_400(received: TestClient) -> None:
    status, outcome = search(received, "gp-token", "subject=Patient/1")
    assert status == 400
    assert "subject" in outcome["issue"][0]["diagnostics"]


def test_reading_needs_a_token(received: TestClient) -> None:
    assert received.get("/CarePlan").status_code == 401


@pytest.mark.parametrize(
    ("query", "accept", "media"),
    [
        ("?_format=xml", None, "application/fhir+xml"),
        ("?_format=application/fhir%2Bjson", "application/fhir+xml", "application/fhir+json"),
        ("", "application/xml;q=0.5, application/json", "application/fhir+json"),
        ("", "text/html;q=0.9, application/fhir+xml", "application/fhir+xml"),
        ("", "*/*", "application/fhir+json"),
    ],
)
def test_the_answer_format_follows_format_then_accept(
    received: TestClient, query: str, accept: str | None, media: str
) -> None:
    headers = bearer("cjit-token") | ({"Accept": accept} if accept else {})
    response = received.get(f"/CarePlan{query}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert read_resource(response.content)["type"] == "searchset"


def test_a_format_we_do_not_write_is_406_as_json(received: TestClient) -> None:
    response = received.get("/CarePlan", headers=bearer("cjit-token") | {"Accept": "text/csv"})
    assert response.status_code == 406
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert read_json(response.content)["issue"][0]["code"] == "not-supported"
