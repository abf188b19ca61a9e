"""Assembles the FHIR REST facade: settings, store, validator, trust list, tokens, routers, and the
handlers that turn every error into an OperationOutcome.

    >>> app = create_app(Settings(ods="Y02345", database_url="cjit.db", trust_dir=Path("trust")))
    $ CAREPLAN_ODS=Y02345 uvicorn --factory adapter.server:create_app
"""

from __future__ import annotations

import logging

from fastapi import FastAPI

from adapter.clock import SystemClock
from adapter.delivery.outbox import SqlOutbox
from adapter.errors import SettingsError
from adapter.handover import TrustList
from adapter.outcome import OperationOutcome
from adapter.server.handlers import install_problem_handlers
from adapter.server.routes import ROUTERS
from adapter.server.settings import Settings, load_settings, readiness, signer_of
from adapter.store import open_store
from adapter.validation import Validator

log = logging.getLogger("adapter.server")


def create_app(settings: Settings | None = None) -> FastAPI:
    """The FastAPI app for ``settings`` (None: read from the ``CAREPLAN_*`` environment).

    Raises SettingsError when a setting is missing or malformed, the tokens file or a trusted key
    cannot be read, or (unless ``insecure_dev``) there are no tokens or no trust folder: a server that
    would turn every caller away, or refuse every handover, should not start."""
    settings = settings if settings is not None else load_settings()
    callers = settings.callers()
    problems = readiness(settings, callers)
    if problems:
        raise SettingsError(OperationOutcome.of(problems))
    app = FastAPI(
        title=f"care-plan adapter ({settings.ods})",
        summary="FHIR R4 facade: handover messages in, care plans out, validation and co-ordination checks.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # No 307 to the path without its slash: an unknown path is a 404 OperationOutcome, as every
        # error here is (a redirect would carry no outcome, and re-send a body elsewhere).
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.callers = callers
    app.state.store = open_store(settings.database_url)
    # What this organisation sent (and the decisions received on it) sits in the same database.
    app.state.outbox = SqlOutbox(app.state.store.engine)
    app.state.signer = signer_of(settings)
    if settings.trust_dir.is_dir():
        try:
            app.state.trust = TrustList.from_directory(settings.trust_dir)
        except (OSError, ValueError) as error:
            raise SettingsError.single(
                "invalid",
                "settings.trust",
                f"CAREPLAN_TRUST_DIR: cannot load a key: {error}",
                "CAREPLAN_TRUST_DIR",
            ) from None
    else:
        # Safe (every handover is refused as from an untrusted sender) but surely not what was meant.
        log.warning("no trust folder at %s: every handover will be refused", settings.trust_dir)
        app.state.trust = TrustList()
    app.state.validator = Validator()
    app.state.coordination = settings.coordination()
    app.state.clock = SystemClock()
    install_problem_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    return app
