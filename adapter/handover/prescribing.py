"""Plausibility checks on current prescribing, at export, handover and receipt (hazards H-09, H-10).

    >>> [issue.expression for issue in prescribing_issues(record, at)]
    []

The bounds are data (``data/prescribing.yaml``, each medicine with its source named: the UK clinical
guidelines, 2017, and the BNF). Errors refuse: a last dose in the future or before the intervention
began, a daily dose outside the medicine's plausible range, a unit that is not a mass (a dose in mL
means nothing without the solution's strength). A medicine with no row is a warning (the dose was not
checked), never a silent pass. :func:`stale_last_doses` gives the warnings a prison-release handover
carries when the last dose is older than the table's hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources

import yaml

from adapter.model import ClientRecord
from adapter.model.codes import ActivityStatus
from adapter.model.record import Intervention, Prescribing
from adapter.outcome import Issue


@dataclass(frozen=True, slots=True)
class DoseRange:
    """The plausible daily dose of one medicine, in mg, and where the bounds come from."""

    medicine: str
    low: Decimal
    high: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class PrescribingTable:
    units: dict[str, Decimal]
    volumes: dict[str, Decimal]
    stale_after: timedelta
    medicines: dict[str, DoseRange]


@cache
def prescribing_table() -> PrescribingTable:
    """``data/prescribing.yaml``, read once."""
    text = (resources.files("adapter.handover") / "data" / "prescribing.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return PrescribingTable(
        {unit: Decimal(str(factor)) for unit, factor in data["units"].items()},
        {unit: Decimal(str(factor)) for unit, factor in data["volumes"].items()},
        timedelta(hours=int(data["stale_last_dose_hours"])),
        {
            name: DoseRange(name, Decimal(str(row["low"])), Decimal(str(row["high"])), str(row["source"]))
            for name, row in data["medicines"].items()
        },
    )


def _current(record: ClientRecord) -> Iterator[tuple[str, Intervention, Prescribing]]:
    for index, intervention in enumerate(record.plan.interventions):
        if intervention.prescribing is not None:
            yield f"plan.interventions[{index}].prescribing", intervention, intervention.prescribing


def _mg_per_unit(path: str, prescribing: Prescribing, table: PrescribingTable) -> Decimal | Issue:
    """Milligrams in one unit of the daily dose: a mass unit by its factor; a volume only through
    the liquid's strength given as a structured quantity (mass per volume, e.g. 1 mg/mL). A volume
    without its strength, or a unit that is neither, is ambiguous: refused, never guessed."""
    dose = prescribing.daily_dose
    if dose.unit in table.units:
        return table.units[dose.unit]
    if dose.unit not in table.volumes:
        return Issue.error(
            "business-rule",
            "prescribing.unit-ambiguous",
            f"the daily dose of {prescribing.medicine} is in {dose.unit!r}: give it in "
            f"{' or '.join(table.units)}, or in {' or '.join(table.volumes)} with the liquid's strength",
            f"{path}.daily_dose.unit",
        )
    strength = dose.strength
    if strength is None:
        return Issue.error(
            "business-rule",
            "prescribing.strength-missing",
            f"the daily dose of {prescribing.medicine} is {dose.value} {dose.unit}: a volume means nothing "
            "without the strength - give the liquid's strength (e.g. 1 mg/mL) as a structured quantity",
            f"{path}.daily_dose.strength",
        )
    mass, _, volume = strength.unit.partition("/")
    if mass not in table.units or volume not in table.volumes:
        return Issue.error(
            "business-rule",
            "prescribing.strength-unit",
            f"the strength of {prescribing.medicine} is in {strength.unit!r}: expected a mass per volume "
            f"such as mg/mL",
            f"{path}.daily_dose.strength.unit",
        )
    return strength.value * table.units[mass] / table.volumes[volume] * table.volumes[dose.unit]


def _dose(path: str, prescribing: Prescribing) -> Iterator[Issue]:
    table = prescribing_table()
    dose = prescribing.daily_dose
    mg_per_unit = _mg_per_unit(path, prescribing, table)
    if isinstance(mg_per_unit, Issue):
        yield mg_per_unit
        return
    name = prescribing.medicine.split()[0].lower()
    bounds = table.medicines.get(name)
    if bounds is None:
        yield Issue.warning(
            "not-supported",
            "prescribing.no-range",
            f"no plausible dose range is on file for {prescribing.medicine}: its dose was not checked",
            f"{path}.medicine",
        )
        return
    mg = dose.value * mg_per_unit
    if not bounds.low <= mg <= bounds.high:
        yield Issue.error(
            "business-rule",
            "prescribing.dose-implausible",
            f"{prescribing.medicine} {dose.value} {dose.unit} a day is outside the plausible range "
            f"{bounds.low}-{bounds.high} mg ({bounds.source}): check the dose before it is shared",
            f"{path}.daily_dose.value",
        )


def _last_dose(
    path: str, intervention: Intervention, prescribing: Prescribing, at: datetime
) -> Iterator[Issue]:
    last = prescribing.last_dose_at
    if last is None:
        return
    if last > at:
        yield Issue.error(
            "business-rule",
            "prescribing.last-dose-future",
            f"the last dose of {prescribing.medicine} is recorded at {last.isoformat()}, after now "
            f"({at.isoformat(timespec='minutes')})",
            f"{path}.last_dose_at",
        )
    if intervention.start is not None and last.date() < intervention.start:
        yield Issue.error(
            "business-rule",
            "prescribing.last-dose-before-start",
            f"the last dose of {prescribing.medicine} ({last.date()}) is before the intervention began "
            f"({intervention.start})",
            f"{path}.last_dose_at",
        )


def prescribing_issues(record: ClientRecord, at: datetime) -> list[Issue]:
    """Every problem with the record's prescribing as of ``at`` (errors refuse; warnings travel)."""
    issues: list[Issue] = []
    for path, intervention, prescribing in _current(record):
        issues += _dose(path, prescribing)
        issues += _last_dose(path, intervention, prescribing, at)
    return issues


