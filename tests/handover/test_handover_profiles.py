"""Every handover message the fixtures produce, and every acknowledgement, validates against the IG's
profiles (HandoverMessage and the profiles each entry claims) with no error; a broken one does not."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import orjson
import pytest
from handover_cases import ROUTES, Keys, Route, recorded_clock, wire_message

from adapter.handover import HandoverEvent, HandoverInput, HandoverReason, receive_handover
from adapter.handover.codes import (
    ACKNOWLEDGEMENT_HEADER_PROFILE,
    HANDOVER_EVENT_SYSTEM,
    HANDOVER_INPUT_SYSTEM,
    HANDOVER_REASON_SYSTEM,
    HEADER_PROFILE,
    MESSAGE_PROFILE,
    PRESCRIBING_EXTENSION,
    PROVENANCE_PROFILE,
    TASK_PROFILE,
)
from adapter.store import open_store
from adapter.types import FhirJson
from adapter.validation import validate


def _message(route: Route, keys: Keys) -> FhirJson:
    return wire_message(route, keys)[1]


def _errors(resource: FhirJson, *profiles: str) -> list[tuple[str, str | None]]:
    return [(i.message_id, i.expression) for i in validate(resource, profiles=profiles).errors]


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_each_routes_message_and_acknowledgement_validate(route: Route) -> None:
    keys = Keys()
    message = _message(route, keys)
    assert _errors(message, MESSAGE_PROFILE) == []
    ack = receive_handover(
        message,
        store=open_store(":memory:"),
        trust=keys.trust(route.sender),
        clock=recorded_clock(route.record()),
        as_organisation=route.destination,
    )
    assert ack.code == "ok"
    assert _errors(ack.bundle) == []


def test_a_refusal_acknowledgement_validates() -> None:
    keys = Keys()
    message = _message(ROUTES[0], keys)
    ack = receive_handover(
        message,
        store=open_store(":memory:"),
        trust=keys.trust("NTI"),
        clock=recorded_clock(ROUTES[0].record()),
        as_organisation="B82017",
    )
    assert ack.code == "fatal-error"
    assert _errors(ack.bundle) == []


def test_the_profiles_catch_a_broken_message() -> None:
    message = _message(ROUTES[0], Keys())
    del message["entry"][1]["resource"]["owner"]  # HandoverTask: owner 1..1
    del message["entry"][2]["resource"]["signature"]  # HandoverProvenance: signature 1..1
    message["entry"][0]["resource"]["eventCoding"]["code"] = "not-an-event"
    found = _errors(message, MESSAGE_PROFILE)
    assert ("binding.required", "Bundle.entry[0].resource.event.ofType(Coding)") in found
    assert ("cardinality.min", "Bundle.entry[1].resource") in found
    assert ("cardinality.min", "Bundle.entry[2].resource") in found


IG_RESOURCES = Path(__file__).resolve().parents[2] / "ig" / "fsh-generated" / "resources"


def _ig(resource_type: str, resource_id: str) -> FhirJson:
    data: FhirJson = orjson.loads((IG_RESOURCES / f"{resource_type}-{resource_id}.json").read_bytes())
    return data


@pytest.mark.parametrize(
    "url",
    [
        MESSAGE_PROFILE,
        HEADER_PROFILE,
        TASK_PROFILE,
        PROVENANCE_PROFILE,
        ACKNOWLEDGEMENT_HEADER_PROFILE,
        PRESCRIBING_EXTENSION,
    ],
)
def test_the_profiles_the_code_names_are_in_the_ig(url: str) -> None:
    assert _ig("StructureDefinition", url.rsplit("/", 1)[1])["url"] == url


@pytest.mark.parametrize(
    ("enum", "system"),
    [
        (HandoverReason, HANDOVER_REASON_SYSTEM),
        (HandoverEvent, HANDOVER_EVENT_SYSTEM),
        (HandoverInput, HANDOVER_INPUT_SYSTEM),
    ],
)
def test_the_codes_are_the_igs_code_systems(enum: type[StrEnum], system: str) -> None:
    code_system = _ig("CodeSystem", system.rsplit("/", 1)[1])
    assert code_system["url"] == system
    assert {concept["code"] for concept in code_system["concept"]} == {member.value for member in enum}
