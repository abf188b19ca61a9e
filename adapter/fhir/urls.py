"""The canonical URLs the mapping writes and reads: profiles, extensions, identifier systems.

They are the contract with the implementation guide (docs/fhir-mapping.md); the IG in ig/ defines
every one of them.
"""

from __future__ import annotations

from typing import Final

from adapter.model.codes import CANONICAL_BASE

STRUCTURE_DEFINITION_BASE: Final = f"{CANONICAL_BASE}/StructureDefinition/"
IDENTIFIER_BASE: Final = f"{CANONICAL_BASE}/Id/"

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


def profile_url(resource_type: str) -> str:
    """The canonical URL of our profile for ``resource_type``."""
    return STRUCTURE_DEFINITION_BASE + PROFILES[resource_type]


def extension_url(extension_id: str) -> str:
    """The canonical URL of one of our extensions, by id (``care-plan-kind``)."""
    return STRUCTURE_DEFINITION_BASE + extension_id
