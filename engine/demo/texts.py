"""German texts the demo's caseworkers write: assessments, goals, contact summaries, notes, evaluations."""
from __future__ import annotations

ASSESSMENT = {
    "language": [("Integrationskurs A2 abgeschlossen, Alltagsgespräche mit Unterstützung möglich.",
                  "Sehr motiviert, lernt täglich mit einer App.", "Anschluss an einen B1-Kurs mit Kinderbetreuung."),
                 ("Bisher kein Sprachkurs, nur wenige Worte Deutsch.", "Gute Englischkenntnisse.",
                  "Berechtigungsschein beim BAMF beantragen, Kursplatz suchen.")],
    "work": [("Im Herkunftsland als Elektriker gearbeitet, hier noch ohne Arbeit.", "Berufserfahrung, Führerschein.",
              "Anerkennung des Abschlusses prüfen, Kontakt zum Arbeitgeberservice."),
             ("Minijob in der Gastronomie, 10 Stunden pro Woche.", "Zuverlässig, gute Rückmeldung des Arbeitgebers.",
              "Ausweitung auf Teilzeit oder eine Ausbildung prüfen.")],
    "education": [("Zwei Kinder in der Grundschule, das jüngste Kind ohne Kita-Platz.",
                   "Eltern unterstützen bei den Hausaufgaben.",
                   "Kita-Platz beantragen, Kontakt zur Schulsozialarbeit."),
                  ("Abitur im Herkunftsland, Zeugnis nicht anerkannt.", "Hohe Lernbereitschaft.",
                   "Zeugnisanerkennung beim Regierungspräsidium beantragen.")],
    "housing": [("Familie lebt in zwei Zimmern der Anschlussunterbringung.", "Kontakt zu Ehrenamtlichen vorhanden.",
                 "Unterstützung bei der Wohnungssuche, Wohnberechtigungsschein."),
                ("Einzelzimmer in der Unterkunft, Gemeinschaftsküche.", "Eigenes Einkommen in Aussicht.",
                 "Wohnungsbesichtigungen begleiten, Bewerbungsmappe für Vermieter.")],
    "health": [("Chronische Rückenschmerzen, bisher keine Hausarztpraxis.", "Krankenversicherung vorhanden.",
                "Hausarztpraxis finden, Facharzttermin vereinbaren."),
               ("Belastung durch die Fluchterfahrung, Schlafprobleme.", "Offen für Beratung.",
                "Vermittlung an das Psychosoziale Zentrum.")],
    "family": [("Ehefrau und Kinder leben noch im Herkunftsland.", "Urkunden weitgehend vorhanden.",
                "Familiennachzug: Botschaftstermin, Übersetzungen.")],
    "finances": [("Bezieht Bürgergeld, Bescheide werden nicht verstanden.", "Eigenes Girokonto.",
                  "Bescheide erklären, Weiterbewilligung fristgerecht beantragen."),
                 ("Schulden aus einem Handyvertrag.", "Bereit, Raten zu vereinbaren.",
                  "Termin bei der Schuldnerberatung.")],
    "residence": [("Aufenthaltserlaubnis läuft in vier Monaten ab.", "Alle Nachweise vorhanden.",
                   "Verlängerung rechtzeitig bei der Ausländerbehörde beantragen.")],
    "participation": [("Wenig Kontakte außerhalb der Unterkunft.", "Spielt gern Fußball, kocht gern.",
                       "Sportverein und Begegnungscafé vermitteln.")],
    "authorities": [("Viele Briefe bleiben ungeöffnet, Fristen wurden versäumt.", "Bringt Post zu Terminen mit.",
                     "Postmappe anlegen, Fristen gemeinsam eintragen.")],
}


ASSESSMENT_SUMMARIES = ("Vorrang haben Sprache und Arbeit; Wohnungssuche parallel.",
                        "Hohe Motivation, Unterstützung vor allem bei Behörden und Wohnen.",
                        "Gesundheit zuerst stabilisieren, danach Sprachkurs.")


GOALS = {
    "language": [("Sprachkurs B1 abschließen", "Nimmt regelmäßig am Kurs teil und übt täglich.",
                  "Kursanmeldung, Kinderbetreuung und Fahrtkosten klären.", "Klient/in mit Integrationsmanagement"),
                 ("Integrationskurs beginnen", "Beantragt den Berechtigungsschein und meldet sich beim Kursträger an.",
                  "Hilfe beim Antrag, Vermittlung eines Kursplatzes.", "Integrationsmanagement")],
    "work": [("Berufsabschluss anerkennen lassen", "Reicht Zeugnisse mit Übersetzung ein.",
              "Vermittlung an die IQ-Anerkennungsberatung.", "IQ-Netzwerk / Integrationsmanagement"),
             ("Sozialversicherungspflichtige Arbeit aufnehmen", "Schreibt monatlich fünf Bewerbungen.",
              "Bewerbungstraining, Kontakt zum Arbeitgeberservice.", "Jobcenter / Klient/in")],
    "education": [("Kita-Platz für das jüngste Kind", "Meldet das Kind im Kita-Portal an.",
                   "Hilfe bei der Anmeldung, Gespräch mit der Kita-Leitung.", "Integrationsmanagement")],
    "housing": [("Eigene Wohnung finden", "Sucht wöchentlich Angebote und besichtigt Wohnungen.",
                 "Bewerbungsmappe, Kontakt zur Wohnbaugesellschaft.", "Klient/in mit Ehrenamtlichen")],
    "health": [("Hausärztliche Versorgung sichern", "Vereinbart Termine und nimmt sie wahr.",
                "Praxisliste mit Sprachkenntnissen, Dolmetschung bei Bedarf.", "Klient/in"),
               ("Psychosoziale Beratung beginnen", "Nimmt das Erstgespräch wahr.",
                "Vermittlung an das Psychosoziale Zentrum.", "Integrationsmanagement")],
    "family": [("Familiennachzug beantragen", "Beschafft Urkunden und lässt sie übersetzen.",
                "Begleitung des Verfahrens, Kontakt zur Ausländerbehörde.", "Klient/in mit Integrationsmanagement")],
    "finances": [("Schulden regulieren", "Hält die vereinbarten Raten ein.", "Vermittlung an die Schuldnerberatung.",
                  "Schuldnerberatung"),
                 ("Leistungsbescheide selbst verstehen", "Legt Bescheide in der Postmappe ab.",
                  "Bescheide erklären, Fristenkalender anlegen.", "Klient/in")],
    "residence": [("Aufenthaltserlaubnis rechtzeitig verlängern", "Vereinbart den Termin bei der Ausländerbehörde.",
                   "Checkliste der Unterlagen, Begleitung bei Bedarf.", "Klient/in")],
    "participation": [("Mitglied in einem Verein werden", "Besucht ein Probetraining.",
                       "Kontakt zum Verein und zu Ehrenamtlichen.", "Ehrenamtliche / Klient/in")],
    "authorities": [("Behördenpost selbstständig bearbeiten", "Öffnet Post sofort und bringt Unklares mit.",
                     "Gemeinsame Postmappe, Übungen mit Formularen.", "Klient/in")],
}


