"""Outbound delivery of handover messages: a durable outbox (SQLAlchemy, beside the store) and a
:class:`Deliverer` that POSTs to the receiver's ``$process-message`` through an ``httpx.Client`` you
pass in, retrying with exponential backoff and recording the acknowledgement.

    >>> outbox = open_outbox("carat.db")
    >>> deliverer = Deliverer(httpx.Client(headers={"Authorization": "Bearer ..."}), outbox)
    >>> deliverer.send(message, "https://cjit.example/fhir").ack_code
    'ok'
    >>> deliverer.deliver_pending()          # after a crash: whatever was queued and not answered
    []
"""

from __future__ import annotations

from adapter.delivery.deliverer import Deliverer, RetryPolicy, Sleeper, process_message_url
from adapter.delivery.errors import DeliveryError
from adapter.delivery.outbox import Attempt, OutboxEntry, OutboxStatus, SqlOutbox, message_id_of, open_outbox

__all__ = [
    "Attempt",
    "Deliverer",
    "DeliveryError",
    "OutboxEntry",
    "OutboxStatus",
    "RetryPolicy",
    "Sleeper",
    "SqlOutbox",
    "message_id_of",
    "open_outbox",
    "process_message_url",
]
