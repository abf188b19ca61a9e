"""Issue 14: a malformed message is a 400 naming the first problem (its FHIRPath), before the sender
or the signature is looked at; never a 500."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from adapter.types import FhirJson
from adapter.wire import read_json, write_json
from server.cases import bearer

FHIR_JSON = {"Content-Type": "application/fhir+json"}


def header_alone(message: FhirJson) -> None:
    message["entry"] = message["entry"][:1]


def entry_without_resource(message: FhirJson) -> None:
    del message["entry"][1]["resource"]


def resource_is_an_array(message: FhirJson) -> None:
    message["entry"][1]["resource"] = []


def organisation_identifier_42(message: FhirJson) -> None:
    for entry in message["entry"]:
        if entry["resource"]["resourceType"] == "Organization":
            entry["resource"]["identifier"] = [42]
            return


def destination_a_string(message: FhirJson) -> None:
    message["entry"][0]["resource"]["destination"] = "x"


def entry_a_number(message: FhirJson) -> None:
    message["entry"][3] = 7


def organisation_path(message: FhirJson) -> str:
    index = next(i for i, e in enumerate(message["entry"]) if e["resource"]["resourceType"] == "Organization")
    return f"Bundle.entry[{index}].resource.identifier[0]"


CASES: list[tuple[Callable[[FhirJson], None], Callable[[FhirJson], str]]] = [
    (header_alone, lambda m: "Bundle.entry[1]"),
    (entry_without_resource, lambda m: "Bundle.entry[1].resource"),
    (resource_is_an_array, lambda m: "Bundle.entry[1].resource"),
    (organisation_identifier_42, organisation_path),
    (destination_a_string, lambda m: "Bundle.entry[0].resource.destination"),
    (entry_a_number, lambda m: "Bundle.entry[3]"),
]


@pytest.mark.parametrize(("breakage", "where"), CASES, ids=[case[0].__name__ for case in CASES])
def test_a_malformed_message_is_400_at_its_first_problem(
    client: TestClient,
    message: FhirJson,
    breakage: Callable[[FhirJson], None],
    where: Callable[[FhirJson], str],
) -> None:
    broken = copy.deepcopy(message)
    expected = where(message)
    breakage(broken)
    response = client.post(
        "/$process-message", content=write_json(broken), headers=FHIR_JSON | bearer("carat-token")
    )
    assert response.status_code == 400, response.text
    outcome = read_json(response.content)
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["expression"] == [expected]


def test_a_malformed_message_from_a_stranger_is_still_400_not_a_signature_answer(
    client: TestClient, message: FhirJson
) -> None:
    broken = copy.deepcopy(message)
    destination_a_string(broken)
    response = client.post(
        "/$process-message", content=write_json(broken), headers=FHIR_JSON | bearer("stranger-token")
    )
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/$process-message", "/$validate", "/CarePlan/$check"])
def test_a_duplicate_key_then_a_syntax_error_is_400_on_every_post(client: TestClient, path: str) -> None:
    body = b'{"resourceType": "Bundle", "meta": {"versionId": "1", "versionId": "2"}, "type": '
    response = client.post(path, content=body, headers=FHIR_JSON | bearer("carat-token"))
    assert response.status_code == 400
    outcome = read_json(response.content)
    assert outcome["issue"][0]["details"]["coding"][0]["code"] == "json.syntax"
