"""The ``careplan`` command.

    careplan demo                                 every fixture client through the mapping, bundles to out/
    careplan convert IN OUT                       canonical JSON <-> FHIR JSON / XML (by extension or --to)
    careplan convert SRC --from SYS --to SYS      a service's own format to another's, or to FHIR
    careplan systems                              the systems and their formats
    careplan validate PATH...                     FHIR R4 validation against the base spec and profiles
    careplan check FILE...                        who co-ordinates, and what is missing or due
    careplan handover SRC --to ODS                a signed handover message, through the consent gate
    careplan receive FILE --as ODS                check, import and acknowledge a handover
    careplan keygen ODS                           an Ed25519 key pair for signing handovers
    careplan send FILE --to-url URL               queue a handover message and deliver it ($process-message)
    careplan outbox [--deliver]                   the outbox: each message, its status, the answer
    careplan serve [--host H] [--port P]          the FHIR REST facade (settings from CAREPLAN_* variables)

Errors print one line per problem (the field and what was expected) and exit non-zero; nothing is
written half-way.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from adapter.atomic import write_atomically
from adapter.coordination.command import check as check_command
from adapter.delivery.command import outbox, send
from adapter.dialects.command import convert as convert_between_systems
from adapter.dialects.command import systems_command
from adapter.errors import AdapterError, UnsupportedFormat
from adapter.fhir import from_fhir, to_fhir
from adapter.handover.command import handover, keygen, receive
from adapter.handover.journey import prison_release_journey
from adapter.model import ClientRecord, dump_record, load_record
from adapter.types import FhirJson
from adapter.validation import Validator
from adapter.validation.command import validate_command
from adapter.wire import read_resource, write_resource

app = typer.Typer(
    help="Move drug-treatment care plans between services as FHIR R4, with consent and provenance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output (CI logs, files) gets a width that fits the demo's table instead of rich's 80 columns.
out_console = Console() if sys.stdout.isatty() else Console(width=120)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "clients"
DOMAIN_LABELS = {
    "drug-alcohol-misuse": "drugs",
    "health": "health",
    "offending": "offending",
    "social-functioning": "social",
}


class Form(StrEnum):
    """What a file holds."""

    CANONICAL = "canonical"
    FHIR_JSON = "fhir-json"
    FHIR_XML = "fhir-xml"


def _read_form(path: Path, data: bytes) -> Form:
    if path.suffix.lower() == ".xml" or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return Form.FHIR_XML
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError:
        return Form.FHIR_JSON  # the FHIR reader reports where the JSON breaks
    return Form.FHIR_JSON if isinstance(parsed, dict) and "resourceType" in parsed else Form.CANONICAL


def _target_form(out: Path, source: Form, to: Form | None) -> Form:
    if to is not None:
        return to
    if out.suffix.lower() == ".xml":
        return Form.FHIR_XML
    if out.suffix.lower() == ".json":
        return Form.FHIR_JSON if source is Form.CANONICAL else Form.CANONICAL
    raise UnsupportedFormat.single(
        "not-supported", "cli.output-format", f"{out}: cannot tell the output format; use .json, .xml or --to"
    )


def read_record(path: Path) -> tuple[ClientRecord, Form]:
    """A canonical record from a canonical JSON, FHIR JSON or FHIR XML file."""
    data = path.read_bytes()
    form = _read_form(path, data)
    if form is Form.CANONICAL:
        return load_record(orjson.loads(data)), form
    resource = read_resource(data, "xml" if form is Form.FHIR_XML else "json")
    return from_fhir(resource).record, form


def render(record: ClientRecord, form: Form) -> bytes:
    if form is Form.CANONICAL:
        return orjson.dumps(dump_record(record), option=orjson.OPT_INDENT_2) + b"\n"
    bundle: FhirJson = to_fhir(record)
    return write_resource(bundle, "xml" if form is Form.FHIR_XML else "json")


def _fail(error: AdapterError, where: Path | None = None) -> typer.Exit:
    prefix = f"{where}: " if where else ""
    for issue in error.outcome.issues:
        at = f"{issue.expression}: " if issue.expression and issue.expression not in issue.text else ""
        err_console.print(f"{prefix}{issue.severity}: {at}{issue.text}", markup=False)
    return typer.Exit(1)


@app.command()
def convert(
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
    report: Annotated[Path | None, typer.Option(help="with --from: also write a JSON report")] = None,
) -> None:
    """Convert a client record: canonical JSON <-> FHIR R4 (IN OUT), or between services' systems (--from)."""
    if from_system is not None:
        if to is None:
            err_console.print("error: --to is required with --from (a system, fhir or fhir-xml)")
            raise typer.Exit(2)
        convert_between_systems(source, from_system, to, out, report)
        return
    if target is None:
        err_console.print("error: give an output file (OUT), or --from SYSTEM --to SYSTEM")
        raise typer.Exit(2)
    try:
        form = Form(to) if to is not None else None
    except ValueError:
        err_console.print(f"error: --to: expected one of {', '.join(f.value for f in Form)}, got {to!r}")
        raise typer.Exit(2) from None
    if not source.is_file():
        err_console.print(f"error: {source}: no such file")
        raise typer.Exit(2)
    try:
        record, read_as = read_record(source)
        write_atomically(target, render(record, _target_form(target, read_as, form)))
    except AdapterError as error:
        raise _fail(error, source) from None
    out_console.print(f"{source} -> {target}", markup=False)


