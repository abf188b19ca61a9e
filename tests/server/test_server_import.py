"""POST /CarePlan/$import: another system's plan in, the canonical record (or a 422 naming why) out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from fastapi.testclient import TestClient

from adapter.wire import write_json
from server.cases import bearer

FOREIGN = Path(__file__).parents[1] / "fhir" / "foreign"
FHIR_JSON = {"Content-Type": "application/fhir+json"}


def _post(client: TestClient, name: str, query: str = "") -> tuple[int, Any]:
    body = orjson.loads((FOREIGN / name).read_bytes())
    response = client.post(
        f"/CarePlan/$import{query}", content=write_json(body), headers=FHIR_JSON | bearer("cjit-token")
    )
    return response.status_code, response.json()


def test_a_foreign_plan_is_imported_for_review_with_what_was_not_carried(client: TestClient) -> None:
    status, answer = _post(client, "UKCore-CarePlan-WellnessPlan-Example.json")
    assert status == 200
    assert answer["imported_for_review"] is True
    assert answer["record"]["plan"]["kind"] == "not-stated"
    issues = answer["not_carried"]["issue"]
    assert all(issue["expression"] for issue in issues)


def test_a_do_not_perform_plan_is_422_naming_the_element(client: TestClient) -> None:
    status, outcome = _post(client, "CarePlan-f001.json")
    assert status == 422
    assert outcome["resourceType"] == "OperationOutcome"
    assert [i["expression"] for i in outcome["issue"]] == [["CarePlan.activity[0].detail.doNotPerform"]]


def test_a_bad_as_of_is_400(client: TestClient) -> None:
    status, outcome = _post(client, "CarePlan-example.json", "?as-of=tomorrow")
    assert status == 400
    assert "expected a date" in outcome["issue"][0]["diagnostics"]
