"""Appending to the event log; every state-changing service calls this inside its transaction."""
from __future__ import annotations

from .event_chain import buffer_event

EVENT_LABELS = {
    "case_opened": "Fall angelegt",
    "eligibility_checked": "Förderfähigkeit geprüft",
    "task_completed": "Aufgabe erledigt",
    "task_claimed": "Aufgabe übernommen",
    "task_unclaimed": "Aufgabe freigegeben",
    "task_assigned": "Aufgabe zugewiesen",
    "consent_recorded": "Einwilligung dokumentiert",
    "goals_agreed": "Ziele vereinbart",
    "goals_reviewed": "Ziele überprüft",
    "case_closed": "Fall abgeschlossen",
    "contact_logged": "Kontakt dokumentiert",
    "note_added": "Notiz hinzugefügt",
    "definition_deployed": "Prozessversion bereitgestellt",
    "form_deployed": "Formularversion bereitgestellt",
    "definition_created": "Prozess angelegt",
    "form_created": "Formular angelegt",
    "timer_fired": "Frist erreicht",
    "timer_failed": "Zeitgeber fehlgeschlagen",
    "timer_retried": "Zeitgeber erneut gestartet",
    "mail_retried": "E-Mail erneut angestoßen",
    "user_created": "Benutzer angelegt",
    "user_changed": "Benutzer geändert",
    "user_deactivated": "Benutzer deaktiviert",
    "user_reactivated": "Benutzer reaktiviert",
    "password_reset": "Passwort zurückgesetzt",
    "password_changed": "Passwort geändert",
    "totp_enrolled": "Zweiter Faktor eingerichtet",
    "totp_removed": "Zweiter Faktor entfernt",
    "login_second_factor_failed": "Falscher Code des zweiten Faktors",
    "login": "Anmeldung",
    "login_failed": "Fehlgeschlagene Anmeldung",
    "login_locked": "Anmeldung wegen Fehlversuchen gesperrt",
    "rules_changed": "Pflichtschritt-Regeln geändert",
    "counselling_extended": "Beratungszeitraum verlängert",
    "event_redacted": "Protokolleintrag geschwärzt",
    "target_agreement_printed": "Zielvereinbarung als PDF erstellt",
    "eligible_persons_recorded": "Förderberechtigte Personen eingetragen",
    "case_migrated": "Prozessversion gewechselt",
    "case_reset": "Fall zurückgesetzt",
    "case_repaired": "Fehler behoben",
    "case_handed_over": "Fall übergeben",
    "municipality_provider_changed": "Trägerwechsel der Kommune",
    "setting_changed": "Einstellung geändert",
    "consent_withdrawn": "Einwilligung widerrufen",
    "data_export": "Auskunft nach Art. 15 DSGVO erstellt",
    "data_rectified": "Personendaten berichtigt",
    "case_anonymised": "Fall anonymisiert",
    "retention_changed": "Aufbewahrungsfrist geändert",
    "process_started": "Weiterer Ablauf gestartet",
    "process_completed": "Ablauf abgeschlossen",
    "form_data_exported": "Formulardaten exportiert",
}


def record_event(uow, kind: str, actor_id: int | None, case_id: str | None = None, **payload) -> None:
    """Record an event of the current transaction; it is chained and written, in call order, at commit."""
    buffer_event(uow.session, uow.clock.now(), actor_id, case_id, kind, payload)
