"""German labels of the report's figures and codes (engine side; the web layer translates its own UI)."""
from __future__ import annotations

from engine.base import CLOSURE_REASONS, GOAL_STATUS_LABELS, LIFE_AREAS, PARTNER_KINDS, REFERRAL_OUTCOMES

# The outcomes checklist of the closure form (bpmn/forms/closure.json), in its order.
OUTCOMES = {"language_certificate": "Sprachzertifikat", "training_started": "Ausbildung begonnen",
            "work_taken_up": "Arbeit aufgenommen", "own_housing": "Eigener Wohnraum",
            "benefits_independent": "Unabhängig von Sozialleistungen"}
GOAL_STATUSES = dict(GOAL_STATUS_LABELS)
CLOSURES = dict(CLOSURE_REASONS)
AREAS = dict(LIFE_AREAS)
PARTNERS = dict(PARTNER_KINDS)
REFERRALS = dict(REFERRAL_OUTCOMES)
# Column order and headings of the per-unit figures (municipality / organisation / total).
FIGURES = {
    "cases_served": "Betreute Fälle (Haushalte)",
    "persons_served": "Betreute Personen (inkl. Haushaltsangehörige)",
    "new_cases": "Neuaufnahmen",
    "eligible_persons": "Förderberechtigte Personen (AU)",
    "coverage": "Abdeckung in % (betreut ÷ förderberechtigt)",
    "plans_agreed": "Zielvereinbarungen",
    "sessions": "Beratungskontakte",
    "session_hours": "Beratungsstunden",
    "closures_total": "Abschlüsse",
}
DEFINITIONS = [
    "Zeitraum nach fachlichem Datum (Aufnahme, Einwilligung, Kontakt, Unterschrift der Zielvereinbarung, "
    "Abschluss); gezählt wird nur, was bis zum Stand erfasst war – derselbe Stand ergibt dieselben Zahlen.",
    "Betreut: Fall mit dokumentierter Einwilligung bis Periodenende, im Zeitraum nicht bereits abgeschlossen. "
    "Personen: Klient/in und im Fall erfasste Haushaltsangehörige.",
    "Abdeckung: betreute Personen ÷ eingetragene förderberechtigte Personen in Anschlussunterbringung "
    "(nur Kommunen mit Eintrag; bei Quartalsberichten ersatzweise der Jahreswert).",
    "Ziele: alle bis Periodenende vereinbarten Ziele betreuter Fälle, Status zum Stand.",
    "Wirkungen und Abschlussgründe: Abschlüsse mit Abschlussdatum im Zeitraum.",
    "Vermittlungen: Vermittlungen an Netzwerkpartner mit Vermittlungsdatum im Zeitraum, nach Art des Partners "
    "und dem zuletzt eingetragenen Ergebnis.",
]
