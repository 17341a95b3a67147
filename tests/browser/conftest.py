"""Browser fixtures: the real app on a local port, driven by Debian's Chromium through Playwright (sync API).

Playwright's own browser download does not work here, so the tests launch /usr/bin/chromium. When it is missing
the test fails with a message saying so: a browser test that is skipped proves nothing.
"""
from __future__ import annotations

import itertools
import os
import threading
from pathlib import Path

import pytest
from axe_pages import build_demo_site, serve
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from web import create_app

PG_URL = os.environ.get("INTEGRAFLOW_TEST_DATABASE_URL")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# Screenshots are for humans reading along; no test reads them back. The folder is git-ignored.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium under Playwright, shared by the session; fails (never skips) when it is not installed."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} fehlt: Browser-Tests brauchen Debians Chromium (apt-get install chromium). "
                    "Playwrights eigener Browser-Download funktioniert hier nicht.", pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(container):
    """The real app on the test database, served by werkzeug on a free local port; yields its base URL."""
    app = create_app({"SECRET_KEY": "browser-test"}, container=container)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh German browser context (Berlin time) on the live server."""
    context = chromium.new_context(locale="de-DE", timezone_id="Europe/Berlin", base_url=live_server,
                                   viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def js_errors(page):
    """Script errors and console errors (e.g. CSP violations) the pages report, as 'url: message'."""
    seen: list[str] = []
    page.on("pageerror", lambda exc: seen.append(f"{page.url}: {exc}"))
    page.on("console", lambda msg: msg.type == "error" and seen.append(f"{page.url}: {msg.text}"))
    return seen


@pytest.fixture
def shot(page, container):
    """Take a numbered full-page screenshot into test-artifacts/browser/<backend>/."""
    folder = ARTIFACTS / container.engine.dialect.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink(missing_ok=True)  # another xdist worker may have removed it first
    counter = itertools.count(1)

    def take(name: str) -> None:
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)

    return take


@pytest.fixture(scope="module", params=["sqlite"] + (["postgresql"] if PG_URL else []))
def demo_site(request, tmp_path_factory, sqlite_template):
    """The demo district on a fresh database, served on a local port, per test module: (app, container, base URL)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("a11y") / "demo.sqlite"
        path.write_bytes(sqlite_template.read_bytes())
        url = f"sqlite:///{path}"
    else:
        request.getfixturevalue("pg_migrated")
        url = PG_URL
    container = build_demo_site(url, request.param)
    app = create_app({"SECRET_KEY": "a11y-test"}, container=container)
    with serve(app) as base_url:
        yield app, container, base_url
    container.engine.dispose()
