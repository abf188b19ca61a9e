"""Observations of vital signs must meet the vital signs profiles (FHIR R4, Observation, section
"Vital Signs"): "If implementations use this code [one of the table's LOINC codes] they must
conform to the profile". The validator applies the profile as if the Observation declared it, and
says so with an information issue. Which codes call for which profile is the reference validator's
list (see :data:`VITAL_SIGNS`), a superset of the specification's table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from adapter.outcome import Issue
from adapter.types import FhirJson
from adapter.validation.terminology import DefinitionLookup

LOINC = "http://loinc.org"
SNOMED_CT = "http://snomed.info/sct"
PROFILES = "http://hl7.org/fhir/StructureDefinition/"


def _codes(listed: str) -> frozenset[str]:
    return frozenset(listed.split())


_LOINC_GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("vitalspanel", "Vital Signs Panel", _codes("85353-1")),
    (
        "resprate",
        "Respiratory Rate",
        _codes("9279-1 76170-0 76172-6 76171-8 19840-8 33438-3 76270-8 11291-2"),
    ),
    (
        "heartrate",
        "Heart rate",
        _codes(
            "60978-4 73795-7 73799-9 76476-1 76477-9 8867-4 8889-8 8890-6 8891-4 8892-2 8893-0 40443-4 "
            "55425-3 68999-2 11328-2 69000-8 8886-4"
        ),
    ),
    (
        "oxygensat",
        "Oxygen saturation",
        _codes("2708-6 19224-5 20564-1 2709-4 2710-2 2711-0 2713-6 51733-4 59408-5 59417-6 89276-0 97549-0"),
    ),
    (
        "bodytemp",
        "Body temperature",
        _codes(
            "8310-5 60834-9 60835-6 60836-4 60838-0 60955-2 61009-7 75539-7 75987-8 76010-8 76011-6 76278-1 "
            "8309-7 8328-7 8329-5 8330-3 8331-1 8332-9 8333-7 8334-5 91371-5 98657-0 98663-8"
        ),
    ),
    ("bodyheight", "Body height", _codes("8302-2 3137-7 3138-5 8306-3 8308-9")),
    ("headcircum", "Head circumference", _codes("9843-4 8287-5")),
    ("bodyweight", "Body weight", _codes("29463-7 3141-9 3142-7 75292-3 79348-9 8350-1 8351-9")),
    ("bmi", "Body mass index", _codes("39156-5 59574-4 89270-3")),
    (
        "bp",
        "Blood pressure systolic and diastolic",
        _codes("85354-9 35094-2 8459-0 76534-7 55284-4 8480-6"),
    ),
)
_SNOMED_GROUPS: tuple[tuple[str | None, str, frozenset[str]], ...] = (
    ("vitalspanel", "Vital Signs Panel", _codes("46680005")),
    # The reference names no profile URL for these (respiratory rate) codes, so it applies none:
    # kept so that they still stop the search, as they do there.
    (None, "Respiratory Rate", _codes("86290005 271625008 271306003")),
    (
        "heartrate",
        "Heart rate",
        _codes("271306003 249043002 444981005 399017001 251670001 429525003 429614003"),
    ),
    (
        "oxygensat",
        "Oxygen saturation",
        _codes("103228002 442349007 442476006 442440005 431314004 442734002 713194001"),
    ),
    (
        "bodytemp",
        "Body temperature",
        _codes(
            "386725007 276885007 300076005 1222808002 364246006 307047009 708499008 431598003 698831002 "
            "698832009 415882003 415974002 415929009 415945006"
        ),
    ),
    (
        "bodyheight",
        "Body height",
        _codes("1153637007 1162419008 50373000 1162418000 1230278008 1162392001 1162417005"),
    ),
    ("headcircum", "Head circumference", _codes("363812007 169876006 1269262007 363811000")),
    (
        "bodyweight",
        "Body weight",
        _codes("363811000 60621009 735395000 425024002 424927000 784399000 1162416001 1162415002"),
    ),
    ("bmi", "Body mass index", _codes("60621009")),
    (
        "bp",
        "Blood pressure systolic and diastolic",
        _codes(
            "75367002 251076008 163033001 163035008 386534000 386536003 271649006 271650006 407556006 "
            "407554009 716579001 399304008"
        ),
    ),
)
VITAL_SIGNS: tuple[tuple[str, str | None, str, frozenset[str]], ...] = (
    *((LOINC, *group) for group in _LOINC_GROUPS),
    *((SNOMED_CT, *group) for group in _SNOMED_GROUPS),
)
"""(code system, vital signs profile id or None, its name, codes), in the order they are tried: the
first group any of the Observation's codings falls in decides. Source: the R4 specification's table
of vital signs (Observation, "Vital Signs": one LOINC code per profile) as the HL7 reference
validator widens it (org.hl7.fhir.validation ObservationValidator.validateObservation: LOINC groups
first, then SNOMED CT groups, each group's codes and order as there)."""

SYSTEM_NAMES = {LOINC: "LOINC", SNOMED_CT: "SNOMED CT"}


@dataclass(frozen=True)
class RequiredProfile:
    """The vital signs profile an Observation's code calls for, and why."""

    url: str
    name: str
    system: str
    code: str

    def note(self, path: str) -> Issue:
        text = (
            f"Validate Observation against the {self.name} profile ({self.url}) which is required by the "
            f"FHIR specification because the {SYSTEM_NAMES[self.system]} code {self.code} was found"
        )
        return Issue("information", "informational", "vital-signs.profile-applied", text, path)


def required_vital_signs_profile(
    resource: FhirJson, wanted: Sequence[str], lookup: DefinitionLookup
) -> RequiredProfile | None:
    """The vital signs profile an Observation must meet beyond ``wanted``, if its code names one
    and no profile it is already checked against is (or derives from) that profile."""
    if resource.get("resourceType") != "Observation":
        return None
    code = resource.get("code")
    codings = code.get("coding") if isinstance(code, dict) else None
    held = [
        (str(c.get("system")), str(c.get("code")))
        for c in (codings if isinstance(codings, list) else [])
        if isinstance(c, dict)
    ]
    for system, profile_id, name, codes in VITAL_SIGNS:
        found = next((code for held_system, code in held if held_system == system and code in codes), None)
        if found is None:
            continue
        if profile_id is None:
            return None
        url = PROFILES + profile_id
        if any(_derives_from(profile, url, lookup) for profile in wanted):
            return None
        return RequiredProfile(url, name, system, found)
    return None


def _derives_from(profile: str, url: str, lookup: DefinitionLookup) -> bool:
    seen: set[str] = set()
    current: str | None = profile.split("|", 1)[0]
    while current is not None and current not in seen:
        if current == url:
            return True
        seen.add(current)
        definition = lookup.get(current)
        base = definition.get("baseDefinition") if definition is not None else None
        current = base if isinstance(base, str) else None
    return False
