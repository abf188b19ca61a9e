"""POST /$process-message on a real SQLite store: accepted, stored, replayed; refused with the right
status and an OperationOutcome naming where; bearer tokens; media types and the size limit."""

from __future__ import annotations

import copy
from pathlib import Path

from fastapi.testclient import TestClient

from adapter.handover import Ed25519Signer
from adapter.store import open_store
from adapter.types import FhirJson
from adapter.wire import json_to_xml, read_json, read_resource, write_json
from server.cases import CJIT, bearer, cjit_app

FHIR_JSON = {"Content-Type": "application/fhir+json"}


def post(client: TestClient, message: FhirJson, token: str = "carat-token") -> tuple[int, FhirJson]:
    response = client.post(
        "/$process-message", content=write_json(message), headers=FHIR_JSON | bearer(token)
    )
    assert response.headers["content-type"].startswith("application/fhir+json")
    return response.status_code, read_json(response.content)


def header(ack: FhirJson) -> FhirJson:
    resource: FhirJson = ack["entry"][0]["resource"]
    return resource


def resources(bundle: FhirJson, kind: str) -> list[FhirJson]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def expressions(outcome: FhirJson) -> list[str]:
    return [path for issue in outcome["issue"] for path in issue.get("expression", [])]


def test_a_handover_is_accepted_stored_and_acknowledged(
    client: TestClient, message: FhirJson, tmp_path: Path
) -> None:
    status, ack = post(client, message)
    assert status == 200
    assert ack["type"] == "message"
    assert header(ack)["response"]["code"] == "ok"
    assert header(ack)["response"]["identifier"] == message["entry"][0]["resource"]["id"]
    assert [task["status"] for task in resources(ack, "Task")] == ["received"]
    store = open_store(tmp_path / "cjit.db")
    assert [plan.plan.id for plan in store.list_plans(CJIT)] == ["plan-nti-a4821kd"]
    task = store.get_task(message["entry"][1]["resource"]["id"])
    assert task is not None and task.status == "received"


def test_redelivery_gets_the_same_answer_and_imports_nothing_twice(
    client: TestClient, message: FhirJson, tmp_path: Path
) -> None:
    first = post(client, message)
    again = post(client, message)
    assert again == first
    assert len(open_store(tmp_path / "cjit.db").list_plans(CJIT)) == 1


def test_a_changed_message_is_answered_fatal_error_naming_the_signature(
    client: TestClient, message: FhirJson, tmp_path: Path
) -> None:
    changed = copy.deepcopy(message)
    changed["entry"][1]["resource"]["description"] = "changed on the way"
    status, ack = post(client, changed)
    assert status == 200
    assert header(ack)["response"]["code"] == "fatal-error"
    outcome = resources(ack, "OperationOutcome")[0]
    assert expressions(outcome) == ["Bundle.entry[2].resource.signature[0].data"]
    assert open_store(tmp_path / "cjit.db").list_plans(CJIT) == []


def test_not_a_message_is_422_naming_where(client: TestClient) -> None:
    status, outcome = post(client, {"resourceType": "Bundle", "type": "collection"})
    assert status == 422
    assert outcome["resourceType"] == "OperationOutcome"
    assert expressions(outcome) == ["Bundle.type"]


def test_no_token_is_401_with_a_bearer_challenge(client: TestClient, message: FhirJson) -> None:
    response = client.post("/$process-message", content=write_json(message), headers=FHIR_JSON)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_request"'
    assert read_json(response.content)["issue"][0]["code"] == "login"


def test_an_unknown_token_is_401(client: TestClient, message: FhirJson) -> None:
    status, outcome = post(client, message, token="guessed")
    assert status == 401
    assert outcome["issue"][0]["details"]["coding"][0]["code"] == "auth.invalid_token"


def test_a_caller_cannot_post_another_organisations_message(client: TestClient, message: FhirJson) -> None:
    status, outcome = post(client, message, token="gp-token")
    assert status == 403
    assert expressions(outcome) == ["Bundle.entry[0].resource.sender"]
    assert "sent by NTI" in outcome["issue"][0]["diagnostics"]


def test_bad_json_is_400_naming_line_and_column(client: TestClient) -> None:
    response = client.post(
        "/$process-message",
        content=b'{\n  "resourceType": "Bundle",\n  "type": message\n}',
        headers=FHIR_JSON | bearer("carat-token"),
    )
    assert response.status_code == 400
    assert "line 3, column 11" in read_json(response.content)["issue"][0]["diagnostics"]


def test_an_unsupported_media_type_is_415(client: TestClient, message: FhirJson) -> None:
    response = client.post(
        "/$process-message",
        content=write_json(message),
        headers={"Content-Type": "text/plain"} | bearer("carat-token"),
    )
    assert response.status_code == 415
    outcome = read_json(response.content)
    assert outcome["issue"][0]["code"] == "not-supported"
    assert "application/fhir+json" in outcome["issue"][0]["diagnostics"]


def test_a_body_over_the_limit_is_413(tmp_path: Path, signer: Ed25519Signer, message: FhirJson) -> None:
    with TestClient(cjit_app(tmp_path, signer, max_body_bytes=1024)) as small:
        status, outcome = post(small, message)
    assert status == 413
    assert outcome["issue"][0]["code"] == "too-costly"


def test_a_chunked_body_over_the_limit_is_413(
    tmp_path: Path, signer: Ed25519Signer, message: FhirJson
) -> None:
    def chunks() -> object:
        data = write_json(message)
        for start in range(0, len(data), 512):
            yield data[start : start + 512]

    with TestClient(cjit_app(tmp_path, signer, max_body_bytes=4096)) as small:
        response = small.post(
            "/$process-message", content=chunks(), headers=FHIR_JSON | bearer("carat-token")
        )
    assert response.status_code == 413


def test_fhir_xml_in_and_out(client: TestClient, message: FhirJson) -> None:
    response = client.post(
        "/$process-message",
        content=json_to_xml(message),
        headers={"Content-Type": "application/fhir+xml", "Accept": "application/fhir+xml"}
        | bearer("carat-token"),
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+xml")
    ack = read_resource(response.content, "xml")
    # The signature verified after the trip through FHIR XML (decimals keep their lexical form).
    assert header(ack)["response"]["code"] == "ok"
