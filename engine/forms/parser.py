"""Parsing a form-js schema (JSON) into a FormDefinition, refusing what the server could not validate."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import regex

from .definition import (
    CHOICE_TYPES,
    CONTAINER_TYPES,
    DATE_SUBTYPES,
    DEFAULT_MAX_LENGTH,
    DISPLAY_TYPES,
    INPUT_TYPES,
    FormDefinition,
    FormError,
    FormField,
    Option,
    RequiredIf,
    Rules,
    scope_inputs,
)

# Keys become HTML names joined with "." and "-", and "_"-names are ours (_remove, _add_row, _form).
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_FORM_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_CONDITION = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9_]*)(?:\s+in\s+|\s*==?\s*)(?P<values>.+)\Z")


def _number_or_text(value: str | None) -> Any:
    return int(value) if value is not None and value.strip().isdigit() else value


def load_form(path: str | Path) -> FormDefinition:
    """Read and parse one form-js JSON file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FormError(f"Die Formulardatei „{path.name}“ kann nicht gelesen werden: {exc}", file=str(path)) from exc
    return parse_form(data)


def parse_form(data: dict) -> FormDefinition:
    """Check a form-js schema and turn it into a `FormDefinition`; raises `FormError`."""
    if not isinstance(data, dict):
        raise FormError("Ein Formular muss ein JSON-Objekt sein.")
    form_id = data.get("id")
    if not isinstance(form_id, str) or not _FORM_ID.match(form_id):
        raise FormError("Das Formular braucht eine „id“ aus Buchstaben, Ziffern, „_“ und „-“.")
    if data.get("type", "default") != "default":
        raise FormError(f"Formular „{form_id}“: der Typ muss „default“ sein.", form_id=form_id)
    if not isinstance(data.get("components"), list):
        raise FormError(f"Formular „{form_id}“ hat keine Komponentenliste („components“).", form_id=form_id)
    properties = _properties(data, form_id, "Formular")
    parser = _Parser(form_id)
    components = parser.components(data["components"], scope=set(), where="")
    parser.check_conditions(components)
    return FormDefinition(
        id=form_id,
        title=properties.get("title") or form_id,
        components=components,
        schema_version=data.get("schemaVersion"),
        properties=properties,
    )


def _properties(data: dict, form_id: str, where: str) -> dict[str, str]:
    properties = data.get("properties") or {}
    if not isinstance(properties, dict):
        raise FormError(f"Formular „{form_id}“: {where} hat ungültige „properties“.", form_id=form_id)
    return {str(k): str(v) for k, v in properties.items()}


