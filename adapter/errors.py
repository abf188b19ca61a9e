"""The adapter's exception tree. Every error that reaches a user carries an OperationOutcome.

AdapterError                         (base; .outcome: OperationOutcome)
├── InvalidRecord                    a canonical care-plan record breaks the model's rules
│   └── InvalidSystemRecord          (dialects) a service's own record that cannot be read
├── InvalidFhir                      FHIR input that cannot be read or mapped
├── UnsupportedFormat                a file format or system the adapter does not know
│   └── MappingTableError            (dialects) a mapping table in mappings/ that is itself wrong
├── DefinitionNotFound               a profile, value set or code system that no source provides
├── SettingsError                    a CAREPLAN_* setting is missing or malformed, or unsafe to run with
├── PackageDataMissing               data that ships with the adapter (IG, mappings, fixtures) is not found
├── HandoverRefused                  (handover) a handover the gate will not build (consent, ...)
├── MessageRefused                   (handover) input that is not a handover message at all
│   └── MalformedMessage             its structure breaks FHIR's or the handover's shape (first place named)
├── TransitionRefused                (handover) a Task move its transition table does not allow
├── PrintRefused                     (paper) a plan that must not be printed to sign (entered in error)
├── DeliveryError                    (delivery) a message the outbox cannot queue or deliver
└── StoreError                       (store) the store refuses a write
    └── DuplicateMessage             a message id already received with other content

Signals that never leave their room (each is caught there and becomes an Issue, or a fallback):
- TransformError, CodeMapError (dialects; ValueError): one field's transform or code map failed; the
  engine turns it into an InvalidSystemRecord issue naming the record and the field.
- FellBack (dialects): a transform used its declared fallback; the engine reports the loss.
- EvaluationError, Defer, Unsupported (validation's FHIRPath compiler): an invariant the compiled
  closure cannot decide; the validator hands it to fhirpathpy or reports it as not evaluated.
- HttpProblem (server): an HTTP status with its OperationOutcome; the handlers render it.
- CommandFailed (cli; a click exception): one line and an exit status for the user.
"""

from __future__ import annotations

from adapter.outcome import Issue, OperationOutcome


class AdapterError(Exception):
    """Base of every error the adapter raises on purpose."""

    def __init__(self, outcome: OperationOutcome) -> None:
        self.outcome = outcome
        super().__init__(str(outcome))

    @classmethod
    def single(cls, code: str, message_id: str, text: str, expression: str | None = None) -> AdapterError:
        return cls(OperationOutcome.of([Issue.error(code, message_id, text, expression)]))


class InvalidRecord(AdapterError):
    """A canonical client record is malformed or describes an impossible state."""


class InvalidFhir(AdapterError):
    """FHIR input is malformed, or cannot be mapped to the canonical model."""


class UnsupportedFormat(AdapterError):
    """The input or output format is not one the adapter reads or writes."""


class DefinitionNotFound(AdapterError):
    """A conformance resource (profile, value set, code system) is not available."""


class SettingsError(AdapterError):
    """A setting is missing, malformed or unsafe; each issue names the setting and the form expected."""


class PackageDataMissing(AdapterError):
    """A folder of data that ships with the adapter cannot be found (a broken install or setting)."""


class PrintRefused(AdapterError):
    """A plan that must not be printed for a client to read and sign (adapter.paper)."""
