"""/healthz (the process answers) and /readyz (Neo4j answers and the schema's constraints exist).

/readyz answers within a second whatever Neo4j does: a load balancer polling it must not pile
up probes while the driver waits out its connection timeouts during an outage.
"""

import asyncio

from neo4j.exceptions import DriverError, Neo4jError
from starlette.requests import Request
from starlette.responses import JSONResponse

from service.graph.constraints import missing_constraints

READY_WITHIN = 0.9  # seconds


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    try:
        missing = await asyncio.wait_for(
            missing_constraints(request.app.state.driver, settings.neo4j_database), READY_WITHIN
        )
    except TimeoutError:
        reason = f"Neo4j did not answer within {READY_WITHIN} s"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
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
