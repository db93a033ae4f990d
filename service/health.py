"""/healthz (the process answers) and /readyz (Neo4j answers and the schema constraints exist)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

from service.graph.schema import missing_constraints


def health_router() -> APIRouter:
    router = APIRouter()

    @router.get("/healthz", include_in_schema=True)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        settings = request.app.state.settings
        try:
            missing = await missing_constraints(request.app.state.driver, settings.neo4j_database)
        except (ServiceUnavailable, SessionExpired, OSError) as error:
            return JSONResponse(
                {"status": "unavailable", "reason": f"Neo4j is unreachable: {type(error).__name__}"},
                status_code=503,
            )
        except Neo4jError as error:
            return JSONResponse(
                {"status": "unavailable", "reason": f"Neo4j error: {error.code}"}, status_code=503
            )
        if missing:
            return JSONResponse(
                {
                    "status": "unavailable",
                    "reason": f"schema constraints missing: {', '.join(sorted(missing))}; "
                    "run `python -m seed`",
                },
                status_code=503,
            )
        return JSONResponse({"status": "ready"})

    return router
