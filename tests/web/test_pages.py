"""The web app through Flask's test client: real app, real database, assertions on what a user sees."""
from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from engine.casework import unclaim_task
from engine.db import Case, Client, CompletedTask, Contact, Event, Municipality, Note, OpenTask, User
from journey import ASSESSMENT, CONSENT, Driver, target_agreement
from support import PASSWORD, count_rows, intake_form, login

LONG_ID = "x" * 500


# --- helpers -------------------------------------------------------------------------------------------------



def _events(container, kind: str, **payload) -> list[Event]:
    with container.reader() as r:
        rows = list(r.session.execute(select(Event).where(Event.kind == kind).order_by(Event.id)).scalars())
    return [e for e in rows if all(e.payload.get(k) == v for k, v in payload.items())]


def _case(container, case_id: str) -> Case:
    with container.reader() as r:
        return r.session.get(Case, case_id)


def _open_task(container, case_id: str) -> OpenTask:
    with container.reader() as r:
        return r.session.execute(select(OpenTask).where(OpenTask.case_id == case_id)).scalar_one()


def _written(container) -> tuple:
    """A fingerprint of everything a request could write."""
    with container.reader() as r:
        s = r.session
        return (tuple(s.execute(select(func.count()).select_from(m)).scalar_one()
                      for m in (Event, Case, CompletedTask, Contact, Note, OpenTask)),
                tuple(s.execute(select(Case.id, Case.version).order_by(Case.id)).all()),
                tuple(s.execute(select(OpenTask.id, OpenTask.assignee_id).order_by(OpenTask.id)).all()))


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _field_error(response, name: str) -> str | None:
    found = re.search(rf'<p class="error-message" id="{re.escape(name)}-error">([^<]*)</p>',
                      response.get_data(as_text=True))
    return html.unescape(found.group(1)) if found else None


def _stays_on_site(location: str) -> bool:
    """Whether a browser would stay on this host (browsers drop tabs/newlines and read backslashes as slashes)."""
    normalised = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    return urlsplit(urljoin("http://localhost/cases/", normalised)).netloc == "localhost"


@pytest.fixture
def drive(container):
    """Drives cases through the journey with the real services."""
    return Driver(container)


@pytest.fixture
def case_id(drive, world):
    """Anna's new case for Amina Haddad in Astadt, waiting for consent."""
    return drive.open(world.anna, intake_form(world.town_a))


@pytest.fixture
def consented(drive, world, case_id):
    """Anna's case after consent: the needs assessment is open, case version 2."""
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    return case_id


@pytest.fixture
def anna(signed_in):
    """A browser session of Anna (caseworker, org A)."""
    return signed_in("anna")


# --- login and logout ----------------------------------------------------------------------------------------

def test_login_page_is_german(client):
    response = client.get("/login")
    page = _text(response)
    assert response.status_code == 200
    assert '<html lang="de">' in page
    assert all(word in page for word in ("Anmelden", "Benutzername", "Passwort"))


@pytest.mark.parametrize("username, password", [("anna", "falsch-falsch-123"), ("anna", PASSWORD.upper()),
                                                ("niemand", PASSWORD), ("ANNA ", "x")])
def test_wrong_credentials_are_rejected_and_logged(client, container, world, username, password):
    response = login(client, username, password)
    assert response.status_code == 422
    assert "Benutzername oder Passwort ist falsch." in _text(response)
    assert [e.actor_id for e in _events(container, "login_failed", username=username)] == [None]
    assert client.get("/").status_code == 302  # still not signed in


def test_successful_login_redirects_to_worklist(client, container, world):
    response = login(client, "anna")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Arbeitsliste" in _text(page) and "Anna Adler" in _text(page)
    assert [e.actor_id for e in _events(container, "login")] == [world.anna.id]


def test_login_follows_a_local_next(client, world):
    response = client.post("/login?next=/cases/", data={"username": "anna", "password": PASSWORD})
    assert (response.status_code, response.headers["Location"]) == (302, "/cases/")


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "//evil.example/cases/",
                                    "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\r\n/evil.example",
                                    "evil.example"])
def test_login_never_redirects_off_site(client, world, target):
    response = client.post("/login", query_string={"next": target},
                           data={"username": "anna", "password": PASSWORD})
    assert response.status_code == 302
    assert _stays_on_site(response.headers["Location"]), f"followed next={target!r}"


