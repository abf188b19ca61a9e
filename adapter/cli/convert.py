"""``careplan convert``: one record between canonical JSON and FHIR R4 JSON / XML, or (with
``--from``) files and folders from one service's system format to another's.

    $ careplan convert fixtures/clients/02-carat-release.json plan.xml
    $ careplan convert plan.xml back.json --to canonical
    $ careplan convert exports/ --from carat --to cjit-dir --out handover/

The output's folder is made (or refused) before anything is read; the file is written whole or not
at all; the FHIR ids written are printed, so that a plan can be read back from a server by its id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adapter.cli.io import (
    EXIT_BAD_INPUT,
    Form,
    fail,
    prepare_output,
    print_outcome,
    read_record,
    report_json,
    summarise_unmapped,
    write_output,
)
from adapter.errors import AdapterError
from adapter.model import ClientRecord


def _target_form(out: Path, source: Form, to: Form | None) -> Form:
    if to is not None:
        return to
    if out.suffix.lower() == ".xml":
        return Form.FHIR_XML
    if out.suffix.lower() == ".json":
        return Form.FHIR_JSON if source is Form.CANONICAL else Form.CANONICAL
    fail(f"{out}: cannot tell the output format from its name; use .json or .xml, or --to")


def _render(record: ClientRecord, form: Form) -> tuple[bytes, str]:
    """The output bytes, and the line that names what was written."""
    if form is Form.CANONICAL:
        import orjson

        from adapter.model import dump_record

        data = orjson.dumps(dump_record(record), option=orjson.OPT_INDENT_2) + b"\n"
        return data, f"plan {record.plan.id} (canonical record)"
    from adapter.fhir import care_plan_id, to_fhir
    from adapter.wire import write_resource

    bundle = to_fhir(record)
    data = write_resource(bundle, "xml" if form is Form.FHIR_XML else "json")
    return (
        data,
        f"plan {record.plan.id} as CarePlan/{care_plan_id(record)} ({len(bundle['entry'])} resources)",
    )


def command(
    source: Annotated[
        Path, typer.Argument(help="canonical JSON, FHIR JSON/XML, or a system's file or folder")
    ],
    target: Annotated[Path | None, typer.Argument(help="output file (.json or .xml), without --from")] = None,
    from_system: Annotated[
        str | None, typer.Option("--from", help="the source system (see `careplan systems`)")
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(help="canonical | fhir-json | fhir-xml, or with --from a system, fhir or fhir-xml"),
    ] = None,
    out: Annotated[Path, typer.Option(help="with --from: the folder to write into")] = Path("."),
    report: Annotated[
        Path | None, typer.Option(help="also write a JSON report (IN OUT: every element not carried)")
    ] = None,
) -> None:
    """Convert a client record: canonical JSON <-> FHIR R4 (IN OUT), or between services' systems (--from)."""
    if from_system is not None:
        if to is None:
            fail("--to is required with --from: a system (careplan systems), fhir or fhir-xml")
        if target is not None:
            fail(f"{target}: with --from, give the output folder as --out, not a file")
        from adapter.cli.convert_systems import convert_between_systems

        convert_between_systems(source, from_system, to, out, report)
        return
    if target is None:
        fail("give an output file (OUT), or --from SYSTEM --to SYSTEM")
    try:
        form = Form(to) if to is not None else None
    except ValueError:
        fail(f"--to: expected one of {', '.join(f.value for f in Form)}, got {to!r}")
    if source.is_dir():
        fail(
            f"{source}: is a folder; a folder of system files converts with --from SYSTEM --to ... --out DIR"
        )
    prepare_output(target)
    if report is not None:
        prepare_output(report)
    try:
        read = read_record(source)
        data, written = _render(read.record, _target_form(target, read.form, form))
    except AdapterError as error:
        print_outcome(error.outcome, source)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    write_output(target, data)
    summarise_unmapped(read.unmapped, source)
    if report is not None:
        outcome = "imported-for-review" if read.for_review else "converted"
        write_output(report, report_json(read.unmapped, read.record, source=str(source), outcome=outcome))
    typer.echo(f"{source} -> {target}: {written}")
