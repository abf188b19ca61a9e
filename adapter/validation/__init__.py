"""The StructureDefinition-driven FHIR R4 validator: compile, then walk.

Each StructureDefinition (snapshot, or one generated from a differential) is compiled once into
frozen element records cached by canonical URL; the instance is then walked in a fixed order -
fixed/pattern, slices, cardinality, children, invariants - collecting every issue into one
OperationOutcome whose expressions are FHIRPaths with indices.

    >>> from adapter.validation import validate
    >>> outcome = validate({"resourceType": "CarePlan", "status": "bogus", "intent": "plan",
    ...                     "subject": {"reference": "Patient/1"}})
    >>> sorted({(i.message_id, i.expression) for i in outcome.errors})
    [('binding.code-system-undetermined', 'CarePlan.status'), ('binding.required', 'CarePlan.status')]

A terminology server checks codes of systems not held here (SNOMED CT, LOINC, dm+d):
``Validator(terminology_server="https://tx.example/fhir")``, or any :class:`CodeLookup`.
"""

from __future__ import annotations

from adapter.validation.terminology_service import CodeAnswer, CodeLookup, CodeQuestion, TerminologyServer
from adapter.validation.validator import Validator, validate

__all__ = ["CodeAnswer", "CodeLookup", "CodeQuestion", "TerminologyServer", "Validator", "validate"]
