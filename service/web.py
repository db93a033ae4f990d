"""The browser pages: GraphiQL at `/graphql` and the network explorer at `/explore`.

`make web` builds them from `web/` with Vite into `web/dist`: one HTML file per page and hashed
assets under `dist/assets`, served here at `/static/assets/`. Nothing is fetched from elsewhere;
a Content-Security-Policy on the pages makes the browser refuse it too.

GraphiQL answers only a browser's GET (Accept: text/html, no `query` parameter); every other
request to `/graphql`, GET queries included, falls through to strawberry's router. Without a
build the service still starts, and the pages say how to build them.
"""

import logging
import os
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from starlette.responses import Response
from starlette.routing import Match
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from service.settings import REPO_ROOT, Settings

log = logging.getLogger("supplygraph")

DIST = REPO_ROOT / "web" / "dist"
ASSETS_PATH = "/static/assets"  # Vite's `base` (web/vite.config.ts) + its assets folder

# The pages load their scripts, styles, fonts and data from this origin only. Inline styles are
# allowed because GraphiQL and CodeMirror set element styles; scripts are never inline.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'self'"
)
PAGE_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"}
NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Supplygraph: pages not built</title></head>
<body><h1>The browser pages are not built</h1>
<p>Run <code>make web</code> (Node.js 20+ and npm; it builds <code>web/dist</code>), then restart
the service. <code>make run</code> and <code>make up</code> do this by themselves.</p>
<p>The GraphQL API itself works: POST queries to <code>/graphql</code>.</p></body></html>
"""


def _wants_page(scope: Scope) -> bool:
    """True for a browser navigating to the page, as strawberry decides for its own IDE."""
    if scope.get("method") != "GET" or "query" in parse_qs(scope.get("query_string", b"").decode("latin-1")):
        return False
    accept = dict(scope.get("headers") or []).get(b"accept", b"")
    return b"text/html" in accept


class PageRoute(APIRoute):
    """A GET route that matches only a browser asking for a page; other requests try the next route."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is Match.FULL and not _wants_page(scope):
            return Match.NONE, {}
        return match, child_scope


class Assets(StaticFiles):
    """Vite's hashed assets: a file's name changes with its content, so browsers may keep it."""

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def _page(dist: Path | None, name: str) -> HTMLResponse:
    """The built page (read each time, so a rebuild shows at once), or a 503 saying how to build it."""
    try:
        if dist is None:
            raise FileNotFoundError(name)
        html = (dist / name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return HTMLResponse(NOT_BUILT, status_code=503, headers={"Cache-Control": "no-store"})
    return HTMLResponse(html, headers=PAGE_HEADERS)


def mount_web(app: FastAPI, settings: Settings, dist: Path = DIST) -> None:
    """Add the pages and their assets; call before the GraphQL router so GraphiQL matches first."""
    built = dist if (dist / "assets").is_dir() else None  # the assets are mounted once, at start
    if built is not None:
        app.mount(ASSETS_PATH, Assets(directory=built / "assets"), name="assets")
    else:
        log.warning("%s is not built: /graphql (in a browser) and /explore ask for `make web`", dist)
    if settings.api_graphiql:

        async def graphiql() -> HTMLResponse:
            return _page(built, "graphiql.html")

        app.router.routes.append(PageRoute("/graphql", graphiql, methods=["GET"], include_in_schema=False))

    @app.get("/explore", include_in_schema=False)
    async def explore() -> HTMLResponse:
        return _page(built, "explore.html")
