"""Conversions between a system's format and the canonical record, stage by stage.

Reading:  parse (the format's Reader) -> map (the table) -> post-process (named steps) -> validate
(:func:`adapter.model.load_record`). Problems at any stage are collected and raised together as one
InvalidSystemRecord; a problem the model finds is re-pointed at the source field it came from.
Writing:  dump_record -> map (the table, into the format's Draft) -> render and schema-check.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from adapter.dialects.engine import Mapped, emit_record, map_source, prefixes
from adapter.dialects.errors import InvalidSystemRecord
from adapter.dialects.nodes import Reader, Writer
from adapter.dialects.post import POST_STEPS
from adapter.dialects.results import Conversion, Written, real_losses
from adapter.dialects.table import Table
from adapter.errors import InvalidRecord
from adapter.model import ClientRecord, dump_record, load_record
from adapter.outcome import Issue, OperationOutcome


def _at_source(issue: Issue, mapped: Mapped) -> Issue:
    path = issue.expression or ""
    origin = next((mapped.origins[p] for p in reversed(prefixes(path)) if p in mapped.origins), None)
    if origin is None:
        return issue
    return Issue(issue.severity, issue.code, issue.message_id, f"{origin}: {issue.text}", origin)


def post_process(mapped: Mapped, table: Table) -> Mapped:
    """Stage 3: the table's named post-process steps, in order."""
    canonical = mapped.canonical
    for step in table.post:
        canonical = POST_STEPS[step](canonical)
    return Mapped(canonical, mapped.origins, mapped.unmapped, mapped.issues)


def validate(mapped: Mapped) -> Conversion:
    """Stage 4: the canonical model's checks; each problem is pointed back at its source field."""
    try:
        record = load_record(mapped.canonical)
    except InvalidRecord as error:
        raise InvalidSystemRecord.of([_at_source(issue, mapped) for issue in error.outcome.issues]) from None
    return Conversion(record, mapped.unmapped, OperationOutcome.of(mapped.issues))


@dataclass(frozen=True, slots=True)
class TableDialect:
    """A system read and written through its mapping table (XML and CSV systems)."""

    name: str
    table: Table
    reader: Reader
    writer: Writer

    def read_records(self, data: bytes) -> list[Conversion]:
        """Every client in ``data``; any problem in any of them raises, naming record and field."""
        return list(self.iter_records(data))

    def iter_records(self, data: bytes) -> Iterator[Conversion]:
        """Each client in ``data`` as it is converted, so a caller can pass it on and let it go;
        after the last, InvalidSystemRecord naming every problem in any of them, if there were any.

        The stages: parse (the format's Reader) -> map (the table) -> post-process -> validate. Only
        the parsed source is held whole (a CSV's child rows may follow every client row); each
        client's rows are let go once it is converted.
        """
        sources = self.reader.parse(data)
        sources.reverse()
        problems: list[Issue] = []
        while sources:
            source = sources.pop()
            one = map_source(self.table, source.root, source.leaves)
            one = Mapped(one.canonical, one.origins, one.unmapped, (*source.notes, *one.issues))
            del source
            errors = [issue for issue in one.issues if issue.is_error]
            if errors:
                problems += errors
                continue
            try:
                conversion = validate(post_process(one, self.table))
            except InvalidSystemRecord as error:
                problems += error.outcome.issues
                continue
            if not problems:
                yield conversion
        if problems:
            raise InvalidSystemRecord.of(problems)

    def write_record(self, record: ClientRecord) -> Written:
        """``record`` in the system's format, or InvalidSystemRecord naming each canonical field at fault."""
        draft = self.writer.start()
        canonical = dump_record(record)
        emitted = emit_record(self.name, self.table, canonical, draft.record())
        errors = [issue for issue in emitted.issues if issue.is_error]
        if errors:
            raise InvalidSystemRecord.of(errors)
        data = draft.finish()
        return Written(data, real_losses(emitted.losses, canonical), OperationOutcome.of(emitted.issues))
