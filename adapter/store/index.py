"""What a plan is found by: the identifiers the client is known by, and the CarePlan's FHIR id.

Both are derived from the record when it is saved and kept in indexed columns, so a read or a search
touches only the rows it returns (rather than mapping every plan the holder keeps to FHIR).
"""

from __future__ import annotations

from adapter.fhir.terminology import Terminology
from adapter.fhir.to_fhir.context import Context
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


def care_plan_id(record: ClientRecord) -> str:
    """The id adapter.fhir's ``to_fhir`` gives the record's CarePlan (a stable UUID v5).

    Asked of the mapper's own :class:`Context`, so the store and the mapper cannot disagree."""
    return Context(record, Terminology.default()).id("CarePlan")
