"""Sign-in through LDAP against a real slapd (Debian's `slapd` package) seeded with people and groups."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from flask_login import FlaskLoginClient
from ldap3 import Connection, Server
from sqlalchemy import select

from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.db import Event, User, UserMunicipality
from support import PASSWORD, login
from web import create_app

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
BASE = "dc=integraflow,dc=test"
ROOT_DN, ROOT_PW = f"cn=admin,{BASE}", "root-secret"
DIRECTORY_PASSWORD = "verzeichnis-geheim-789"
TEST_CONFIG = {"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test", "SESSION_TIMEOUTS": False}
pytestmark = pytest.mark.skipif(not shutil.which("slapd") and not __import__("os").path.exists(SLAPD),
                                reason="slapd not installed (apt-get install slapd)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(url: str) -> None:
    conn = Connection(Server(url), ROOT_DN, ROOT_PW, auto_bind=True)
    conn.add(BASE, ["dcObject", "organization"], {"o": "Integraflow Test", "dc": "integraflow"})
    for ou in ("people", "groups"):
        conn.add(f"ou={ou},{BASE}", ["organizationalUnit"], {"ou": ou})
    people = {"anna": ("Anna Adler", "Caritas Test", []), "nora": ("Nora Neu", "DRK Test", ["Bdorf"]),
              "ben": ("Ben Berg", "Caritas Test", [])}
    for uid, (cn, org, towns) in people.items():
        attrs = {"cn": cn, "sn": cn.split()[-1], "uid": uid, "mail": f"{uid}@example.org",
                 "userPassword": DIRECTORY_PASSWORD, "o": org}
        if towns:
            attrs["l"] = towns
        assert conn.add(f"uid={uid},ou=people,{BASE}", ["inetOrgPerson"], attrs), conn.result
    for group, members in {"if-team": ["anna"], "if-admins": ["nora"], "if-leads": ["ben"]}.items():
        conn.add(f"cn={group},ou=groups,{BASE}", ["groupOfNames"],
                 {"cn": group, "member": [f"uid={m},ou=people,{BASE}" for m in members]})
    conn.unbind()


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    """A slapd of our own on a free port with an in-memory-sized MDB database, seeded; stopped afterwards."""
    home = tmp_path_factory.mktemp("slapd")
    (home / "db").mkdir()
    (home / "slapd.conf").write_text(f"""
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {home}/slapd.pid
database mdb
maxsize 10485760
suffix "{BASE}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PW}
directory {home}/db
""")
    url = f"ldap://127.0.0.1:{_free_port()}"
    process = subprocess.Popen([SLAPD, "-f", str(home / "slapd.conf"), "-h", f"{url}/", "-d", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(50):
        try:
            Connection(Server(url), ROOT_DN, ROOT_PW, auto_bind=True).unbind()
            break
        except Exception:  # noqa: BLE001 - not listening yet
            if process.poll() is not None:
                pytest.fail(f"slapd did not start: {process.stderr.read().decode()}")
            time.sleep(0.1)
    _seed(url)
    yield url
    process.terminate()
    process.wait(timeout=10)


def _app(container, monkeypatch, url: str, create_users: bool = False):
    monkeypatch.setenv("INTEGRAFLOW_SECRET_KEY", "test")
    settings = Settings(database_url=container.settings.database_url, ldap_url=url, ldap_base_dn=BASE,
                        ldap_role_map="if-team=caseworker,if-leads=supervisor,if-admins=admin",
                        ldap_create_users=create_users)
    app = create_app(dict(TEST_CONFIG), container=bootstrap(settings, clock=container.clock))
    app.test_client_class = FlaskLoginClient
    return app


def _user(container, username: str) -> User | None:
    with container.reader() as r:
        return r.session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def test_known_user_signs_in_with_the_directory_password(container, monkeypatch, directory, world):
    client = _app(container, monkeypatch, directory).test_client()
    response = client.post("/login", data={"username": "anna", "password": DIRECTORY_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    with container.reader() as r:
        event = r.session.execute(select(Event).where(Event.kind == "login")).scalars().one()
    assert event.actor_id == world.anna.id and event.payload["source"] == "ldap"


def test_wrong_directory_password_is_refused_and_counted(container, monkeypatch, directory, world):
    client = _app(container, monkeypatch, directory).test_client()
    response = client.post("/login", data={"username": "anna", "password": "falsch-falsch-falsch"})
    assert response.status_code == 422
    assert client.get("/").status_code == 302
    with container.reader() as r:
        assert r.session.execute(select(Event.kind).where(Event.kind == "login_failed")).scalars().all() == [
            "login_failed"]


def test_local_password_still_works_for_users_outside_the_directory(container, monkeypatch, directory, world):
    client = _app(container, monkeypatch, directory).test_client()
    assert login(client, "carla", PASSWORD).status_code == 302


def test_group_maps_to_the_role_of_a_known_user(container, monkeypatch, directory, world):
    client = _app(container, monkeypatch, directory).test_client()
    assert client.post("/login", data={"username": "ben", "password": DIRECTORY_PASSWORD}).status_code == 302
    assert _user(container, "ben").role == "supervisor"


def test_unknown_directory_user_is_refused_unless_created_just_in_time(container, monkeypatch, directory, world):
    refused = _app(container, monkeypatch, directory).test_client().post(
        "/login", data={"username": "nora", "password": DIRECTORY_PASSWORD})
    assert refused.status_code == 403 and _user(container, "nora") is None
    created = _app(container, monkeypatch, directory, create_users=True).test_client()
    assert created.post("/login", data={"username": "nora", "password": DIRECTORY_PASSWORD}).status_code == 302
    nora = _user(container, "nora")
    assert (nora.role, nora.organisation_id, nora.email) == ("admin", world.org_b, "nora@example.org")
    with container.reader() as r:
        assert list(r.session.execute(select(UserMunicipality.municipality_id)
                                      .where(UserMunicipality.user_id == nora.id)).scalars()) == [world.town_b]
