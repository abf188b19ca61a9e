"""GET /metadata, $validate (any type, a type, ?profile=, Parameters), CarePlan/$check, and errors that
are not the routes' own (unknown path, a failure inside) as OperationOutcomes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from adapter.clock import FixedClock
from adapter.fhir import to_fhir
from adapter.handover import Ed25519Signer
from adapter.server import get_clock, get_store
from adapter.store import Store
from adapter.types import FhirJson
from adapter.validation import validate
from adapter.wire import read_json, read_resource, write_json
from server.cases import bearer, cjit_app, record

FHIR_JSON = {"Content-Type": "application/fhir+json"}
BAD_PLAN: FhirJson = {"resourceType": "CarePlan", "status": "bogus", "intent": "plan"}


def post(client: TestClient, path: str, body: FhirJson, token: str = "cjit-token") -> tuple[int, FhirJson]:
    response = client.post(path, content=write_json(body), headers=FHIR_JSON | bearer(token))
    return response.status_code, read_json(response.content)


def expressions(outcome: FhirJson, severity: str = "error") -> set[str]:
    return {p for i in outcome["issue"] if i["severity"] == severity for p in i.get("expression", [])}


def test_metadata_is_open_and_a_valid_capability_statement(client: TestClient) -> None:
    response = client.get("/metadata")
    assert response.status_code == 200
    statement = read_json(response.content)
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["implementation"]["description"].endswith("Y02345")
    assert statement["date"] == "2026-11-25"  # the server clock's day (pinned to the plan's)
    assert [op["name"] for op in statement["rest"][0]["operation"]] == ["process-message", "validate"]
    assert validate(statement).errors == ()


def test_validate_answers_200_with_every_issue(client: TestClient) -> None:
    status, outcome = post(client, "/$validate", BAD_PLAN)
    assert status == 200
    assert {"CarePlan.status", "CarePlan"} <= expressions(outcome)


def test_validate_a_type_refuses_another_type(client: TestClient) -> None:
    status, outcome = post(client, "/Patient/$validate", BAD_PLAN)
    assert status == 422
    assert expressions(outcome) == {"resourceType"}


def test_validate_takes_profiles_from_the_query_and_parameters(client: TestClient) -> None:
    body = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "resource", "resource": {"resourceType": "Patient", "id": "p1"}},
            {"name": "profile", "valueUri": "http://example.org/from-parameters"},
        ],
    }
    status, outcome = post(client, "/Patient/$validate?profile=http://example.org/from-query", body)
    assert status == 200
    unknown = [
        i["diagnostics"] for i in outcome["issue"] if i["details"]["coding"][0]["code"] == "profile.unknown"
    ]
    assert len(unknown) == 2
    assert any("from-query" in text for text in unknown)
    assert any("from-parameters" in text for text in unknown)


def test_validate_a_good_plan_bundle_has_no_errors(client: TestClient) -> None:
    status, outcome = post(client, "/Bundle/$validate", read_json(write_json(to_fhir(record()))))
    assert status == 200
    assert expressions(outcome) == set()


def test_check_names_who_coordinates(client: TestClient) -> None:
    status, outcome = post(client, "/CarePlan/$check", read_json(write_json(to_fhir(record()))))
    assert status == 200
    assert outcome["resourceType"] == "OperationOutcome"
    assert [i["severity"] for i in outcome["issue"] if i["severity"] in ("error", "fatal")] == []
    assert "co-ordinat" in outcome["issue"][0]["diagnostics"]


def test_check_finds_a_review_overdue_on_the_servers_day(tmp_path: Path, signer: Ed25519Signer) -> None:
    app = cjit_app(tmp_path, signer)
    app.dependency_overrides[get_clock] = lambda: FixedClock(datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    with TestClient(app) as late:
        status, outcome = post(late, "/CarePlan/$check", read_json(write_json(to_fhir(record()))))
    assert status == 200
    assert expressions(outcome) == {
        "plan.next_review_due",
        "plan.reviews[0].date",
        "plan.reviews[0].top",  # the three-monthly TOP is overdue too
    }


def test_check_an_unreadable_plan_is_422_naming_where(client: TestClient) -> None:
    status, outcome = post(
        client, "/CarePlan/$check", {"resourceType": "Bundle", "type": "collection", "entry": []}
    )
    assert status == 422
    assert outcome["resourceType"] == "OperationOutcome"
    assert expressions(outcome) == {"Bundle.entry"}


def test_an_unknown_path_is_a_404_outcome(client: TestClient) -> None:
    response = client.get("/Observation/1", headers=bearer("cjit-token"))
    assert response.status_code == 404
    assert read_json(response.content)["issue"][0]["code"] == "not-found"


def test_a_failure_inside_is_500_without_a_trace(tmp_path: Path, signer: Ed25519Signer) -> None:
    class BrokenStore:
        def list_plans(self, holder: str) -> list[object]:
            raise RuntimeError("disk on fire at /var/secret/path")

    app = cjit_app(tmp_path, signer)

    def broken() -> Store:
        return BrokenStore()  # type: ignore[return-value]

    app.dependency_overrides[get_store] = broken
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/CarePlan", headers=bearer("cjit-token"))
    assert response.status_code == 500
    assert b"secret" not in response.content and b"Traceback" not in response.content
    assert read_json(response.content)["issue"][0]["code"] == "exception"


def test_an_error_is_written_in_the_format_asked_for(client: TestClient) -> None:
    response = client.post(
        "/$validate?_format=xml", content=b"{not json", headers=FHIR_JSON | bearer("cjit-token")
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/fhir+xml")
    outcome = read_resource(response.content, "xml")
    assert outcome["resourceType"] == "OperationOutcome"
    assert "line 1, column 2" in outcome["issue"][0]["diagnostics"]


def test_the_token_is_checked_before_the_body_is_read(client: TestClient) -> None:
    response = client.post("/CarePlan/$check", content=b"plain words", headers={"Content-Type": "text/plain"})
    assert response.status_code == 401


def test_a_method_not_allowed_is_an_outcome(client: TestClient) -> None:
    response = client.delete("/CarePlan/1", headers=bearer("cjit-token"))
    assert response.status_code == 405
    assert read_json(response.content)["issue"][0]["code"] == "not-supported"
