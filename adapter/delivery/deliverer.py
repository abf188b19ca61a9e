"""Sending queued handover messages: ``POST {base}/$process-message`` through an ``httpx.Client`` the
caller passes in (its transport decides how bytes move: a mock in tests, TLS and a proxy in use), with
retries and exponential backoff on what may pass, and the acknowledgement recorded.

    >>> deliverer = Deliverer(httpx.Client(headers={"Authorization": f"Bearer {token}"}), outbox)
    >>> entry = deliverer.send(message, "https://cjit.example/fhir")
    >>> entry.status, entry.ack_code
    (<OutboxStatus.DELIVERED: 'delivered'>, 'ok')

What each answer comes to:

====================================================  ==========================================
answer                                                outbox
====================================================  ==========================================
200, an acknowledgement of this message, code ok       delivered
200, ... code fatal-error                              rejected (sending again gets the same)
200, ... code transient-error                          retried
no answer (connection, timeout), 408, 429, 5xx         retried (429/503 Retry-After respected)
any other answer (401, 403, 413, 415, 422, not an ack) failed: retrying cannot change it
====================================================  ==========================================

Before a handover is sent, the consent rule is asked again (``gate``; by default
:func:`consent_gate`): a consent that has expired, been refused or withdrawn since the message was
built stops it, and the entry is failed with the reason.

Every attempt is written to the outbox before the wait for the next one, so a crash mid-way resumes
with the attempts already used. A run tries up to ``policy.max_attempts`` in all (a short burst, with
backoff); after that the entry stays pending, and each later run (``careplan outbox deliver`` from a
timer) tries once more, until ``policy.give_up_after`` has passed since it was queued (72 hours by
default: a Friday evening's handover is still being tried on Monday morning). Only then is it
failed: given up, a state ``careplan outbox list`` and ``careplan due`` show, so a person picks it up
(hazard H-07).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from adapter.clock import Clock, SystemClock
from adapter.delivery.errors import DeliveryError
from adapter.delivery.outbox import Attempt, OutboxEntry, OutboxStatus, SqlOutbox
from adapter.errors import InvalidFhir
from adapter.types import FhirJson
from adapter.wire import read_json, write_json

Sleeper = Callable[[float], None]
"""Waits the given number of seconds (``time.sleep``; a recorder in tests)."""

Gate = Callable[[FhirJson, Clock], str | None]
"""Asked before a queued message is sent: why it may no longer go (None: it may)."""


def consent_gate(withdrawn: set[tuple[str, str]]) -> Gate:
    """The consent rule at delivery (adapter.handover.withdraw.delivery_refusal), knowing the
    withdrawals the sender recorded (``Store.withdrawn_consents``)."""

    def gate(message: FhirJson, clock: Clock) -> str | None:
        from adapter.handover.withdraw import delivery_refusal

        return delivery_refusal(message, clock, withdrawn)

    return gate


RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
"""HTTP statuses that say "not now" rather than "no"."""

FHIR_JSON = "application/fhir+json"

ACK_STATUS = {"ok": OutboxStatus.DELIVERED, "fatal-error": OutboxStatus.REJECTED}
"""Acknowledgement code -> outbox status; ``transient-error`` (absent here) stays pending and is retried."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often to try and how long to wait: ``first_delay * factor ** (attempt - 1)``, capped."""

    max_attempts: int = 5
    first_delay: float = 2.0
    factor: float = 2.0
    max_delay: float = 300.0
    give_up_after: float = 72 * 3600.0
    """Seconds after queueing before an unanswered message is given up (covers a weekend)."""

    def __post_init__(self) -> None:
        if (
            self.max_attempts < 1
            or self.first_delay < 0
            or self.factor < 1
            or self.max_delay < 0
            or self.give_up_after < 0
        ):
            raise ValueError(f"a retry policy needs at least one attempt and non-negative delays: {self}")

    def delay(self, attempt: int) -> float:
        """Seconds to wait after attempt number ``attempt`` (1-based) failed."""
        return float(min(self.max_delay, self.first_delay * self.factor ** (attempt - 1)))


def process_message_url(base: str) -> str:
    """The ``$process-message`` endpoint of a FHIR server at ``base``."""
    return f"{base.rstrip('/')}/$process-message"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


def _problem(response: httpx.Response) -> str:
    """One line saying what a non-200 answer said (its OperationOutcome's first diagnostics, if any)."""
    text = f"HTTP {response.status_code}"
    try:
        outcome = read_json(response.content)
        diagnostics = [i.get("diagnostics") for i in outcome.get("issue") or [] if isinstance(i, dict)]
        said = "; ".join(d for d in diagnostics if isinstance(d, str))
    except InvalidFhir:
        said = ""
    return f"{text}: {said}" if said else text


