"""Shared by the handover tests: fixtures as records, keys made per test run, the routes."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from adapter.clock import FixedClock
from adapter.handover import Ed25519Signer, HandoverReason, TrustList, build_handover
from adapter.model import ClientRecord, load_record
from adapter.types import FhirJson
from adapter.wire import read_json, write_json

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clients"


def fixture_data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads((FIXTURES / name).read_bytes())
    return data


def fixture(name: str) -> ClientRecord:
    return load_record(fixture_data(name))


def recorded_clock(record: ClientRecord) -> FixedClock:
    """The instant the holding system recorded the plan: the day each fixture's plan is in order."""
    assert record.recorded_at is not None
    return FixedClock(record.recorded_at)


def at(text: str) -> FixedClock:
    return FixedClock(datetime.fromisoformat(text))


@dataclass(frozen=True)
class Route:
    name: str
    fixture: str
    sender: str
    destination: str
    reason: HandoverReason
    extra_consent: dict[str, Any] | None = None

    def record(self) -> ClientRecord:
        data = copy.deepcopy(fixture_data(self.fixture))
        if self.extra_consent is not None:
            data["consents"].append(self.extra_consent)
        return load_record(data)


ROUTES = [
    Route("carat-to-cjit-release", "02-carat-release.json", "NTI", "Y02345", HandoverReason.PRISON_RELEASE),
    Route("carat-to-carat-transfer", "11-prison-transfer.json", "NTI", "EMI", HandoverReason.PRISON_TRANSFER),
    Route(
        "cjit-to-treatment",
        "01-custody-triage.json",
        "Y02345",
        "Y03456",
        HandoverReason.REFERRAL_TO_TREATMENT,
    ),
    Route(
        "provider-to-gp-shared-care", "03-gp-shared-care.json", "Y03456", "B82017", HandoverReason.SHARED_CARE
    ),
    Route(
        "provider-to-cmht-cpa", "04-enhanced-cpa.json", "Y03456", "Y06789", HandoverReason.CPA_COORDINATION
    ),
    # The fixture's consent names the CMHT and the GP; the CMHT handing back needs the provider named too.
    Route(
        "cmht-to-provider-cpa",
        "04-enhanced-cpa.json",
        "Y06789",
        "Y03456",
        HandoverReason.CPA_COORDINATION,
        extra_consent={
            "id": "consent-cpa-provider",
            "status": "active",
            "organisations": ["Y03456"],
            "purposes": ["cpa-coordination"],
            "start": "2026-04-06",
            "end": "2027-04-05",
            "signed_on": "2026-04-06",
        },
    ),
    Route(
        "provider-to-aftercare",
        "09-discharge-aftercare.json",
        "Y03456",
        "Y04999",
        HandoverReason.DISCHARGE_AFTERCARE,
    ),
    # A community plan arriving at prison reception, the community dose to be confirmed (seed 002, 5.3.4).
    Route(
        "provider-to-prison-reception",
        "16-prison-reception.json",
        "Y03456",
        "Y09012",
        HandoverReason.PRISON_RECEPTION,
    ),
    # Offender management: a community DRR's plan to the probation offender manager (seed 003, DRR).
    Route(
        "provider-to-probation-drr",
        "05-community-drr.json",
        "Y03456",
        "Y05678",
        HandoverReason.OFFENDER_MANAGEMENT,
    ),
    # Safeguarding: to children's social care for the child protection forum (seed 003).
    Route(
        "provider-to-childrens-social-care",
        "12-child-protection.json",
        "Y03456",
        "Y08902",
        HandoverReason.SAFEGUARDING,
    ),
]


class Keys:
    """A fresh Ed25519 key per organisation, made in the test run (no private key is committed)."""

    def __init__(self) -> None:
        self._signers: dict[str, Ed25519Signer] = {}

    def signer(self, ods: str) -> Ed25519Signer:
        if ods not in self._signers:
            self._signers[ods] = Ed25519Signer.generate(ods)
        return self._signers[ods]

    def trust(self, *senders: str) -> TrustList:
        return TrustList({ods: self.signer(ods).verifier() for ods in senders})


def built_message(route: Route, keys: Keys) -> tuple[ClientRecord, FhirJson]:
    """The route's record and the signed handover built from it, on the day the plan was recorded."""
    record = route.record()
    built = build_handover(
        record,
        destination=route.destination,
        reason=route.reason,
        sender=route.sender,
        clock=recorded_clock(record),
        signer=keys.signer(route.sender),
    )
    return record, built


def wire_message(route: Route, keys: Keys) -> tuple[ClientRecord, FhirJson]:
    """The route's record and its signed handover as it arrives off the wire (through JSON)."""
    record, built = built_message(route, keys)
    return record, read_json(write_json(built))
