"""Observations of vital signs must meet the vital signs profiles (FHIR R4, Observation, section
"Vital Signs"): "If implementations use this code [one of the table's LOINC codes] they must
conform to the profile". The validator applies the profile as if the Observation declared it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from adapter.outcome import Issue
from adapter.types import FhirJson
from adapter.validation.terminology import DefinitionLookup

LOINC = "http://loinc.org"
SNOMED_CT = "http://snomed.info/sct"
PROFILES = "http://hl7.org/fhir/StructureDefinition/"

VITAL_SIGNS: Mapping[tuple[str, str], tuple[str, str]] = {
    (LOINC, "85353-1"): ("vitalspanel", "Vital Signs Panel"),
    (LOINC, "9279-1"): ("resprate", "Respiratory Rate"),
    (LOINC, "8867-4"): ("heartrate", "Heart rate"),
    (LOINC, "2708-6"): ("oxygensat", "Oxygen saturation"),
    (LOINC, "8310-5"): ("bodytemp", "Body temperature"),
    (LOINC, "8302-2"): ("bodyheight", "Body height"),
    (LOINC, "9843-4"): ("headcircum", "Head circumference"),
    (LOINC, "29463-7"): ("bodyweight", "Body weight"),
    (LOINC, "39156-5"): ("bmi", "Body mass index"),
    (LOINC, "85354-9"): ("bp", "Blood pressure systolic and diastolic"),
    # SNOMED CT's body temperature concept: the HL7 reference validator applies the Body
    # temperature profile for it as well (fhir-test-cases obs-temp-bad). No other SNOMED CT
    # equivalents are listed: none is attested.
    (SNOMED_CT, "276885007"): ("bodytemp", "Body temperature"),
}
"""(code system, code) -> (vital signs profile id, its name). Source: the R4 specification's table
of vital signs (Observation, "Vital Signs"), each LOINC code checked against the profile's fixed
code in the bundled R4 definitions."""

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
    for coding in codings if isinstance(codings, list) else []:
        if not isinstance(coding, dict):
            continue
        found = VITAL_SIGNS.get((str(coding.get("system")), str(coding.get("code"))))
        if found is None:
            continue
        url = PROFILES + found[0]
        if any(_derives_from(profile, url, lookup) for profile in wanted):
            return None
        return RequiredProfile(url, found[1], str(coding["system"]), str(coding["code"]))
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
