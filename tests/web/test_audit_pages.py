"""The Prüfpfad pages: verification status and runs, the Prozesstreue list, the case page section."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import delete, select, text, update

from engine.base import record_event
from engine.db import AuditVerification, CompletedTask, Event
from journey import Driver
from support import add_user, intake_form


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def case_id(container, world) -> str:
    """A case waiting for its first review."""
    return Driver(container).to_review(world.anna, intake_form(world.town_a))


@pytest.fixture
def admin(container, world):
    """An administrator of the district."""
    return add_user(container, world, "admin", "Ada Admin", "admin", world.org_a)


def _runs(container) -> list[AuditVerification]:
    with container.reader() as r:
        return list(r.session.execute(select(AuditVerification).order_by(AuditVerification.id)).scalars())


def test_compliance_verifies_the_chain_and_sees_the_result(container, signed_in, case_id):
    client = signed_in("erik")
    page = _text(client.get("/pruefpfad/"))
    assert "Der Prüfpfad wurde noch nie geprüft." in page and "Jetzt prüfen" in page
    response = client.post("/pruefpfad/pruefen", follow_redirects=True)
    page = _text(response)
    [run] = _runs(container)
    assert run.ok and run.source == "web" and run.events_checked > 5
    assert f"Der Prüfpfad ist unversehrt: {run.events_checked} Ereignisse geprüft." in page
    assert "Die Kette ist vollständig und unverändert." in page and "Erik Engel" in page


def test_a_broken_chain_is_shown_with_its_first_broken_link(container, signed_in, case_id, admin):
    with container.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE event DISABLE TRIGGER event_append_only"))
        else:
            conn.execute(text("DROP TRIGGER event_no_update"))
        try:
            target = conn.execute(select(Event.id, Event.seq).order_by(Event.seq).offset(3).limit(1)).one()
            conn.execute(update(Event.__table__).where(Event.id == target.id).values(kind="note_added"))
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE event ENABLE TRIGGER event_append_only"))
    page = _text(signed_in("admin").post("/pruefpfad/pruefen", follow_redirects=True))
    assert "Der Prüfpfad ist gebrochen." in page
    assert f"Ereignis ID {target.id} (Position {target.seq}" in page and "gebrochen" in page
    assert not _runs(container)[0].ok


@pytest.mark.parametrize("username", ["anna", "carla"])
def test_caseworkers_and_supervisors_may_not_see_or_run_it(container, signed_in, world, username):
    client = signed_in(username)
    assert client.get("/pruefpfad/").status_code == 403
    assert client.post("/pruefpfad/pruefen").status_code == 403
    assert client.get("/pruefpfad/prozesstreue").status_code == 403
    assert client.post("/pruefpfad/prozesstreue/pruefen").status_code == 403
    assert _runs(container) == []
    assert "Prüfpfad" not in _text(client.get("/"))


def test_the_nav_links_the_page_for_compliance(signed_in, world):
    assert 'href="/pruefpfad/"' in signed_in("erik").get("/").get_data(as_text=True)


def test_case_page_shows_that_the_case_conforms(signed_in, case_id):
    page = _text(signed_in("anna").get(f"/cases/{case_id}"))
    assert 'id="prozesstreue"' in page
    assert "prozesstreu" in page and "Alle 4 erledigten Schritte passen zum Prozessmodell." in page
    assert "Laut Modell als Nächstes möglich: Fortschreibung des Integrationsplans" in page


def test_case_page_and_compliance_list_show_a_deviation(container, signed_in, world, case_id):
    with container.engine.begin() as conn:
        conn.execute(delete(CompletedTask.__table__).where(CompletedTask.case_id == case_id,
                                                           CompletedTask.task_spec == "Task_Assessment"))
    message = ("Schritt 3 „Integrationsplan und Zielvereinbarung“ war laut Prozessmodell an dieser Stelle "
               "nicht möglich; möglich war: „Bedarfsanalyse“.")
    page = _text(signed_in("anna").get(f"/cases/{case_id}"))
    assert message in page and "Keine Erklärung protokolliert" in page
    client = signed_in("erik")
    assert "Die Prozesstreue wurde noch nicht geprüft." in _text(client.get("/pruefpfad/prozesstreue"))
    page = _text(client.post("/pruefpfad/prozesstreue/pruefen", follow_redirects=True))
    assert "1 Fälle geprüft, 1 mit Abweichungen." in page
    assert message in page and f'href="/cases/{case_id}#prozesstreue"' in page
    uow = container.uow()
    with uow:
        record_event(uow, "case_repaired", world.carla.id, case_id, reason="Bedarfsanalyse auf Papier erfasst")
        uow.commit()
    client.post("/pruefpfad/prozesstreue/pruefen")
    page = _text(client.get("/pruefpfad/prozesstreue"))
    assert "Fall manuell repariert" in page and "Bedarfsanalyse auf Papier erfasst" in page
    overview = _text(client.get("/pruefpfad/"))
    assert "1 von 1 Fällen weichen vom Prozessmodell ab, 0 davon ohne Erklärung" in overview
