"""What every part of the canonical record is built from: the frozen model that forbids unknown fields,
non-empty text and the record-local id. Its own module so that the topical modules
(:mod:`adapter.model.contacts`, :mod:`adapter.model.offender`, :mod:`adapter.model.mental_health`)
and :mod:`adapter.model.record` share them without importing each other."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Text = Annotated[str, StringConstraints(min_length=1)]
LocalId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-.]{1,64}$")]
"""A record-local id (FHIR id syntax), used to link goals, actions, members and consents."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)
