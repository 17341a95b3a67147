"""Loading raw form input through a marshmallow schema into German InvalidInput errors."""
from __future__ import annotations

from collections.abc import Mapping

from marshmallow import Schema, ValidationError

from engine.errors import InvalidInput

GERMAN = {"Missing data for required field.": "Pflichtangabe.", "Not a valid date.": "Bitte ein gültiges Datum.",
          "Not a valid integer.": "Bitte eine ganze Zahl.", "Not a valid string.": "Ungültige Eingabe.",
          "Field may not be null.": "Pflichtangabe.", "Not a valid list.": "Ungültige Auswahl."}


def load_form(schema: Schema, raw: Mapping, message: str = "Bitte korrigieren Sie die markierten Felder.") -> dict:
    """Validated data, or InvalidInput naming each wrong field in German (the values are kept for the form)."""
    values = _plain(raw)
    try:
        return schema.load(values)
    except ValidationError as exc:
        errors = {field: _german(msgs) for field, msgs in exc.normalized_messages().items()}
        raise InvalidInput(message, errors, values) from None


def _plain(raw: Mapping) -> dict:
    # Multi-valued fields (checkbox lists) stay lists; everything else is its single value.
    if hasattr(raw, "getlist"):
        return {k: (raw.getlist(k) if len(raw.getlist(k)) > 1 or k.endswith("purposes") else raw.get(k))
                for k in raw.keys()}
    return dict(raw)


def _german(messages) -> str:
    if isinstance(messages, dict):
        messages = [m for ms in messages.values() for m in (ms if isinstance(ms, list) else [ms])]
    first = messages[0] if isinstance(messages, list) and messages else str(messages)
    return GERMAN.get(first, first)
