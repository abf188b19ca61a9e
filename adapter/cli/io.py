"""What every command shares: reading a record in any format we know, writing output whole or not at
all, printing problems one line each, and reading ``--today`` / ``--at``.

    record = read_record(Path("plan.xml")).record                 # canonical, FHIR JSON or FHIR XML
    record = read_record(Path("export.csv"), from_system="carat").record
    target = prepare_output(Path("out/plan.json"))                # before any work: folder made or refused
    write_output(target, data)

Exit status across commands: 0 done; 1 refused or findings with errors; 2 the input, an option or a
setting is wrong (the command did nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer import _click as click  # typer vendors click: its contexts and errors are these

if TYPE_CHECKING:
    from adapter.clock import Clock
    from adapter.coordination.settings import CoordinationSettings
    from adapter.delivery.outbox import SqlOutbox
    from adapter.handover.due import QueuedMessage
    from adapter.handover.signing import Ed25519Signer
    from adapter.model import ClientRecord
    from adapter.outcome import Issue, OperationOutcome

EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2
MAX_INPUT_BYTES = 50 * 1024 * 1024
"""The same limit the FHIR readers apply (adapter.wire.limits): a larger file is refused unread."""


class Form(StrEnum):
    """What a file holds."""

    CANONICAL = "canonical"
    FHIR_JSON = "fhir-json"
    FHIR_XML = "fhir-xml"


@dataclass(frozen=True, slots=True)
class RecordRead:
    """A record read from a file: the record, the form it was in, and what was not mapped."""

    record: ClientRecord
    form: Form
    unmapped: tuple[Issue, ...] = ()

    @property
    def for_review(self) -> bool:
        """A plan imported from another system that a person must review (the record says so)."""
        return self.record.plan.import_review is not None


class CommandFailed(click.ClickException):
    """One line for the user and the exit status; click prints it (escaped) and exits."""

    def __init__(self, line: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(line)
        self.line = line
        self.exit_code = exit_code

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(escape(self.line), err=True)


def escape(text: str) -> str:
    """``text`` with control characters shown as escapes: input quoted in a message never reaches
    the terminal raw (an ESC sequence could clear the screen or retitle the window)."""
    from adapter.outcome import escape as escape_text

    return escape_text(text)


def say(line: str) -> None:
    """One line on stderr, escaped."""
    typer.echo(escape(line), err=True)


def fail(line: str, exit_code: int = EXIT_BAD_INPUT) -> NoReturn:
    """End the command with ``exit_code``, printing ``line`` (escaped) on stderr."""
    raise CommandFailed(line, exit_code)


def print_outcome(outcome: OperationOutcome, where: object | None = None) -> None:
    """Each issue on its own line: ``where: severity: expression: text`` (escaped)."""
    prefix = f"{where}: " if where is not None else ""
    for issue in outcome.issues:
        at = f"{issue.expression}: " if issue.expression and issue.expression not in issue.text else ""
        say(f"{prefix}{issue.severity}: {at}{issue.text}")


def read_input(path: Path, *, what: str = "file") -> bytes:
    """The bytes of an input file; a missing, unreadable, folder, empty or oversized input fails the
    command with one line naming it."""
    if path.is_dir():
        fail(f"{path}: is a folder; expected a {what}")
    if not path.exists():
        fail(f"{path}: no such file; expected a {what}")
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            fail(f"{path}: {size} bytes, more than the limit of {MAX_INPUT_BYTES}")
        data = path.read_bytes()
    except OSError as error:
        fail(f"{path}: cannot read: {error.strerror or error}")
    if not data.strip():
        fail(f"{path}: is empty; expected a {what}")
    return data


def sniff_form(path: Path, data: bytes) -> Form:
    """Canonical JSON, FHIR JSON or FHIR XML, by content (an extension only breaks ties)."""
    from adapter.wire import sniff_format

    sniffed = sniff_format(data)
    if sniffed == "xml" or (sniffed is None and path.suffix.lower() == ".xml"):
        return Form.FHIR_XML
    # A canonical record never holds "resourceType"; a FHIR resource may name it after 4 kB of
    # other elements (a searchset's links, a big Bundle's meta), so the whole input is looked at.
    return Form.FHIR_JSON if re.search(rb'"resourceType"\s*:', data) else Form.CANONICAL


def read_record(
    path: Path, *, from_system: str | None = None, plan_id: str | None = None, as_of: date | None = None
) -> RecordRead:
    """The canonical record in ``path``: canonical JSON, FHIR JSON or XML, or (with ``from_system``)
    that system's own format. FHIR that another system wrote is imported (adapter.fhir.read_plan: for
    review where it does not say what the record needs); ``plan_id`` / ``as_of`` choose among several
    plans. Problems raise AdapterError with an OperationOutcome."""
    data = read_input(path, what="care-plan record")
    if from_system is not None:
        from adapter.dialects import read as read_system

        conversion = read_system(from_system, data)

        from adapter.cli.convert_systems import not_understood

        understood = tuple(not_understood(conversion, from_system))
        others = tuple(issue for issue in conversion.issues.issues if issue not in understood)
        return RecordRead(conversion.record, Form.CANONICAL, (*others, *understood))
    form = sniff_form(path, data)
    if form is Form.CANONICAL:
        from adapter.model import load_json_record

        return RecordRead(load_json_record(data), form)
    from adapter.fhir import read_plan
    from adapter.wire import read_resource

    result = read_plan(
        read_resource(data, "xml" if form is Form.FHIR_XML else "json"),
        plan_id=plan_id,
        as_of=as_of,
        source=path.name,
    )
    return RecordRead(result.record, form, tuple(result.unmapped))


def read_plan_to_send(src: Path, from_system: str | None) -> RecordRead:
    """The plan a command sends on (handover, update, withdraw): read as :func:`read_record` does; a
    record that cannot be read is its problems and one line naming the file, exit 2; what was not
    carried, one line."""
    from adapter.errors import AdapterError

    try:
        read = read_record(src, from_system=from_system)
    except AdapterError as error:
        print_outcome(error.outcome, src)
        fail(f"{src}: not a care-plan record we can read")
    summarise_unmapped(read.unmapped, src)
    return read


def sender_of(record: ClientRecord, sender: str | None) -> str:
    """The sending organisation: ``--sender``, else the episode's provider, else the record's first."""
    return sender or (record.episode.provider if record.episode else record.organisations[0].ods_code)


def summarise_unmapped(unmapped: tuple[Issue, ...] | list[Issue], where: object) -> None:
    """One line: how many elements were not carried, by severity (the full list goes to --report)."""
    if not unmapped:
        return
    counts = {s: sum(1 for i in unmapped if i.severity == s) for s in ("error", "warning", "information")}
    shown = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    say(f"{where}: {len(unmapped)} elements not carried into the record ({shown}); --report FILE lists each")


def report_json(
    unmapped: tuple[Issue, ...] | list[Issue], record: ClientRecord | None, **facts: object
) -> bytes:
    """The report ``--report`` writes: what happened, the review findings, and every element not
    carried (an OperationOutcome, each issue with its FHIRPath and severity)."""
    import orjson

    from adapter.outcome import OperationOutcome

    review = record.plan.import_review if record is not None else None
    body: dict[str, Any] = {
        **facts,
        "imported_for_review": review is not None,
        "review_findings": list(review.findings) if review else [],
        "not_carried": OperationOutcome.of(unmapped).to_fhir(),
    }
    return orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n"


def prepare_output(path: Path) -> Path:
    """Make the folder ``path`` will be written into, or fail the command before any work is done."""
    if path.is_dir():
        fail(f"{path}: is a folder; expected a file name")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"{path}: cannot create the folder {folder}: {error.strerror or error}")
    return path


def prepare_folder(folder: Path) -> Path:
    """Make the output folder ``folder``, or fail the command before any work is done."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"{folder}: cannot create the folder: {error.strerror or error}")
    return folder


