"""What every resource builder shares: the record, stable ids, references and extension helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from adapter.fhir.ids import client_identity, resource_id
from adapter.fhir.terminology import Terminology
from adapter.model.record import Address, ClientRecord, PersonName
from adapter.types import FhirJson
from adapter.urls import LOCAL_ID_SYSTEMS, extension_url, profile_url


@dataclass
class Context:
    """One export: the record, its terminology and the id of every resource it will produce."""

    record: ClientRecord
    terminology: Terminology
    _identity: str = field(init=False)

    def __post_init__(self) -> None:
        self._identity = client_identity(self.record.service_user)

    def id(self, resource_type: str, local: str = "") -> str:
        """The stable id of a resource: organisations by ODS code, the rest within this client."""
        if resource_type == "Organization":
            return resource_id(resource_type, local)
        if resource_type in ("CarePlan", "CareTeam", "Provenance", "Goal", "Condition"):
            return resource_id(self._identity, "plan", self.record.plan.id, resource_type, local)
        return resource_id(self._identity, resource_type, local)

    def ref(self, resource_type: str, local: str = "") -> FhirJson:
        """A reference that resolves inside the bundle (by the target's urn:uuid fullUrl)."""
        return {"reference": f"urn:uuid:{self.id(resource_type, local)}"}

    def member_role(self, member_id: str | None) -> FhirJson | None:
        """A reference to the PractitionerRole of a care-team member (None for no member)."""
        return None if member_id is None else self.ref("PractitionerRole", member_id)


def resource(resource_type: str, ctx: Context, local: str = "", **elements: Any) -> FhirJson:
    """A resource with its id and our profile; ``None`` and empty elements are left out."""
    body: FhirJson = {
        "resourceType": resource_type,
        "id": ctx.id(resource_type, local),
        "meta": {"profile": [profile_url(resource_type)]},
    }
    body.update(compact(elements))
    return body


def compact(elements: dict[str, Any]) -> FhirJson:
    """Drop absent values (None, empty lists and objects): FHIR JSON never carries empty elements."""
    return {
        key: value for key, value in elements.items() if value is not None and value != [] and value != {}
    }


def local_identifier(resource_type: str, value: str) -> FhirJson:
    return {"system": LOCAL_ID_SYSTEMS[resource_type], "value": value}


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def instant(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def period(start: date | None, end: date | None) -> FhirJson | None:
    return compact({"start": day(start), "end": day(end)}) or None


def human_name(name: PersonName) -> FhirJson:
    return compact(
        {
            "use": "official",
            "family": name.family,
            "given": list(name.given),
            "prefix": [name.prefix] if name.prefix else None,
        }
    )


def address(value: Address | None, use: str) -> FhirJson | None:
    """An address; ``use`` is always written so that an address with no parts still round-trips."""
    if value is None:
        return None
    return compact(
        {
            "use": use,
            "line": list(value.lines),
            "city": value.city,
            "district": value.district,
            "postalCode": value.postcode,
        }
    )


def telecom(phone: str | None, email: str | None = None) -> list[FhirJson]:
    points = [("phone", phone), ("email", email)]
    return [{"system": system, "value": value} for system, value in points if value is not None]


def extension(extension_id: str, value_key: str, value: Any) -> FhirJson | None:
    """One of our simple extensions, or None when there is no value."""
    if value is None:
        return None
    return {"url": extension_url(extension_id), value_key: value}


def extensions(*items: FhirJson | None) -> list[FhirJson]:
    return [item for item in items if item is not None]
