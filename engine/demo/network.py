"""The demo district's network partners, and a few referrals and appointments on open cases."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.db import Case, Municipality, Partner
from engine.network import record_referral, save_partner, set_appointment

# (who keeps it, kind, name, contact person, phone, e-mail, address, municipality or None, note)
PARTNERS = [
    ("admin", "jobcenter", "Jobcenter Musterkreis", "Frau Keller (Team Migration)", "07361 555-100",
     "migration@jobcenter-musterkreis.example", "Bahnhofstraße 12, 77711 Bad Musterbach", None,
     "Sprechzeiten Mo–Do 8–12 Uhr; Termine nur nach Vereinbarung."),
    ("admin", "auslaenderbehoerde", "Ausländerbehörde Landratsamt Musterkreis", "Herr Demir", "07361 555-210",
     "auslaenderbehoerde@musterkreis.example", "Landratsamt, Zimmer 1.14, 77711 Bad Musterbach", None, None),
    ("admin", "mbe", "Migrationsberatung für Erwachsene (MBE)", "Frau Rossi", "07361 555-330", None,
     "Kirchplatz 2, 77711 Bad Musterbach", None, "Beratung auch auf Arabisch und Italienisch."),
    ("admin", "jmd", "Jugendmigrationsdienst Musterkreis", "Herr Okafor", "07361 555-340",
     "jmd@musterkreis.example", "Schulstraße 9, 77722 Neustadt am See", None, "Für junge Menschen bis 27 Jahre."),
    ("admin", "anerkennung", "IQ Anerkennungsberatung", "Frau Lindqvist", "0711 555-400",
     "anerkennung@iq.example", None, None, "Beratung zur Anerkennung ausländischer Abschlüsse, auch per Video."),
    ("admin", "gesundheit", "Gesundheitsamt Musterkreis", None, "07361 555-500", None,
     "Landratsamt, Haus B, 77711 Bad Musterbach", None, None),
    ("caritas.leitung", "sprachkurs", "Volkshochschule Neustadt – Integrationskurse", "Frau Berger",
     "07362 555-600", "integrationskurse@vhs-neustadt.example", "Seestraße 20, 77722 Neustadt am See",
     "Neustadt am See", "Einstufungstests jeden ersten Dienstag im Monat."),
    ("caritas.leitung", "ehrenamt", "Freundeskreis Asyl Neustadt", "Herr Hahn", "0170 5550700", None, None,
     "Neustadt am See", "Begleitung zu Behörden, Hausaufgabenhilfe."),
    ("leitung", "sonstiges", "Schuldnerberatung im Landratsamt", "Frau Albrecht", "07361 555-720",
     "schuldnerberatung@landratsamt.example", "Landratsamt, Zimmer 214", None,
     "Termine nach Vereinbarung; Vermittlung durch das Integrationsmanagement des Landkreises."),
    ("drk.leitung", "wohnraum", "Wohnraumbörse Waldkirchen", "Frau Novak", "07363 555-800",
     "wohnen@waldkirchen.example", "Rathausplatz 1, 77733 Waldkirchen", "Waldkirchen", None),
]
FIELDS = ("kind", "name", "contact_person", "phone", "email", "address", "municipality_id", "note")


def create_network(demo, actors: dict) -> int:
    """Partners of the district and the providers, then a referral and an appointment on a few open cases."""
    with demo.reader() as r:
        places = dict(r.session.execute(select(Municipality.name, Municipality.id)).all())
    for keeper, *values in PARTNERS:
        raw = dict(zip(FIELDS, values, strict=True))
        raw["municipality_id"] = str(places[raw["municipality_id"]]) if raw["municipality_id"] else None
        save_partner(demo.uow(), actors[keeper], {k: v for k, v in raw.items() if v is not None})
    return _referrals_and_appointments(demo, actors)


def _referrals_and_appointments(demo, actors: dict) -> int:
    today = demo.clock.today()
    by_id = {a.id: a for a in actors.values()}
    with demo.reader() as r:
        jobcenter = r.session.execute(select(Partner.id).where(Partner.kind == "jobcenter")).scalar_one()
        cases = r.session.execute(
            select(Case.id, Case.responsible_user_id).where(Case.status == "open", Case.consent_date.is_not(None),
                                                            Case.processing_restricted.is_(False),
                                                            Case.responsible_user_id.is_not(None))
            .order_by(Case.reference).limit(8)).all()
    for i, (case_id, user_id) in enumerate(cases):
        worker = by_id[user_id]
        record_referral(demo.uow(), case_id, {
            "partner_id": str(jobcenter), "reason": "Anmeldung zur Arbeitsvermittlung, Lebenslauf liegt vor",
            "referred_on": (today - timedelta(days=10 + i)).isoformat(),
            "follow_up_on": (today + timedelta(days=i % 5)).isoformat()}, worker)
        day = today + timedelta(days=1 + i % 6)
        set_appointment(demo.uow(), case_id, {
            "day": day.isoformat(), "start_time": f"{9 + i % 6:02d}:{'30' if i % 2 else '00'}",
            "duration_minutes": "60", **({"home_visit": "on"} if i % 3 == 0 else {"place": "Büro im Rathaus"}),
            **({"interpreter_needed": "on", "interpreter_language": "Arabisch"} if i % 2 == 0 else {})}, worker)
    return len(cases)
