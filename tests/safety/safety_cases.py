"""Shared by the safety tests: fixture clients as data and records, keys made per run, a fixed clock,
and a handover built and received over real SQLite."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from adapter.clock import FixedClock
from adapter.handover import Acknowledgement, Ed25519Signer, HandoverReason, TrustList, build_handover
from adapter.handover.receive import receive_handover
from adapter.model import ClientRecord, load_record
from adapter.store import Store
from adapter.types import FhirJson
from adapter.wire import read_json, write_json

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
RELEASE = "02-carat-release.json"
CARAT, CJIT, GP = "NTI", "Y02345", "B82017"


def data(name: str = RELEASE) -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads((FIXTURES / name).read_bytes())
    return copy.deepcopy(loaded)


def record(name: str = RELEASE) -> ClientRecord:
    return load_record(data(name))


def clock(text: str) -> FixedClock:
    return FixedClock(datetime.fromisoformat(text))


class Keys:
    """A fresh Ed25519 key per organisation, made in the test run."""

    def __init__(self) -> None:
        self._signers: dict[str, Ed25519Signer] = {}

    def signer(self, ods: str) -> Ed25519Signer:
        if ods not in self._signers:
            self._signers[ods] = Ed25519Signer.generate(ods)
        return self._signers[ods]

    def trust(self, *senders: str) -> TrustList:
        return TrustList({ods: self.signer(ods).verifier() for ods in senders})


def build(
    client: ClientRecord,
    keys: Keys,
    *,
    at: str,
    to: str = CJIT,
    sender: str = CARAT,
    reason: HandoverReason = HandoverReason.PRISON_RELEASE,
    confirmed: str | None = None,
) -> FhirJson:
    """A signed handover, through JSON on the wire and back (as a receiver reads it)."""
    message = build_handover(
        client,
        destination=to,
        reason=reason,
        sender=sender,
        clock=clock(at),
        signer=keys.signer(sender),
        confirmed_destination=confirmed,
    )
    return read_json(write_json(message))


def receive(message: FhirJson, store: Store, keys: Keys, *, at: str, us: str = CJIT) -> Acknowledgement:
    return receive_handover(
        message, store=store, trust=keys.trust(CARAT, "EMI"), clock=clock(at), as_organisation=us
    )


def issues(ack: Acknowledgement) -> list[tuple[str, list[str]]]:
    """(message id, expressions) of every issue of an acknowledgement's OperationOutcome."""
    found = []
    for issue in ack.outcome["issue"]:
        codings = (issue.get("details") or {}).get("coding") or [{}]
        found.append((str(codings[0].get("code")), list(issue.get("expression", []))))
    return found


def of_type(bundle: FhirJson, resource_type: str) -> list[FhirJson]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]
