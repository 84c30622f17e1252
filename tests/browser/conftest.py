"""Debian's chromium, driven by Playwright for Python (its own driver, never its own browser),
against the real ``cskg serve`` of the example on a free loopback port.

Every page records its console errors, uncaught exceptions and requests; a request to any
host but the server's is aborted and recorded, and the tests assert none was made.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.serving import ROOT, Served, converted, serving

CHROMIUM = Path("/usr/bin/chromium")
# The flags the machine's notes give: no sandbox (root), no GPU, and nothing that phones home.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@dataclass
class Watched:
    """What one page did: console errors, page errors, requests (all, and refused ones)."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(
            "chromium absent (paquet Debian chromium ; make test l'installe) / "
            "Debian's chromium is missing (make test installs it)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright absent : pip install -e '.[test]' / playwright is missing")
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def site_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """cskg serve over the example: it builds the site (cskg site) and serves it."""
    output = converted(tmp_path_factory.mktemp("sortie"))
    with serving(output) as running:
        yield running


@pytest.fixture
def watched_page(browser: object, site_server: Served) -> Iterator[tuple[object, Watched]]:
    from playwright.sync_api import Browser, ConsoleMessage, Request, Route

    assert isinstance(browser, Browser)
    context = browser.new_context(locale="fr-FR", service_workers="block")
    watched = Watched()

    def route(handler: Route) -> None:
        url = handler.request.url
        if url.startswith((site_server.base + "/", "data:", "blob:")):
            handler.continue_()
        else:
            watched.refused.append(url)
            handler.abort()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.errors.append(f"{message.text} ({message.location.get('url')})")

    def request(sent: Request) -> None:
        watched.requests.append(sent.url)

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", console)
    page.on("pageerror", lambda error: watched.errors.append(f"exception : {error}"))
    page.on("request", request)
    yield page, watched
    context.close()
