"""The synthetic clients in fixtures/clients: who co-ordinates each one, and the story's own findings.

The fixtures are dated around 25 November 2026, so they are judged on that day.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from adapter.clock import FixedClock
from adapter.coordination import CoordinationReport, check_coordination
from adapter.model import ClientRecord, dump_record, load_record
from adapter.model.codes import Role

CLIENTS = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
AS_OF = FixedClock(date(2026, 11, 25))

AGREEMENT_FINDINGS = {"agreement-conflicts-with-rule", "agreed-coordinator-left-team"}

# fixture -> (role, rule, holders, finding codes the story must raise, codes it must not raise)
EXPECTED: dict[str, tuple[Role | None, str, list[str], set[str], set[str]]] = {
    "01-custody-triage": (
        Role.DIP_WORKER,
        "dip-client",
        ["cjit-rosa-mensah"],
        set(),
        {"waiting-at-risk-without-plan", "no-named-keyworker", "coordinator-not-in-team"},
    ),
    # In custody the CARAT worker keyworks and co-ordinates (seed 002, 5.3.4), whatever the count.
    "02-carat-release": (Role.CARAT_WORKER, "custody", ["carat-owen-price"], set(), set()),
    # The shared-care agreement is marked as an alternative arrangement, but one intervention is not
    # a care manager case: its keyworker co-ordinates, and that is who the agreement names.
    "03-gp-shared-care": (
        Role.KEYWORKER,
        "one-intervention",
        ["scw-beth-kowalczyk"],
        set(),
        AGREEMENT_FINDINGS,
    ),
    "04-enhanced-cpa": (Role.CMHT_CARE_COORDINATOR, "enhanced-cpa", ["cmht-grace-ndlovu"], set(), set()),
    "05-community-drr": (Role.PROBATION_OFFENDER_MANAGER, "community-drr", ["om-kerry-lowe"], set(), set()),
    "06-residential-drr": (Role.CARE_MANAGER, "residential-drr", ["cm-joanne-ashby"], set(), set()),
    # Referred to both services on one day, but both have started: the client receives two
    # interventions, the care co-ordinator co-ordinates, and the agreement names her.
    "07-two-interventions": (
        Role.CARE_COORDINATOR,
        "more-than-one-intervention",
        ["cc-hannah-webb"],
        set(),
        AGREEMENT_FINDINGS | {"coordination-decision-needed"},
    ),
    "08-simultaneous-referral": (None, "simultaneous-referral", [], {"coordination-decision-needed"}, set()),
    # Only a tier 2 relapse-prevention group is live after discharge: no tier 3 modality is counted.
    "09-discharge-aftercare": (
        Role.KEYWORKER,
        "no-intervention-yet",
        ["recovery-worker-lou-gill"],
        set(),
        {
            "discharge-without-aftercare-plan",
            "top-not-at-discharge",
            "aftercare-plan-drug-support-only",
            "post-discharge-follow-up-due",
            "closure-evidence-not-on-file",
        },
    ),
    "10-dropout-reengaged": (
        Role.DIP_WORKER,
        "dip-client",
        ["cjit-marek-zielinski"],
        set(),
        {"disengaged-without-re-engagement"},
    ),
    # During a transfer between prisons the receiving prison's CARAT worker keyworks (seed 002, 5.3.4).
    "11-prison-transfer": (Role.CARAT_WORKER, "custody", ["carat-femi-adebayo"], set(), set()),
    "12-child-protection": (
        Role.KEYWORKER,
        "one-intervention",
        ["kw-lucy-adair"],
        set(),
        {
            "child-protection-not-in-risk-plan",
            "child-protection-forum-unattended",
            "complex-needs-without-contingency-plan",
            "complex-needs-without-crisis-plan",
        },
    ),
    # A DIP client in custody with one intervention keyworked by the prison nurse: the CARAT worker
    # keyworks, not the DIP worker (not on the prison team) nor the nurse (seed 002, 5.3.4).
    "13-dip-client-in-custody": (
        Role.CARAT_WORKER,
        "custody",
        ["carat-priya-shah"],
        set(),
        {"coordinator-not-in-team", "top-not-at-assessment", "no-named-keyworker"},
    ),
    # GP shared care beside a tier 2 needle exchange: one tier 3 modality, so its keyworker (the
    # shared-care worker) co-ordinates; no separate care co-ordinator (seed 003).
    "14-gp-shared-care-needle-exchange": (
        Role.KEYWORKER,
        "one-intervention",
        ["scw-jon-hale"],
        set(),
        {
            "coordinator-not-in-team",
            "shared-care-gp-not-named",
            "shared-care-worker-not-named",
            "top-review-overdue",
            "top-not-at-assessment",
        },
    ),
    # On enhanced CPA the CMHT care co-ordinator co-ordinates, drug treatment beside it (seed 003);
    # the start TOP at comprehensive assessment and a three-monthly one since.
    "15-cpa-psychiatric-medication": (
        Role.CMHT_CARE_COORDINATOR,
        "enhanced-cpa",
        ["cmht-sam-okafor"],
        set(),
        {"top-not-at-assessment", "top-review-overdue", "coordinator-not-in-team"},
    ),
    # Received into prison the day before on a community plan: in custody the CARAT worker keyworks
    # (seed 002, 5.3.4), and none is on the team yet - the finding that travels with the reception
    # handover says one must be named.
    "16-prison-reception": (Role.CARAT_WORKER, "custody", [], {"coordinator-not-in-team"}, set()),
}


def _load(name: str) -> ClientRecord:
    return load_record(orjson.loads((CLIENTS / f"{name}.json").read_bytes()))


def _check(name: str) -> CoordinationReport:
    return check_coordination(_load(name), today=AS_OF)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_who_co_ordinates_each_fixture_client(name: str) -> None:
    role, rule, holders, raised, not_raised = EXPECTED[name]
    report = _check(name)
    assert (report.decision.role, report.decision.rule, [m.id for m in report.decision.holders]) == (
        role,
        rule,
        holders,
    )
    codes = {str(f.code) for f in report.findings}
    assert raised <= codes
    assert not codes & not_raised


@pytest.mark.parametrize(
    ("name", "coordinator", "alternative"),
    [("03-gp-shared-care", "scw-beth-kowalczyk", True), ("07-two-interventions", "cc-hannah-webb", False)],
)
def test_fixture_agreements_name_the_coordinator_the_protocol_decides(
    name: str, coordinator: str, alternative: bool
) -> None:
    record = _load(name)
    agreement = record.plan.coordination_agreement
    assert agreement is not None
    assert (agreement.coordinator, agreement.alternative_arrangement) == (coordinator, alternative)
    report = check_coordination(record, today=AS_OF)
    assert [m.id for m in report.decision.holders] == [coordinator]
    assert not report.decision.agreement_conflict
    assert not [f for f in report.findings if f.expression.startswith("plan.coordination_agreement")]


def test_simultaneous_referral_fixture_lists_both_services() -> None:
    decision = _check("08-simultaneous-referral").decision
    assert [(c.intervention, c.provider) for c in decision.candidates] == [
        ("iv-ost-referral", "Y03456"),
        ("iv-day-programme-referral", "Y04567"),
    ]


def _resolves(data: Any, path: str) -> bool:
    """Whether the parent of ``path`` (dotted, with [i]) exists in the record's JSON: the leaf itself
    may be an absent optional field, which is often exactly what the finding is about."""
    parts = [p for p in re.split(r"\.|\[(\d+)\]", path) if p]
    node = data
    for part in parts[:-1]:
        if part.isdigit():
            if not isinstance(node, list) or int(part) >= len(node):
                return False
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return True


@pytest.mark.parametrize("path", sorted(CLIENTS.glob("*.json")), ids=lambda p: p.stem)
def test_every_finding_points_into_the_record(path: Path) -> None:
    record = load_record(orjson.loads(path.read_bytes()))
    data = dump_record(record)
    report = check_coordination(record, today=AS_OF)
    assert report.decision.source.seed in {"000", "002", "003"}
    for finding in report.findings:
        assert _resolves(data, finding.expression), finding
        assert finding.source.seed in {"000", "001", "002", "003", "004"}
