"""The consent gate and the other refusals on the sender's side: no message is built, the outcome
names every problem with its path in the canonical record, and the refusal is recorded."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from handover_cases import Keys, at, fixture, fixture_data

from adapter.handover import HandoverReason, HandoverRefused, build_handover
from adapter.model import ClientRecord, load_record
from adapter.store import SqlStore, open_store


@pytest.fixture
def store(tmp_path: Path) -> SqlStore:
    return open_store(tmp_path / "sender.db")


def _refusal(
    record: ClientRecord, *, destination: str, reason: HandoverReason, sender: str, when: str, store: SqlStore
) -> HandoverRefused:
    with pytest.raises(HandoverRefused) as refused:
        build_handover(
            record,
            destination=destination,
            reason=reason,
            sender=sender,
            clock=at(when),
            signer=Keys().signer(sender),
            store=store,
        )
    return refused.value


def _found(refused: HandoverRefused) -> list[tuple[str, str | None]]:
    return [(issue.message_id, issue.expression) for issue in refused.outcome.errors]


def test_no_consent_at_all(store: SqlStore) -> None:
    data = copy.deepcopy(fixture_data("02-carat-release.json"))
    data["consents"] = []
    refused = _refusal(
        load_record(data),
        destination="Y02345",
        reason=HandoverReason.PRISON_RELEASE,
        sender="NTI",
        when="2026-11-25T10:15:00+00:00",
        store=store,
    )
    assert _found(refused) == [("handover.no-consent", "consents")]
    [kept] = store.list_refusals()
    assert (kept.direction, kept.organisation, kept.counterpart) == ("outgoing", "NTI", "Y02345")
    assert kept.outcome["issue"][0]["expression"] == ["consents"]


def test_expired_consent(store: SqlStore) -> None:
    data = copy.deepcopy(fixture_data("02-carat-release.json"))
    data["consents"][0]["end"] = "2026-11-20"
    refused = _refusal(
        load_record(data),
        destination="Y02345",
        reason=HandoverReason.PRISON_RELEASE,
        sender="NTI",
        when="2026-11-25T10:15:00+00:00",
        store=store,
    )
    assert _found(refused) == [("handover.consent-expired", "consents[0].end")]
    assert "expired on 2026-11-20" in refused.outcome.errors[0].text


def test_consent_for_another_organisation_and_a_lapsed_one(store: SqlStore) -> None:
    # Fixture 03: the active consent names the GP and the provider; the one naming the CJIT lapsed in 2025.
    refused = _refusal(
        fixture("03-gp-shared-care.json"),
        destination="Y02345",
        reason=HandoverReason.CUSTODY_REFERRAL,
        sender="Y03456",
        when="2026-11-02T09:30:00+00:00",
        store=store,
    )
    assert _found(refused) == [
        ("handover.consent-other-organisation", "consents[0].organisations"),
        ("handover.consent-not-active", "consents[1].status"),
        ("handover.consent-expired", "consents[1].end"),
    ]


def test_consent_whose_purpose_does_not_cover_the_reason(store: SqlStore) -> None:
    # Fixture 02's consent names the GP, but for continuity of care and referral, not shared care.
    refused = _refusal(
        fixture("02-carat-release.json"),
        destination="B82017",
        reason=HandoverReason.SHARED_CARE,
        sender="NTI",
        when="2026-11-25T10:15:00+00:00",
        store=store,
    )
    assert _found(refused) == [("handover.consent-purpose", "consents[0].purposes")]


def test_consent_not_yet_in_force(store: SqlStore) -> None:
    refused = _refusal(
        fixture("02-carat-release.json"),
        destination="Y02345",
        reason=HandoverReason.PRISON_RELEASE,
        sender="NTI",
        when="2026-11-17T09:00:00+00:00",
        store=store,
    )
    # Built a week early, the recorded last dose (25 November) is also in the future: both are said.
    assert _found(refused) == [
        ("handover.consent-not-yet", "consents[0].start"),
        ("prescribing.last-dose-future", "plan.interventions[0].prescribing.last_dose_at"),
    ]


def test_an_unknown_destination(store: SqlStore) -> None:
    refused = _refusal(
        fixture("02-carat-release.json"),
        destination="Y99999",
        reason=HandoverReason.PRISON_RELEASE,
        sender="NTI",
        when="2026-11-25T10:15:00+00:00",
        store=store,
    )
    assert _found(refused) == [
        ("handover.unknown-destination", "organisations"),
        ("handover.release-wrong-place", "plan.custody.receiving_cjit"),
        ("handover.consent-other-organisation", "consents[0].organisations"),
    ]


def test_an_unknown_sender(store: SqlStore) -> None:
    refused = _refusal(
        fixture("02-carat-release.json"),
        destination="Y02345",
        reason=HandoverReason.PRISON_RELEASE,
        sender="Y77777",
        when="2026-11-25T10:15:00+00:00",
        store=store,
    )
    assert _found(refused) == [("handover.unknown-sender", "organisations")]


def test_no_handover_goes_to_a_kind_the_minimisation_table_does_not_name(store: SqlStore) -> None:
    data = copy.deepcopy(fixture_data("12-child-protection.json"))
    data["consents"][0]["organisations"].append("Y08902")
    data["organisations"][1]["kind"] = "local-authority"  # a kind no handover goes to
    refused = _refusal(
        load_record(data),
        destination="Y08902",
        reason=HandoverReason.REFERRAL_TO_TREATMENT,
        sender="Y03456",
        when="2026-11-25T11:20:00+00:00",
        store=store,
    )
    assert ("handover.no-handover-to-kind", "organisations[1].kind") in _found(refused)


def test_every_refusal_is_recorded(store: SqlStore) -> None:
    for destination in ("Y99999", "B82017"):
        with pytest.raises(HandoverRefused):
            build_handover(
                fixture("02-carat-release.json"),
                destination=destination,
                reason=HandoverReason.SHARED_CARE,
                sender="NTI",
                clock=at("2026-11-25T10:15:00+00:00"),
                signer=Keys().signer("NTI"),
                store=store,
            )
    assert [r.counterpart for r in store.list_refusals()] == ["Y99999", "B82017"]
