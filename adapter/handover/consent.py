"""The consent gate: no handover to a destination that no active consent covers.

A consent covers a handover when it is active, names the receiving organisation, its period covers
the day, and it lists a purpose that permits the handover's reason (``data/consent-purposes.json``).
Seed 002, 5.3.4: "prison -> CJIT referral only with consent"; seed 000, 5.3.6: information shared
within the legal framework.

    >>> consent = covering_consent(record, "Y02345", HandoverReason.PRISON_RELEASE, date(2026, 11, 25))
    >>> consent.id
    'consent-release-cjit'

When none covers it, :class:`HandoverRefused` carries one issue per consent saying why that one does
not (not active, expired, not yet in force, another organisation, purpose not covered), with the
path of the field in the canonical record.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from adapter.handover.codes import HandoverReason
from adapter.handover.errors import HandoverRefused
from adapter.handover.rules import consent_purposes
from adapter.model import ClientRecord, ConsentToShare
from adapter.model.codes import ConsentStatus
from adapter.outcome import Issue, OperationOutcome
from adapter.types import OdsCode


def _why_not(
    consent: ConsentToShare, path: str, destination: OdsCode, reason: HandoverReason, today: date
) -> Iterator[Issue]:
    if consent.status is not ConsentStatus.ACTIVE:
        yield Issue.error(
            "forbidden",
            "handover.consent-not-active",
            f"consent {consent.id} is {consent.status}, not active",
            f"{path}.status",
        )
    if consent.end is not None and consent.end < today:
        yield Issue.error(
            "forbidden",
            "handover.consent-expired",
            f"consent {consent.id} expired on {consent.end} (the handover is on {today})",
            f"{path}.end",
        )
    if consent.start > today:
        yield Issue.error(
            "forbidden",
            "handover.consent-not-yet",
            f"consent {consent.id} is in force only from {consent.start} (the handover is on {today})",
            f"{path}.start",
        )
    if destination not in consent.organisations:
        yield Issue.error(
            "forbidden",
            "handover.consent-other-organisation",
            f"consent {consent.id} permits sharing with {', '.join(consent.organisations)}, "
            f"not {destination}",
            f"{path}.organisations",
        )
    permitting = consent_purposes()[reason]
    if not permitting & set(consent.purposes):
        yield Issue.error(
            "forbidden",
            "handover.consent-purpose",
            f"consent {consent.id} is for {', '.join(consent.purposes)}; a {reason} handover needs "
            f"{' or '.join(sorted(permitting))}",
            f"{path}.purposes",
        )


def covering_consent(
    record: ClientRecord, destination: OdsCode, reason: HandoverReason, today: date
) -> ConsentToShare:
    """The consent that permits handing ``record`` to ``destination`` for ``reason`` on ``today``.

    Raises HandoverRefused naming, for each consent on record, why it does not; or, when the record
    holds none, that there is no consent at all.
    """
    issues: list[Issue] = []
    for index, consent in enumerate(record.consents):
        found = list(_why_not(consent, f"consents[{index}]", destination, reason, today))
        if not found:
            return consent
        issues += found
    if not record.consents:
        issues.append(
            Issue.error(
                "forbidden",
                "handover.no-consent",
                f"no consent to share is on record: the plan cannot be handed to {destination}",
                "consents",
            )
        )
    raise HandoverRefused(OperationOutcome.of(issues))