@pytest.mark.parametrize("field, value", [("username", "a" * 81), ("password", "x" * 501)],
                         ids=["username-81-chars", "password-501-chars"])
def test_overlong_login_input_is_refused_in_german(client, world, field, value):
    response = client.post("/login", data={"username": "anna", "password": PASSWORD, field: value})
    assert response.status_code == 422
    messages = re.findall(r'class="error-message"[^>]*>([^<]+)<', _text(response))
    assert messages
    assert not [m for m in messages if re.search(r"\b(Length|must|between|Missing|required)\b", m)], messages


def test_oversized_post_is_refused_in_german(client, world):
    response = client.post("/login", data={"username": "anna", "password": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Die gesendeten Daten sind zu groß." in _text(response)


def test_deactivated_user_is_signed_out_and_cannot_sign_in(client, signed_in, container, world):
    anna = signed_in("anna")
    assert anna.get("/").status_code == 200
    with container.uow() as uow:
        uow.session.get(User, world.anna.id).active = False
        uow.commit()
    response = anna.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    response = login(client, "anna", PASSWORD)
    assert response.status_code == 422
    assert "Benutzername oder Passwort ist falsch." in _text(response)
    assert [e.actor_id for e in _events(container, "login_failed", username="anna")] == [None]


def test_logout_is_post_only(client, world):
    login(client, "anna")
    response = client.get("/logout")
    assert response.status_code == 405
    assert "Diese Aktion ist hier nicht möglich." in _text(response)
    assert client.get("/").status_code == 200  # GET did not sign out
    response = client.post("/logout")
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("path", ["/", "/cases/", "/cases/new", "/cases/{case}", "/cases/{case}/tasks/{task}",
                                  "/cases/definitions/1.bpmn"])
def test_every_page_requires_login(client, container, case_id, path):
    url = path.format(case=case_id, task=_open_task(container, case_id).id)
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("method, path", [("POST", "/cases/new"), ("POST", "/cases/{case}/tasks/{task}"),
                                          ("POST", "/cases/{case}/contacts"), ("POST", "/cases/{case}/notes"),
                                          ("POST", "/tasks/{task}/claim")])
def test_every_action_requires_login_and_writes_nothing(client, container, case_id, method, path):
    before = _written(container)
    url = path.format(case=case_id, task=_open_task(container, case_id).id)
    response = client.open(url, method=method, data={**CONSENT, "case_version": "1", "text": "x"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert _written(container) == before


# --- worklist ------------------------------------------------------------------------------------------------

def test_worklist_shows_my_task_with_client_name(anna, case_id, container):
    page = _text(anna.get("/"))
    assert "Einwilligung einholen" in page
    assert "Haddad, Amina" in page
    assert _case(container, case_id).reference in page


@pytest.mark.parametrize("days, overdue", [(0, False), (28, False), (29, True), (200, True)])
def test_task_past_its_due_date_is_marked_overdue(anna, consented, clock, days, overdue):
    # Bedarfsanalyse is due four weeks after intake (15.01. + P4W = 12.02.2026).
    clock.advance(days=days)
    page = _text(anna.get("/"))
    assert "Bedarfsanalyse" in page and "12.02.2026" in page
    assert ('<span class="badge badge-danger">überfällig</span>' in page) is overdue


@pytest.fixture
def three_cases(container, world, drive, clock):
    """Anna: an overdue assessment in Astadt, a consent in Cstadt, and one returned to the team pool."""
    with container.uow() as uow:
        town_c = Municipality(name="Cstadt", organisation_id=world.org_a)
        uow.session.add(town_c)
        uow.session.flush()
        town_c_id = town_c.id
        uow.commit()
    overdue = drive.open(world.anna, intake_form(world.town_a, last_name="Haddad"))
    drive.complete(world.anna, overdue, CONSENT)
    drive.open(world.anna, intake_form(town_c_id, last_name="Nasser"))
    pooled = drive.open(world.anna, intake_form(world.town_a, last_name="Omar"))
    unclaim_task(container.uow(), _open_task(container, pooled).id, world.anna)
    clock.advance(days=60)
    return {"town_a": world.town_a, "town_c": town_c_id}


@pytest.mark.parametrize("query, shown", [
    ("", {"Haddad", "Nasser"}),
    ("?due=overdue", {"Haddad"}),
    ("?municipality={town_c}", {"Nasser"}),
    ("?municipality={town_a}", {"Haddad"}),
    ("?scope=team", {"Omar"}),
    ("?scope=all", {"Haddad", "Nasser", "Omar"}),
    ("?scope=all&municipality={town_a}&due=overdue", {"Haddad"}),
    ("?task=Task_Consent&scope=all", {"Nasser", "Omar"}),
])
def test_worklist_filters_narrow_the_rows(anna, three_cases, query, shown):
    response = anna.get("/" + query.format(**three_cases))
    assert response.status_code == 200
    rows = re.findall(r'<a href="/cases/[^"]+">(\w+), Amina</a>', response.get_data(as_text=True))
    assert set(rows) == shown and len(rows) == len(shown)


@pytest.mark.parametrize("path", ["/?page=abc", "/?scope=xyz", "/?municipality=-1", "/?municipality=abc",
                                  "/?due=soon", "/?page=0", "/?page=99999999999999999999", "/?task=" + "x" * 101,
                                  "/cases/?status=foo", "/cases/?page=abc", "/cases/?q=" + "x" * 101])
def test_invalid_query_parameters_give_a_german_422(anna, path):
    response = anna.get(path)
    assert response.status_code == 422
    page = _text(response)
    assert "Nicht möglich" in page and "Ungültige Angaben" in page


# --- new case ------------------------------------------------------------------------------------------------

def test_intake_form_offers_only_my_organisations_municipalities(anna, world):
    page = _text(anna.get("/cases/new"))
    assert "Neuer Fall – Erstaufnahme" in page
    assert f'<option value="{world.town_a}">Astadt</option>' in page
    assert "Bdorf" not in page


@pytest.mark.parametrize("missing, message", [
    ("last_name", "Bitte füllen Sie dieses Feld aus."),
    ("birth_date", "Bitte füllen Sie dieses Feld aus."),
    ("accommodation_address", "Bitte füllen Sie dieses Feld aus."),
    ("residence_status_evidence", "Bitte füllen Sie dieses Feld aus."),
])
def test_intake_with_missing_fields_is_shown_again_with_messages(anna, container, world, missing, message):
    response = anna.post("/cases/new", data=intake_form(world.town_a, first_name="Zainab", **{missing: None}))
    assert response.status_code == 422
    assert _field_error(response, missing) == message
    page = _text(response)
    assert 'value="Zainab"' in page and 'value="Arabisch, Deutsch A2"' in page  # what was typed is kept
    assert count_rows(container, Case) == 0 and count_rows(container, Client) == 0


def test_intake_for_another_organisations_municipality_is_refused(anna, container, world):
    response = anna.post("/cases/new", data=intake_form(world.town_b))
    assert response.status_code == 422
    assert count_rows(container, Case) == 0


def test_valid_intake_opens_the_case_page(anna, container, world):
    response = anna.post("/cases/new", data=intake_form(world.town_a))
    assert response.status_code == 302
    (case,) = [row for row in _all_cases(container)]
    assert response.headers["Location"] == f"/cases/{case.id}"
    page = _text(anna.get(response.headers["Location"]))
    assert "Der Fall wurde angelegt." in page
    assert "<h1>Haddad, Amina</h1>" in page
    assert 'class="button primary"' in page and "Einwilligung einholen</a>" in page
    assert "Fall angelegt" in page


def _all_cases(container) -> list[Case]:
    with container.reader() as r:
        return list(r.session.execute(select(Case)).scalars())


@pytest.mark.parametrize("posted_rows", [[""], ["Omar Haddad"], ["Omar Haddad", "Lina Haddad"]])
def test_add_row_button_shows_one_more_household_row_and_saves_nothing(anna, container, world, posted_rows):
    assert anna.get("/cases/new").get_data(as_text=True).count('class="row-heading"') == 1
    data = intake_form(world.town_a)
    for i, name in enumerate(posted_rows):
        data.update({f"household-{i}-name": name, f"household-{i}-relation": "child" if name else ""})
    data["_add_row"] = "household"
    response = anna.post("/cases/new", data=data)
    assert response.status_code == 200
    page = _text(response)
    assert page.count('class="row-heading"') == len(posted_rows) + 1
    assert all(f'value="{name}"' in page for name in posted_rows if name)
    assert 'value="Amina"' in page
    assert count_rows(container, Case) == 0 and count_rows(container, Client) == 0


# --- task form -----------------------------------------------------------------------------------------------

def test_task_form_shows_its_fields_and_version(anna, container, case_id):
    response = anna.get(f"/cases/{case_id}/tasks/{_open_task(container, case_id).id}")
    page = _text(response)
    assert response.status_code == 200
    assert "<h1>Einwilligung einholen</h1>" in page
    assert "Einwilligung erteilt?" in page and 'name="consent_given"' in page
    assert '<input type="hidden" name="case_version" value="1">' in page


@pytest.mark.parametrize("data, field, message", [
    ({**CONSENT, "consent_given": ""}, "consent_given", "Bitte wählen Sie eine Option aus."),
    ({**CONSENT, "consent_date": ""}, "consent_date", "Bitte füllen Sie dieses Feld aus."),
    ({**CONSENT, "consent_date": "2026-02-30"}, "consent_date", "Bitte geben Sie ein gültiges Datum ein (TT.MM.JJJJ)."),
])
def test_invalid_task_submission_is_shown_again_at_the_field(anna, container, case_id, data, field, message):
    task = _open_task(container, case_id)
    response = anna.post(f"/cases/{case_id}/tasks/{task.id}", data={**data, "case_version": "1"})
    assert response.status_code == 422
    assert _field_error(response, field) == message
    page = _text(response)
    if data["consent_date"]:
        assert f'value="{data["consent_date"]}"' in page  # the typed date survives
    assert count_rows(container, CompletedTask, id=task.id) == 0
    assert _case(container, case_id).version == 1


def test_completing_a_task_redirects_to_the_case_with_a_message(anna, container, case_id):
    task = _open_task(container, case_id)
    response = anna.post(f"/cases/{case_id}/tasks/{task.id}", data={**CONSENT, "case_version": "1"})
    assert (response.status_code, response.headers["Location"]) == (302, f"/cases/{case_id}")
    page = _text(anna.get(f"/cases/{case_id}"))
    assert "„Einwilligung einholen“ wurde erledigt." in page
    assert "Bedarfsanalyse</a>" in page
    assert _open_task(container, case_id).task_spec == "Task_Assessment"


@pytest.mark.parametrize("second", ["anna", "carla"])
def test_second_completion_of_same_task_is_rejected(signed_in, anna, container, case_id, second):
    task = _open_task(container, case_id)
    form = {**CONSENT, "case_version": "1"}
    assert anna.post(f"/cases/{case_id}/tasks/{task.id}", data=form).status_code == 302
    again = anna if second == "anna" else signed_in(second)
    response = again.post(f"/cases/{case_id}/tasks/{task.id}", data=form)
    assert response.status_code == 409
    assert "Diese Aufgabe wurde bereits von Anna Adler am 15.01.2026 um 09:30 Uhr erledigt." in _text(response)
    assert len(_events(container, "task_completed", task_id=task.id)) == 1
    assert count_rows(container, CompletedTask, id=task.id) == 1
    assert _case(container, case_id).version == 2


def test_completion_with_a_stale_version_keeps_the_input(anna, container, consented):
    task = _open_task(container, consented)
    data = {**ASSESSMENT, "assessment_summary": "Eilige Notiz zur Sprache", "case_version": "1"}
    response = anna.post(f"/cases/{consented}/tasks/{task.id}", data=data)
    assert response.status_code == 409
    page = _text(response)
    assert "Der Fall wurde inzwischen von jemand anderem geändert." in page
    assert "Eilige Notiz zur Sprache" in page and "A2-Kurs abgebrochen" in page
    assert '<input type="hidden" name="case_version" value="2">' in page  # a deliberate resubmit can succeed
    assert count_rows(container, CompletedTask, id=task.id) == 0
    assert _open_task(container, consented).id == task.id


def _reach(drive, world, stage: str) -> str:
    """A case of Anna's at the given stage of the journey."""
    if stage == "eligibility":
        return drive.open(world.anna, intake_form(world.town_a, residence_status="toleration"))
    steps = ["consent", "assessment", "target_agreement", "review", "closure", "closed"]
    case_id = drive.open(world.anna, intake_form(world.town_a))
    for data in [CONSENT, ASSESSMENT, target_agreement(2)][:steps.index(stage)]:
        drive.complete(world.anna, case_id, data)
    if stage == "review":
        drive.await_review(case_id)  # the review task appears when its timer fires
    if stage in ("closure", "closed"):
        drive.review(world.anna, case_id, status="achieved", next_step="close")
    if stage == "closed":
        drive.closure(world.anna, case_id)
    return case_id


@pytest.mark.parametrize("stage, user, title", [
    ("eligibility", "carla", "Förderfähigkeit prüfen"), ("consent", "anna", "Einwilligung einholen"),
    ("assessment", "anna", "Bedarfsanalyse"), ("target_agreement", "anna", "Integrationsplan und Zielvereinbarung"),
    ("review", "anna", "Fortschreibung des Integrationsplans"), ("closure", "anna", "Abschluss"),
])
def test_every_task_of_the_journey_has_a_working_form(signed_in, container, world, drive, stage, user, title):
    case_id = _reach(drive, world, stage)
    client = signed_in(user)
    case_page = client.get(f"/cases/{case_id}")
    assert case_page.status_code == 200 and f"{title}</a>" in _text(case_page)
    form = client.get(f"/cases/{case_id}/tasks/{_open_task(container, case_id).id}")
    assert form.status_code == 200
    assert f"<h1>{title}</h1>" in _text(form) and 'name="case_version"' in _text(form)


def test_closed_case_page_shows_the_outcome_and_no_open_task(anna, container, world, drive):
    case_id = _reach(drive, world, "closed")
    response = anna.get(f"/cases/{case_id}")
    assert response.status_code == 200
    page = _text(response)
    assert "Keine offenen Aufgaben." in page and "Fall abgeschlossen" in page
    assert "Kontakt speichern" not in page and "Notiz speichern" not in page


@pytest.mark.parametrize("path, data", [("/cases/{case}/contacts", {"occurred_on": "2026-01-15", "kind": "phone",
                                                                   "duration_minutes": "30", "topics": "language"}),
                                        ("/cases/{case}/notes", {"text": "Nachtrag nach Abschluss"})])
def test_closed_case_accepts_no_more_contacts_or_notes(anna, container, world, drive, path, data):
    # The case page offers neither form once a case is closed; the server must not accept them either.
    case_id = _reach(drive, world, "closed")
    before = _written(container)
    response = anna.post(path.format(case=case_id), data=data)
    assert response.status_code in (403, 409, 422)
    assert _written(container) == before


def test_add_row_on_a_task_form_shows_one_more_goal_and_completes_nothing(anna, container, world, drive):
    case_id = _reach(drive, world, "target_agreement")
    task = _open_task(container, case_id)
    data = {**target_agreement(1), "case_version": str(_case(container, case_id).version), "_add_row": "goals"}
    response = anna.post(f"/cases/{case_id}/tasks/{task.id}", data=data)
    assert response.status_code == 200
    page = _text(response)
    assert 'name="goals-1-title"' in page and 'value="Ziel 1: B1-Prüfung"' in page
    assert 'name="goals-2-title"' not in page
    assert count_rows(container, CompletedTask, id=task.id) == 0 and _open_task(container, case_id).id == task.id


# --- tenancy and roles ---------------------------------------------------------------------------------------

TENANT_REQUESTS = [
    ("GET", "/cases/{case}", {}),
    ("GET", "/cases/{case}/tasks/{task}", {}),
    ("POST", "/cases/{case}/tasks/{task}", {**ASSESSMENT, "case_version": "2"}),
    ("POST", "/cases/{case}/tasks/{task}", {**ASSESSMENT, "case_version": "1"}),
    ("POST", "/cases/{case}/contacts", {"occurred_on": "2026-01-15", "kind": "phone", "duration_minutes": "30",
                                        "topics": "language"}),
    ("POST", "/cases/{case}/notes", {"text": "fremde Notiz"}),
    ("POST", "/tasks/{task}/claim", {}),
    ("POST", "/tasks/{task}/unclaim", {}),
]


@pytest.mark.parametrize("method, path, data", TENANT_REQUESTS)
def test_other_organisation_sees_nothing_and_writes_nothing(signed_in, container, consented, method, path, data):
    dora = signed_in("dora")
    before = _written(container)
    url = path.format(case=consented, task=_open_task(container, consented).id)
    response = dora.open(url, method=method, data=data)
    assert response.status_code == 404
    assert "nicht gefunden" in _text(response) and "Haddad" not in _text(response)
    assert _written(container) == before


def test_compliance_may_read_a_case(signed_in, container, consented):
    response = signed_in("erik").get(f"/cases/{consented}")
    assert response.status_code == 200
    page = _text(response)
    assert "<h1>Haddad, Amina</h1>" in page
    assert "Kontakt speichern" not in page and "Notiz speichern" not in page


@pytest.mark.parametrize("path, data", [p[1:] for p in TENANT_REQUESTS if p[0] == "POST"])
def test_compliance_may_not_change_a_case(signed_in, container, consented, path, data):
    erik = signed_in("erik")
    before = _written(container)
    response = erik.post(path.format(case=consented, task=_open_task(container, consented).id), data=data)
    assert response.status_code == 403
    assert "Keine Berechtigung" in _text(response)
    assert _written(container) == before


@pytest.mark.parametrize("method, path", [
    ("GET", "/cases/does-not-exist"), ("GET", "/cases/{case}/tasks/unknown"), ("GET", "/cases/{long}"),
    ("GET", "/cases/{case}/tasks/{long}"), ("GET", "/cases/{long}/tasks/{long}"),
    ("GET", "/cases/definitions/999.bpmn"), ("GET", "/no/such/page"),
    ("POST", "/cases/does-not-exist/tasks/unknown"), ("POST", "/cases/{case}/tasks/unknown"),
    ("POST", "/cases/{case}/tasks/{long}"), ("POST", "/cases/{long}/tasks/{long}"),
    ("POST", "/cases/{long}/contacts"), ("POST", "/cases/{long}/notes"), ("POST", "/tasks/unknown/claim"),
    ("POST", "/tasks/{long}/claim"), ("POST", "/tasks/{long}/unclaim"),
])
def test_unknown_ids_give_a_german_404(anna, container, consented, method, path):
    before = _written(container)
    data = {**ASSESSMENT, "case_version": "2", "text": "Notiz", "occurred_on": "2026-01-15", "kind": "phone",
            "duration_minutes": "30", "topics": "language"}
    response = anna.open(path.format(case=consented, long=LONG_ID), method=method, data=data)
    assert response.status_code == 404
    assert "Nicht gefunden" in _text(response)
    assert _written(container) == before


def test_task_of_another_case_is_not_found(anna, container, world, drive, consented):
    other = drive.open(world.anna, intake_form(world.town_a, last_name="Nasser"))
    foreign_task = _open_task(container, other)
    before = _written(container)
    url = f"/cases/{consented}/tasks/{foreign_task.id}"
    assert anna.get(url).status_code == 404
    response = anna.post(url, data={**CONSENT, "case_version": "2"})
    assert response.status_code == 404
    assert _written(container) == before


@pytest.mark.parametrize("username, path, finds", [
    ("anna", "/cases/?q=hadd", True), ("anna", "/cases/?q=Nasser", False), ("anna", "/cases/?status=closed", False),
    ("erik", "/cases/?q=Haddad", True), ("dora", "/cases/?q=Haddad", False), ("dora", "/cases/?status=all", False),
    ("dora", "/?scope=all", False), ("carla", "/?scope=all", True), ("ben", "/?scope=all", True),
    ("ben", "/", False),
])
def test_lists_show_only_cases_the_user_may_see(signed_in, case_id, username, path, finds):
    response = signed_in(username).get(path)
    assert response.status_code == 200
    assert ("Haddad, Amina" in _text(response)) is finds


def test_compliance_cannot_open_a_case(signed_in, container, world):
    response = signed_in("erik").post("/cases/new", data=intake_form(world.town_a))
    assert response.status_code == 403
    assert count_rows(container, Case) == 0 and count_rows(container, Client) == 0


# --- claim, unclaim, assign ----------------------------------------------------------------------------------

def _assignee(container, case_id):
    return _open_task(container, case_id).assignee_id


def test_supervisor_assigns_a_task_to_a_colleague(signed_in, container, world, case_id):
    carla = signed_in("carla")
    task = _open_task(container, case_id)
    response = carla.post(f"/tasks/{task.id}/assign", data={"assignee_id": world.ben.id, "next": "/?scope=all"})
    assert (response.status_code, response.headers["Location"]) == (302, "/?scope=all")
    page = _text(carla.get("/?scope=all"))
    assert "Die Aufgabe wurde Ben Berg zugewiesen." in page
    assert re.search(r"Haddad, Amina</a></td>.*?<td[^>]*>Ben Berg</td>", page, re.S)
    assert "Haddad, Amina" in _text(signed_in("ben").get("/"))
    assert "Haddad, Amina" not in _text(signed_in("anna").get("/"))
    assert [(e.payload["before"], e.payload["after"]) for e in _events(container, "task_assigned")] == \
        [(world.anna.id, world.ben.id)]


def test_caseworker_cannot_assign(anna, container, world, case_id):
    before = _written(container)
    response = anna.post(f"/tasks/{_open_task(container, case_id).id}/assign", data={"assignee_id": world.ben.id})
    assert response.status_code == 403
    assert "Nur die Teamleitung kann Aufgaben zuweisen." in _text(response)
    assert _written(container) == before


@pytest.mark.parametrize("assignee", ["dora", "erik", "nobody", "abc", ""])
def test_supervisor_cannot_assign_outside_the_team(signed_in, container, world, case_id, assignee):
    carla = signed_in("carla")
    before = _written(container)
    value = {"nobody": "99999"}.get(assignee) or (str(world.users[assignee].id) if assignee in world.users
                                                  else assignee)
    response = carla.post(f"/tasks/{_open_task(container, case_id).id}/assign", data={"assignee_id": value})
    assert response.status_code == 422
    assert _written(container) == before


def test_caseworker_cannot_claim_a_task_assigned_to_someone_else(signed_in, container, world, case_id):
    task = _open_task(container, case_id)
    signed_in("carla").post(f"/tasks/{task.id}/assign", data={"assignee_id": world.ben.id})
    before = _written(container)
    response = signed_in("anna").post(f"/tasks/{task.id}/claim")
    assert response.status_code in (403, 409)
    assert "einer anderen Person zugewiesen" in _text(response)
    assert _written(container) == before
    assert _assignee(container, case_id) == world.ben.id


def test_task_returned_to_the_pool_can_be_claimed_by_a_colleague(signed_in, anna, container, world, case_id):
    task = _open_task(container, case_id)
    assert anna.post(f"/tasks/{task.id}/unclaim").status_code == 302
    assert _assignee(container, case_id) is None
    ben = signed_in("ben")
    assert "Haddad, Amina" in _text(ben.get("/?scope=team"))
    response = ben.post(f"/tasks/{task.id}/claim", data={"next": "/"})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert "Die Aufgabe ist jetzt Ihnen zugewiesen." in _text(ben.get("/"))
    assert _assignee(container, case_id) == world.ben.id
    assert anna.post(f"/tasks/{task.id}/claim").status_code in (403, 409)
    assert _assignee(container, case_id) == world.ben.id


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example"])
def test_worklist_actions_never_redirect_off_site(anna, container, case_id, target):
    response = anna.post(f"/tasks/{_open_task(container, case_id).id}/unclaim", data={"next": target})
    assert response.status_code == 302
    assert _stays_on_site(response.headers["Location"]), f"followed next={target!r}"


# --- contacts and notes --------------------------------------------------------------------------------------

CONTACT = {"occurred_on": "2026-01-14", "kind": "phone", "duration_minutes": "45", "topics": ["language", "work"],
           "summary": "Kursanmeldung besprochen"}


def test_contact_after_consent_appears_on_the_case_page(anna, container, consented):
    response = anna.post(f"/cases/{consented}/contacts", data=CONTACT)
    assert (response.status_code, response.headers["Location"]) == (302, f"/cases/{consented}#kontakte")
    page = anna.get(f"/cases/{consented}")
    assert page.status_code == 200
    text = _text(page)
    assert "Der Kontakt wurde dokumentiert." in text
    assert "14.01.2026" in text and "Telefonat" in text and "45 Min." in text and "Kursanmeldung besprochen" in text
    assert "Kontakt dokumentiert" in text  # timeline
    assert count_rows(container, Contact, case_id=consented) == 1


@pytest.mark.parametrize("override, field, message", [
    ({"duration_minutes": "0"}, "duration_minutes", "Der Wert muss mindestens 1 sein."),
    ({"duration_minutes": "601"}, "duration_minutes", "Der Wert darf höchstens 600 sein."),
    ({"duration_minutes": "viel"}, "duration_minutes", "Bitte geben Sie eine Zahl ein."),
    ({"occurred_on": "2026-01-16"}, "occurred_on", "Das Datum darf nicht in der Zukunft liegen."),
    ({"occurred_on": ""}, "occurred_on", "Bitte füllen Sie dieses Feld aus."),
    ({"kind": "telepathy"}, "kind", "Bitte wählen Sie einen der angebotenen Werte."),
])
def test_invalid_contact_is_shown_again_with_messages(anna, container, consented, override, field, message):
    response = anna.post(f"/cases/{consented}/contacts", data={**CONTACT, **override})
    assert response.status_code == 422
    assert _field_error(response, field) == message
    assert "Kursanmeldung besprochen" in _text(response)
    assert count_rows(container, Contact) == 0


def test_contact_before_consent_is_refused(anna, container, case_id):
    response = anna.post(f"/cases/{case_id}/contacts", data=CONTACT)
    assert response.status_code == 403
    assert "Ohne dokumentierte Einwilligung" in _text(response)
    assert count_rows(container, Contact) == 0


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
                                  "{{ 7*7 }} & <b>fett</b>"])
def test_note_is_stored_verbatim_and_shown_escaped(anna, container, consented, text):
    response = anna.post(f"/cases/{consented}/notes", data={"text": text})
    assert response.status_code == 302
    with container.reader() as r:
        assert list(r.session.execute(select(Note.text)).scalars()) == [text]
    page = anna.get(f"/cases/{consented}").get_data(as_text=True)
    assert f"<p>{escape(text)}</p>" in page
    assert text not in page


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_empty_or_overlong_note_is_refused(anna, container, consented, text):
    response = anna.post(f"/cases/{consented}/notes", data={"text": text})
    assert response.status_code == 422
    assert count_rows(container, Note) == 0


# --- CSRF, headers, diagram ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path, data", [
    ("/cases/{case}/notes", {"text": "ohne Token"}),
    ("/cases/{case}/contacts", CONTACT),
    ("/cases/{case}/tasks/{task}", {**ASSESSMENT, "case_version": "2"}),
    ("/tasks/{task}/unclaim", {}),
    ("/cases/new", intake_form(1)),
    ("/logout", {}),
])
def test_post_without_csrf_token_is_refused(app_csrf, signed_in, container, consented, path, data):
    client = signed_in("anna", on_app=app_csrf)
    before = _written(container)
    response = client.post(path.format(case=consented, task=_open_task(container, consented).id), data=data)
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen oder ungültig." in _text(response)
    assert _written(container) == before
    assert client.get("/").status_code == 200  # still signed in


