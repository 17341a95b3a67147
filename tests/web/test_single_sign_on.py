"""Single sign-on with OpenID Connect against a real provider process on localhost (oidc-provider-mock)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask_login import FlaskLoginClient
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import run_server_in_thread
from sqlalchemy import select

from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.db import Event, User, UserMunicipality
from web import create_app

TEST_CONFIG = {"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test", "SESSION_TIMEOUTS": False}
PEOPLE = [
    ProviderUser(sub="sub-anna", claims={"preferred_username": "anna", "name": "Anna Adler",
                                         "groups": ["if-team"], "organisation": "Caritas Test"}),
    ProviderUser(sub="sub-nora", claims={"preferred_username": "nora", "name": "Nora Neu", "email": "nora@example.org",
                                         "groups": ["staff", "if-admins"], "organisation": "DRK Test",
                                         "municipalities": ["Bdorf"]}),
    ProviderUser(sub="sub-ben", claims={"preferred_username": "ben", "groups": ["if-leads"]}),
]


@pytest.fixture(scope="module")
def provider():
    """The OpenID provider, listening on a free local port (plain HTTP: allowed for this test only)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
        with run_server_in_thread(user_claims=PEOPLE) as server:
            yield f"http://localhost:{server.server_port}"


def _app(container, monkeypatch, issuer: str, create_users: bool):
    monkeypatch.setenv("INTEGRAFLOW_SECRET_KEY", "test")
    settings = Settings(database_url=container.settings.database_url, oidc_issuer=issuer,
                        oidc_client_id="integraflow", oidc_client_secret="geheim",
                        oidc_role_map="if-team=caseworker,if-leads=supervisor,if-admins=admin",
                        oidc_create_users=create_users)
    app = create_app(dict(TEST_CONFIG), container=bootstrap(settings, clock=container.clock))
    app.test_client_class = FlaskLoginClient
    return app


@pytest.fixture
def sso_app(container, monkeypatch, provider):
    """Only users known to Integraflow may sign in."""
    return _app(container, monkeypatch, provider, create_users=False)


@pytest.fixture
def jit_app(container, monkeypatch, provider):
    """Unknown users are created just in time from their claims."""
    return _app(container, monkeypatch, provider, create_users=True)


def _sign_in(client, sub: str):
    """Click the button, choose the user at the provider, follow the provider back; the callback's response."""
    start = client.get("/login/sso?next=/cases/")
    assert start.status_code == 302
    at_provider = requests.post(start.headers["Location"], data={"sub": sub}, allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/login/sso/callback" and "code" in parse_qs(back.query)
    return client.get(f"{back.path}?{back.query}")


def _user(container, username: str) -> User | None:
    with container.reader() as r:
        return r.session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def test_login_page_offers_the_button_only_when_configured(sso_app, client):
    assert "/login/sso" in sso_app.test_client().get("/login").get_data(as_text=True)
    assert "/login/sso" not in client.get("/login").get_data(as_text=True)


def test_known_user_signs_in_through_the_provider(sso_app, world, container):
    client = sso_app.test_client()
    response = _sign_in(client, "sub-anna")
    assert response.status_code == 302 and response.headers["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    with container.reader() as r:
        event = r.session.execute(select(Event).where(Event.kind == "login")).scalars().one()
    assert event.actor_id == world.anna.id and event.payload["source"] == "oidc"


def test_unknown_user_is_refused_when_only_known_users_may_sign_in(sso_app, world, container):
    client = sso_app.test_client()
    response = _sign_in(client, "sub-nora")
    assert response.status_code == 403
    assert "nicht freigeschaltet" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert _user(container, "nora") is None


def test_claims_map_to_role_organisation_and_municipalities_of_a_new_user(jit_app, world, container):
    client = jit_app.test_client()
    assert _sign_in(client, "sub-nora").status_code == 302
    nora = _user(container, "nora")
    assert (nora.role, nora.organisation_id, nora.display_name, nora.email) == ("admin", world.org_b, "Nora Neu",
                                                                                "nora@example.org")
    with container.reader() as r:
        served = list(r.session.execute(select(UserMunicipality.municipality_id)
                                        .where(UserMunicipality.user_id == nora.id)).scalars())
    assert served == [world.town_b]
    assert client.get("/admin/users").status_code == 200  # the admin role from the group


def test_groups_change_the_role_of_a_known_user_and_it_is_audited(sso_app, world, container):
    assert _sign_in(sso_app.test_client(), "sub-ben").status_code == 302
    assert _user(container, "ben").role == "supervisor"
    with container.reader() as r:
        event = r.session.execute(select(Event).where(Event.kind == "user_changed")).scalars().one()
    assert event.payload["changes"] == {"role": ["caseworker", "supervisor"]}


def test_deactivated_user_is_refused_by_single_sign_on_too(sso_app, world, container):
    with container.uow() as uow:
        uow.session.get(User, world.anna.id).active = False
        uow.commit()
    assert _sign_in(sso_app.test_client(), "sub-anna").status_code == 403


def test_logout_ends_the_session_at_the_provider_too(sso_app, world, provider):
    client = sso_app.test_client()
    _sign_in(client, "sub-anna")
    response = client.post("/logout")
    assert response.headers["Location"].startswith(provider)
    assert "id_token_hint=" in response.headers["Location"]
    assert client.get("/").status_code == 302
