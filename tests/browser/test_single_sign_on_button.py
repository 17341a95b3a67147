"""The SSO button in a real browser: login page → identity provider (oidc-provider-mock) → back, signed in."""
from __future__ import annotations

import threading

import pytest
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import expect
from werkzeug.serving import make_server

from engine.bootstrap import bootstrap
from engine.config import Settings
from web import create_app


@pytest.fixture
def sso_site(container, monkeypatch):
    """The app with single sign-on on a free local port, and its identity provider on another."""
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain HTTP on localhost, for this test only
    people = [ProviderUser(sub="sub-anna", claims={"preferred_username": "anna", "groups": ["if-team"]})]
    with run_server_in_thread(user_claims=people) as provider:
        settings = Settings(database_url=container.settings.database_url,
                            oidc_issuer=f"http://localhost:{provider.server_port}", oidc_client_id="integraflow",
                            oidc_client_secret="geheim", oidc_role_map="if-team=caseworker")
        app = create_app({"SECRET_KEY": "browser-test"}, container=bootstrap(settings, clock=container.clock))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="sso-test-server", daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.mark.browser
def test_sso_button_signs_in_through_the_provider_and_logout_leaves_it(chromium, sso_site, world):
    context = chromium.new_context(locale="de-DE", timezone_id="Europe/Berlin", base_url=sso_site)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_role("link", name="Mit dem Dienstkonto anmelden").click()
        page.get_by_role("button", name="sub-anna").click()  # the provider's sign-in page
        page.wait_for_url(f"{sso_site}/")
        expect(page.locator("h1")).to_contain_text("Arbeitsliste")
        page.get_by_role("button", name="Abmelden").click()
        page.wait_for_url("**/end_session**")  # the provider asks to end its session too
    finally:
        context.close()
