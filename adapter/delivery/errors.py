"""What delivery refuses before sending anything (each carries an OperationOutcome).

AdapterError (adapter.errors)
└── DeliveryError       not a message to send, or its id already queued with other content
"""

from __future__ import annotations

from adapter.errors import AdapterError


class DeliveryError(AdapterError):
    """A message that cannot go into the outbox; nothing was queued."""
