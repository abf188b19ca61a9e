"""Stable resource ids: the same record exported twice gives the same ids.

An id is a UUID v5 in our namespace, named by the client's identity (NHS number, else another
identifier, else name and birth date), the plan and the record-local id of the part. Organisations
are named by their ODS code alone: the same team is the same resource in every client's bundle.

    >>> resource_id("Organization", "Y02345") == resource_id("Organization", "Y02345")
    True
"""

from __future__ import annotations

import uuid
from typing import Final

from adapter.model.codes import CANONICAL_BASE
from adapter.model.identifiers import NHS_NUMBER_SYSTEM, PNC_ID_SYSTEM, PRISON_NUMBER_SYSTEM
from adapter.model.record import ServiceUser

NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, CANONICAL_BASE)


def client_identity(user: ServiceUser) -> str:
    """The strongest identity the record gives for the client, as ``system|value``."""
    if user.nhs_number:
        return f"{NHS_NUMBER_SYSTEM}|{user.nhs_number}"
    if user.prison_number:
        return f"{PRISON_NUMBER_SYSTEM}|{user.prison_number}"
    if user.pnc_id:
        return f"{PNC_ID_SYSTEM}|{user.pnc_id}"
    if user.other_identifiers:
        first = user.other_identifiers[0]
        return f"{first.system}|{first.value}"
    # No identifier at all: name and birth date are what a person would match on.
    # An imported plan may say neither: then the plan's subject is its own (the plan id decides).
    name = user.name
    born = user.birth_date.isoformat() if user.birth_date else ""
    if name is None:
        return f"name||{born}"
    return f"name|{name.family}|{' '.join(name.given)}|{born}"


def resource_id(*parts: str) -> str:
    """A UUID v5 (as text) named by ``parts``; equal parts give equal ids."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))
