"""German labels for the Art. 15 PDF (field names and codes shown to the data subject)."""
from __future__ import annotations

from engine.base import RESIDENCE_STATUS_LABELS
from engine.reporting import AREAS, CLOSURES, GOAL_STATUSES, OUTCOMES

from .consent import CONSENT_FORMS, PURPOSES

FIELDS = {"first_name": "Vorname", "last_name": "Nachname", "birth_date": "Geburtsdatum", "gender": "Geschlecht",
          "nationality": "Staatsangehörigkeit", "languages": "Sprachen", "interpreter_needed": "Dolmetschung nötig",
          "interpreter_language": "Dolmetschsprache", "phone": "Telefon", "email": "E-Mail",
          "accommodation_address": "Unterkunft", "residence_status": "Aufenthaltsstatus",
          "residence_status_evidence": "Nachweis", "au_since": "Anschlussunterbringung seit",
          "counselling_start": "Beginn der Beratung", "reference": "Aktenzeichen", "status": "Status",
          "phase": "Phase", "intake_date": "Aufnahme", "eligible": "Förderfähig",
          "eligibility_reason": "Begründung der Förderfähigkeit", "counselling_end": "Beratung bis",
          "consent_date": "Einwilligung seit", "consent_scope": "Umfang der Einwilligung",
          "processing_restricted": "Verarbeitung eingeschränkt", "plan_date": "Stand des Integrationsplans",
          "next_review_due": "Nächste Überprüfung", "closed_on": "Abgeschlossen am", "closure_reason": "Abschlussgrund",
          "municipality": "Kommune", "organisation": "Träger", "responsible": "Zuständig"}
LABELS = {"fields": FIELDS, "areas": AREAS, "closures": CLOSURES, "goal_statuses": GOAL_STATUSES,
          "outcomes": OUTCOMES, "purposes": PURPOSES, "consent_forms": CONSENT_FORMS,
          "residence": RESIDENCE_STATUS_LABELS}
