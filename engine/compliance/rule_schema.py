"""Marshmallow schemas of the rules file: the file, one rule, and the parameters of each rule kind."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

_REQUIRED = {"required": "Pflichtangabe fehlt.", "null": "Darf nicht leer sein.",
             "invalid": "Ungültiger Wert."}


class _German(Schema):
    """Base schema: unknown keys refused, messages in German."""

    error_messages = {"unknown": "Unbekannter Schlüssel.", "type": "Erwartet wird eine Zuordnung (Schlüssel: Wert)."}

    class Meta:
        unknown = RAISE


def _text(min_len: int = 1, max_len: int = 200, **kw) -> fields.String:
    return fields.String(required=True, error_messages={**_REQUIRED, "invalid": "Erwartet wird ein Text."},
                         validate=validate.Length(min=min_len, max=max_len,
                                                  error=f"Länge {min_len} bis {max_len} Zeichen."), **kw)


def _names(minimum: int = 1, required: bool = True) -> fields.List:
    extra = {"required": True} if required else {"load_default": list}
    return fields.List(_text(max_len=100), **extra,
                       error_messages={**_REQUIRED, "invalid": "Erwartet wird eine Liste."},
                       validate=validate.Length(min=minimum, error=f"Mindestens {minimum} Eintrag/Einträge."))


class ConsentBeforeParams(_German):
    """Consent (a choice in the consent step's form) recorded before the data step; at risk near its due date."""

    step = _text(max_len=100)
    consent_step = _text(max_len=100)
    consent_field = _text(max_len=100)
    consent_value = _text(max_len=100)
    due = _text(max_len=40)


class StepWithinParams(_German):
    """A step completed within a deadline after intake, optionally with fields set (e.g. both signatures)."""

    step = _text(max_len=100)
    deadline = _text(max_len=40)
    require_fields = _names(minimum=0, required=False)
    # A case document of this category (e.g. the scan of the signed agreement) counts as the step done on its upload.
    document_category = fields.String(load_default=None, allow_none=True, validate=validate.Length(
        min=1, max=40, error="Länge 1 bis 40 Zeichen."), error_messages={"invalid": "Erwartet wird ein Text."})


class DatedStep(_German):
    """A step and the field of its form holding the date it speaks for (e.g. the review date)."""

    step = _text(max_len=100)
    date_field = _text(max_len=100)


class ReviewGapParams(_German):
    """No gap between the dates of the given steps (plan, reviews) longer than interval plus grace."""

    steps = fields.List(fields.Nested(DatedStep), required=True, error_messages={
        **_REQUIRED, "invalid": "Erwartet wird eine Liste."},
        validate=validate.Length(min=1, error="Mindestens 1 Eintrag."))
    interval = _text(max_len=40)
    grace = _text(max_len=40)


class ClosureCompleteParams(_German):
    """Closed cases have a reason and a final evaluation per goal; at risk as the counselling period ends."""

    step = _text(max_len=100)
    limit = _text(max_len=40)
    extended_limit = _text(max_len=40)


class ContactLoggedParams(_German):
    """Contacts logged within a deadline of taking place; conversations of the given steps count as contacts."""

    deadline = _text(max_len=40)
    conversations = fields.List(fields.Nested(DatedStep), load_default=[],
                                error_messages={"invalid": "Erwartet wird eine Liste."})


class SingleResponsibleParams(_German):
    """Exactly one active responsible caseworker of the case's organisation, as recorded by these events."""

    assignment_events = _names()


class CounsellingPeriodParams(_German):
    """Open cases stay within the counselling period unless an extension with a reason was recorded."""

    limit = _text(max_len=40)
    extended_limit = _text(max_len=40)


PARAM_SCHEMAS: dict[str, type[Schema]] = {
    "consent_before": ConsentBeforeParams,
    "step_within": StepWithinParams,
    "review_gap": ReviewGapParams,
    "closure_complete": ClosureCompleteParams,
    "contact_logged_within": ContactLoggedParams,
    "single_responsible": SingleResponsibleParams,
    "counselling_period": CounsellingPeriodParams,
}
KIND_LABELS = {
    "consent_before": "Einwilligung vor Datenerhebung",
    "step_within": "Schritt innerhalb einer Frist",
    "review_gap": "Überprüfungsabstand",
    "closure_complete": "Vollständiger Abschluss",
    "contact_logged_within": "Zeitnahe Kontaktdokumentation",
    "single_responsible": "Eindeutige Zuständigkeit",
    "counselling_period": "Beratungszeitraum",
}


class RuleSchema(_German):
    """One rule: id, kind, German title and fix hint, parameters (checked by the kind's schema)."""

    id = fields.String(required=True, error_messages=_REQUIRED, validate=validate.Regexp(
        r"^[a-z][a-z0-9_]{1,59}$", error="Nur Kleinbuchstaben, Ziffern und _ (2 bis 60 Zeichen)."))
    kind = fields.String(required=True, error_messages=_REQUIRED, validate=validate.OneOf(
        sorted(PARAM_SCHEMAS), error="Unbekannte Regelart „{input}“ (erlaubt: {choices})."))
    title = _text(min_len=3, max_len=200)
    fix = _text(min_len=3, max_len=500)
    params = fields.Dict(load_default={}, error_messages={"invalid": "Erwartet wird eine Zuordnung."})


class RuleFileSchema(_German):
    """The whole file: the at-risk horizon in days and at least one rule."""

    at_risk_days = fields.Integer(required=True, strict=True, error_messages={
        **_REQUIRED, "invalid": "Erwartet wird eine ganze Zahl."},
        validate=validate.Range(min=1, max=90, error="Erlaubt sind 1 bis 90 Tage."))
    rules = fields.List(fields.Nested(RuleSchema), required=True, error_messages={
        **_REQUIRED, "invalid": "Erwartet wird eine Liste von Regeln."},
        validate=validate.Length(min=1, error="Mindestens eine Regel."))
