"""What every canonical model class shares: frozen, unknown fields forbidden; the text and id types.

Kept apart from :mod:`adapter.model.record` so that topical modules (:mod:`adapter.model.circumstances`)
can define classes the record holds without importing the record.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(min_length=1)]
LocalId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-.]{1,64}$")]
"""A record-local id (FHIR id syntax), used to link goals, actions, members and consents."""
DaysInLast28 = Annotated[int, Field(ge=0, le=28)]
"""Days out of the last 28 (the Treatment Outcomes Profile's and the DIR's look-back)."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)
