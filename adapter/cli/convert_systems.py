"""``careplan convert SRC --from SYSTEM --to SYSTEM|fhir|fhir-xml``: between services' own formats.

    careplan convert exports/ --from carat --to cjit-dir --out handover/
    careplan convert A4821KD.xml --from cjit-dir --to fhir
    careplan systems

Each source file is converted whole or not at all: its outputs are built in memory, and only when
every record in it converted are they written, each through a temporary file renamed into place.
The summary lists every file with its records, what the reader did not understand and what the
target does not keep (kept apart, also in ``--report``: "not_understood" with a severity each,
"kept_by_source_not_target"); any failure prints its problems (record and field) and makes the exit
status non-zero.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.console import Console
from rich.markup import escape as escape_markup
from rich.progress import Progress
from rich.table import Table

from adapter.atomic import stage
from adapter.cli.io import (
    EXIT_BAD_INPUT,
    MAX_INPUT_BYTES,
    escape,
    fail,
    prepare_folder,
    prepare_output,
    print_outcome,
    write_output,
)
from adapter.dialects.engine import Loss
from adapter.dialects.errors import InvalidSystemRecord
from adapter.dialects.results import Conversion
from adapter.dialects.systems import System, load_system
from adapter.errors import AdapterError
from adapter.model import ClientRecord
from adapter.outcome import Issue

FHIR_TARGETS = {"fhir": "json", "fhir-xml": "xml"}


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one source file: its outputs, what was not mapped or carried, its problems."""

    source: Path
    outputs: tuple[Path, ...] = ()
    unmapped: tuple[Issue, ...] = ()
    """Not understood: what the source holds that the reader could not map (with its severity)."""
    losses: tuple[Loss, ...] = ()
    """Kept by the source, not by the target: what the target system (or the source's profile) leaves out."""
    problems: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        """The file's entry in the ``--report`` file."""
        return {
            "source": str(self.source),
            "outputs": [str(path) for path in self.outputs],
            "not_understood": [
                {"path": issue.expression, "severity": issue.severity, "text": issue.text}
                for issue in self.unmapped
            ],
            "kept_by_source_not_target": [{"path": loss.path, "reason": loss.reason} for loss in self.losses],
            "problems": [issue.to_fhir() for issue in self.problems],
            "warnings": [issue.to_fhir() for issue in self.warnings],
        }


def _as_fhir(record: ClientRecord, wire: str) -> bytes:
    # Imported here: the FHIR mapper is its own room, needed only for this target.
    from adapter.fhir import to_fhir
    from adapter.wire import write_resource

    return write_resource(to_fhir(record), "xml" if wire == "xml" else "json")


def _sources(src: Path, system: System) -> list[Path]:
    if src.is_dir():
        return sorted(p for p in src.iterdir() if p.is_file() and p.suffix.lstrip(".") == system.extension)
    return [src]


def _output_name(source: Path, index: int, count: int, extension: str) -> str:
    return f"{source.stem}.{extension}" if count == 1 else f"{source.stem}.{index + 1}.{extension}"


def convert_file(source: Path, origin: System, target: str, out: Path) -> FileResult:
    """Convert every record in ``source``; write nothing unless all of them convert.

    Records are converted one at a time and each output is staged in a temporary file beside its
    final name, so memory holds the parsed source and one record, not every output; only when the
    last record has converted are the staged files renamed into place (else they are removed). The
    outputs together may not exceed :data:`MAX_OUTPUT_RATIO` times the input (nor any one of them
    the reading limit, so the adapter can read back what it wrote)."""
    staged: list[tuple[Path, Path]] = []
    losses: list[Loss] = []
    unmapped: list[Issue] = []
    warnings: list[Issue] = []
    try:
        data = _read_source(source)
        limit = max(MAX_OUTPUT_RATIO * len(data), MIN_OUTPUT_ALLOWANCE)
        written = 0
        if target in FHIR_TARGETS:
            extension, destination = FHIR_TARGETS[target], None
        else:
            destination = load_system(target)
            extension = destination.extension
        for index, conversion in enumerate(origin.dialect.iter_records(data)):
            output: bytes
            lost: tuple[Loss, ...]
            if destination is None:
                output, lost = _as_fhir(conversion.record, FHIR_TARGETS[target]), ()
            else:
                one = destination.dialect.write_record(conversion.record)
                output, lost = one.data, one.losses
            written += len(output)
            _check_output(written, limit, len(data), len(output))
            path = out / _output_name(source, index, 2, extension)
            staged.append((stage(path, output), path))
            losses += [Loss(f"[{index}].{loss.path}", loss.reason) for loss in lost]
            not_kept = f"{origin.info.name} reads it but does not keep it"
            losses += [Loss(f"[{index}].{where}", not_kept) for where in conversion.not_kept]
            understood = not_understood(conversion, origin.info.name)
            unmapped += understood
            warnings += [
                issue
                for issue in conversion.issues.issues
                if issue not in warnings and issue not in understood
            ]
    except AdapterError as error:
        _discard(staged)
        return FileResult(source, problems=error.outcome.issues)
    except OSError as error:
        _discard(staged)
        return FileResult(source, problems=(Issue.error("exception", "dialects.io", f"{source}: {error}"),))
    if len(staged) == 1:
        # One record: named after the source alone, its losses by their own paths.
        only = out / _output_name(source, 0, 1, extension)
        staged = [(staged[0][0], only)]
        losses = [Loss(loss.path.removeprefix("[0]."), loss.reason) for loss in losses]
    for temporary, path in staged:
        os.replace(temporary, path)
    return FileResult(
        source, tuple(path for _, path in staged), tuple(unmapped), tuple(losses), warnings=tuple(warnings)
    )


