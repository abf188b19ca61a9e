"""H-12 (a refusal read as a permission), H-14 (a consent about another client covers this one) and
H-15 (a read serves more than the reader may see): one consent rule for every disclosure."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from server.cases import bearer, cjit_app, handover_message

from adapter.dialects import read as read_system
from adapter.dialects import write as write_system
from adapter.errors import AdapterError, InvalidFhir
from adapter.fhir import from_fhir, to_fhir
from adapter.handover import Ed25519Signer, HandoverReason
from adapter.handover.consent import covering_consent
from adapter.model import load_record
from adapter.model.codes import ConsentDecision
from adapter.server.routes.careplan import readable
from adapter.store import open_store
from adapter.types import FhirJson
from safety.safety_cases import CJIT, GP, Keys, build, clock, data, of_type, receive, record

REFUSAL = {
    "id": "refusal-cjit",
    "status": "active",
    "decision": "deny",
    "organisations": [CJIT],
    "purposes": ["continuity-of-care"],
    "start": "2026-11-20",
    "signed_on": "2026-11-20",
}


def _consent_index(bundle: FhirJson) -> int:
    return next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Consent")


def test_h12_a_deny_provision_imports_as_a_refusal_and_the_gate_refuses() -> None:
    bundle = to_fhir(record())
    index = _consent_index(bundle)
    bundle["entry"][index]["resource"]["provision"]["type"] = "deny"
    imported = from_fhir(bundle).record
    assert imported.consents[0].decision is ConsentDecision.DENY
    with pytest.raises(AdapterError) as refused:
        covering_consent(
            imported, CJIT, HandoverReason.PRISON_RELEASE, clock("2026-11-25T10:30:00+00:00").today()
        )
    assert [(i.message_id, i.expression) for i in refused.value.outcome.issues] == [
        ("handover.consent-refused", "consents[0].decision")
    ]


@pytest.mark.parametrize("depth", [1, 2])
def test_h12_a_nested_deny_at_any_depth_is_rejected_naming_the_element(depth: int) -> None:
    bundle = to_fhir(record())
    index = _consent_index(bundle)
    provision: dict[str, Any] = bundle["entry"][index]["resource"]["provision"]
    nested: dict[str, Any] = {"type": "deny", "purpose": copy.deepcopy(provision["purpose"])}
    for _ in range(depth - 1):
        nested = {"type": "permit", "provision": [nested]}
    provision["provision"] = [nested]
    with pytest.raises(InvalidFhir) as rejected:
        from_fhir(bundle)
    issue = next(i for i in rejected.value.outcome.issues if i.message_id == "fhir.consent-nested-provision")
    assert issue.expression == f"Bundle.entry[{index}].resource.provision.provision[0]"
    assert "deny" in issue.text and issue.severity == "error"


def test_h12_a_refusal_outweighs_a_consent_and_travels_through_cjit_dir_as_a_refusal() -> None:
    client = data()
    client["consents"].append(REFUSAL)
    refusing = load_record(client)
    with pytest.raises(AdapterError) as refused:
        build(refusing, Keys(), at="2026-11-25T10:30:00+00:00")
    assert [i.message_id for i in refused.value.outcome.issues] == ["handover.consent-refused"]
    written = write_system("cjit-dir", refusing)
    assert b"<Decision>deny</Decision>" in written.data
    back = read_system("cjit-dir", written.data).record
    assert [c.decision for c in back.consents] == [ConsentDecision.PERMIT, ConsentDecision.DENY]
    fhir_refusal = of_type(to_fhir(refusing), "Consent")[1]
    assert fhir_refusal["provision"]["type"] == "deny"
    assert fhir_refusal["meta"]["profile"][0].endswith("/ConsentRefusal")


def test_h12_a_refusal_at_receipt_rejects_the_handover() -> None:
    keys, store = Keys(), open_store(":memory:")
    message = build(record(), keys, at="2026-11-25T10:30:00+00:00")
    index = _consent_index(message)
    message["entry"][index]["resource"]["provision"]["type"] = "deny"
    from adapter.handover import sign_message

    sign_message(message, keys.signer("NTI"), clock("2026-11-25T10:30:00+00:00").now())
    ack = receive(message, store, keys, at="2026-11-25T11:00:00+00:00")
    assert ack.code == "fatal-error" and store.list_plans(CJIT) == []


def test_h14_a_consent_about_another_patient_covers_nothing() -> None:
    bundle = to_fhir(record())
    other: FhirJson = copy.deepcopy(
        next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    )
    other["fullUrl"] = "urn:uuid:00000000-0000-4000-8000-000000000001"
    other["resource"]["id"] = "00000000-0000-4000-8000-000000000001"
    other["resource"]["identifier"] = [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9992819383"}]
    bundle["entry"].append(other)
    index = _consent_index(bundle)
    bundle["entry"][index]["resource"]["patient"] = {"reference": other["fullUrl"]}
    with pytest.raises(InvalidFhir) as rejected:
        from_fhir(bundle)
    found = [(i.message_id, i.expression) for i in rejected.value.outcome.issues]
    assert ("fhir.consent-other-patient", f"Bundle.entry[{index}].resource.patient") in found


def test_h15_a_reader_gets_what_the_table_gives_its_kind_and_a_refusal_shuts_it_out() -> None:
    held = record()
    today = clock("2026-11-25T10:30:00+00:00").today()
    shown = readable(held, GP, CJIT, today)
    assert shown is not None and shown.plan.needs == [] and shown.plan.actions == []
    assert readable(held, CJIT, CJIT, today) == held
    client = data()
    client["consents"].append({**REFUSAL, "id": "refusal-gp", "organisations": [GP]})
    assert readable(load_record(client), GP, CJIT, today) is None
    assert readable(held, "Y09999", CJIT, today) is None


def test_h15_a_gp_token_reads_the_gp_set_of_the_cjits_plan_over_http(tmp_path: Path) -> None:
    signer = Ed25519Signer.generate("NTI")
    with TestClient(cjit_app(tmp_path, signer)) as client:
        assert (
            client.post(
                "/$process-message", json=handover_message(signer), headers=bearer("carat-token")
            ).status_code
            == 200
        )
        search = client.get(
            "/CarePlan", params={"patient.identifier": "9990629072"}, headers=bearer("gp-token")
        )
        types = [e["resource"]["resourceType"] for e in search.json()["entry"]]
        assert "Condition" not in types and "CarePlan" in types
        whole = client.get(
            "/CarePlan", params={"patient.identifier": "9990629072"}, headers=bearer("cjit-token")
        )
        assert "Condition" in [e["resource"]["resourceType"] for e in whole.json()["entry"]]
