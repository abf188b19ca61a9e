"""The identity check on receipt (hazard H-03): is the client of an incoming plan the client of the
plans already held under the same identifiers?

    >>> identity_conflicts(incoming, store, holder="Y02345", patient_path="Bundle.entry[5].resource")
    []

Every plan held under any of the incoming client's identifiers (NHS number, prison number, PNC id)
is compared with it: each identifier both give must agree, and so must the family name, the first
given name and the date of birth. A disagreement is one error that names both records (the incoming
client and the plan held, with the identifiers and demographics of each), and the message is refused:
nothing is stored. Two records of one client may differ in what they know (one has the NHS number,
the other not); they may not contradict each other.
"""

from __future__ import annotations

from collections.abc import Iterator

from adapter.model import ClientRecord
from adapter.model.identifiers import NHS_NUMBER_SYSTEM, PNC_ID_SYSTEM, PRISON_NUMBER_SYSTEM
from adapter.model.record import ServiceUser, given_and_family
from adapter.outcome import Issue
from adapter.store import Store
from adapter.types import OdsCode

IDENTIFIERS = (
    ("NHS number", NHS_NUMBER_SYSTEM, "nhs_number", "identifier"),
    ("prison number", PRISON_NUMBER_SYSTEM, "prison_number", "identifier"),
    ("PNC id", PNC_ID_SYSTEM, "pnc_id", "identifier"),
)


def _who(user: ServiceUser) -> str:
    known = [f"{label} {getattr(user, field)}" for label, _, field, _ in IDENTIFIERS if getattr(user, field)]
    born = f"born {user.birth_date}" if user.birth_date else "date of birth not stated"
    return f"{given_and_family(user.name)}, {born}, " + ", ".join(known)


def _disagreements(incoming: ServiceUser, held: ServiceUser) -> Iterator[tuple[str, str]]:
    """(what, FHIRPath below the Patient) for each fact the two records contradict."""
    for label, _, field, element in IDENTIFIERS:
        mine, theirs = getattr(incoming, field), getattr(held, field)
        if mine and theirs and str(mine) != str(theirs):
            yield label, element
    # An imported plan may not state a name or a date of birth: only facts both records state are compared.
    if incoming.birth_date and held.birth_date and incoming.birth_date != held.birth_date:
        yield "date of birth", "birthDate"
    if incoming.name is None or held.name is None:
        return
    if incoming.name.family.casefold() != held.name.family.casefold():
        yield "family name", "name[0].family"
    if incoming.name.given[0].casefold() != held.name.given[0].casefold():
        yield "given name", "name[0].given[0]"


def identity_conflicts(
    incoming: ClientRecord, store: Store, *, holder: OdsCode, patient_path: str
) -> list[Issue]:
    """One error per plan held under the incoming client's identifiers whose client is someone else."""
    user = incoming.service_user
    held: dict[tuple[str, str], ClientRecord] = {}
    for _, system, field, _ in IDENTIFIERS:
        value = getattr(user, field)
        if value:
            for record in store.find_plans(holder, str(value), system=system):
                held.setdefault((record.plan.id, _who(record.service_user)), record)
    issues = []
    for (plan_id, _), record in sorted(held.items()):
        contradicted = list(_disagreements(user, record.service_user))
        if not contradicted:
            continue
        issues.append(
            Issue.error(
                "conflict",
                "handover.identity-conflict",
                f"the client of this message ({_who(user)}) and the client of plan {plan_id} already held "
                f"({_who(record.service_user)}) share an identifier but disagree on "
                f"{', '.join(what for what, _ in contradicted)}: one of the two records names the wrong "
                f"person; nothing was stored",
                f"{patient_path}.{contradicted[0][1]}",
            )
        )
    return issues
