"""`create_app(settings)`: the FastAPI application, its driver lifecycle and its routes."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
from fastapi import FastAPI, Request, Response
from neo4j import AsyncDriver
from neo4j.exceptions import Neo4jError, ServiceUnavailable
from starlette.middleware.cors import CORSMiddleware
from strawberry.fastapi import GraphQLRouter

from service.access.keys import KeyResolver
from service.access.middleware import PRINCIPAL_KEY, AccessControl
from service.api.context import Context
from service.api.endpoint import RECORD_KEY, GraphQLEndpoint
from service.api.fast_path import FastPath
from service.api.schema import build_schema
from service.graph.driver import open_driver
from service.graph.keys import find_key
from service.health import health_router
from service.metrics import configure_request_log, exposition
from service.settings import Settings
from service.web import mount_web

log = logging.getLogger("supplygraph")


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        driver = open_driver(settings)
        try:
            await driver.verify_connectivity()
        except (ServiceUnavailable, Neo4jError, OSError) as error:
            # Start anyway: /readyz says 503 and requests get SERVICE_UNAVAILABLE until Neo4j
            # answers, then the driver's pool connects by itself.
            log.warning("Neo4j at %s is not reachable yet: %s", settings.neo4j_uri, error)
        app.state.driver = driver
        try:
            yield
        finally:
            await driver.close()

    app = FastAPI(
        title="Supplygraph",
        description="The AI-infrastructure industry as a graph, over GraphQL.",
        lifespan=lifespan,
    )
    app.state.settings = settings

    async def context_getter(request: Request) -> Context:
        principal = request.scope.get(PRINCIPAL_KEY)  # set by AccessControl
        context = Context(driver=app.state.driver, settings=settings, principal=principal)
        record = request.scope.get(RECORD_KEY)
        if record is not None:
            record.context = context
        return context

    schema = build_schema(settings)
    mount_web(app, settings)  # before the GraphQL router: GraphiQL answers browsers' GET /graphql
    app.include_router(
        GraphQLJSONRouter(schema, context_getter=context_getter, graphql_ide=None), prefix="/graphql"
    )
    app.include_router(health_router())

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    if settings.api_request_log:
        configure_request_log()

    def driver() -> AsyncDriver:
        return app.state.driver  # type: ignore[no-any-return]

    fast_path = FastPath(schema._schema, settings) if settings.api_compiled else None
    app.add_middleware(
        GraphQLEndpoint, fast_path=fast_path, driver=driver, log_requests=settings.api_request_log
    )
    # Added after GraphQLEndpoint, so it runs before it: keys, rate and size limits come first.
    keys = KeyResolver(
        lambda key_id: find_key(driver(), settings.neo4j_database, key_id, settings.neo4j_query_timeout),
        ttl=settings.api_key_cache_seconds,
    )
    app.add_middleware(AccessControl, settings=settings, keys=keys, log_requests=settings.api_request_log)
    if settings.cors_origins:  # outermost: rejections carry CORS headers too, so browsers can read them
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key"],
            expose_headers=["Retry-After", "Server-Timing"],
            max_age=600,
        )
    return app


class GraphQLJSONRouter(GraphQLRouter[Context, None]):
    """strawberry's router with orjson: the same bytes as the fast path, and faster."""

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)
