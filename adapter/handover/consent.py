"""The one consent rule: does the client's consent cover this disclosure, of this client, to this
organisation, today, for this purpose? Every disclosure asks it here and nowhere else: the handover
gate (build), receipt, the outbox at delivery and the server's read rule (hazards H-12, H-14, H-16).

    >>> consent = consent_for(record, "Y02345", purposes_for(HandoverReason.PRISON_RELEASE), today)
    >>> consent.id
    'consent-release-cjit'

A consent (decision ``permit``) covers a disclosure when it is active, names the organisation, its
period covers the day and it lists one of the purposes asked about (``data/consent-purposes.json``
gives the purposes that permit each handover reason). A refusal (decision ``deny``) that is active,
in force and names the organisation for one of those purposes outweighs every consent: the client
said no. A withdrawn consent is inactive and covers nothing. The canonical record is one client's:
a FHIR Consent about another patient never reaches it (adapter.fhir's import refuses it).
Seed 002, 5.3.4: "prison -> CJIT referral only with consent"; seed 000, 5.3.6: information shared
within the legal framework.

When nothing covers it, :class:`HandoverRefused` carries one issue per consent saying why that one
does not (refused, not active, expired, not yet in force, another organisation, purpose not covered),
with the path of the field in the canonical record.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from adapter.handover.codes import HandoverReason
from adapter.handover.errors import HandoverRefused
from adapter.handover.rules import consent_purposes
from adapter.model import ClientRecord, ConsentToShare
from adapter.model.codes import ConsentDecision, ConsentPurpose, ConsentStatus
from adapter.outcome import Issue, OperationOutcome
from adapter.types import OdsCode


def purposes_for(reason: HandoverReason) -> frozenset[ConsentPurpose]:
    """The consent purposes that permit a handover for ``reason``."""
    return consent_purposes()[reason]


def _refusal(
    consent: ConsentToShare,
    path: str,
    organisation: OdsCode,
    purposes: frozenset[ConsentPurpose],
    today: date,
) -> Issue | None:
    refused = purposes & set(consent.purposes)
    if not (consent.in_force(today) and organisation in consent.organisations and refused):
        return None
    return Issue.error(
        "forbidden",
        "handover.consent-refused",
        f"the client refused sharing with {organisation} for {', '.join(sorted(refused))} "
        f"(refusal {consent.id}, from {consent.start}): nothing is disclosed",
        f"{path}.decision",
    )


def _why_not(
    consent: ConsentToShare,
    path: str,
    organisation: OdsCode,
    purposes: frozenset[ConsentPurpose],
    today: date,
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
            f"consent {consent.id} expired on {consent.end} (the disclosure is on {today})",
            f"{path}.end",
        )
    if consent.start > today:
        yield Issue.error(
            "forbidden",
            "handover.consent-not-yet",
            f"consent {consent.id} is in force only from {consent.start} (the disclosure is on {today})",
            f"{path}.start",
        )
    if organisation not in consent.organisations:
        yield Issue.error(
            "forbidden",
            "handover.consent-other-organisation",
            f"consent {consent.id} permits sharing with {', '.join(consent.organisations)}, "
            f"not {organisation}",
            f"{path}.organisations",
        )
    if not purposes & set(consent.purposes):
        yield Issue.error(
            "forbidden",
            "handover.consent-purpose",
            f"consent {consent.id} is for {', '.join(consent.purposes)}; this disclosure needs "
            f"{' or '.join(sorted(purposes))}",
            f"{path}.purposes",
        )


def consent_for(
    record: ClientRecord, organisation: OdsCode, purposes: frozenset[ConsentPurpose], today: date
) -> ConsentToShare:
    """The consent that permits disclosing ``record`` (one client's) to ``organisation`` on ``today``
    for one of ``purposes``.

    Raises HandoverRefused naming the refusal when the client refused it, else, for each consent on
    record, why it does not cover it; or, when the record holds none, that there is no consent at all.
    """
    refusals = [
        issue
        for index, consent in enumerate(record.consents)
        if consent.decision is ConsentDecision.DENY
        and (issue := _refusal(consent, f"consents[{index}]", organisation, purposes, today)) is not None
    ]
    if refusals:
        raise HandoverRefused(OperationOutcome.of(refusals))
    issues: list[Issue] = []
    for index, consent in enumerate(record.consents):
        if consent.decision is not ConsentDecision.PERMIT:
            continue
        found = list(_why_not(consent, f"consents[{index}]", organisation, purposes, today))
        if not found:
            return consent
        issues += found
    if not issues:
        issues.append(
            Issue.error(
                "forbidden",
                "handover.no-consent",
                f"no consent to share is on record: the plan cannot be disclosed to {organisation}",
                "consents",
            )
        )
    raise HandoverRefused(OperationOutcome.of(issues))


def covering_consent(
    record: ClientRecord, destination: OdsCode, reason: HandoverReason, today: date
) -> ConsentToShare:
    """The consent that permits handing ``record`` to ``destination`` for ``reason`` on ``today``
    (:func:`consent_for` with the purposes that permit ``reason``)."""
    return consent_for(record, destination, purposes_for(reason), today)
