"""Partner directory, referrals and appointments on the case page, Meine Woche and the iCal feed through the app."""
from __future__ import annotations

import html
import re

import icalendar

from engine.db import Appointment, CalendarFeed, Partner, Referral
from network_data import consented_case, partners
from support import rows


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_team_lead_creates_and_edits_partners_caseworker_only_reads(container, world, signed_in):
    carla, anna = signed_in("carla"), signed_in("anna")
    assert anna.get("/partner/neu").status_code == 403
    refused = carla.post("/partner/neu", data={"kind": "jobcenter", "name": "", "email": "kein-at"})
    assert refused.status_code == 422
    assert "Pflichtangabe" in _text(refused) and "gültige E-Mail-Adresse" in _text(refused)
    assert rows(container, Partner) == []
    created = carla.post("/partner/neu", data={"kind": "jobcenter", "name": "Jobcenter Ostalb", "active": "on",
                                               "phone": "07361 555-0", "municipality_id": str(world.town_a)})
    assert created.status_code == 302
    (partner,) = rows(container, Partner)
    assert (partner.organisation_id, partner.municipality_id, partner.active) == (world.org_a, world.town_a, True)
    page = _text(anna.get("/partner/?kind=jobcenter"))
    assert "Jobcenter Ostalb" in page and "07361 555-0" in page and "Bearbeiten" not in page
    assert "Jobcenter Ostalb" not in _text(signed_in("dora").get("/partner/"))      # another organisation's
    assert carla.post(f"/partner/{partner.id}", data={"kind": "jobcenter", "name": "Jobcenter Ostalb"}).status_code \
        == 302
    assert rows(container, Partner)[0].active is False
    assert signed_in("dora").get(f"/partner/{partner.id}").status_code == 403       # caseworker: no editing
    bad_filter = anna.get("/partner/?kind=raumschiff")
    assert bad_filter.status_code == 422 and "Die Filter sind ungültig" in _text(bad_filter)


def test_caseworker_records_a_referral_and_an_appointment_on_the_case_page(container, world, signed_in):
    ids = partners(container, world)
    case_id = consented_case(container, world)
    anna = signed_in("anna")
    page = _text(anna.get(f"/cases/{case_id}"))
    assert "Vermittlung dokumentieren" in page and "Termin vereinbaren" in page and "MBE Bdorf" not in page
    refused = anna.post(f"/partner/fall/{case_id}/vermittlungen", data={"partner_id": str(ids["jobcenter"]),
                                                                         "referred_on": "2026-01-15"})
    assert refused.status_code == 422 and "Pflichtangabe" in _text(refused)
    response = anna.post(f"/partner/fall/{case_id}/vermittlungen", data={
        "partner_id": str(ids["jobcenter"]), "reason": "Arbeitsvermittlung", "referred_on": "2026-01-15",
        "follow_up_on": "2026-01-29"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#vermittlungen")
    bad = anna.post(f"/cases/{case_id}/termine", data={"day": "2026-01-20", "start_time": "10:00"})
    assert bad.status_code == 422 and "Bitte einen Ort angeben" in _text(bad)
    assert anna.post(f"/cases/{case_id}/termine", data={"day": "2026-01-20", "start_time": "10:00",
                                                         "duration_minutes": "60", "home_visit": "on"}).status_code \
        == 302
    page = _text(anna.get(f"/cases/{case_id}"))
    assert "Nächster Termin" in page and "20.01.2026, 10:00 Uhr" in page and "Hausbesuch" in page
    assert "Jobcenter Testkreis" in page and "Arbeitsvermittlung" in page and "Termin vereinbart" in page
    (referral,) = rows(container, Referral)
    assert anna.post(f"/partner/fall/{case_id}/vermittlungen/{referral.id}",
                     data={"outcome": "erfolgreich", "outcome_note": "Stelle angetreten"}).status_code == 302
    assert rows(container, Referral)[0].outcome == "erfolgreich"
    (appointment,) = rows(container, Appointment)
    assert anna.post(f"/cases/{case_id}/termine/{appointment.id}/absagen").status_code == 302
    assert "abgesagt" in _text(anna.get(f"/cases/{case_id}"))
    # Compliance reads the case page but gets no forms; another organisation's caseworker gets nothing.
    erik = _text(signed_in("erik").get(f"/cases/{case_id}"))
    assert "Jobcenter Testkreis" in erik and "Vermittlung dokumentieren" not in erik
    assert signed_in("dora").post(f"/cases/{case_id}/termine", data={"day": "2026-01-21", "start_time": "10:00",
                                                                       "place": "x"}).status_code == 404


def test_week_page_and_calendar_feed_issue_fetch_and_revoke(container, world, signed_in, app):
    case_id = consented_case(container, world)
    anna = signed_in("anna")
    anna.post(f"/cases/{case_id}/termine", data={"day": "2026-01-16", "start_time": "09:00", "place": "Rathaus"})
    week = _text(anna.get("/termine"))
    assert "Meine Woche" in week and "12.01.2026 – 18.01.2026" in week and "Haddad, Amina" in week
    assert "Haddad" not in _text(anna.get("/termine?week=2026-01-19"))
    assert anna.get("/termine?week=kaputt").status_code == 422
    issued = _text(anna.post("/termine/kalender", data={"names": "none"}))
    url = re.search(r'<code id="feed-url"[^>]*>([^<]+)</code>', issued).group(1)
    path = url.split("localhost", 1)[1]
    visitor = app.test_client()                                   # no session: the token is the key
    feed = visitor.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    (event,) = icalendar.Calendar.from_ical(feed.get_data()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Beratungstermin" and str(event["LOCATION"]) == "Rathaus"
    assert "Kopieren Sie diese Adresse" not in _text(anna.get("/termine"))          # shown once only
    assert anna.post("/termine/kalender/widerrufen").status_code == 302
    assert visitor.get(path).status_code == 404
    assert visitor.get("/kalender/unbekannt-aber-lang-genug-fuer-ein-token.ics").status_code == 404
    assert rows(container, CalendarFeed)[0].revoked_at is not None
