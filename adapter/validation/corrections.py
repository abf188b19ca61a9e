"""Known faults in the published R4 core definitions, corrected as the HL7 reference validator
corrects them when it loads the R4 package, so that both judge an instance by the same rules.

Each correction names the definitions it touches and what it changes; everything else is read as
published.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapter.types import FhirJson

VITAL_SIGNS = "http://hl7.org/fhir/StructureDefinition/vitalsigns"
CORE = "http://hl7.org/fhir/StructureDefinition/"


def corrected(definition: FhirJson, elements: Sequence[FhirJson]) -> list[FhirJson]:
    """The snapshot elements of ``definition`` with the known corrections applied."""
    if _vital_signs_profile(definition):
        return [_extensible_component_units(e) for e in elements]
    return list(elements)


def _vital_signs_profile(definition: FhirJson) -> bool:
    url = str(definition.get("url", ""))
    return (
        url.startswith(CORE)
        and definition.get("type") == "Observation"
        and VITAL_SIGNS in (url, definition.get("baseDefinition"))
    )


def _extensible_component_units(element: FhirJson) -> FhirJson:
    # R4's vital signs profiles bind every component value (Quantity, CodeableConcept, string...)
    # to the UCUM vital signs units as *required*, which no coded or textual component can meet;
    # the reference validator backs this binding off to extensible for vitalsigns and the core
    # profiles derived from it (its R4 package corrections; fhir-test-cases obs-fio2, obs-percent
    # and obs-vital-signs-mdc expect the extensible binding's warning).
    binding = element.get("binding")
    if element.get("path") != "Observation.component.value[x]" or not isinstance(binding, dict):
        return element
    if binding.get("strength") != "required":
        return element
    return {**element, "binding": {**binding, "strength": "extensible"}}
