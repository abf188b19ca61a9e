"""Finding the resources of a care-plan bundle by what the canonical record calls them."""

from __future__ import annotations

from collections.abc import Iterator

from adapter.handover.codes import HANDOVER_REASON_SYSTEM, ODS_SYSTEM, HandoverReason
from adapter.types import FhirJson, OdsCode


def resources(bundle: FhirJson, resource_type: str) -> Iterator[tuple[int, FhirJson]]:
    """(index, resource) of every entry of ``resource_type``."""
    for index, entry in enumerate(bundle.get("entry") or []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == resource_type:
            yield index, resource


def full_url(bundle: FhirJson, index: int) -> str:
    url = bundle["entry"][index].get("fullUrl")
    return str(url) if url else f"{bundle['entry'][index]['resource']['resourceType']}/{index}"


def identified(bundle: FhirJson, resource_type: str, system: str, value: str) -> int | None:
    """The index of the ``resource_type`` entry with identifier ``system|value``."""
    for index, resource in resources(bundle, resource_type):
        for identifier in resource.get("identifier") or []:
            if identifier.get("system") == system and identifier.get("value") == value:
                return index
    return None


def organisation_index(bundle: FhirJson, ods: OdsCode) -> int | None:
    return identified(bundle, "Organization", ODS_SYSTEM, ods)


def ods_code(organization: FhirJson) -> OdsCode | None:
    for identifier in organization.get("identifier") or []:
        if identifier.get("system") == ODS_SYSTEM and isinstance(identifier.get("value"), str):
            return str(identifier["value"])
    return None


def resolve(bundle: FhirJson, reference: object) -> int | None:
    """The index of the entry a Reference points at (by fullUrl, or ``Type/id``), or None."""
    if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
        return None
    target = reference["reference"]
    for index, entry in enumerate(bundle.get("entry") or []):
        if not isinstance(entry, dict):
            continue
        resource = entry.get("resource") or {}
        if entry.get("fullUrl") == target or (
            isinstance(resource, dict) and f"{resource.get('resourceType')}/{resource.get('id')}" == target
        ):
            return index
    return None


def handover_reason(message: FhirJson) -> HandoverReason | None:
    """The handover reason a message's Task gives (our handover-reason code), if any."""
    for _, task in resources(message, "Task"):
        for coding in (task.get("reasonCode") or {}).get("coding") or []:
            if coding.get("system") == HANDOVER_REASON_SYSTEM and coding.get("code") in set(HandoverReason):
                return HandoverReason(coding["code"])
    return None


def message_header(message: FhirJson) -> FhirJson:
    """A message Bundle's MessageHeader (its first entry's resource; empty when it has none)."""
    header: FhirJson = ((message.get("entry") or [{}])[0]).get("resource") or {}
    return header


def event_code(header: FhirJson) -> str | None:
    """The event a MessageHeader names (an answer - a header with ``response`` - repeats its message's)."""
    code: str | None = (header.get("eventCoding") or {}).get("code")
    return code
