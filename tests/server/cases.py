"""Shared by the server and delivery tests: fixture 02's prison-release handover, signed with a key
made for the test run, and a server set up as the CJIT of the release area (Y02345)."""

from __future__ import annotations

from pathlib import Path

import orjson
from fastapi import FastAPI

from adapter.clock import FixedClock
from adapter.handover import Ed25519Signer, HandoverReason, build_handover
from adapter.model import ClientRecord, load_record
from adapter.server import Settings, create_app, get_clock
from adapter.types import FhirJson
from adapter.wire import read_json, write_json

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "clients" / "02-carat-release.json"
CARAT, CJIT, GP, STRANGER = "NTI", "Y02345", "B82017", "Y09999"
TOKENS = {"carat-token": CARAT, "cjit-token": CJIT, "gp-token": GP, "stranger-token": STRANGER}
NHS_NUMBER = "9990629072"


def record() -> ClientRecord:
    return load_record(orjson.loads(FIXTURE.read_bytes()))


def clock() -> FixedClock:
    """The morning the plan was recorded: its consent is in force and it has no co-ordination errors."""
    recorded = record().recorded_at
    assert recorded is not None
    return FixedClock(recorded)


def handover_message(signer: Ed25519Signer, destination: str = CJIT) -> FhirJson:
    """The CARAT team's signed prison-release handover of fixture 02, as it arrives off the wire."""
    built = build_handover(
        record(),
        destination=destination,
        reason=HandoverReason.PRISON_RELEASE,
        sender=CARAT,
        clock=clock(),
        signer=signer,
    )
    return read_json(write_json(built))


def settings_for(tmp_path: Path, signer: Ed25519Signer, **changes: object) -> Settings:
    """A CJIT server in ``tmp_path``: a SQLite store, the CARAT team's public key trusted."""
    trust = tmp_path / "trust"
    trust.mkdir(exist_ok=True)
    (trust / f"{CARAT}.pub.pem").write_bytes(signer.verifier().public_pem())
    values: dict[str, object] = {
        "ods": CJIT,
        "database_url": str(tmp_path / "cjit.db"),
        "trust_dir": trust,
        "tokens": TOKENS,
    }
    values.update(changes)
    return Settings.model_validate(values)


def cjit_app(tmp_path: Path, signer: Ed25519Signer, **changes: object) -> FastAPI:
    """The app, its clock pinned to the morning the plan was recorded."""
    app = create_app(settings_for(tmp_path, signer, **changes))
    app.dependency_overrides[get_clock] = clock
    return app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
