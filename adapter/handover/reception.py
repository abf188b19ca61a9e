"""Reception into prison: a community plan handed to the prison's healthcare or CARAT team when the
client is received into custody (hazard H-45).

Seed 002, 5.3.4: "CARATs will take on the role of the keyworker while the client is in custody, to
ensure continuity of care between both the community and prison"; seed 000, 5.3.6: continuity "between
the prison and the community treatment" through "timely, targeted and correct information". At
reception the question that matters on the day is the community dose: what the client is prescribed,
when they last took it, who prescribes it and which pharmacy dispenses it. The prison must confirm it
with them before the dose is continued - a dose taken in the community that morning and given again at
reception is a double dose; a dose not confirmed and continued at full strength after days without it
is an overdose (tolerance falls after missed doses: the UK clinical guidelines, 2017, on missed doses).

So a ``prison-reception`` handover carries, for each prescription the prison is to continue:

- the current-prescribing input (medicine, daily dose, last dose, dispensing pharmacy, prescriber);
- a ``community-dose-to-confirm`` input and a Task note saying the dose must be confirmed with the
  prescriber and the dispensing pharmacy before it is continued;
- a warning when the plan does not record the reception (``plan.custody``), and when the last dose
  is not recorded or is older than the table's hours
  (``prescribing.yaml`` ``stale_last_dose_hours``). These never block the handover: continuity comes
  first (hazard H-05). An implausible dose is still refused by the plausibility checks, as for every
  handover (hazard H-09).
"""

from __future__ import annotations

from datetime import datetime

from adapter.handover.prescribing import continued_prescriptions, last_dose_stale, stale_hours
from adapter.model import ClientRecord
from adapter.model.record import Prescribing, given_and_family
from adapter.outcome import Issue
from adapter.plain import dose_amount


def _who(record: ClientRecord, member_id: str | None) -> str:
    for member in record.care_team:
        if member.id == member_id:
            name = given_and_family(member.name) if member.name else member.id
            return f"{name} ({member.organisation}{', ' + member.phone if member.phone else ''})"
    return "the prescriber (not recorded)"


def _pharmacy(record: ClientRecord, ods: str | None) -> str:
    for organisation in record.organisations:
        if organisation.ods_code == ods:
            phone = f", {organisation.phone}" if organisation.phone else ""
            return f"{organisation.name} ({ods}{phone})"
    return ods or "not recorded"


def dose_text(record: ClientRecord, prescribing: Prescribing) -> str:
    """One line: the dose and who to confirm it with."""
    last = prescribing.last_dose_at.isoformat() if prescribing.last_dose_at else "not recorded"
    pharmacy = _pharmacy(record, prescribing.dispensing_pharmacy)
    return (
        f"{prescribing.medicine} {dose_amount(prescribing.daily_dose)} a day; last dose {last}; dispensed by "
        f"{pharmacy}; prescribed by {_who(record, prescribing.prescriber)}"
    )


def confirm_notes(record: ClientRecord) -> list[str]:
    """The Task notes of a reception handover: each community dose, to be confirmed before it is
    continued (seed 002, 5.3.4: continuity between the community and prison)."""
    return [
        f"Community dose to be confirmed before it is continued: {dose_text(record, prescribing)}. Confirm "
        f"with the prescriber and the dispensing pharmacy the dose and when it was last taken (and whether "
        f"a dose was collected today) before the first dose in custody."
        for _, _, prescribing in continued_prescriptions(record)
    ]


def reception_warnings(record: ClientRecord, at: datetime) -> list[Issue]:
    """Warnings a reception handover carries: no reception recorded; a community dose with no last dose
    recorded, or one older than the table's hours. Warnings only: they never block continuity (hazard
    H-05)."""
    issues = []
    if record.plan.custody is None:
        issues.append(
            Issue.warning(
                "business-rule",
                "reception.custody-not-recorded",
                "the plan does not record the reception into custody (the prison and the date): the "
                "prison cannot tell from it when the client arrived, against the last dose",
                "plan.custody",
            )
        )
    for path, _, prescribing in continued_prescriptions(record):
        last = prescribing.last_dose_at
        if last is None:
            issues.append(
                Issue.warning(
                    "business-rule",
                    "reception.last-dose-missing",
                    f"no last dose of {prescribing.medicine} is recorded: the prison must find out from the "
                    f"prescriber and the dispensing pharmacy when it was last taken before any dose is given",
                    f"{path}.last_dose_at",
                )
            )
        elif last_dose_stale(prescribing, at):
            issues.append(
                Issue.warning(
                    "business-rule",
                    "reception.last-dose-stale",
                    f"the last dose of {prescribing.medicine} recorded is at {last.isoformat()}, more than "
                    f"{stale_hours()} hours before reception: the client may have missed doses since "
                    f"(tolerance falls) or been dosed since; confirm before continuing the dose",
                    f"{path}.last_dose_at",
                )
            )
    return issues