def write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file renamed into place)."""
    from adapter.atomic import write_atomically

    try:
        write_atomically(path, data)
    except OSError as error:
        fail(f"{path}: cannot write: {error.strerror or error}")


def emit(out: Path | None, data: bytes) -> None:
    """A command's answer: to ``out`` (whole or not at all), or to standard output without it."""
    if out is None:
        typer.echo(data.decode())
    else:
        write_output(out, data)


def parse_day(text: str, option: str) -> date:
    """A day given as YYYY-MM-DD, or a bad-parameter error naming ``option``."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise typer.BadParameter(f"expected a date YYYY-MM-DD, got {escape(text)!r}", param_hint=option)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not a calendar date: {escape(text)!r}", param_hint=option) from None


def day_clock(today: str | None) -> Clock:
    """``--today YYYY-MM-DD`` as a fixed clock; without it, the system clock (the day in England)."""
    from adapter.clock import FixedClock, SystemClock

    return SystemClock() if today is None else FixedClock(parse_day(today, "--today"))


def instant_clock(at: str | None) -> Clock:
    """``--at`` (an ISO 8601 instant with its offset) as a fixed clock; without it, the system clock."""
    from adapter.clock import FixedClock, SystemClock

    if at is None:
        return SystemClock()
    try:
        instant = datetime.fromisoformat(at)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise typer.BadParameter(
            f"expected an instant with its UTC offset (2026-11-25T10:30:00+00:00), got {escape(at)!r}",
            param_hint="--at",
        )
    return FixedClock(instant)


SIGNING_KEY_ENV = "CAREPLAN_SIGNING_KEY"

SenderKeyOption = Annotated[
    Path | None,
    typer.Option("--key", help=f"Sender's Ed25519 private key (PEM); default ${SIGNING_KEY_ENV}."),
]
"""``--key`` of the commands that sign a message for the sender (handover, update, withdraw)."""
FromSystemOption = Annotated[
    str | None, typer.Option("--from", help="SRC is in this system's format (see careplan systems).")
]
SenderOption = Annotated[
    str | None, typer.Option("--sender", help="ODS code of the sender (default: the episode's provider).")
]
"""The private key file a command signs with when ``--key`` is not given."""


def load_signer(key: Path | None, ods: str) -> Ed25519Signer:
    """The Ed25519 signer of ``--key`` (or $CAREPLAN_SIGNING_KEY) for organisation ``ods``; a missing
    or unreadable key fails the command with one line naming it."""
    import os

    from adapter.handover.signing import Ed25519Signer

    key_path = key or (Path(os.environ[SIGNING_KEY_ENV]) if os.environ.get(SIGNING_KEY_ENV) else None)
    if key_path is None:
        fail(f"no signing key: give --key or set {SIGNING_KEY_ENV} (careplan keygen makes one)")
    try:
        return Ed25519Signer.from_pem(key_path, ods)
    except (OSError, ValueError) as error:
        fail(f"{key_path}: not an Ed25519 private key: {error}")


def coordination_settings() -> CoordinationSettings:
    """The local protocol's intervals from ``CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS`` and
    ``CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS`` (adapter.coordination.settings), read once by every command
    that judges co-ordination, so that ``check``, ``handover``, ``update`` and ``due`` judge one record
    alike (hazard H-56). A bad value fails the command with one line naming the variable and the range
    expected (exit 2), before any work is done."""
    from pydantic import ValidationError

    from adapter.coordination.settings import FORMS, CoordinationEnvironment

    try:
        return CoordinationEnvironment().settings()
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0])
        fail(f"CAREPLAN_{field.upper()}: expected {FORMS[field]}, got {first.get('input')!r}")


def judged_on(clock: Clock, given: str | None, option: str) -> str:
    """A note for the user when a command judged dates by the machine's clock."""
    if given is not None:
        return ""
    return f"(judged as of {clock.today().isoformat()}, today; give {option} to judge as of another day)"


def queued_messages(outbox: SqlOutbox) -> list[QueuedMessage]:
    """Every outbox entry as the handover room reads it (its message, state and any decision on it):
    what ``due`` lists and what ``update`` finds the copies held from."""
    from adapter.handover.due import QueuedMessage

    return [
        QueuedMessage(
            entry.message_id,
            entry.destination,
            entry.status.value,
            entry.last_error or f"{entry.attempts} attempts",
            outbox.message(entry.message_id),
            outbox.decision_on(entry.message_id),
        )
        for entry in outbox.entries()
    ]
