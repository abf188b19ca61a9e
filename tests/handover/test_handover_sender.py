"""``sender_of``: the ODS code of the Organization a message's MessageHeader.sender points at, or None
when the message does not say (read before any check, so it must not fail on a malformed body)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from handover_cases import ROUTES, Keys, wire_message

from adapter.handover import sender_of
from adapter.types import FhirJson


def _message(route_index: int) -> FhirJson:
    return wire_message(ROUTES[route_index], Keys())[1]


@pytest.mark.parametrize("route_index", range(len(ROUTES)), ids=[route.name for route in ROUTES])
def test_the_sender_is_the_ods_code_the_header_points_at(route_index: int) -> None:
    assert sender_of(_message(route_index)) == ROUTES[route_index].sender


def test_a_type_and_id_reference_resolves_too() -> None:
    message = _message(0)
    header = message["entry"][0]["resource"]
    target = next(
        e["resource"] for e in message["entry"] if e.get("fullUrl") == header["sender"]["reference"]
    )
    header["sender"] = {"reference": f"Organization/{target['id']}"}
    assert sender_of(message) == "NTI"


def _without_sender(message: FhirJson) -> FhirJson:
    del message["entry"][0]["resource"]["sender"]
    return message


def _sender_is_the_task(message: FhirJson) -> FhirJson:
    header = message["entry"][0]["resource"]
    header["sender"] = header["focus"][0]
    return message


def _organisation_without_ods(message: FhirJson) -> FhirJson:
    reference = message["entry"][0]["resource"]["sender"]["reference"]
    for entry in message["entry"]:
        if entry.get("fullUrl") == reference:
            entry["resource"]["identifier"] = [{"system": "urn:other", "value": "NTI"}]
    return message


def _header_not_first(message: FhirJson) -> FhirJson:
    message["entry"].reverse()
    return message


@pytest.mark.parametrize(
    "spoil",
    [_without_sender, _sender_is_the_task, _organisation_without_ods, _header_not_first],
    ids=lambda spoil: spoil.__name__.strip("_"),
)
def test_a_message_that_does_not_say_has_no_sender(spoil: Any) -> None:
    assert sender_of(spoil(copy.deepcopy(_message(0)))) is None


@pytest.mark.parametrize(
    "body",
    [{}, {"resourceType": "Bundle"}, {"entry": []}, {"entry": ["x"]}, {"entry": [{"resource": []}]}],
)
def test_a_malformed_body_has_no_sender(body: FhirJson) -> None:
    assert sender_of(body) is None