class _Parser:
    """Parses components of one form, remembering ids so duplicates are found."""

    def __init__(self, form_id: str):
        self.form_id = form_id
        self.ids: set[str] = set()

    def fail(self, component_id: str, message: str) -> FormError:
        return FormError(
            f"Formular „{self.form_id}“, Komponente „{component_id}“: {message}",
            form_id=self.form_id,
            component_id=component_id,
        )

    def components(self, items: Any, scope: set[str], where: str) -> tuple[FormField, ...]:
        if not isinstance(items, list):
            raise self.fail(where or "?", "„components“ muss eine Liste sein.")
        return tuple(self.component(item, scope, f"{where}{i + 1}") for i, item in enumerate(items))

    def component(self, data: Any, scope: set[str], position: str) -> FormField:
        if not isinstance(data, dict):
            raise self.fail(f"Nr. {position}", "ist kein JSON-Objekt.")
        if data.get("id"):
            if str(data["id"]) in self.ids:
                raise self.fail(str(data["id"]), "die id kommt mehrfach vor.")
            self.ids.add(str(data["id"]))
        # form-js always writes ids; hand-written forms may not, so messages fall back to key or position
        cid = str(data.get("id") or data.get("key") or data.get("path") or f"Nr. {position}")
        ctype = data.get("type")
        if not isinstance(ctype, str) or ctype not in INPUT_TYPES | CONTAINER_TYPES | DISPLAY_TYPES:
            raise self.fail(cid, f"der Komponententyp „{ctype}“ wird nicht unterstützt.")
        for unsupported in ("conditional", "valuesKey", "valuesExpression"):
            if unsupported in data:
                raise self.fail(cid, f"„{unsupported}“ wird nicht unterstützt (Ausdrücke werden nicht ausgewertet).")
        common = {"id": cid, "type": ctype, "properties": _properties(data, self.form_id, f"„{cid}“")}
        if ctype in DISPLAY_TYPES:
            return FormField(**common, text=str(data.get("text") or ""))
        if ctype in CONTAINER_TYPES:
            return self.container(data, common, scope, position)
        return self.input(data, common, scope)

    def container(self, data: dict, common: dict, scope: set[str], position: str) -> FormField:
        cid, path = common["id"], data.get("path") or None
        if common["type"] == "dynamiclist" and not path:
            raise self.fail(cid, "eine Liste (dynamiclist) braucht einen Pfad („path“).")
        if path is not None:
            self.claim(cid, path, scope, "Pfad")
        # A group without a path puts its fields next to its siblings, so it shares their scope.
        inner = scope if path is None else set()
        components = self.components(data.get("components") or [], inner, f"{position}.")
        if path is not None:
            self.check_conditions(components)
        self.integer(cid, "min_rows", _number_or_text(common["properties"].get("min_rows")))
        return FormField(
            **common,
            key=path,
            path=path,
            label=str(data.get("label") or ""),
            description=str(data.get("description") or ""),
            components=components,
            allow_add_remove=data.get("allowAddRemove", True) is not False,
        )

    def input(self, data: dict, common: dict, scope: set[str]) -> FormField:
        cid, ctype = common["id"], common["type"]
        key = data.get("key")
        if not key:
            raise self.fail(cid, "das Feld hat keinen Schlüssel („key“).")
        self.claim(cid, key, scope, "Schlüssel")
        for flag in ("readonly", "disabled"):
            if isinstance(data.get(flag), str):
                raise self.fail(cid, f"„{flag}“ muss true oder false sein (Ausdrücke werden nicht unterstützt).")
        subtype = data.get("subtype") or ("date" if ctype == "datetime" else None)
        if subtype is not None and not isinstance(subtype, str):
            raise self.fail(cid, "„subtype“ muss ein Text sein.")
        if ctype == "datetime" and subtype not in DATE_SUBTYPES:
            raise self.fail(cid, f"der Datumstyp „{subtype}“ wird nicht unterstützt.")
        label = data.get("label") or data.get("dateLabel") or data.get("timeLabel") or key
        validate = data.get("validate") or {}
        if not isinstance(validate, dict):
            raise self.fail(cid, "„validate“ muss ein Objekt sein.")
        return FormField(
            **common,
            key=key,
            label=str(label),
            description=str(data.get("description") or ""),
            required=bool(validate.get("required")),
            required_if=self.condition(cid, common["properties"]),
            rules=self.rules(cid, validate, ctype),
            values=self.options(cid, ctype, data.get("values"), common["properties"]),
            default=data.get("defaultValue"),
            readonly=bool(data.get("readonly")),
            disabled=bool(data.get("disabled")),
            subtype=subtype,
            decimal_digits=self.integer(cid, "decimalDigits", data.get("decimalDigits")),
            increment=str(data["increment"]) if data.get("increment") not in (None, "") else None,
        )

    def claim(self, cid: str, key: Any, scope: set[str], what: str) -> None:
        if not isinstance(key, str) or not _KEY.match(key):
            raise self.fail(cid, f"der {what} „{key}“ darf nur Buchstaben, Ziffern und „_“ enthalten "
                                 "und muss mit einem Buchstaben beginnen.")
        if key in scope:
            raise self.fail(cid, f"der {what} „{key}“ kommt auf dieser Ebene mehrfach vor.")
        scope.add(key)

    def integer(self, cid: str, name: str, value: Any) -> int | None:
        if value in (None, ""):
            return None
        # JSON as Python reads it may carry NaN and Infinity; neither is a count.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or value < 0 or value != int(value):
            raise self.fail(cid, f"„{name}“ muss eine nicht-negative ganze Zahl sein.")
        return int(value)

    def rules(self, cid: str, validate: dict, ctype: str) -> Rules:
        bounds = {}
        for name in ("min", "max"):
            value = validate.get(name)
            if value not in (None, "") and (isinstance(value, bool) or not isinstance(value, (int, float))
                                            or not math.isfinite(value)):
                raise self.fail(cid, f"„{name}“ muss eine Zahl sein.")
            bounds[name] = value if value != "" else None
        if None not in bounds.values() and bounds["min"] > bounds["max"]:
            raise self.fail(cid, "„min“ ist größer als „max“.")
        pattern = validate.get("pattern") or None
        if pattern is not None:
            try:
                regex.compile(pattern)  # the module engine.forms.schema matches with
            except (regex.error, TypeError) as exc:
                raise self.fail(cid, f"das Muster („pattern“) ist ungültig: {exc}") from exc
        return Rules(
            min=bounds["min"],
            max=bounds["max"],
            min_length=self.integer(cid, "minLength", validate.get("minLength")),
            max_length=_max_length(self.integer(cid, "maxLength", validate.get("maxLength")), ctype),
            pattern=pattern,
        )

    def options(self, cid: str, ctype: str, values: Any, properties: dict) -> tuple[Option, ...]:
        if ctype not in CHOICE_TYPES:
            return ()
        if properties.get("options_source") and not values:
            return ()  # filled per request by `with_options`
        if values is None:
            raise self.fail(cid, "das Auswahlfeld hat keine Werte („values“).")
        if not isinstance(values, list) or not values:
            raise self.fail(cid, "„values“ muss eine nicht-leere Liste sein.")
        options, seen = [], set()
        for item in values:
            if not isinstance(item, dict) or item.get("value") in (None, ""):
                raise self.fail(cid, "jeder Wert braucht „value“ und „label“.")
            if str(item["value"]) in seen:
                raise self.fail(cid, f"der Wert „{item['value']}“ kommt mehrfach vor.")
            seen.add(str(item["value"]))
            options.append(Option(item["value"], str(item.get("label") or item["value"])))
        return tuple(options)

    def condition(self, cid: str, properties: dict) -> RequiredIf | None:
        text = properties.get("required_if")
        if not text:
            return None
        match = _CONDITION.match(text.strip())
        if not match:
            raise self.fail(cid, f"„required_if“ „{text}“ hat nicht die Form „feld in wert1,wert2“.")
        values = tuple(v.strip() for v in match["values"].split(",") if v.strip())
        return RequiredIf(match["key"], values)

    def check_conditions(self, scope: tuple[FormField, ...]) -> None:
        """Every `required_if` must name another field of the same data scope."""
        fields = list(scope_inputs(scope))
        keys = {f.key for f in fields}
        for f in fields:
            if f.required_if and (f.required_if.key not in keys or f.required_if.key == f.key):
                raise self.fail(f.id, f"„required_if“ bezieht sich auf „{f.required_if.key}“, "
                                      "das es auf dieser Ebene nicht gibt.")


def _max_length(declared: int | None, ctype: str) -> int | None:
    """The declared maximum length, else the default of its kind (text fields are never unbounded)."""
    return declared if declared is not None else DEFAULT_MAX_LENGTH.get(ctype)