MAX_OUTPUT_RATIO = 40
"""A conversion writes at most 40 bytes for each byte it reads (FHIR JSON from a CARAT export runs
at about 16; XML between systems near 1): more is refused as a problem, nothing written."""
MIN_OUTPUT_ALLOWANCE = 4 * 1024 * 1024
"""Below this, output is never refused for its ratio (a small record has a large FHIR envelope)."""


def _read_source(source: Path) -> bytes:
    size = source.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise InvalidSystemRecord.single(
            "too-costly", "dialects.too-large", f"{size:,} bytes, more than the limit of {MAX_INPUT_BYTES:,}"
        )
    return source.read_bytes()


def _check_output(written: int, limit: int, read: int, one: int) -> None:
    if one > MAX_INPUT_BYTES:
        raise InvalidSystemRecord.single(
            "too-costly",
            "dialects.output-too-large",
            f"one record's output is {one:,} bytes, over the {MAX_INPUT_BYTES:,} the adapter reads back",
        )
    if written > limit:
        raise InvalidSystemRecord.single(
            "too-costly",
            "dialects.output-too-large",
            f"the output passed {written:,} bytes from {read:,} read: "
            f"over {MAX_OUTPUT_RATIO} times the input",
        )


def _discard(staged: list[tuple[Path, Path]]) -> None:
    for temporary, _ in staged:
        temporary.unlink(missing_ok=True)


def not_understood(conversion: Conversion, system: str) -> list[Issue]:
    """What the reader could not map, each with a severity: the source's own grading where it gives
    one (FHIR: information, warning, error for clinical content), else a warning."""
    graded = {issue.expression: issue for issue in conversion.issues.issues}
    return [
        graded.get(where)
        or Issue("warning", "informational", "dialects.unmapped", f"{system} field not understood", where)
        for where in conversion.unmapped
    ]


def _summary(results: list[FileResult]) -> Table:
    table = Table(title="careplan convert")
    for column in ("source", "records", "not understood", "not kept by the target", "result"):
        table.add_column(column)
    for result in results:
        table.add_row(
            escape_markup(escape(result.source.name)),
            str(len(result.outputs)),
            str(len(result.unmapped)),
            str(len(result.losses)),
            "[green]converted[/]"
            if result.ok
            else f"[red]failed ({len(result.problems)} problem{'s' if len(result.problems) > 1 else ''})[/]",
        )
    return table


def convert_between_systems(src: Path, from_system: str, to: str, out: Path, report: Path | None) -> None:
    """Convert care plans from one service's system format to another's, or to FHIR."""
    console, errors = Console(), Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        origin = load_system(from_system)
        if to not in FHIR_TARGETS:
            load_system(to)
    except AdapterError as error:
        print_outcome(error.outcome)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if not src.exists():
        fail(f"{src}: no such file or folder")
    sources = _sources(src, origin)
    if not sources:
        fail(f"{src}: no .{origin.extension} files in this folder for {from_system}")
    prepare_folder(out)
    if report is not None:
        prepare_output(report)
    results: list[FileResult] = []
    with Progress(console=errors, transient=True) as progress:
        task = progress.add_task(f"{origin.info.name} -> {to}", total=len(sources))
        for source in sources:
            results.append(convert_file(source, origin, to, out))
            progress.advance(task)
    console.print(_summary(results))
    for result in results:
        for issue in (*result.problems, *result.warnings):
            where = f" @ {issue.expression}" if issue.expression else ""
            errors.print(escape(f"{result.source}: {issue.severity}: {issue.text}{where}"), markup=False)
    if report is not None:
        write_output(report, orjson.dumps([r.to_json() for r in results], option=orjson.OPT_INDENT_2))
    failed = sum(not result.ok for result in results)
    console.print(f"{len(results) - failed} converted, {failed} failed")
    if failed or not results:
        raise typer.Exit(1)
