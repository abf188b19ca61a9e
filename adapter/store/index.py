"""What a plan is found by: the identifiers the client is known by (and, through
:func:`adapter.fhir.care_plan_id`, the CarePlan's FHIR id).

Both are derived from the record when it is saved and kept in indexed columns, so a read or a search
touches only the rows it returns (rather than mapping every plan the holder keeps to FHIR).
"""

from __future__ import annotations

from adapter.model import ClientRecord
from adapter.model.identifiers import NHS_NUMBER_SYSTEM, PNC_ID_SYSTEM, PRISON_NUMBER_SYSTEM


def patient_identifiers(record: ClientRecord) -> set[tuple[str, str]]:
    """Every (system, value) the client is known by in ``record`` (NHS number, prison number, PNC id,
    other identifiers)."""
    user = record.service_user
    known = {(other.system, other.value) for other in user.other_identifiers}
    for system, value in (
        (NHS_NUMBER_SYSTEM, user.nhs_number),
        (PRISON_NUMBER_SYSTEM, user.prison_number),
        (PNC_ID_SYSTEM, user.pnc_id),
    ):
        if value:
            known.add((system, str(value)))
    return known


def client_key(record: ClientRecord) -> str:
    """The client a plan is about, as part of the plan's key (hazard H-02): the NHS number, else the
    prison number, else the PNC id, else the name and date of birth (system-qualified, so that two
    kinds of identifier never collide); a client with none of them is keyed by the plan alone."""
    user = record.service_user
    for system, value in (
        (NHS_NUMBER_SYSTEM, user.nhs_number),
        (PRISON_NUMBER_SYSTEM, user.prison_number),
        (PNC_ID_SYSTEM, user.pnc_id),
    ):
        if value:
            return f"{system}|{value}"
    if user.name is None or user.birth_date is None:
        # An imported plan that names no identifier, name or date of birth: its client is joined to no
        # other (two such clients must never share a key), only to later versions of the same plan.
        return f"unidentified|{record.plan.id}"
    return f"name|{user.name.family.lower()}|{' '.join(user.name.given).lower()}|{user.birth_date}"
