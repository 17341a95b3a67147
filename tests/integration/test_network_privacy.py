"""Referrals and appointments in the Art. 15 export and at retention; the case page's statement budget."""
from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from pypdf import PdfReader

from engine.casework import case_view
from engine.db import Appointment, Referral
from engine.network import record_referral, set_appointment
from engine.privacy import anonymise_due_cases, export_json, export_pdf
from engine.reporting import state_report
from network_data import partners
from report_data import close_case, served_household
from support import add_user, rows, statements

REASON = "Anmeldung zur Arbeitsvermittlung bei Frau Keller"
APPOINTMENT = {"day": "2026-06-02", "start_time": "10:00", "place": "Rathaus Astadt", "note": "Zeugnisse mitbringen"}


def _with_network(container, world, case_id: str, ids: dict) -> None:
    record_referral(container.uow(), case_id, {"partner_id": str(ids["jobcenter"]), "reason": REASON,
                                               "referred_on": container.clock.today().isoformat(),
                                               "follow_up_on": "2026-09-01"}, world.anna)
    set_appointment(container.uow(), case_id, APPOINTMENT, world.anna)


def test_art_15_export_holds_the_referrals_and_appointments(container, world):
    ids = partners(container, world)
    paula = add_user(container, world, "paula", "Paula Datenschutz", "privacy", world.erik.organisation_id)
    _drive, case_id, _ = served_household(container, world)
    _with_network(container, world, case_id, ids)
    body, _name = export_json(container.uow(), paula, case_id)
    (case,) = json.loads(body)["cases"]
    assert [(r["partner"], r["reason"], r["outcome"]) for r in case["referrals"]] == \
        [("Jobcenter Testkreis", REASON, "offen")]
    assert [(a["day"], a["start_time"], a["place"], a["note"]) for a in case["appointments"]] == \
        [("2026-06-02", "10:00", "Rathaus Astadt", "Zeugnisse mitbringen")]
    pdf, _name = export_pdf(container.uow(), paula, case_id)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Jobcenter Testkreis" in text and "Rathaus Astadt" in text


def test_retention_removes_referral_texts_and_appointments_and_keeps_the_figures(container, world, clock):
    ids = partners(container, world)
    drive, case_id, _ = served_household(container, world)
    _with_network(container, world, case_id, ids)
    close_case(drive, world, case_id)
    with container.reader() as r:
        before = state_report(r, world.erik, {"year": "2026"}).total.referrals
    clock.set(datetime(2029, 10, 2, 10, 0, tzinfo=UTC))
    assert anonymise_due_cases(container).cases == 1
    (referral,) = rows(container, Referral, case_id=case_id)
    assert (referral.reason, referral.outcome_note, referral.partner_id) == ("Anonymisiert", None, ids["jobcenter"])
    assert rows(container, Appointment, case_id=case_id) == []
    with container.reader() as r:
        assert state_report(r, world.erik, {"year": "2026"}).total.referrals == before == {("jobcenter", "offen"): 1}


def test_the_case_page_costs_the_same_with_more_referrals_and_appointments(container, world):
    ids = partners(container, world)
    _drive, case_id, _ = served_household(container, world)
    _with_network(container, world, case_id, ids)

    def page() -> list[str]:
        with statements(container) as seen, container.reader() as r:
            case_view(r, world.anna, case_id)
        return seen

    few = page()
    for _ in range(5):
        _with_network(container, world, case_id, ids)
    many = page()
    assert len(many) == len(few)
    with container.reader() as r:
        view = case_view(r, world.anna, case_id)
    assert (len(view.network.referrals), len(view.network.appointments)) == (6, 6)
    assert sum("referral" in s for s in many) == 1 and sum("FROM appointment" in s for s in many) == 1
