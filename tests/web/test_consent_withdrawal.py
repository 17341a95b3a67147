"""Consent records and withdrawal: processing stops (every case write refuses), timers and reminders rest,
statistics still count the case; a new consent lifts the restriction; the case can still be closed."""
from __future__ import annotations

import html
from datetime import datetime, time

import pytest
from sqlalchemy import func, select

from engine.base import RESTRICTED_MESSAGE
from engine.clock import BERLIN
from engine.db import Case, ConsentRecord, Event, OpenTask, Reminder
from engine.reporting import state_report
from engine.time import run_reminder_pass, sweep_timers
from journey import CONSENT, Driver
from report_data import served_household
from support import intake_form
from web.access_matrix import MATRIX, allowed
from web.privacy_guard import ALLOWED_WHEN_RESTRICTED

WITHDRAW_ALL = {"withdrawn_on": "2026-01-15"}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _record(container, case_id: str) -> ConsentRecord:
    with container.reader() as r:
        return r.session.execute(select(ConsentRecord).where(ConsentRecord.case_id == case_id)
                                 .order_by(ConsentRecord.id)).scalars().first()


def _version(container, case_id: str) -> int:
    with container.reader() as r:
        return r.session.get(Case, case_id).version


def _withdraw(signed_in, container, case_id: str, user: str = "anna", **data):
    record = _record(container, case_id)
    form = {**WITHDRAW_ALL, "version": _version(container, case_id), **data}
    return signed_in(user).post(f"/cases/{case_id}/einwilligungen/{record.id}/widerruf", data=form)


@pytest.fixture
def assessment_case(container, world):
    """A case with consent recorded, waiting for its needs assessment (an open task)."""
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    return case_id


def test_the_consent_task_writes_the_first_consent_record(container, world, assessment_case):
    record = _record(container, assessment_case)
    assert (record.purposes, record.given_on.isoformat(), record.form, record.recorded_by) == \
        (["basic"], "2026-01-15", "written", world.anna.id)
    assert record.household_member_id is None and record.withdrawn_on is None


def test_partial_withdrawal_keeps_processing_but_narrows_the_scope(container, signed_in, assessment_case):
    page = signed_in("anna").post(f"/cases/{assessment_case}/einwilligungen", data={
        "purposes": ["special_categories", "share_with_partners"], "given_on": "2026-01-15", "form": "oral_interpreter",
        "note": "mit Dolmetscherin (Arabisch)", "version": _version(container, assessment_case)})
    assert page.status_code == 302
    with container.reader() as r:
        assert r.session.get(Case, assessment_case).consent_scope == ["basic", "share_with_partners",
                                                                       "special_categories"]
        second = r.session.execute(select(ConsentRecord).where(ConsentRecord.case_id == assessment_case)
                                   .order_by(ConsentRecord.id.desc())).scalars().first()
    response = signed_in("anna").post(f"/cases/{assessment_case}/einwilligungen/{second.id}/widerruf", data={
        "purposes": "special_categories", "withdrawn_on": "2026-01-15", "note": "Gesundheitsdaten nicht mehr",
        "version": _version(container, assessment_case)})
    assert response.status_code == 302
    with container.reader() as r:
        case = r.session.get(Case, assessment_case)
        assert (case.processing_restricted, case.consent_scope) == (False, ["basic", "share_with_partners"])
        kinds = r.session.execute(select(Event.kind, Event.payload).where(Event.case_id == assessment_case,
                                                                          Event.kind == "consent_withdrawn")).all()
    assert kinds[0].payload["purposes"] == ["special_categories"] and kinds[0].payload["complete"] is False


def test_withdrawal_restricts_processing_and_is_shown_everywhere(container, world, signed_in, assessment_case):
    response = _withdraw(signed_in, container, assessment_case, note="Klientin möchte keine Beratung mehr")
    assert response.status_code == 302
    with container.reader() as r:
        case = r.session.get(Case, assessment_case)
        assert case.processing_restricted and case.consent_scope == []
        assert case.consent_date is not None  # the first consent stays on record for the mandated-step rule
        event = r.session.execute(select(Event).where(Event.kind == "consent_withdrawn")).scalar_one()
    assert event.payload["restricted"] is True and event.payload["complete"] is True
    client = signed_in("anna")
    for url in (f"/cases/{assessment_case}", "/cases/?q=Haddad", "/?scope=all"):
        assert "Verarbeitung eingeschränkt" in _text(client.get(url)), url
    page = _text(client.get(f"/cases/{assessment_case}"))
    assert "Fall wegen Widerrufs abschließen" in page and "Kontakt dokumentieren" not in page


