"""The one interface every store implements (SQLite and PostgreSQL share :class:`SqlStore`)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from adapter.model import ClientRecord
from adapter.store.records import (
    OpenHandover,
    PlanVersion,
    Receipt,
    Refusal,
    Standing,
    StoredAnswer,
    TaskState,
)
from adapter.types import OdsCode


class Store(Protocol):
    """Plans an organisation holds, messages it received (idempotent by id), Tasks and refusals."""

    def save_plan(
        self,
        holder: OdsCode,
        record: ClientRecord,
        *,
        message_id: str | None = None,
        source: OdsCode | None = None,
        at: datetime | None = None,
    ) -> Standing:
        """Keep ``record`` as a version of the plan ``holder`` holds from ``source`` (default: the
        holder itself) about its client. It becomes the current plan unless the one held was recorded
        later; then it is kept as history (every version is kept). ``at`` dates a plan that does not
        say when it was recorded."""
        ...

    def held_version(
        self, holder: OdsCode, record: ClientRecord, *, source: OdsCode
    ) -> tuple[ClientRecord, datetime] | None:
        """The current plan ``holder`` holds under ``record``'s key (source, client, plan id) and when
        it was recorded, or None."""
        ...

    def plan_versions(self, holder: OdsCode, plan_id: str) -> list[PlanVersion]:
        """Every version of the plans ``holder`` holds under ``plan_id``, oldest recorded first."""
        ...

    def get_plan(self, holder: OdsCode, plan_id: str) -> ClientRecord | None:
        """The plan ``holder`` holds under ``plan_id``, or None."""
        ...

    def find_plan(self, holder: OdsCode, fhir_id: str) -> ClientRecord | None:
        """The plan ``holder`` holds whose CarePlan has FHIR id ``fhir_id`` (as ``to_fhir`` gives it)."""
        ...

    def find_plans(self, holder: OdsCode, value: str, *, system: str | None = None) -> list[ClientRecord]:
        """The plans ``holder`` holds for the client known by identifier ``value`` in ``system`` (NHS
        number, prison number, PNC id or another identifier; any system when None), in plan id order."""
        ...

    def list_plans(self, holder: OdsCode) -> list[ClientRecord]:
        """Every plan ``holder`` holds, in plan id order."""
        ...

    def record_receipt(self, receipt: Receipt) -> None:
        """Write the message, its answer, its Task and (when accepted) its plan in one transaction.

        Raises DuplicateMessage, writing nothing, when the message id is already recorded."""
        ...

    def find_answer(self, message_id: str) -> StoredAnswer | None:
        """The answer once given to ``message_id``, or None."""
        ...

    def get_task(self, task_id: str) -> TaskState | None:
        """The handover Task's current state, or None."""
        ...

    def task_for_message(self, message_id: str) -> TaskState | None:
        """The handover Task that came with message ``message_id``, or None."""
        ...

    def open_handovers(self, holder: OdsCode, statuses: tuple[str, ...]) -> list[OpenHandover]:
        """Handovers ``holder`` received whose Task is in one of ``statuses``, oldest first, each with
        its sender and the plan it brought (None when none was kept)."""
        ...

    def change_task(
        self, task_id: str, *, expected: str, status: str, reason: str | None, at: datetime
    ) -> TaskState:
        """Move the Task to ``status`` if it is still ``expected`` (else raise StoreError)."""
        ...

    def record_withdrawal(self, holder: OdsCode, record: ClientRecord, consent_id: str, at: datetime) -> None:
        """Keep that ``record``'s client withdrew consent ``consent_id`` (given to ``holder``) at ``at``."""
        ...

    def withdrawn_consents(self, holder: OdsCode | None = None) -> set[tuple[str, str]]:
        """(client key, consent id) of every consent withdrawn at ``holder`` (None: at any holder the
        database keeps)."""
        ...

    def record_refusal(self, refusal: Refusal) -> None:
        """Keep a refused handover (outgoing or incoming) and the outcome given."""
        ...

    def list_refusals(self) -> list[Refusal]:
        """Every refusal recorded, oldest first."""
        ...
