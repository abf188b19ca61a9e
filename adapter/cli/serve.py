"""``careplan serve [--host H] [--port P] [--insecure-dev]``: the FHIR REST facade.

Who this server is, its database, whom it trusts and who may call it come from the environment
(see adapter.server.settings for each variable and its form):

    $ CAREPLAN_ODS=Y02345 CAREPLAN_DATABASE_URL=cjit.db CAREPLAN_TRUST_DIR=trust/ \\
      CAREPLAN_TOKENS_FILE=tokens.json careplan serve --port 8080

A missing or malformed setting stops it with one line naming the variable and the form expected; so
do no tokens and no trust folder, unless ``--insecure-dev`` says this is a developer's machine.
"""

from __future__ import annotations

from typing import Annotated

import typer

from adapter.cli.io import EXIT_BAD_INPUT, print_outcome, say


def command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8080,
    insecure_dev: Annotated[
        bool,
        typer.Option(
            "--insecure-dev", help="Start even with no tokens or no trust folder (development only)."
        ),
    ] = False,
) -> None:
    """Serve the FHIR REST facade ($process-message, $validate, CarePlan read/search, $check).

    Settings come from CAREPLAN_ODS, CAREPLAN_DATABASE_URL, CAREPLAN_TRUST_DIR, CAREPLAN_TOKENS or
    CAREPLAN_TOKENS_FILE (see the README)."""
    import uvicorn

    from adapter.errors import AdapterError
    from adapter.server import create_app
    from adapter.server.settings import load_settings

    try:
        settings = load_settings(**({"insecure_dev": True} if insecure_dev else {}))
        app = create_app(settings)
    except AdapterError as error:
        print_outcome(error.outcome, "careplan serve")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if settings.insecure_dev:
        say("careplan serve: INSECURE development mode (no tokens or no trust folder allowed)")
    uvicorn.run(app, host=host, port=port)