def _case_write_requests(app):
    """Every (endpoint, URL rule) that writes to a case, taken from the URL map (POST, case or task URL).

    The API's (bearer tokens, not sessions) are checked in tests/web/test_api_access.py.
    """
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue
        if "POST" in rule.methods and rule.endpoint in MATRIX and \
                (MATRIX[rule.endpoint].case or "task_id" in rule.arguments):
            yield rule.endpoint, rule


def test_every_case_write_refuses_after_withdrawal(app, container, world, signed_in, assessment_case):
    with container.reader() as r:
        task = r.session.execute(select(OpenTask).where(OpenTask.case_id == assessment_case)).scalar_one()
    record = _record(container, assessment_case)
    assert _withdraw(signed_in, container, assessment_case).status_code == 302
    values = {"case_id": assessment_case, "task_id": task.id, "record_id": record.id, "document_id": 1,
              "goal_id": 1, "referral_id": 1, "appointment_id": "00000000-0000-0000-0000-000000000000"}
    checked = []
    for endpoint, rule in _case_write_requests(app):
        if endpoint in ALLOWED_WHEN_RESTRICTED - {"tasks.form"}:
            continue
        user = "carla" if allowed(endpoint, "POST", "supervisor") else "anna"
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        with container.reader() as r:
            events = r.session.execute(select(func.count()).select_from(Event)).scalar_one()
        response = signed_in(user).post(url, data={"case_version": _version(container, assessment_case),
                                                   "text": "Notiz", "assignee_id": world.ben.id,
                                                   "reason": "Begründung für die Verlängerung"})
        assert response.status_code == 403, (endpoint, response.status_code)
        assert RESTRICTED_MESSAGE in _text(response), endpoint
        with container.reader() as r:
            assert r.session.execute(select(func.count()).select_from(Event)).scalar_one() == events, endpoint
        checked.append(endpoint)
    assert {"cases.add_contact", "cases.add_case_note", "tasks.form", "worklist.claim",
            "reports.print_agreement", "documents.upload", "documents.remove",
            "partners.add_referral", "appointments.add",
            "agreement_language.goal_translation"} <= set(checked)


def test_timers_and_reminders_rest_while_restricted_and_resume_with_new_consent(container, world, signed_in):
    drive, case_id, _ = served_household(container, world)
    with container.reader() as r:
        due = r.session.get(Case, case_id).next_review_due
    assert _withdraw(signed_in, container, case_id).status_code == 302
    container.clock.set(datetime.combine(due, time(9, 0), tzinfo=BERLIN))
    sweep_timers(container, "test")
    run_reminder_pass(container)
    with container.reader() as r:
        assert r.session.execute(select(OpenTask).where(OpenTask.case_id == case_id)).first() is None
        assert r.session.execute(select(Reminder).where(Reminder.case_id == case_id)).first() is None
    response = signed_in("anna").post(f"/cases/{case_id}/einwilligungen", data={
        "purposes": "basic", "given_on": due.isoformat(), "form": "written", "version": _version(container, case_id)})
    assert response.status_code == 302
    sweep_timers(container, "test")
    assert drive.open_task(case_id).task_spec == "Task_Review"


def test_a_restricted_case_is_counted_in_the_statistics(container, world, signed_in):
    _drive, case_id, _ = served_household(container, world)

    def figures():
        with container.reader() as r:
            report = state_report(r, world.erik, {"year": "2026", "quarter": "1"})
        return repr(report.total)

    before = figures()
    assert _withdraw(signed_in, container, case_id).status_code == 302
    assert figures() == before


def test_a_restricted_case_can_be_closed(container, world, signed_in, assessment_case):
    assert _withdraw(signed_in, container, assessment_case).status_code == 302
    response = signed_in("anna").post(f"/cases/{assessment_case}/abschluss-nach-widerruf",
                                      data={"case_version": _version(container, assessment_case)})
    assert response.status_code == 302
    with container.reader() as r:
        case = r.session.get(Case, assessment_case)
        assert (case.status, case.closure_reason) == ("closed", "consent_withdrawn")
        assert r.session.execute(select(OpenTask).where(OpenTask.case_id == assessment_case)).first() is None


