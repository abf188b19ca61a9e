"""The canonical URLs of the adapter: profiles, extensions, identifier and code systems.

This module is the contract with the implementation guide (docs/fhir-mapping.md): the IG in ig/
defines every URL here, and every room (the mapper, the handover, co-ordination, the server) takes
its URLs from here and compares them whole, never by a suffix.
"""

from __future__ import annotations

from typing import Final

from adapter.model.codes import CANONICAL_BASE, CODE_SYSTEM_BASE

# The NHS identifier systems (UK Core) are defined with the model's identifier checks; re-exported here.
from adapter.model.identifiers import NHS_NUMBER_SYSTEM as NHS_NUMBER_SYSTEM
from adapter.model.identifiers import ODS_SYSTEM as ODS_SYSTEM

STRUCTURE_DEFINITION_BASE: Final = f"{CANONICAL_BASE}/StructureDefinition/"
IDENTIFIER_BASE: Final = f"{CANONICAL_BASE}/Id/"

# The handover message (ig/input/fsh/handover.fsh)
HANDOVER_REASON_SYSTEM: Final = CODE_SYSTEM_BASE + "handover-reason"
HANDOVER_EVENT_SYSTEM: Final = CODE_SYSTEM_BASE + "handover-event"
HANDOVER_INPUT_SYSTEM: Final = CODE_SYSTEM_BASE + "handover-input"
MESSAGE_PROFILE: Final = STRUCTURE_DEFINITION_BASE + "HandoverMessage"
HEADER_PROFILE: Final = STRUCTURE_DEFINITION_BASE + "HandoverMessageHeader"
TASK_PROFILE: Final = STRUCTURE_DEFINITION_BASE + "HandoverTask"
PROVENANCE_PROFILE: Final = STRUCTURE_DEFINITION_BASE + "HandoverProvenance"
ACKNOWLEDGEMENT_HEADER_PROFILE: Final = STRUCTURE_DEFINITION_BASE + "HandoverAcknowledgementHeader"
PRESCRIBING_EXTENSION: Final = STRUCTURE_DEFINITION_BASE + "handover-prescribing"
SINGLE_POINT_OF_CONTACT_EXTENSION: Final = STRUCTURE_DEFINITION_BASE + "single-point-of-contact"
MESSAGE_NAMESPACE_URL: Final = f"{CANONICAL_BASE}/handover"
"""The namespace of the handover's UUID v5 message ids."""

# Co-ordination findings (ig/input/fsh: CoordinationFindingIssue)
DETECTED_ISSUE_PROFILE: Final = STRUCTURE_DEFINITION_BASE + "CoordinationFindingIssue"
FINDING_EXPRESSION_EXTENSION: Final = STRUCTURE_DEFINITION_BASE + "finding-expression"
FINDING_SOURCE_EXTENSION: Final = STRUCTURE_DEFINITION_BASE + "finding-source"
CHECK_OPERATION: Final = f"{CANONICAL_BASE}/OperationDefinition/CarePlan-check"

PROFILES: Final[dict[str, str]] = {
    "CarePlan": "DrugTreatmentCarePlan",
    "CareTeam": "CareCoordinationTeam",
    "Goal": "TreatmentGoal",
    "Condition": "AssessedNeed",
    "Patient": "ServiceUserPatient",
    "Practitioner": "CarePlanPractitioner",
    "PractitionerRole": "CarePlanPractitionerRole",
    "Organization": "CarePlanOrganization",
    "EpisodeOfCare": "TreatmentEpisodeOfCare",
    "Consent": "ConsentToShare",
    "Provenance": "CarePlanProvenance",
    "MedicationStatement": "PsychiatricMedicationStatement",
}
"""Our profile (StructureDefinition name) for each resource type the mapping writes."""

LOCAL_ID_SYSTEMS: Final[dict[str, str]] = {
    "CarePlan": IDENTIFIER_BASE + "care-plan",
    "EpisodeOfCare": IDENTIFIER_BASE + "treatment-episode",
    "PractitionerRole": IDENTIFIER_BASE + "care-team-member",
    "Goal": IDENTIFIER_BASE + "goal",
    "Condition": IDENTIFIER_BASE + "need",
    "Consent": IDENTIFIER_BASE + "consent",
}
"""Identifier systems that carry a record-local id (plan id, goal id ...) so it survives the trip."""
CARE_PLAN_ID_SYSTEM: Final = LOCAL_ID_SYSTEMS["CarePlan"]
CONSENT_ID_SYSTEM: Final = LOCAL_ID_SYSTEMS["Consent"]
MEMBER_ID_SYSTEM: Final = LOCAL_ID_SYSTEMS["PractitionerRole"]


MENTAL_HEALTH_DIAGNOSIS_PROFILE = "MentalHealthDiagnosis"
"""The profile of a Condition that is a CPA client's mental health diagnosis (not an assessed need)."""

CONSENT_REFUSAL_PROFILE = "ConsentRefusal"
"""The profile of a Consent whose provision is a refusal (deny): ConsentToShare fixes permit."""


def profile_url(resource_type: str) -> str:
    """The canonical URL of our profile for ``resource_type``."""
    return STRUCTURE_DEFINITION_BASE + PROFILES[resource_type]


def extension_url(extension_id: str) -> str:
    """The canonical URL of one of our extensions, by id (``care-plan-kind``)."""
    return STRUCTURE_DEFINITION_BASE + extension_id
