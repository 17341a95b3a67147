"""Fixed vocabularies of the domain with German labels: life areas, goal statuses, closures, residence statuses."""
from __future__ import annotations

LIFE_AREAS = {
    "language": "Sprache", "work": "Arbeit und Ausbildung", "education": "Bildung, Schule, Kinderbetreuung",
    "housing": "Wohnen", "health": "Gesundheit", "family": "Familie", "finances": "Finanzen und Leistungsbezug",
    "residence": "Aufenthaltsrecht", "participation": "Gesellschaftliche Teilhabe / Ehrenamt",
    "authorities": "Behörden und Alltag",
}
GOAL_STATUS_LABELS = {"open": "offen", "achieved": "erreicht", "partly": "teilweise erreicht",
                      "not_achieved": "nicht erreicht", "dropped": "verworfen"}
CLOSURE_REASONS = {
    "livelihood_secured": "Lebensunterhalt ohne Sozialleistungen gesichert", "goals_achieved": "Ziele erreicht",
    "moved_away": "Weggezogen (Übergabe an andere Kommune)", "eligibility_ended": "Ende des Förderzeitraums",
    "no_cooperation": "Keine Mitwirkung", "naturalisation": "Einbürgerung", "other": "Sonstiges",
    "no_consent": "Keine Einwilligung", "not_eligible": "Nicht förderfähig",
    "consent_withdrawn": "Einwilligung widerrufen",
}
RESIDENCE_STATUS_LABELS = {
    "recognised_refugee": "Anerkannter Flüchtling (§ 25 Abs. 2 AufenthG)",
    "asylum_entitled": "Asylberechtigt (§ 25 Abs. 1)",
    "subsidiary_protection": "Subsidiärer Schutz",
    "deportation_ban": "Abschiebungsverbot (§ 25 Abs. 3)",
    "temporary_protection_ukraine": "Vorübergehender Schutz (§ 24, Ukraine)",
    "asylum_pending_good_prospects": "Aufenthaltsgestattung mit guter Bleibeperspektive",
    "toleration": "Duldung",
    "obliged_to_leave": "Ausreisepflichtig",
    "other": "Sonstiger",
}

# Categories of case documents (issue 18); the compliance rules name a category by its key.
DOCUMENT_CATEGORIES = {
    "residence_permit": "Aufenthaltstitel",
    "signed_target_agreement": "Unterschriebene Zielvereinbarung",
    "decision": "Bescheid",
    "proof": "Nachweis",
    "other": "Sonstiges",
}
# Network partners (issue 18): what kind of partner, and what a referral to one came to.
PARTNER_KINDS = {
    "jobcenter": "Jobcenter",
    "auslaenderbehoerde": "Ausländerbehörde",
    "sprachkurs": "Sprachkursträger",
    "mbe": "Migrationsberatung (MBE)",
    "jmd": "Jugendmigrationsdienst",
    "anerkennung": "Anerkennungsberatung",
    "ehrenamt": "Ehrenamt",
    "wohnraum": "Wohnraum",
    "gesundheit": "Gesundheit",
    "sonstiges": "Sonstiges",
}
REFERRAL_OUTCOMES = {
    "offen": "offen",
    "wahrgenommen": "wahrgenommen",
    "nicht_wahrgenommen": "nicht wahrgenommen",
    "abgelehnt": "abgelehnt",
    "erfolgreich": "erfolgreich",
}
