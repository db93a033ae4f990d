"""The browser pages: GraphiQL at `/graphql` and the network explorer at `/explore`.

`make web` builds them from `web/` with Vite into `service/http/dist` (package data): one HTML
file per page and hashed assets under `dist/assets`, served at `/static/assets/`. Nothing is
fetched from elsewhere; a Content-Security-Policy on the pages makes the browser refuse it too.
Without a build the service still starts, and the pages say how to build them.
"""

import logging
import os
from importlib.resources import files
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

log = logging.getLogger("supplygraph")

DIST = Path(str(files("service.http").joinpath("dist")))
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
<p>Run <code>make web</code> (Node.js 20+ and npm; it builds <code>service/http/dist</code>), then
restart the service. <code>make run</code> and <code>make up</code> do this by themselves.</p>
<p>The GraphQL API itself works: POST queries to <code>/graphql</code>.</p></body></html>
"""


class Assets(StaticFiles):
    """Vite's hashed assets: a file's name changes with its content, so browsers may keep it."""

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def built(dist: Path = DIST) -> Path | None:
    """The build folder, when the pages have been built."""
    if (dist / "assets").is_dir():
        return dist
    log.warning("%s is not built: /graphql (in a browser) and /explore ask for `make web`", dist)
    return None


def page(dist: Path | None, name: str) -> HTMLResponse:
    """The built page (read each time, so a rebuild shows at once), or a 503 saying how to build it."""
    try:
        if dist is None:
            raise FileNotFoundError(name)
        html = (dist / name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return HTMLResponse(NOT_BUILT, status_code=503, headers={"Cache-Control": "no-store"})
    return HTMLResponse(html, headers=PAGE_HEADERS)


def wants_page(scope: Scope) -> bool:
    """A browser navigating to /graphql: a GET asking for HTML, with no `query` parameter."""
    if scope.get("method") not in ("GET", "HEAD"):
        return False
    request = Request(scope)
    return "query" not in request.query_params and "text/html" in request.headers.get("accept", "")
