"""`create_app(settings)`: the FastAPI application, its driver lifecycle and its routes."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from neo4j.exceptions import Neo4jError, ServiceUnavailable
from strawberry.fastapi import GraphQLRouter

from service.api.context import Context
from service.api.schema import build_schema
from service.graph.driver import open_driver
from service.health import health_router
from service.settings import Settings

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

    async def context_getter() -> Context:
        return Context(driver=app.state.driver, settings=settings)

    schema = build_schema(settings)
    app.include_router(GraphQLRouter(schema, context_getter=context_getter), prefix="/graphql")
    app.include_router(health_router())
    return app
