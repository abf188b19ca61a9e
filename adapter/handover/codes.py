"""The handover's vocabularies: reasons, events, Task inputs and Task statuses.

The codes are the IG's CodeSystems (ig/input/fsh/codesystems.fsh ``handover-reason``,
ig/input/fsh/handover.fsh ``handover-event`` and ``handover-input``); change both together.
"""

from __future__ import annotations

from enum import StrEnum

from adapter.urls import (
    ACKNOWLEDGEMENT_HEADER_PROFILE,
    HANDOVER_EVENT_SYSTEM,
    HANDOVER_INPUT_SYSTEM,
    HANDOVER_REASON_SYSTEM,
    HEADER_PROFILE,
    MESSAGE_PROFILE,
    ODS_SYSTEM,
    PRESCRIBING_EXTENSION,
    PROVENANCE_PROFILE,
    TASK_PROFILE,
)

__all__ = [
    "ACKNOWLEDGEMENT_HEADER_PROFILE",
    "HANDOVER_EVENT_SYSTEM",
    "HANDOVER_INPUT_SYSTEM",
    "HANDOVER_REASON_SYSTEM",
    "HEADER_PROFILE",
    "MESSAGE_PROFILE",
    "ODS_SYSTEM",
    "PRESCRIBING_EXTENSION",
    "PROVENANCE_PROFILE",
    "TASK_PROFILE",
    "HandoverEvent",
    "HandoverInput",
    "HandoverReason",
    "TaskStatus",
]


class HandoverReason(StrEnum):
    """Why a plan is handed over (DIR-style; seeds 000 5.3.6, 002 5.3.4, 003)."""

    PRISON_RELEASE = "prison-release"
    PRISON_TRANSFER = "prison-transfer"
    CUSTODY_REFERRAL = "custody-referral"
    REFERRAL_TO_TREATMENT = "referral-to-treatment"
    SHARED_CARE = "shared-care"
    CPA_COORDINATION = "cpa-coordination"
    DISCHARGE_AFTERCARE = "discharge-aftercare"
    PRISON_RECEPTION = "prison-reception"
    OFFENDER_MANAGEMENT = "offender-management"
    SAFEGUARDING = "safeguarding"


class HandoverEvent(StrEnum):
    """MessageHeader.eventCoding: what the message is (an acknowledgement repeats the event)."""

    CARE_PLAN_HANDOVER = "care-plan-handover"
    CONSENT_WITHDRAWN = "consent-withdrawn"
    CARE_PLAN_UPDATE = "care-plan-update"


class HandoverInput(StrEnum):
    """Task.input types: the prison-release minimum data set and the consent it travels under."""

    CONSENT = "consent"
    RELEASE_DATE = "release-date"
    RELEASE_AREA = "release-area"
    RECEIVING_CJIT = "receiving-cjit"
    FIRST_COMMUNITY_APPOINTMENT = "first-community-appointment"
    CURRENT_PRESCRIBING = "current-prescribing"
    OVERDOSE_RISK_ON_RELEASE = "overdose-risk-on-release"
    OPEN_RISK = "open-risk"
    KEYWORKER_CONTACT = "keyworker-contact"
    RECEPTION_DATE = "reception-date"
    COMMUNITY_DOSE_TO_CONFIRM = "community-dose-to-confirm"


class TaskStatus(StrEnum):
    """The handover Task's life (FHIR task-status codes): requested -> received -> accepted | rejected
    -> completed. Which moves are allowed is data: ``data/task-transitions.json``."""

    REQUESTED = "requested"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