CURRENT = frozenset({ActivityStatus.NOT_STARTED, ActivityStatus.SCHEDULED, ActivityStatus.IN_PROGRESS})
"""The states of an intervention whose prescription is to be continued."""


def continued_prescriptions(record: ClientRecord) -> Iterator[tuple[str, Intervention, Prescribing]]:
    """(path, intervention, prescribing) of every prescription to be continued: its intervention not
    yet ended (at release, at reception into prison)."""
    for path, intervention, prescribing in _current(record):
        if intervention.status in CURRENT:
            yield path, intervention, prescribing


def stale_hours() -> int:
    """The table's hours after which a last dose is stale (``stale_last_dose_hours``)."""
    return int(prescribing_table().stale_after.total_seconds() // 3600)


def last_dose_stale(prescribing: Prescribing, at: datetime) -> bool:
    """Whether a recorded last dose is older than the table's hours at ``at``."""
    last = prescribing.last_dose_at
    return last is not None and at - last > prescribing_table().stale_after


def stale_last_doses(record: ClientRecord, at: datetime) -> list[Issue]:
    """Warnings for current prescribing whose last dose is older than the table allows at release."""
    return [
        Issue.warning(
            "business-rule",
            "prescribing.last-dose-stale",
            f"the last dose of {prescribing.medicine} was at {prescribing.last_dose_at.isoformat()}, more "
            f"than {stale_hours()} hours before this release handover: confirm with "
            f"the prison whether the client has been dosed since (tolerance falls after missed doses)",
            f"{path}.last_dose_at",
        )
        for path, _, prescribing in continued_prescriptions(record)
        if prescribing.last_dose_at is not None and last_dose_stale(prescribing, at)
    ]
