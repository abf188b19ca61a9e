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

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from adapter.atomic import write_atomically
from adapter.cli.io import (
    EXIT_BAD_INPUT,
    escape,
    fail,
    prepare_folder,
    prepare_output,
    print_outcome,
    write_output,
)
from adapter.dialects.engine import Loss
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
    """Convert every record in ``source``; write nothing unless all of them convert."""
    outputs: list[tuple[bytes, tuple[Loss, ...]]]
    try:
        conversions = origin.dialect.read_records(source.read_bytes())
        if target in FHIR_TARGETS:
            outputs = [(_as_fhir(c.record, FHIR_TARGETS[target]), ()) for c in conversions]
            extension = FHIR_TARGETS[target]
        else:
            destination = load_system(target)
            written = [destination.dialect.write_record(c.record) for c in conversions]
            outputs = [(w.data, w.losses) for w in written]
            extension = destination.extension
    except AdapterError as error:
        return FileResult(source, problems=error.outcome.issues)
    except OSError as error:
        return FileResult(source, problems=(Issue.error("exception", "dialects.io", f"{source}: {error}"),))
    paths: list[Path] = []
    losses: list[Loss] = []
    for index, (data, lost) in enumerate(outputs):
        path = out / _output_name(source, index, len(outputs), extension)
        write_atomically(path, data)
        paths.append(path)
        # With several records in one file, each loss is named by the record it belongs to.
        prefix = "" if len(outputs) == 1 else f"[{index}]."
        losses += [Loss(prefix + loss.path, loss.reason) for loss in lost]
    unmapped = tuple(issue for c in conversions for issue in not_understood(c, origin.info.name))
    not_kept = f"{origin.info.name} reads it but does not keep it"
    losses += [Loss(path, not_kept) for c in conversions for path in c.not_kept]
    return FileResult(source, tuple(paths), unmapped, tuple(losses))


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
            result.source.name,
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
        for issue in result.problems:
            where = f" @ {issue.expression}" if issue.expression else ""
            errors.print(escape(f"{result.source}: {issue.severity}: {issue.text}{where}"), markup=False)
    if report is not None:
        write_output(report, orjson.dumps([r.to_json() for r in results], option=orjson.OPT_INDENT_2))
    failed = sum(not result.ok for result in results)
    console.print(f"{len(results) - failed} converted, {failed} failed")
    if failed or not results:
        raise typer.Exit(1)