app.command("systems")(systems_command)
app.command("validate")(validate_command)
app.command("check")(check_command)
app.command("handover")(handover)
app.command("receive")(receive)
app.command("keygen")(keygen)
app.command("send")(send)
app.command("outbox")(outbox)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 8080,
) -> None:
    """Serve the FHIR REST facade ($process-message, $validate, CarePlan read/search, $check).

    Who this server is, its database, trusted senders' keys and callers' tokens come from the
    environment (CAREPLAN_ODS, CAREPLAN_DATABASE_URL, CAREPLAN_TRUST_DIR, CAREPLAN_TOKENS...)."""
    import uvicorn

    from adapter.server import create_app

    uvicorn.run(create_app(), host=host, port=port)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="folder for the bundles")] = Path("out"),
    fixtures: Annotated[Path, typer.Option(help="folder of canonical client records")] = FIXTURES,
) -> None:
    """Every fixture client through the mapping (a table; bundles to OUT in JSON and XML), then the
    prison-release journey: CARAT export -> checked -> validated -> consent -> CJIT and GP receive."""
    table = Table(title="Care plans through the adapter")
    for column in ("client", "plan kind", "domains covered", "resources", "profile errors", "round trip"):
        table.add_column(column)
    failures = 0
    validator = Validator()
    files = sorted(fixtures.glob("*.json"))
    if not files:
        err_console.print(f"no client records in {fixtures}")
        raise typer.Exit(1)
    for path in files:
        try:
            record = load_record(orjson.loads(path.read_bytes()))
            bundle = to_fhir(record)
            back = from_fhir(bundle).record
            xml_back = from_fhir(read_resource(write_resource(bundle, "xml"), "xml")).record
        except AdapterError as error:
            failures += 1
            _fail(error, path)
            continue
        same = back == record and xml_back == record
        errors = len(validator.validate(bundle).errors)
        failures += not same or errors > 0
        write_atomically(out / f"{path.stem}.bundle.json", write_resource(bundle, "json"))
        write_atomically(out / f"{path.stem}.bundle.xml", write_resource(bundle, "xml"))
        domains = sorted(
            {g.domain.value for g in record.plan.goals} | {n.domain.value for n in record.plan.needs}
        )
        table.add_row(
            path.stem,
            record.plan.kind.value,
            ", ".join(DOMAIN_LABELS[d] for d in domains),
            str(len(bundle["entry"])),
            str(errors),
            "ok" if same else "DIFFERS",
        )
    out_console.print(table)
    passed = len(files) - failures
    out_console.print(
        f"{passed} of {len(files)} clients round-tripped and met the profiles; bundles in {out}/"
    )
    out_console.print("\n[bold]The prison-release journey[/bold] (fixture 02)")
    journey = prison_release_journey(out / "journey", console=out_console)
    if failures or not journey.ok:
        raise typer.Exit(1)


def main() -> None:
    """Entry point of the ``careplan`` command."""
    try:
        app()
    except AdapterError as error:  # pragma: no cover - commands catch their own; this is the last guard
        _fail(error)
        sys.exit(1)