def test_an_unrestricted_case_is_not_closed_through_the_withdrawal_route(container, signed_in, assessment_case):
    response = signed_in("anna").post(f"/cases/{assessment_case}/abschluss-nach-widerruf",
                                      data={"case_version": _version(container, assessment_case)})
    assert response.status_code == 403 and "Abschluss" in _text(response)


@pytest.mark.parametrize("data, field, message", [
    ({"given_on": "2026-01-15", "form": "written"}, "purposes", "Bitte mindestens einen Zweck wählen."),
    ({"purposes": "basic", "form": "written"}, "given_on", "Bitte das Datum angeben."),
    ({"purposes": "basic", "given_on": "2026-01-15", "form": "telepathisch"}, "form", "Bitte die Form wählen."),
    ({"purposes": "basic", "given_on": "2027-01-01", "form": "written"}, "given_on", "nicht in der Zukunft"),
    ({"purposes": "basic", "given_on": "2026-01-15", "form": "written", "person": "999999"}, "person",
     "gehört nicht zum Haushalt"),
])
def test_bad_consent_input_is_refused_in_german_and_kept(container, signed_in, assessment_case, data, field, message):
    records = len(list(_all_records(container, assessment_case)))
    response = signed_in("anna").post(f"/cases/{assessment_case}/einwilligungen",
                                      data={**data, "note": "Vermerk bleibt", "version": _version(container,
                                                                                                  assessment_case)})
    assert response.status_code == 422 and message in _text(response)
    assert "Vermerk bleibt" in _text(response)
    assert len(list(_all_records(container, assessment_case))) == records


def test_a_stale_consent_form_is_refused(container, signed_in, assessment_case):
    response = signed_in("anna").post(f"/cases/{assessment_case}/einwilligungen", data={
        "purposes": "basic", "given_on": "2026-01-15", "form": "written", "version": 1})
    assert response.status_code == 409 and "inzwischen von jemand anderem geändert" in _text(response)


def test_consent_for_a_household_member_names_the_member(container, world, signed_in):
    _drive, case_id, _ = served_household(container, world)
    with container.reader() as r:
        member = r.session.get(Case, case_id).client.household[0]
    response = signed_in("anna").post(f"/cases/{case_id}/einwilligungen", data={
        "person": str(member.id), "purposes": "basic", "given_on": "2026-01-15", "form": "written",
        "version": _version(container, case_id)})
    assert response.status_code == 302
    page = _text(signed_in("anna").get(f"/cases/{case_id}"))
    assert "Omar Haddad" in page and "schriftlich" in page
    # a household member's withdrawal does not restrict the client's case
    records = list(_all_records(container, case_id))
    member_record = next(r for r in records if r.household_member_id == member.id)
    signed_in("anna").post(f"/cases/{case_id}/einwilligungen/{member_record.id}/widerruf",
                           data={**WITHDRAW_ALL, "version": _version(container, case_id)})
    with container.reader() as r:
        assert r.session.get(Case, case_id).processing_restricted is False


def _all_records(container, case_id):
    with container.reader() as r:
        return list(r.session.execute(select(ConsentRecord).where(ConsentRecord.case_id == case_id)).scalars())


def test_compliance_may_not_record_or_withdraw_consent(container, signed_in, assessment_case):
    response = _withdraw(signed_in, container, assessment_case, user="erik")
    assert response.status_code == 403
    assert not _record(container, assessment_case).withdrawn_on


def test_time_of_withdrawal_is_checked(container, signed_in, assessment_case):
    response = _withdraw(signed_in, container, assessment_case, withdrawn_on="2025-01-01")
    assert response.status_code == 422 and "zwischen Erteilung und heute" in _text(response)
    assert _record(container, assessment_case).withdrawn_on is None


def test_closing_after_withdrawal_is_a_complete_closure_for_the_rules(container, world, signed_in):
    from compliance_cases import findings

    _drive, case_id, _ = served_household(container, world)  # has goals, no final evaluation yet
    assert _withdraw(signed_in, container, case_id).status_code == 302
    assert signed_in("anna").post(f"/cases/{case_id}/abschluss-nach-widerruf",
                                  data={"case_version": _version(container, case_id)}).status_code == 302
    assert case_id not in findings(container, rule="closure_complete")
