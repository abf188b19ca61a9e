"""Conversions between a system's format and the canonical record, stage by stage.

Reading:  parse (the format's Reader) -> map (the table) -> post-process (named steps) -> validate
(:func:`adapter.model.load_record`). Problems at any stage are collected and raised together as one
InvalidSystemRecord; a problem the model finds is re-pointed at the source field it came from.
Writing:  dump_record -> map (the table, into the format's Draft) -> render and schema-check.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapter.dialects.engine import Loss, Mapped, _prefixes, emit_record, map_source
from adapter.dialects.errors import InvalidSystemRecord
from adapter.dialects.post import POST_STEPS
from adapter.dialects.systems import System
from adapter.errors import InvalidRecord
from adapter.model import ClientRecord, dump_record, load_record
from adapter.outcome import Issue, OperationOutcome


@dataclass(frozen=True, slots=True)
class Conversion:
    """A record read from a system: the canonical record, the source fields not mapped, warnings."""

    record: ClientRecord
    unmapped: tuple[str, ...]
    issues: OperationOutcome


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


def _at_source(issue: Issue, mapped: Mapped) -> Issue:
    path = issue.expression or ""
    origin = next((mapped.origins[p] for p in reversed(_prefixes(path)) if p in mapped.origins), None)
    if origin is None:
        return issue
    return Issue(issue.severity, issue.code, issue.message_id, f"{origin}: {issue.text}", origin)


def _validate(mapped: Mapped, system: System) -> Conversion:
    canonical = mapped.canonical
    for step in system.table.post:
        canonical = POST_STEPS[step](canonical)
    try:
        record = load_record(canonical)
    except InvalidRecord as error:
        raise InvalidSystemRecord.of([_at_source(issue, mapped) for issue in error.outcome.issues]) from None
    return Conversion(record, mapped.unmapped, OperationOutcome.of(mapped.issues))


def read_records(system: System, data: bytes) -> list[Conversion]:
    """Every client in ``data``; any problem in any of them raises, naming record and field."""
    mapped = [map_source(system.table, source.root, source.leaves) for source in system.reader.parse(data)]
    issues = [issue for one in mapped for issue in one.issues if issue.is_error]
    if issues:
        raise InvalidSystemRecord.of(issues)
    conversions: list[Conversion] = []
    problems: list[Issue] = []
    for one in mapped:
        try:
            conversions.append(_validate(one, system))
        except InvalidSystemRecord as error:
            problems += error.outcome.issues
    if problems:
        raise InvalidSystemRecord.of(problems)
    return conversions


def write_record(system: System, record: ClientRecord) -> Written:
    """``record`` in the system's format, or InvalidSystemRecord naming each canonical field at fault."""
    draft = system.writer.start()
    emitted = emit_record(system.info.name, system.table, dump_record(record), draft.record())
    errors = [issue for issue in emitted.issues if issue.is_error]
    if errors:
        raise InvalidSystemRecord.of(errors)
    return Written(draft.finish(), emitted.losses, OperationOutcome.of(emitted.issues))
