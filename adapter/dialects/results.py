"""What a conversion returns, and the one-method protocol every system's dialect implements."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from adapter.dialects import paths
from adapter.dialects.defaults import is_default
from adapter.dialects.engine import Loss
from adapter.model import ClientRecord
from adapter.outcome import OperationOutcome


@dataclass(frozen=True, slots=True)
class Conversion:
    """A record read from a system: the canonical record, the source fields not understood (``unmapped``;
    with their severities in ``issues`` where the source says), what it does not keep, warnings."""

    record: ClientRecord
    unmapped: tuple[str, ...]
    issues: OperationOutcome
    not_kept: tuple[str, ...] = ()
    """Canonical fields the source held that this system's profile does not keep (not "not
    understood": understood, and left out by design)."""


@dataclass(frozen=True, slots=True)
class Written:
    """A record written for a system: the bytes, what the system cannot carry, warnings."""

    data: bytes
    losses: tuple[Loss, ...]
    issues: OperationOutcome

    @property
    def lost_paths(self) -> tuple[str, ...]:
        """The canonical paths of the losses."""
        return tuple(loss.path for loss in self.losses)


class Dialect(Protocol):
    """How one system's documents become canonical records and back."""

    def read_records(self, data: bytes) -> list[Conversion]:
        """Every client record in ``data``, or InvalidSystemRecord naming every problem."""
        ...

    def iter_records(self, data: bytes) -> Iterator[Conversion]:
        """Each client record in ``data`` as it is converted; InvalidSystemRecord after the last if
        any of them could not be (naming every problem)."""
        ...

    def write_record(self, record: ClientRecord) -> Written:
        """``record`` in the system's format, with what it cannot carry."""
        ...


def real_losses(losses: tuple[Loss, ...], canonical: dict[str, Any]) -> tuple[Loss, ...]:
    """Drop the 'losses' of values the model restores by itself (a false flag, an empty default)."""
    values = dict(paths.leaf_values(canonical))
    return tuple(loss for loss in losses if not is_default(loss.path, values.get(loss.path)))
