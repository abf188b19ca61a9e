"""The Deliverer against httpx.MockTransport: retries with backoff (sleeps recorded, clock injected),
what each answer comes to, giving up, idempotent queueing, and nothing lost across a crash."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

import adapter.delivery
from adapter.delivery import (
    Deliverer,
    DeliveryError,
    OutboxStatus,
    RetryPolicy,
    SqlOutbox,
    open_outbox,
    process_message_url,
)
from adapter.types import FhirJson
from adapter.wire import read_json, write_json

BASE = "https://cjit.example/fhir/"
MESSAGE_ID = "0b5a3f62-7d1e-5a51-9d0e-2f4c7a9e1b11"
START = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)
MESSAGE: FhirJson = read_json(
    b'{"resourceType": "Bundle", "type": "message", "entry": ['
    b'{"fullUrl": "urn:uuid:0b5a3f62-7d1e-5a51-9d0e-2f4c7a9e1b11", "resource": '
    b'{"resourceType": "MessageHeader", "id": "0b5a3f62-7d1e-5a51-9d0e-2f4c7a9e1b11"}}, '
    b'{"resource": {"resourceType": "Observation", "valueQuantity": {"value": 1.50}}}]}'
)


def acknowledgement(code: str, message_id: str = MESSAGE_ID) -> httpx.Response:
    header = {
        "resourceType": "MessageHeader",
        "id": "ack",
        "response": {"identifier": message_id, "code": code},
    }
    bundle = {"resourceType": "Bundle", "type": "message", "entry": [{"resource": header}]}
    return httpx.Response(200, content=write_json(bundle), headers={"Content-Type": "application/fhir+json"})


def outcome(status: int, text: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "x", "diagnostics": text}],
    }
    return httpx.Response(status, content=write_json(body), headers=headers)


class SteppingClock:
    """A minute later at every reading: each attempt gets its own instant."""

    def __init__(self) -> None:
        self.readings = 0

    def now(self) -> datetime:
        self.readings += 1
        return START + timedelta(minutes=self.readings)


class Receiver:
    """Answers each POST with the next scripted response (or raises it), and keeps what it was sent."""

    def __init__(self, script: list[httpx.Response | Exception]) -> None:
        self.script = iter(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = next(self.script)
        if isinstance(step, Exception):
            raise step
        return step


@pytest.fixture
def outbox(tmp_path: Path) -> SqlOutbox:
    return open_outbox(tmp_path / "carat.db")


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def deliverer_for(outbox: SqlOutbox, sleeps: list[float]) -> Iterator[Callable[[Receiver], Deliverer]]:
    clients: list[httpx.Client] = []

    def make(receiver: Receiver, attempts: int = 4) -> Deliverer:
        client = httpx.Client(transport=httpx.MockTransport(receiver))
        clients.append(client)
        policy = RetryPolicy(
            max_attempts=attempts, first_delay=2.0, factor=2.0, max_delay=60.0, give_up_after=0.0
        )
        return Deliverer(client, outbox, clock=SteppingClock(), sleep=sleeps.append, policy=policy)

    yield make
    for client in clients:
        client.close()


def test_failing_twice_then_acknowledged(
    deliverer_for: Callable[[Receiver], Deliverer], sleeps: list[float]
) -> None:
    receiver = Receiver([outcome(503, "busy"), httpx.ConnectError("refused"), acknowledgement("ok")])
    entry = deliverer_for(receiver).send(MESSAGE, BASE)
    assert (entry.status, entry.ack_code, entry.attempts) == (OutboxStatus.DELIVERED, "ok", 3)
    assert sleeps == [2.0, 4.0]
    # enqueue read the clock once, then one reading per attempt: the third attempt is minute 4.
    assert entry.last_attempt_at == START + timedelta(minutes=4)
    assert entry.answer is not None and entry.answer["entry"][0]["resource"]["response"]["code"] == "ok"
    assert [str(r.url) for r in receiver.requests] == ["https://cjit.example/fhir/$process-message"] * 3
    assert receiver.requests[0].headers["content-type"] == "application/fhir+json"
    # The bytes sent are the message as queued, decimals in their lexical form.
    assert b'"value":1.50' in receiver.requests[2].content


def test_every_attempt_failing_gives_up_after_the_limit(
    deliverer_for: Callable[..., Deliverer], sleeps: list[float]
) -> None:
    receiver = Receiver([outcome(502, "bad gateway")] * 3)
    entry = deliverer_for(receiver, attempts=3).send(MESSAGE, BASE)
    assert (entry.status, entry.attempts, entry.ack_code) == (OutboxStatus.FAILED, 3, None)
    assert sleeps == [2.0, 4.0]
    assert entry.last_error == "gave up after 3 attempts; the last: HTTP 502: bad gateway"


def test_a_refusal_retrying_cannot_change_is_not_retried(
    deliverer_for: Callable[[Receiver], Deliverer], sleeps: list[float]
) -> None:
    entry = deliverer_for(Receiver([outcome(422, "not a message")])).send(MESSAGE, BASE)
    assert (entry.status, entry.attempts, entry.last_error) == (
        OutboxStatus.FAILED,
        1,
        "HTTP 422: not a message",
    )
    assert sleeps == []


def test_a_fatal_error_acknowledgement_is_recorded_as_rejected(
    deliverer_for: Callable[[Receiver], Deliverer], sleeps: list[float]
) -> None:
    entry = deliverer_for(Receiver([acknowledgement("fatal-error")])).send(MESSAGE, BASE)
    assert (entry.status, entry.ack_code, entry.attempts) == (OutboxStatus.REJECTED, "fatal-error", 1)
    assert sleeps == []


def test_transient_error_and_retry_after_are_waited_out(
    deliverer_for: Callable[[Receiver], Deliverer], sleeps: list[float]
) -> None:
    receiver = Receiver(
        [
            acknowledgement("transient-error"),
            outcome(429, "slow down", {"Retry-After": "30"}),
            acknowledgement("ok"),
        ]
    )
    entry = deliverer_for(receiver).send(MESSAGE, BASE)
    assert (entry.status, entry.attempts) == (OutboxStatus.DELIVERED, 3)
    assert sleeps == [2.0, 30.0]


def test_an_answer_for_another_message_is_not_an_acknowledgement(
    deliverer_for: Callable[[Receiver], Deliverer],
) -> None:
    entry = deliverer_for(Receiver([acknowledgement("ok", message_id="someone-else")])).send(MESSAGE, BASE)
    assert entry.status is OutboxStatus.FAILED
    assert entry.last_error == f"HTTP 200 but not an acknowledgement of message {MESSAGE_ID}"


def test_queueing_is_idempotent_by_message_id(outbox: SqlOutbox) -> None:
    first = outbox.enqueue(MESSAGE, BASE, at=START)
    again = outbox.enqueue(copy.deepcopy(MESSAGE), BASE, at=START + timedelta(hours=1))
    assert again == first
    assert len(outbox.entries()) == 1
    assert outbox.message(MESSAGE_ID) == MESSAGE


def test_the_same_id_with_other_content_or_destination_is_refused(outbox: SqlOutbox) -> None:
    outbox.enqueue(MESSAGE, BASE, at=START)
    changed = copy.deepcopy(MESSAGE)
    changed["entry"][1]["resource"]["valueQuantity"]["value"] = 2
    for message, destination in ((changed, BASE), (MESSAGE, "https://elsewhere.example/fhir")):
        with pytest.raises(DeliveryError) as refused:
            outbox.enqueue(message, destination, at=START)
        assert [i.expression for i in refused.value.outcome.issues] == ["Bundle.entry[0].resource.id"]


@pytest.mark.parametrize(
    ("message", "expression"),
    [
        ({"resourceType": "Patient"}, "Bundle"),
        ({"resourceType": "Bundle", "type": "collection"}, "Bundle.type"),
        ({"resourceType": "Bundle", "type": "message", "entry": []}, "Bundle.entry[0].resource"),
        (
            {
                "resourceType": "Bundle",
                "type": "message",
                "entry": [{"resource": {"resourceType": "MessageHeader"}}],
            },
            "Bundle.entry[0].resource.id",
        ),
    ],
)
def test_only_a_message_with_a_header_id_is_queued(
    outbox: SqlOutbox, message: FhirJson, expression: str
) -> None:
    with pytest.raises(DeliveryError) as refused:
        outbox.enqueue(message, BASE, at=START)
    assert [i.expression for i in refused.value.outcome.issues] == [expression]
    assert outbox.entries() == []


def test_a_crash_between_queueing_and_sending_loses_nothing(tmp_path: Path, sleeps: list[float]) -> None:
    open_outbox(tmp_path / "carat.db").enqueue(MESSAGE, BASE, at=START)
    # The process died here. A new one opens the same database and sends what is pending.
    receiver = Receiver([acknowledgement("ok")])
    with httpx.Client(transport=httpx.MockTransport(receiver)) as client:
        restarted = Deliverer(
            client, open_outbox(tmp_path / "carat.db"), clock=SteppingClock(), sleep=sleeps.append
        )
        delivered = restarted.deliver_pending()
        assert [(e.message_id, e.status) for e in delivered] == [(MESSAGE_ID, OutboxStatus.DELIVERED)]
        assert restarted.deliver_pending() == []
    assert len(receiver.requests) == 1


def test_attempts_already_used_count_after_a_restart(tmp_path: Path, sleeps: list[float]) -> None:
    outbox = open_outbox(tmp_path / "carat.db")
    policy = RetryPolicy(max_attempts=3, first_delay=1.0, give_up_after=0.0)
    with httpx.Client(transport=httpx.MockTransport(Receiver([outcome(503, "busy")]))) as client:

        def crash(seconds: float) -> None:
            raise KeyboardInterrupt  # the process stops while waiting for the second attempt

        with pytest.raises(KeyboardInterrupt):
            Deliverer(client, outbox, clock=SteppingClock(), sleep=crash, policy=policy).send(MESSAGE, BASE)
    assert outbox.entries(OutboxStatus.PENDING)[0].attempts == 1
    receiver = Receiver([outcome(503, "busy")] * 2)
    with httpx.Client(transport=httpx.MockTransport(receiver)) as client:
        entries = Deliverer(
            client, outbox, clock=SteppingClock(), sleep=sleeps.append, policy=policy
        ).deliver_pending()
    assert [(e.status, e.attempts) for e in entries] == [(OutboxStatus.FAILED, 3)]
    assert len(receiver.requests) == 2


def test_backoff_doubles_and_is_capped() -> None:
    policy = RetryPolicy(max_attempts=10, first_delay=2.0, factor=2.0, max_delay=20.0)
    assert [policy.delay(n) for n in range(1, 6)] == [2.0, 4.0, 8.0, 16.0, 20.0]
    with pytest.raises(ValueError, match="at least one attempt"):
        RetryPolicy(max_attempts=0)


def test_process_message_url() -> None:
    assert process_message_url("https://a.example/fhir/") == "https://a.example/fhir/$process-message"


def test_public_surface() -> None:
    assert list(adapter.delivery.__all__) == sorted(set(adapter.delivery.__all__))
    assert [name for name in adapter.delivery.__all__ if not hasattr(adapter.delivery, name)] == []


def test_delivering_what_was_never_queued_is_refused(deliverer_for: Callable[[Receiver], Deliverer]) -> None:
    receiver = Receiver([])
    with pytest.raises(DeliveryError) as refused:
        deliverer_for(receiver).deliver("never-queued")
    assert refused.value.outcome.issues[0].message_id == "delivery.not-queued"
    assert receiver.requests == []