CONTACT_SUMMARIES = (
    ("work", "Bewerbungsunterlagen überarbeitet, zwei Stellenangebote besprochen."),
    ("work", "Termin beim Jobcenter begleitet, Eingliederungsvereinbarung erklärt."),
    ("housing", "Wohnungsangebote gesichtet, Besichtigung für nächste Woche vereinbart."),
    ("finances", "Leistungsbescheid erklärt, Weiterbewilligungsantrag ausgefüllt."),
    ("language", "Kursplatz beim Sprachkursträger bestätigt, Kinderbetreuung organisiert."),
    ("authorities", "Post der letzten Wochen gemeinsam durchgesehen, zwei Fristen notiert."),
    ("health", "Termin in der Hausarztpraxis vereinbart, Dolmetschung angefragt."),
    ("education", "Gespräch mit der Schulsozialarbeit über die Hausaufgabenbetreuung."),
    ("residence", "Unterlagen für die Verlängerung bei der Ausländerbehörde zusammengestellt."),
    ("participation", "Kontakt zum Sportverein hergestellt, Probetraining vereinbart."),
)


NOTES = ("Bittet um Termine am Vormittag wegen der Kinderbetreuung.", "Dolmetscherin für Folgetermine angefragt.",
         "Ehrenamtlicher Herr Bauer begleitet zu Wohnungsbesichtigungen.",
         "Fallbesprechung im Team: weiteres Vorgehen abgestimmt.", "Rückruf der Ausländerbehörde steht noch aus.",
         "Unterlagen für die Anerkennung vollständig eingereicht.", "Neue Handynummer, in den Stammdaten ergänzt.")


INTAKE_NOTES = ("Erstgespräch in der Unterkunft, Unterkunftsmanager war dabei.", "Zuweisung durch die Gemeinde.",
                "Kam auf Empfehlung der Flüchtlingsbeauftragten.", "")


ELIGIBILITY_NOTES = {
    True: "Ausbildungsduldung nach § 60c AufenthG, Ausbildung in der Pflegehilfe begonnen: Ausnahme genehmigt.",
    False: "Vollziehbar ausreisepflichtig, keine Bleibeperspektive. Verweis an die Rückkehr- und Perspektivberatung.",
}


GOAL_REASONS = ("Kurs wurde wegen Krankheit abgebrochen.", "Vorrang hat derzeit die Wohnungssuche.",
                "Angebot vor Ort nicht verfügbar.")


REVIEW_SUMMARIES = ("Sprachkurs läuft, Wohnungssuche weiterhin schwierig.", "Gute Fortschritte, Ziele angepasst.",
                    "Wenig Kontakt in den letzten Wochen, neue Termine vereinbart.")


REVIEW_CLOSING = ("Ziele weitgehend erreicht, Abschluss wird vorbereitet.", "Begleitung endet, Abschluss vereinbart.")


CLOSURE_SUMMARIES = {
    "livelihood_secured": "Unbefristete Vollzeitstelle, kein Leistungsbezug mehr.",
    "goals_achieved": "Alle vereinbarten Ziele erreicht, keine weitere Begleitung nötig.",
    "moved_away": "Umzug in eine andere Kommune, Übergabe an das dortige Integrationsmanagement.",
    "no_cooperation": "Trotz mehrfacher Einladung keine Termine wahrgenommen.",
    "eligibility_ended": "Höchstdauer der Beratung erreicht, Verweis an die Migrationsberatung.",
    "other": "Wechsel in die Migrationsberatung für Erwachsene (MBE).",
}


CLOSURE_TEXTS = {"moved_away": "Umzug zu Verwandten nach Stuttgart; Übergabe mit Einwilligung erfolgt.",
                 "other": "Begleitung wird von der MBE des Jugendmigrationsdienstes übernommen."}


OUTCOMES = {"livelihood_secured": ("work_taken_up", "benefits_independent"),
            "goals_achieved": ("language_certificate", "own_housing"), "moved_away": ("own_housing",),
            "no_cooperation": (), "eligibility_ended": ("language_certificate",), "other": ()}


EVALUATIONS = {"achieved": "Ziel erreicht.", "partly": "Teilweise erreicht, Grundlage ist gelegt.",
               "not_achieved": "Nicht erreicht.", "dropped": "Im Verlauf verworfen."}
