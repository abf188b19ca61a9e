"""Hazards of issue 11's co-ordination slice: the wrong keyworker in custody (H-36), the Treatment
Outcomes Profile and the care manager criteria's evidence leaking to probation (H-37), a stale risk
assessment taken as current (H-38), and care manager criteria read from a yes/no field taken as
evidenced (H-39). Each test is written from the rule, on fixtures and small changes to them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import orjson

from adapter.clock import FixedClock
from adapter.coordination import FindingCode, check_coordination, responsible_for_coordination
from adapter.dialects import read, write
from adapter.fhir import to_fhir
from adapter.handover import minimise, rule_for
from adapter.model import ClientRecord, load_record
from adapter.model.codes import OrganisationKind, Role
from adapter.wire import write_json

CLIENTS = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
AS_OF = FixedClock(date(2026, 11, 25))


def _data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads((CLIENTS / f"{name}.json").read_bytes())
    return data


def _client(name: str) -> ClientRecord:
    return load_record(_data(name))


# ---- H-36 ----


def test_h36_a_dip_client_in_custody_is_keyworked_by_the_carat_worker() -> None:
    decision = responsible_for_coordination(_client("13-dip-client-in-custody"), today=AS_OF)
    assert (decision.role, decision.rule, [m.id for m in decision.holders]) == (
        Role.CARAT_WORKER,
        "custody",
        ["carat-priya-shah"],
    )
    # Neither the DIP worker (on the team, not in the prison) nor the prison nurse who keyworks the
    # one intervention is made responsible.
    assert {"dip-client", "one-intervention"} <= set(decision.overridden)


def test_h36_on_transfer_the_receiving_prisons_carat_worker_keyworks() -> None:
    decision = responsible_for_coordination(_client("11-prison-transfer"), today=AS_OF)
    assert (decision.role, [m.id for m in decision.holders]) == (Role.CARAT_WORKER, ["carat-femi-adebayo"])


def test_h36_in_custody_with_no_carat_worker_the_error_names_the_carat_worker() -> None:
    data = _data("13-dip-client-in-custody")
    data["care_team"] = [m for m in data["care_team"] if m["id"] != "carat-priya-shah"]
    data["plan"]["author"] = "nurse-gary-fox"
    data["plan"]["actions"][0]["responsible_member"] = None
    data["plan"]["reviews"] = [dict(r, reviewer="nurse-gary-fox") for r in data["plan"]["reviews"]]
    data["consents"][0]["recorded_by"] = "nurse-gary-fox"
    report = check_coordination(load_record(data), today=AS_OF)
    [gap] = [f for f in report.findings if f.code == FindingCode.COORDINATOR_NOT_IN_TEAM]
    assert (gap.severity, gap.expression) == ("error", "care_team")
    assert "carat-worker" in gap.text and "dip-worker" not in gap.text


# ---- H-37 ----


def _sent(name: str, kind: OrganisationKind) -> tuple[ClientRecord, str]:
    record = _client(name)
    rule = rule_for(kind)
    assert rule is not None
    sent = minimise(record, rule, record.consents[0])
    return sent, write_json(to_fhir(sent), indent=False).decode()


def test_h37_probation_gets_the_reviews_without_the_top_or_the_care_manager_evidence() -> None:
    sent, wire = _sent("06-residential-drr", OrganisationKind.PROBATION)
    assert sent.plan.reviews and all(review.top is None for review in sent.plan.reviews)
    external = sent.plan.external_coordination
    assert external is not None and external.drr is not None  # the DRR itself still travels
    assert external.care_manager_criteria is None
    assert "top-outcome" not in wire and "care-manager-criteria" not in wire
    assert "two non-fatal overdoses" not in wire


def test_h37_the_cjit_and_the_gp_get_the_top_in_full() -> None:
    for kind in (OrganisationKind.CJIT, OrganisationKind.GP_PRACTICE):
        sent, wire = _sent("14-gp-shared-care-needle-exchange", kind)
        original = _client("14-gp-shared-care-needle-exchange")
        assert [r.top for r in sent.plan.reviews] == [r.top for r in original.plan.reviews], kind
        assert "sharedNeedleOrSyringe" in wire and "opiatesGramsPerDay" in wire, kind


# ---- H-38 ----


def test_h38_a_two_year_old_risk_assessment_is_reported_not_passed() -> None:
    data = _data("14-gp-shared-care-needle-exchange")
    data["plan"]["risk"]["assessed_on"] = "2024-11-20"
    report = check_coordination(load_record(data), today=AS_OF)
    [stale] = [f for f in report.findings if f.code == FindingCode.RISK_ASSESSMENT_OUT_OF_DATE]
    assert stale.expression == "plan.risk.assessed_on"
    assert "2024-11-20" in stale.text


# ---- H-39 ----


def test_h39_criteria_met_from_a_yes_no_field_carry_no_evidence_and_say_so() -> None:
    original = _client("06-residential-drr")
    written = write("cjit-dir", original)
    lost = set(written.lost_paths)
    assert "plan.external_coordination.care_manager_criteria.assessed_on" in lost
    assert any(path.endswith(".evidence") for path in lost)
    back = read("cjit-dir", written.data).record
    report = check_coordination(back, today=AS_OF)
    unevidenced = [
        f.expression for f in report.findings if f.code == FindingCode.CARE_MANAGER_CRITERION_WITHOUT_EVIDENCE
    ]
    assert unevidenced == [
        f"plan.external_coordination.care_manager_criteria.limbs[{n}].evidence" for n in range(3)
    ]
