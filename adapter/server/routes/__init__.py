"""One APIRouter per FHIR interaction; :func:`adapter.server.create_app` includes them all."""

from __future__ import annotations

from adapter.server.routes.careplan import router as careplan_router
from adapter.server.routes.check import router as check_router
from adapter.server.routes.decide import router as decide_router
from adapter.server.routes.import_plan import router as import_router
from adapter.server.routes.metadata import router as metadata_router
from adapter.server.routes.process_message import router as process_message_router
from adapter.server.routes.validate import router as validate_router

ROUTERS = (
    metadata_router,
    process_message_router,
    decide_router,
    validate_router,
    check_router,
    import_router,
    careplan_router,
)
"""In this order: ``/CarePlan/$check`` and ``$import`` match before ``/CarePlan/{id}`` could claim them."""

__all__ = ["ROUTERS"]
