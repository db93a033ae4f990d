"""/healthz (the process answers) and /readyz (Neo4j answers and the schema's constraints exist)."""

from neo4j.exceptions import DriverError, Neo4jError
from starlette.requests import Request
from starlette.responses import JSONResponse

from service.graph.constraints import missing_constraints


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    try:
        missing = await missing_constraints(request.app.state.driver, settings.neo4j_database)
    except (DriverError, OSError) as error:
        reason = f"Neo4j is unreachable: {type(error).__name__}"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    except Neo4jError as error:
        return JSONResponse(
            {"status": "unavailable", "reason": f"Neo4j error: {error.code}"}, status_code=503
        )
    if missing:
        reason = f"schema constraints missing: {', '.join(sorted(missing))}; run `python -m seed`"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ready"})
