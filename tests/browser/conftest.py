"""Fixtures for tests that drive a headless browser: Debian's chromium through playwright.

These tests need a Neo4j (started automatically) and the API as a process, plus two things
`make test` provides through `make tools`: the built pages (`make web`, service/http/dist) and a
chromium on PATH (`apt-get install chromium`). Playwright never downloads a
browser here: it launches the system one.

Every page is watched: a request that would leave this machine is blocked and fails the test, and
so does a script error or a console error (a Content-Security-Policy violation is one).
Screenshots go to test-artifacts/browser/.
"""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Route, sync_playwright

from tests.support import REPO_ROOT

__all__ = ["ARTIFACTS", "Watched"]

ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
# Console errors that are not ours: canvas2svg (inside cytoscape-svg) logs this when cytoscape
# draws a label after a shape during SVG export; the SVG it writes is complete all the same.
KNOWN_NOISE = ("Attempted to apply path command to node text",)


def _chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("chromium is needed for tests/browser: `make tools` installs it (apt-get)")
    return found


# Per module, not per session: while sync playwright runs, its event loop counts as running in
# this thread, and later tests that call asyncio.run() would fail.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not (REPO_ROOT / "service" / "http" / "dist" / "explore.html").is_file():
        pytest.fail("the browser pages are not built: run `make web`")
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS)
    yield launched
    launched.close()


def is_local(url: str) -> bool:
    """True for this machine's addresses, and for data: and blob: URLs (never a network request)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or parts.hostname in LOCAL_HOSTS


@dataclass
class Watched:
    """A page and what it did: every request, and the ones that would have left this machine."""

    page: Page
    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def idle(self, timeout: float = 30_000) -> None:
        """Wait until /explore has nothing in flight (it sets body[data-busy=false])."""
        self.page.wait_for_selector("body[data-busy=false]", timeout=timeout)

    def shot(self, name: str, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=path, full_page=full_page)
        return path


def _watch(page: Page) -> Watched:
    watched = Watched(page)

    def route(route: Route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            watched.external.append(route.request.url)
            route.abort()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(KNOWN_NOISE):
            watched.errors.append(f"console: {message.text}")

    page.route("**/*", route)
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on("console", console)
    page.on("pageerror", lambda error: watched.errors.append(f"page error: {error}"))
    return watched


@pytest.fixture
def page(browser: Browser) -> Iterator[Watched]:
    """A fresh 1280x800 page; the test fails if it reached outside this machine or logged an error."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    watched = _watch(context.new_page())
    yield watched
    context.close()
    assert watched.external == [], f"requests that leave this machine: {watched.external}"
    assert [url for url in watched.requests if not is_local(url)] == []
    assert watched.errors == [], watched.errors
