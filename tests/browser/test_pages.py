"""How the pages are served, over HTTP without a browser: GraphiQL only for a browser's GET,
GraphQL over GET untouched, the API_GRAPHIQL switch, cached assets, and no build at all."""

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from service.http.app import create_app
from service.http.pages import DIST, page
from service.settings import Settings
from tests.support import ApiProcess, asgi_get

HTML = {"Accept": "text/html,application/xhtml+xml"}


def test_pages_and_assets_over_http(api: ApiProcess) -> None:
    request = urllib.request.Request(f"{api.url}/graphql", headers=HTML)
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
        assert response.headers["Content-Type"].startswith("text/html")
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assets = re.findall(r'(?:src|href)="(/static/assets/[^"]+)"', page)
    assert assets and not re.search(r'(?:src|href)="(https?:)?//', page)
    with urllib.request.urlopen(f"{api.url}{assets[0]}", timeout=10) as response:
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"

    request = urllib.request.Request(f"{api.url}/explore", headers=HTML)
    with urllib.request.urlopen(request, timeout=10) as response:
        assert 'id="graph"' in response.read().decode()

    # A client that does not ask for HTML gets GraphQL over HTTP's answer to a GET without a
    # query: 400 BAD_REQUEST in JSON.
    for accept in ("*/*", "application/json"):
        request = urllib.request.Request(f"{api.url}/graphql", headers={"Accept": accept})
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=10)
        assert error.value.code == 400
        body = error.value.read().decode()
        assert "<html" not in body and "BAD_REQUEST" in body


def _settings(graphiql: bool = True) -> Settings:
    """Settings that point at no Neo4j: the pages never need one."""
    return Settings(neo4j_uri="bolt://127.0.0.1:9", api_graphiql=graphiql, _env_file=None)


def test_api_graphiql_false_turns_the_page_off() -> None:
    app = create_app(_settings(graphiql=False))
    response = asgi_get(app, "/graphql", HTML)
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "GraphiQL" not in response.text
    assert asgi_get(app, "/explore", HTML).status_code in (200, 503)


def test_without_a_build_the_pages_say_how_to_build_them(tmp_path: Path) -> None:
    for name in ("graphiql.html", "explore.html"):
        response = page(None, name)
        assert response.status_code == 503 and b"make web" in response.body
    assert page(tmp_path / "missing", "explore.html").status_code == 503


def test_the_built_pages_load_nothing_from_elsewhere() -> None:
    if not (DIST / "graphiql.html").is_file():
        pytest.fail("the browser pages are not built: run `make web`")
    for name in ("graphiql.html", "explore.html"):
        html = (DIST / name).read_text()
        assert not re.search(r'(?:src|href)="(https?:)?//', html), name
    for asset in (DIST / "assets").glob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", asset.read_text()), asset.name