def test_post_with_csrf_token_is_accepted(app_csrf, signed_in, container, consented):
    client = signed_in("anna", on_app=app_csrf)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/cases/{consented}").get_data(as_text=True))
    response = client.post(f"/cases/{consented}/notes", data={"text": "mit Token", "csrf_token": token.group(1)})
    assert response.status_code == 302
    assert count_rows(container, Note) == 1


def test_login_without_csrf_token_is_refused(app_csrf, container, world):
    response = app_csrf.test_client().post("/login", data={"username": "anna", "password": PASSWORD})
    assert response.status_code == 400
    assert _events(container, "login") == []


@pytest.mark.parametrize("path", ["/login", "/", "/cases/{case}", "/cases/{case}/tasks/{task}", "/cases/nope"])
def test_pages_carry_security_headers(signed_in, client, container, case_id, path):
    if path != "/login":
        client = signed_in("anna")
    response = client.get(path.format(case=case_id, task=_open_task(container, case_id).id))
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script would be blocked by the CSP"
    assert not re.search(r"\sstyle=\"", page) and not re.search(r"\son\w+=\"", page)


def test_diagram_xml_is_served_to_a_logged_in_user(anna, container, case_id):
    definition_id = _case(container, case_id).definition_id
    page = anna.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f'data-xml-url="/cases/definitions/{definition_id}.bpmn"' in page
    response = anna.get(f"/cases/definitions/{definition_id}.bpmn")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    xml = response.get_data(as_text=True)
    assert "<bpmn:definitions" in xml and 'id="Task_Consent"' in xml and "BPMNDiagram" in xml
