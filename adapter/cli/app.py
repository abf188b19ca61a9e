"""The ``careplan`` group: commands are listed from a table and imported only when run.

``careplan --help`` reads each command's one-line help from :data:`COMMANDS` and imports no room;
``careplan validate FILE`` imports the validator and nothing else (the store, the mapper and the
handover stay unloaded). Each command module exposes ``command``: a typer function, or a
``typer.Typer`` with sub-commands.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated, Any

import typer
import typer.core
import typer.main
from typer import _click as click  # typer vendors click: its contexts and errors are these

# name -> (module under adapter.cli, one-line help shown by `careplan --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "Every fixture client through mapping and validation, then the prison-release journey."),
    "convert": ("convert", "Convert a record: canonical JSON <-> FHIR R4, or between services' systems."),
    "import": ("import_", "Import a care plan another system made (any FHIR R4 bundle) for review."),
    "systems": ("systems", "List the systems the adapter reads and writes, with their formats."),
    "validate": ("validate", "Validate FHIR R4 resources against the base spec, our IG and any profiles."),
    "check": ("check", "Who co-ordinates each client's care, and what is missing or due."),
    "handover": ("handover", "Hand a care plan over to another service as a signed FHIR message."),
    "receive": ("receive", "Receive a handover: verify, import, store; print the acknowledgement."),
    "decide": ("decide", "Accept or decline a handover received; the decision goes back to the sender."),
    "print": ("print_", "Print a care plan for the client to read and sign (PDF or HTML)."),
    "due": ("due", "What needs a person now: decisions, acknowledgements, given-up deliveries, reviews."),
    "keygen": ("keygen", "Make an Ed25519 key pair for an organisation (by ODS code)."),
    "send": ("send", "Queue a handover message in the outbox and deliver it to {URL}/$process-message."),
    "outbox": ("outbox", "The outbox: list entries, deliver what is pending, retry what failed."),
    "withdraw": ("withdraw", "Withdraw a consent: record it, stop what is queued, tell every organisation."),
    "update": ("update", "Send a changed plan to every organisation that holds a consented copy."),
    "serve": ("serve", "Serve the FHIR REST facade (settings from CAREPLAN_* variables)."),
}
DEBUG_ENV = "CAREPLAN_DEBUG"


class CarePlanGroup(typer.core.TyperGroup):
    """A typer group whose commands are modules imported on first use."""

    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, short_help = COMMANDS[cmd_name]
        if self._listing:
            # Help for the group needs each command's line only: no room is imported for it.
            return typer.core.TyperCommand(cmd_name, help=short_help, short_help=short_help)
        module = importlib.import_module(f"adapter.cli.{module_name}")
        command: Any = module.command
        loaded: click.Command
        if isinstance(command, typer.Typer):
            loaded = typer.main.get_group(command)
        else:
            single = typer.Typer(add_completion=False, rich_markup_mode=None)
            single.command(cmd_name, help=command.__doc__)(command)
            loaded = typer.main.get_command(single)
        loaded.name = cmd_name
        return loaded

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _version(value: bool) -> None:
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        shown = version("careplan-adapter")
    except PackageNotFoundError:
        shown = "unknown (not installed)"
    typer.echo(f"careplan {shown} (FHIR R4 4.0.1)")
    raise typer.Exit(0)


app = typer.Typer(
    cls=CarePlanGroup,
    name="careplan",
    help="Move drug-treatment care plans between services as FHIR R4, with consent and provenance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def careplan(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Move drug-treatment care plans between services as FHIR R4, with consent and provenance."""


def main() -> None:
    """Entry point of the ``careplan`` command.

    Commands catch their own errors; this is the last guard, so that a user never sees a traceback
    (set CAREPLAN_DEBUG=1 to see one when reporting a fault)."""
    from adapter.errors import AdapterError

    try:
        typer.main.get_group(app).main(prog_name="careplan", standalone_mode=True)
    except AdapterError as error:
        from adapter.cli.io import print_outcome

        print_outcome(error.outcome)
        sys.exit(1)
    except Exception as error:
        if os.environ.get(DEBUG_ENV):
            raise
        from adapter.cli.io import escape

        click.echo(
            f"careplan: internal error ({type(error).__name__}: {escape(str(error))[:200]}). "
            f"Set {DEBUG_ENV}=1 to see where, and report it.",
            err=True,
        )
        sys.exit(70)
