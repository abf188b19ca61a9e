"""The keyworker's contact log: keeping in touch with the client (seed 003, role 10 of the care
co-ordinator: "keeping in touch with the service user"; seed 000, 5.3.5: keywork sessions)."""

from __future__ import annotations

from datetime import date as Date
from typing import Annotated

from pydantic import AwareDatetime, Field

from adapter.model.base import LocalId, Model, Text
from adapter.model.system_codes import ContactAttendance, ContactKind


class KeyworkerContact(Model):
    """One arranged contact with the client: when, with whom, what kind, whether the client came."""

    date: Date
    time: AwareDatetime | None = Field(default=None, description="When it started, where the source says")
    worker: LocalId | None = Field(default=None, description="The care-team member who saw the client")
    kind: ContactKind
    attendance: ContactAttendance | None = Field(
        default=None, description="Whether the client came (None: the source does not say)"
    )
    duration_minutes: Annotated[int, Field(ge=1, le=720)] | None = None
    note: Text | None = None
