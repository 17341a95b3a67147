"""Benutzerverwaltung in the browser (admin): create, change, deactivate, reset password; every change audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db import Event, User, UserMunicipality
from support import PASSWORD, add_user, csrf_token, login, rows

NEW_PASSWORD = "neu-und-geheim-456"


@pytest.fixture
def admin(container, world):
    """An administrator of the district (org A here; the role is what matters)."""
    return add_user(container, world, "ada", "Ada Admin", "admin", world.org_a)


def _events(container, kind: str) -> list[Event]:
    with container.reader() as r:
        return list(r.session.execute(select(Event).where(Event.kind == kind).order_by(Event.seq)).scalars())


def _user(container, username: str) -> User:
    with container.reader() as r:
        return r.session.execute(select(User).where(User.username == username)).scalar_one()


def test_users_list_shows_role_organisation_municipalities_and_last_login(signed_in, admin, world, client,
                                                                            container):
    login(client, "anna")
    assert _user(container, "anna").last_login_at == container.clock.now()
    page = signed_in("ada").get("/admin/users")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Anna Adler" in text and "Caritas Test" in text and "Astadt" in text and "Fallbegleitung" not in text
    assert "noch nie" in text  # ben never signed in; anna did just now
    assert "15.01.2026" in text


@pytest.mark.parametrize("username", ["anna", "carla", "erik"])
def test_only_the_admin_reaches_the_user_administration(signed_in, world, username):
    assert signed_in(username).get("/admin/users").status_code == 403
    assert signed_in(username).post("/admin/users/new", data={}).status_code == 403


def test_created_user_signs_in_changes_the_first_password_and_works(signed_in, admin, world, client, container):
    response = signed_in("ada").post("/admin/users/new", data={
        "username": "frieda", "display_name": "Frieda Fuchs", "email": "frieda@example.org", "role": "caseworker",
        "organisation_id": str(world.org_a), "municipality_ids": [str(world.town_a)], "password": PASSWORD})
    assert response.status_code == 302
    created = _user(container, "frieda")
    assert created.role == "caseworker" and created.organisation_id == world.org_a
    assert rows(container, UserMunicipality, user_id=created.id)[0].municipality_id == world.town_a
    [event] = _events(container, "user_created")
    assert event.actor_id == admin.id and event.payload["username"] == "frieda"

    login(client, "frieda")
    assert client.get("/").headers["Location"].endswith("/passwort")  # the first password is temporary
    changed = client.post("/passwort", data={"current": PASSWORD, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert changed.status_code == 302
    assert client.get("/").status_code == 200
    assert _user(container, "frieda").last_login_at is not None
    assert [e.actor_id for e in _events(container, "password_changed")] == [created.id]


def test_deactivated_user_is_refused_at_once_also_in_an_open_session(signed_in, admin, world, client, container):
    login(client, "anna")
    assert client.get("/").status_code == 200
    response = signed_in("ada").post(f"/admin/users/{world.anna.id}/deactivate")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # the open session ends with the next request
    assert "/login" in client.get("/").headers["Location"]
    assert login(client, "anna", PASSWORD).status_code == 422
    [event] = _events(container, "user_deactivated")
    assert event.actor_id == admin.id and event.payload == {"username": "anna"}

    signed_in("ada").post(f"/admin/users/{world.anna.id}/reactivate")
    assert login(client, "anna").status_code == 302
    assert len(_events(container, "user_reactivated")) == 1


def test_change_of_role_organisation_and_municipalities_is_audited_before_after(signed_in, admin, world, container):
    response = signed_in("ada").post(f"/admin/users/{world.ben.id}", data={
        "display_name": "Ben Berg", "email": "", "role": "supervisor", "organisation_id": str(world.org_b),
        "municipality_ids": [str(world.town_b)]})
    assert response.status_code == 302
    ben = _user(container, "ben")
    assert (ben.role, ben.organisation_id) == ("supervisor", world.org_b)
    [event] = _events(container, "user_changed")
    assert event.payload["changes"] == {"role": ["caseworker", "supervisor"],
                                        "organisation": ["Caritas Test", "DRK Test"],
                                        "municipalities": [["Astadt"], ["Bdorf"]]}


def test_password_reset_forces_a_change_at_the_next_sign_in(signed_in, admin, world, client, container):
    response = signed_in("ada").post(f"/admin/users/{world.dora.id}/password", data={"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert login(client, "dora", PASSWORD).status_code == 422  # the old password no longer works
    login(client, "dora", NEW_PASSWORD)
    assert client.get("/cases/").headers["Location"].endswith("/passwort")
    assert len(_events(container, "password_reset")) == 1


def test_weak_reset_password_is_refused_with_the_reason(signed_in, admin, world):
    response = signed_in("ada").post(f"/admin/users/{world.dora.id}/password", data={"password": "kurz"})
    assert response.status_code == 422


def test_admin_cannot_deactivate_themselves(signed_in, admin):
    assert signed_in("ada").post(f"/admin/users/{admin.id}/deactivate").status_code == 422


def test_user_forms_need_the_csrf_token(app_csrf, admin, world):
    from web.auth import LoginUser

    client = app_csrf.test_client(user=LoginUser(world.users["ada"]))
    assert client.post(f"/admin/users/{world.anna.id}/deactivate").status_code == 400
    token = csrf_token(client, "/admin/users/new")
    assert token
    assert client.post(f"/admin/users/{world.anna.id}/deactivate", data={"csrf_token": token}).status_code == 302