def _acknowledgement(response: httpx.Response, message_id: str) -> FhirJson | None:
    """The answer when it is an acknowledgement of ``message_id`` (a message Bundle whose
    MessageHeader.response names it), else None."""
    try:
        answer = read_json(response.content)
        header = answer["entry"][0]["resource"]
        ok = (
            answer.get("resourceType") == "Bundle"
            and answer.get("type") == "message"
            and header.get("resourceType") == "MessageHeader"
            and header["response"]["identifier"] == message_id
            and header["response"]["code"] in ("ok", "transient-error", "fatal-error")
        )
    except (InvalidFhir, KeyError, IndexError, TypeError, AttributeError):
        return None
    return answer if ok else None


class Deliverer:
    """Sends queued messages and records what came back (see the module docstring)."""

    def __init__(
        self,
        client: httpx.Client,
        outbox: SqlOutbox,
        *,
        clock: Clock | None = None,
        sleep: Sleeper = time.sleep,
        policy: RetryPolicy | None = None,
        gate: Gate | None = None,
    ) -> None:
        self.client = client
        self.outbox = outbox
        self.clock = clock if clock is not None else SystemClock()
        self.sleep = sleep
        self.policy = policy if policy is not None else RetryPolicy()
        self.gate = gate if gate is not None else consent_gate(set())

    def send(self, message: FhirJson, destination: str) -> OutboxEntry:
        """Queue ``message`` for the FHIR server at ``destination`` and deliver it now.

        Raises DeliveryError (nothing queued) when it is not a message or its id is taken."""
        entry = self.outbox.enqueue(message, destination, at=self.clock.now())
        return self.deliver(entry.message_id)

    def deliver_pending(self) -> list[OutboxEntry]:
        """Deliver every pending entry, oldest first (after a crash, or from a timer)."""
        return [self.deliver(entry.message_id) for entry in self.outbox.entries(OutboxStatus.PENDING)]

    def deliver(self, message_id: str) -> OutboxEntry:
        """Try the pending entry ``message_id`` until it is answered or the attempts are used up
        (an entry already answered is returned as it stands). Raises DeliveryError when not queued."""
        entry = self.outbox.entry(message_id)
        if entry is None:
            text = f"message {message_id} is not in the outbox: queue it first (enqueue, or send)"
            raise DeliveryError.single("not-found", "delivery.not-queued", text)
        message = self.outbox.message(message_id)
        refusal = self.gate(message, self.clock) if entry.status is OutboxStatus.PENDING else None
        if refusal is not None:
            # The consent it was built under no longer covers it: never sent, and a person must know
            # (the entry is failed, which `careplan due` shows). Hazard H-16.
            attempt = Attempt(self.clock.now(), OutboxStatus.FAILED, refusal)
            return self.outbox.record_attempt(message_id, attempt)
        while entry.status is OutboxStatus.PENDING:
            attempt, wait = self._attempt(message, entry)
            burst_over = entry.attempts + 1 >= self.policy.max_attempts
            if attempt.status is OutboxStatus.PENDING and burst_over and self._given_up(entry, attempt):
                error = f"gave up after {entry.attempts + 1} attempts; the last: {attempt.error}"
                attempt = Attempt(attempt.at, OutboxStatus.FAILED, error, attempt.ack_code, attempt.answer)
            entry = self.outbox.record_attempt(message_id, attempt)
            if entry.status is OutboxStatus.PENDING:
                if burst_over:
                    break  # the next run (a timer) tries again, until give_up_after has passed
                self.sleep(max(self.policy.delay(entry.attempts), wait or 0.0))
        return entry

    def _given_up(self, entry: OutboxEntry, attempt: Attempt) -> bool:
        return (attempt.at - entry.enqueued_at).total_seconds() >= self.policy.give_up_after

    def _attempt(self, message: FhirJson, entry: OutboxEntry) -> tuple[Attempt, float | None]:
        """One POST; what it came to, and how long the receiver asked us to wait (Retry-After)."""
        at = self.clock.now()
        try:
            response = self.client.post(
                process_message_url(entry.destination),
                content=write_json(message, indent=False),
                headers={"Content-Type": FHIR_JSON, "Accept": FHIR_JSON},
            )
        except httpx.TransportError as error:
            return Attempt(at, OutboxStatus.PENDING, f"no answer: {type(error).__name__}: {error}"), None
        if response.status_code in RETRYABLE_STATUS:
            return Attempt(at, OutboxStatus.PENDING, _problem(response)), _retry_after(response)
        if response.status_code != 200:
            return Attempt(at, OutboxStatus.FAILED, _problem(response)), None
        answer = _acknowledgement(response, entry.message_id)
        if answer is None:
            not_an_ack = f"HTTP 200 but not an acknowledgement of message {entry.message_id}"
            return Attempt(at, OutboxStatus.FAILED, not_an_ack), None
        code = str(answer["entry"][0]["resource"]["response"]["code"])
        status = {"ok": OutboxStatus.DELIVERED, "fatal-error": OutboxStatus.REJECTED}.get(
            code, OutboxStatus.PENDING
        )
        said = None if code == "ok" else f"acknowledged {code}"
        return Attempt(at, status, said, code, answer), None
