"""Organisationen und Kommunen (admin): add both; each municipality's delegation model by date, history kept."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.base import delegation_in_force
from engine.db import Event, Municipality, Organisation
from support import add_user


@pytest.fixture
def admin(container, world):
    """An administrator."""
    return add_user(container, world, "ada", "Ada Admin", "admin", world.org_a)


def _kinds(container) -> list[str]:
    with container.reader() as r:
        return list(r.session.execute(select(Event.kind).where(Event.kind.in_(
            ["organisation_created", "municipality_created", "delegation_recorded"])).order_by(Event.seq)).scalars())


def test_admin_adds_an_organisation_and_a_municipality(signed_in, admin, world, container):
    client = signed_in("ada")
    assert client.post("/admin/organisationen/organisation",
                       data={"name": "AWO Test", "kind": "provider"}).status_code == 302
    with container.reader() as r:
        awo = r.session.execute(select(Organisation).where(Organisation.name == "AWO Test")).scalar_one()
    assert client.post("/admin/organisationen/kommune",
                       data={"name": "Cstadt", "organisation_id": str(awo.id)}).status_code == 302
    page = client.get("/admin/organisationen").get_data(as_text=True)
    assert "AWO Test" in page and "Cstadt" in page
    assert _kinds(container) == ["organisation_created", "municipality_created"]
    assert client.post("/admin/organisationen/organisation",
                       data={"name": "AWO Test", "kind": "provider"}).status_code == 422  # no duplicates


def test_delegation_models_keep_their_history_and_the_one_in_force_is_by_date(signed_in, admin, world, container):
    client = signed_in("ada")
    url = f"/admin/organisationen/kommune/{world.town_a}/modell"
    assert client.post(url, data={"model": "self", "valid_from": "2024-01-01"}).status_code == 302
    assert client.post(url, data={"model": "commissioned", "valid_from": "2025-07-01",
                                  "organisation_id": str(world.org_a)}).status_code == 302
    assert client.post(url, data={"model": "district", "valid_from": "2026-06-01"}).status_code == 302
    with container.reader() as r:
        assert delegation_in_force(r.session, world.town_a, date(2023, 12, 31)) is None
        assert delegation_in_force(r.session, world.town_a, date(2024, 6, 1)).model == "self"
        in_2025 = delegation_in_force(r.session, world.town_a, date(2025, 12, 31))
        assert (in_2025.model, in_2025.organisation) == ("commissioned", "Caritas Test")
        assert delegation_in_force(r.session, world.town_a, date(2026, 6, 1)).model == "district"
    page = client.get("/admin/organisationen").get_data(as_text=True)
    assert "Kommune hat einen Wohlfahrtsverband beauftragt (Caritas Test), seit 01.07.2025" in page  # today: Jan 2026
    assert "ab 01.06.2026" in page and "ab 01.01.2024" in page
    assert _kinds(container) == ["delegation_recorded"] * 3


@pytest.mark.parametrize("form, field", [
    ({"model": "commissioned", "valid_from": "2025-01-01"}, "Bitte den beauftragten Träger wählen."),
    ({"model": "anders", "valid_from": "2025-01-01"}, "Bitte ein Modell wählen."),
    ({"model": "self"}, "Bitte ein Datum angeben."),
])
def test_incomplete_delegation_is_refused_with_the_reason(signed_in, admin, world, form, field):
    response = signed_in("ada").post(f"/admin/organisationen/kommune/{world.town_a}/modell", data=form)
    assert response.status_code == 422
    assert field in response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["anna", "carla", "erik"])
def test_only_the_admin_manages_organisations(signed_in, world, username):
    assert signed_in(username).get("/admin/organisationen").status_code == 403


def test_municipality_count_unchanged_by_refused_input(signed_in, admin, world, container):
    assert signed_in("ada").post("/admin/organisationen/kommune", data={"name": "", "organisation_id": "x"}
                                 ).status_code == 422
    with container.reader() as r:
        assert len(r.session.execute(select(Municipality)).scalars().all()) == 2


def test_state_report_names_the_delegation_model_in_force_at_the_period_end(signed_in, admin, world, container):
    from engine.reporting import state_report
    from engine.reporting.tables import metadata

    url = f"/admin/organisationen/kommune/{world.town_a}/modell"
    signed_in("ada").post(url, data={"model": "self", "valid_from": "2024-01-01"})
    signed_in("ada").post(url, data={"model": "commissioned", "valid_from": "2025-10-01",
                                     "organisation_id": str(world.org_a)})
    with container.reader() as r:
        q3 = state_report(r, world.erik, {"year": "2025", "quarter": "3", "municipality": str(world.town_a)})
    with container.reader() as r:
        q4 = state_report(r, world.erik, {"year": "2025", "quarter": "4", "municipality": str(world.town_a)})
    with container.reader() as r:
        everywhere = state_report(r, world.erik, {"year": "2025"})
    assert ("Trägermodell", "Kommune beschäftigt Integrationsmanager/innen selbst") in metadata(q3)
    assert ("Trägermodell", "Kommune hat einen Wohlfahrtsverband beauftragt (Caritas Test)") in metadata(q4)
    assert everywhere.delegation is None
