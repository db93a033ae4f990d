"""`create_app(settings)`: the ASGI application, its driver's lifecycle and its routes.

/graphql goes straight to `GraphQLApp` (a browser's GET gets the GraphiQL page instead); the
other routes are a small Starlette app: health, metrics, the explorer page, /reconcile and the
exports. Nothing else is served: no OpenAPI or Swagger pages, which would load scripts from
elsewhere.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from neo4j import AsyncDriver
from neo4j.exceptions import Neo4jError, ServiceUnavailable
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from service.api.engine import Engine
from service.api.follows import FollowOptions
from service.api.persisted import read_manifest
from service.api.plans import Limits
from service.api.schema import build_api
from service.compiler.filters import FilterLimits
from service.compiler.statement import Statement
from service.graph import edits
from service.graph.changes import prune
from service.graph.driver import open_driver
from service.graph.keys import find_key
from service.graph.reads import feed_head, read_result
from service.http import pages
from service.http.access import Access
from service.http.exports import export_endpoint
from service.http.feed import FeedClock
from service.http.graphql import GraphQLApp, Receive, Scope, Send
from service.http.health import healthz, readyz
from service.http.keys import KeyResolver
from service.http.metrics import configure_request_log, exposition
from service.http.reconcile import Reconcile
from service.http.streams import websocket
from service.http.webhooks import Dispatcher
from service.settings import Settings

log = logging.getLogger("supplygraph")


def engine_for(settings: Settings) -> Engine:
    """The GraphQL engine with the limits the settings give (ManifestError: a bad manifest)."""
    limits = Limits(
        depth=settings.api_max_depth,
        aliases=settings.api_max_aliases,
        tokens=settings.api_max_tokens,
        fields=settings.api_max_fields,
        overlaps=settings.api_max_overlaps,
        nodes=settings.api_max_cost,
        mutations=settings.api_max_mutations,
    )
    filter_limits = FilterLimits(
        terms=settings.api_max_filter_terms, relations=settings.api_max_filter_relations
    )
    follow = FollowOptions(filter_limits, settings.webhook_allow_private, settings.neo4j_query_timeout)
    path = settings.api_persisted_manifest
    return Engine(
        build_api(),
        limits,
        filter_limits,
        settings.api_introspection,
        follow,
        manifest=read_manifest(Path(path)) if path else None,
        persisted_only=settings.api_persisted_only,
        manifest_source=path,
    )


def _retains(settings: Settings) -> bool:
    return bool(settings.feed_retain_days or settings.feed_retain_changes)


async def _prune_feed(driver: AsyncDriver, settings: Settings) -> None:
    """Keep the change feed within FEED_RETAIN_DAYS / FEED_RETAIN_CHANGES. Every process does
    it; pruning is idempotent, so they need no coordination."""
    while True:
        try:
            await prune(
                driver, settings.neo4j_database, settings.feed_retain_days, settings.feed_retain_changes
            )
        except Exception as error:  # Neo4j away: the next round tries again
            log.warning("pruning the change feed failed: %r", error)
        await asyncio.sleep(settings.feed_prune_seconds)


def create_app(settings: Settings) -> "App":
    state: dict[str, AsyncDriver] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        driver = open_driver(settings)
        try:
            await driver.verify_connectivity()
        except (ServiceUnavailable, Neo4jError, OSError) as error:
            # Start anyway: /readyz says 503 and requests get SERVICE_UNAVAILABLE until Neo4j
            # answers, then the driver's pool connects by itself.
            log.warning("Neo4j at %s is not reachable yet: %s", settings.neo4j_uri, error)
        state["driver"] = app.state.driver = driver
        tasks = []
        if _retains(settings):
            tasks.append(asyncio.create_task(_prune_feed(driver, settings)))
        if settings.webhooks_deliver:
            tasks.append(asyncio.create_task(Dispatcher(driver, settings, engine, feed).run()))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await driver.close()

    async def read(statement: Statement, causal: bool) -> Any:
        return await read_result(
            state["driver"],
            settings.neo4j_database,
            statement.text,
            statement.params,
            settings.neo4j_query_timeout,
            causal,
        )

    keys = KeyResolver(
        lambda key_id: find_key(
            state["driver"], settings.neo4j_database, key_id, settings.neo4j_query_timeout
        ),
        ttl=settings.api_key_cache_seconds,
    )
    feed = FeedClock(
        lambda: feed_head(state["driver"], settings.neo4j_database, settings.neo4j_query_timeout)
    )
    engine, access = engine_for(settings), Access(settings, keys)
    graphql = GraphQLApp(
        engine,
        access,
        read,
        lambda: edits.Store(state["driver"], settings.neo4j_database),
        settings.api_max_body_bytes,
        settings.api_request_log,
        feed,
        settings.api_cache_control,
    )
    dist = pages.built()

    async def explore(request: Request) -> Response:
        return pages.page(dist, "explore.html")

    async def metrics(request: Request) -> Response:
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    routes: list[Any] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        Route("/explore", explore),
        Route(
            "/export/{format}",
            export_endpoint(settings, access, lambda: state["driver"]),
            methods=["GET", "POST"],
        ),
        *Reconcile(
            engine,
            access,
            read,
            lambda: edits.Store(state["driver"], settings.neo4j_database),
            settings.api_max_body_bytes,
        ).routes(),
    ]
    if dist is not None:
        routes.append(Mount(pages.ASSETS_PATH, pages.Assets(directory=dist / "assets"), name="assets"))
    site = Starlette(routes=routes, lifespan=lifespan)
    site.state.settings = settings
    if settings.api_request_log:
        configure_request_log()

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/") == "/graphql":
            # GraphiQL needs introspection: with it off, the page is off too.
            if settings.api_graphiql and settings.api_introspection and pages.wants_page(scope):
                await pages.page(dist, "graphiql.html")(scope, receive, send)
            else:
                await graphql(scope, receive, send)
            return
        if scope["type"] == "websocket" and scope["path"].rstrip("/") == "/graphql":
            await websocket(engine, access, read, feed, scope, receive, send)
            return
        await site(scope, receive, send)

    if not settings.cors_origins:
        return App(dispatch, site)
    # Outermost: rejections carry CORS headers too, so browsers can read them.
    cors = CORSMiddleware(
        dispatch,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "X-API-Key"],
        expose_headers=["Retry-After", "Server-Timing"],
        max_age=600,
    )
    return App(cors, site)


class App:
    """The ASGI app: `dispatch` in front, the Starlette site (and its state) behind."""

    def __init__(self, dispatch: Any, site: Starlette) -> None:
        self.dispatch = dispatch
        self.state = site.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.dispatch(scope, receive, send)
