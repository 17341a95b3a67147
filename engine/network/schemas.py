"""Marshmallow schemas for partner, referral, appointment and calendar-feed input (German messages)."""
from __future__ import annotations

from datetime import date

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from .vocabulary import FEED_NAMES, PARTNER_KINDS, REFERRAL_OUTCOMES

MAX_ID = 2**31 - 1
_CHOICE = "Bitte wählen Sie einen Eintrag aus der Liste."


def _text(max_len: int, required: bool = False):
    default = {"required": True} if required else {"load_default": None}
    return fields.String(**default,
                         validate=validate.Length(min=1 if required else 0, max=max_len,
                                                  error=f"Höchstens {max_len} Zeichen." if not required else
                                                  f"Pflichtangabe, höchstens {max_len} Zeichen."))


class _Form(Schema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _blank_to_none(self, data, **_kwargs):
        # HTML forms send "" for an empty field: that is "not given" (default or "Pflichtangabe"); text is trimmed.
        trimmed = {k: v.strip() if isinstance(v, str) else v for k, v in dict(data).items()}
        return {k: v for k, v in trimmed.items() if v not in ("", None)}


class PartnerForm(_Form):
    """A partner of the directory."""

    kind = fields.String(required=True, validate=validate.OneOf(list(PARTNER_KINDS), error=_CHOICE))
    name = _text(200, required=True)
    contact_person = _text(200)
    phone = fields.String(load_default=None, validate=validate.Regexp(
        r"^[0-9+()/ \-]{3,50}$", error="Bitte eine Telefonnummer aus Ziffern, Leerzeichen und + ( ) / -."))
    email = fields.Email(load_default=None, error_messages={"invalid": "Bitte eine gültige E-Mail-Adresse."})
    address = _text(300)
    note = _text(2000)
    municipality_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    active = fields.Boolean(load_default=False, truthy={"on", "1", "true", "ja"}, falsy={"off", "0", "false", ""})


class PartnerQuery(_Form):
    """Filters of the partner directory."""

    kind = fields.String(load_default=None, validate=validate.OneOf(list(PARTNER_KINDS), error=_CHOICE))
    municipality = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    q = fields.String(load_default=None, validate=validate.Length(max=100))
    inactive = fields.Boolean(load_default=False, truthy={"on", "1", "true", "ja"}, falsy={"off", "0", "false", ""})


class ReferralForm(_Form):
    """A new referral on a case."""

    partner_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID),
                                error_messages={"required": "Bitte wählen Sie einen Partner."})
    reason = _text(2000, required=True)
    goal_id = fields.String(load_default=None, validate=validate.Length(max=36))
    referred_on = fields.Date(required=True)
    follow_up_on = fields.Date(load_default=None)

    @validates_schema
    def _follow_up_after(self, data, **_kwargs):
        if data.get("follow_up_on") and data["follow_up_on"] < data["referred_on"]:
            raise ValidationError("Die Nachverfolgung kann nicht vor der Vermittlung liegen.", "follow_up_on")


class ReferralOutcomeForm(_Form):
    """What came of a referral."""

    outcome = fields.String(required=True, validate=validate.OneOf(list(REFERRAL_OUTCOMES), error=_CHOICE))
    outcome_note = _text(2000)
    follow_up_on = fields.Date(load_default=None)


class AppointmentForm(_Form):
    """A counselling appointment (new or rescheduled)."""

    day = fields.Date(required=True)
    start_time = fields.Time(required=True, error_messages={"invalid": "Bitte eine Uhrzeit wie 09:30."})
    duration_minutes = fields.Integer(load_default=60, validate=validate.Range(
        min=5, max=600, error="Zwischen 5 und 600 Minuten."))
    home_visit = fields.Boolean(load_default=False, truthy={"on", "1", "true", "ja"}, falsy={"off", "0", "false", ""})
    place = _text(200)
    interpreter_needed = fields.Boolean(load_default=False, truthy={"on", "1", "true", "ja"},
                                        falsy={"off", "0", "false", ""})
    interpreter_language = _text(100)
    note = _text(2000)

    @validates_schema
    def _place_or_visit(self, data, **_kwargs):
        if not data.get("home_visit") and not data.get("place"):
            raise ValidationError("Bitte einen Ort angeben oder „Hausbesuch“ wählen.", "place")
        if data.get("interpreter_needed") and not data.get("interpreter_language"):
            raise ValidationError("Bitte die Sprache für die Dolmetschung angeben.", "interpreter_language")


class WeekQuery(_Form):
    """Which week the week view shows (any day of it)."""

    week = fields.Date(load_default=None, validate=validate.Range(
        min=date(2000, 1, 1), max=date(2100, 12, 31), error="Bitte eine Woche zwischen 2000 und 2100."))


class FeedForm(_Form):
    """Whether the calendar feed shows client names."""

    names = fields.String(load_default="none", validate=validate.OneOf(list(FEED_NAMES), error=_CHOICE))
