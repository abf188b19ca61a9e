"""The care plan in plain English: the words both readings of a record use, written once.

The FHIR narrative (:mod:`adapter.fhir.narrative`, read by professionals in a FHIR viewer) and the
client's paper copy (:mod:`adapter.paper`, read and signed by the client) take their names, domain
headings, dose lines and code words from here, so that the two never say a plan differently.

    >>> person(PersonName(given=["Zoë"], family="Okafor", prefix="Ms"))
    'Ms Zoë Okafor'
    >>> strength = DoseStrength(value=Decimal("1"), unit="mg/mL")
    >>> dose_amount(DailyDose(value=Decimal("60"), unit="mL", strength=strength))
    '60 mL of 1 mg/mL'
    >>> label("role", Role.CJIT_WORKER)
    'criminal justice (CJIT) drug worker'

Code words for the client are data (``words.yaml``, each table citing where its words come from);
a code with no row reads as its own words, never blank.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from importlib import resources

import yaml

from adapter.model.codes import Domain
from adapter.model.record import DailyDose, PersonName

DOMAIN_HEADINGS = {
    Domain.DRUG_AND_ALCOHOL_MISUSE: "Drug and alcohol misuse",
    Domain.HEALTH: "Health (physical and psychological)",
    Domain.OFFENDING: "Offending",
    Domain.SOCIAL_FUNCTIONING: "Social functioning (housing, employment, education)",
    Domain.NOT_STATED: "Domain not stated (imported for review)",
}
"""The four key domains of seed 001, 5.3.2, as headings (and the marker of an imported plan)."""

NAME_NOT_STATED = "name not stated"
NOT_SET = "not set"


def words(code: str) -> str:
    """A code as words: ``cmht-care-coordinator`` -> ``cmht care coordinator``."""
    return code.replace("-", " ")


def person(name: PersonName | None) -> str:
    """A name as a person writes it: prefix, given names, family name."""
    if name is None:
        return NAME_NOT_STATED
    return " ".join([*([name.prefix] if name.prefix else []), *name.given, name.family])


def iso_day(value: date | None) -> str:
    """A day as the narrative writes it (``2026-11-25``), or "not set"."""
    return value.isoformat() if value else NOT_SET


def long_day(value: date | None) -> str:
    """A day as a letter writes it (``25 November 2026``): no order of day and month to misread."""
    return f"{value.day} {value:%B %Y}" if value else NOT_SET


def minute(value: datetime | None) -> str:
    """An instant to the minute with its offset (``2026-11-24T09:05+00:00``), or "not recorded"."""
    return value.isoformat(timespec="minutes") if value else "not recorded"


def dose_amount(dose: DailyDose) -> str:
    """A daily dose as written, with a liquid's strength (hazard H-09): ``60 mL of 1 mg/mL``."""
    strength = f" of {dose.strength.value} {dose.strength.unit}" if dose.strength else ""
    return f"{dose.value} {dose.unit}{strength}"


def supervision(supervised: bool | None) -> str:
    """Whether doses are taken under supervision; unknown is said, never read as either."""
    if supervised is None:
        return "supervision not recorded"
    return "supervised consumption" if supervised else "not supervised"


@cache
def _tables() -> dict[str, dict[str, str]]:
    text = (resources.files("adapter.plain") / "words.yaml").read_text(encoding="utf-8")
    loaded: dict[str, dict[str, str]] = yaml.safe_load(text)
    return loaded


def label(vocabulary: str, code: str) -> str:
    """The client's words for ``code`` of ``vocabulary`` (a table of ``words.yaml``); a code with no
    row reads as its own words."""
    return _tables()[vocabulary].get(str(code), words(str(code)))


def language(tag: str) -> str:
    """A first language's name from its BCP 47 tag (``pl`` -> ``Polish``, ``pa-Guru`` -> ``Punjabi``):
    the primary language subtag, case aside, looked up in the ``language`` table of ``words.yaml``. A
    tag not there is named as coded, never guessed."""
    primary = tag.split("-", 1)[0].lower()
    return _tables()["language"].get(primary, f"the language coded '{tag}'")


def vocabularies() -> dict[str, dict[str, str]]:
    """Every table of client words, by vocabulary (for tests and review)."""
    return {name: dict(rows) for name, rows in _tables().items()}
