"""Handover errors: each carries the OperationOutcome that names the problem.

AdapterError (adapter.errors)
├── HandoverRefused      no handover built: no consent covers the destination, unknown destination,
│                        a plan with errors (the refusal is also recorded in the store)
├── MessageRefused       an incoming message that cannot even be answered (no MessageHeader id)
│   └── MalformedMessage a message whose JSON is not a FHIR message's shape (an entry with no
│                        resource, a string where an array belongs ...): the sender's fault, 400
└── TransitionRefused    a Task status change the transition table does not allow
"""

from __future__ import annotations

from adapter.errors import AdapterError


class HandoverRefused(AdapterError):
    """A handover was not built; the outcome says why (consent, destination, plan errors)."""


class MessageRefused(AdapterError):
    """An incoming message is too broken to acknowledge (no MessageHeader, or no id to answer)."""


class TransitionRefused(AdapterError):
    """A handover Task cannot move to the status asked for from the status it is in."""


class MalformedMessage(MessageRefused):
    """An incoming message whose structure breaks FHIR's (or a handover's) shape; names the first place."""
