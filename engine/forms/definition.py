"""Form definitions in bpmn.io form-js schema format, parsed into immutable dataclasses."""
from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import IntegraflowError

INPUT_TYPES = frozenset(
    {"textfield", "textarea", "number", "datetime", "select", "radio", "checkbox", "checklist", "taglist"}
)
CHOICE_TYPES = frozenset({"select", "radio", "checklist", "taglist"})
MULTI_CHOICE_TYPES = frozenset({"checklist", "taglist"})
CONTAINER_TYPES = frozenset({"group", "dynamiclist"})
DISPLAY_TYPES = frozenset({"text", "separator", "spacer"})
DATE_SUBTYPES = frozenset({"date", "time", "datetime"})

# Keys become HTML names joined with "." and "-", and "_"-names are ours (_remove, _add_row, _form).
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_FORM_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_TRUE = {"true", "1", "yes", "ja", "on"}
_CONDITION = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9_]*)(?:\s+in\s+|\s*==?\s*)(?P<values>.+)\Z")


class FormError(IntegraflowError):
    """A form definition is broken; the message names the form and component in German."""


@dataclass(frozen=True)
class Option:
    """One choice of a select, radio or checklist."""

    value: Any
    label: str


@dataclass(frozen=True)
class Rules:
    """The form-js `validate` rules besides `required`."""

    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class RequiredIf:
    """Custom property `required_if: "status in dropped,not_achieved"`: required when a sibling has one of these."""

    key: str
    values: tuple[str, ...]

    def applies(self, sibling_value: Any) -> bool:
        """Whether the sibling's (validated) value makes the field required."""
        if isinstance(sibling_value, bool):
            sibling_value = "true" if sibling_value else "false"
        if isinstance(sibling_value, list):
            return any(str(v) in self.values for v in sibling_value)
        return sibling_value is not None and str(sibling_value) in self.values


@dataclass(frozen=True, eq=False)
class FormField:
    """One form-js component: an input, a container (group/dynamiclist) or static content."""

    id: str
    type: str
    key: str | None = None
    label: str = ""
    description: str = ""
    required: bool = False
    required_if: RequiredIf | None = None
    rules: Rules = field(default_factory=Rules)
    values: tuple[Option, ...] = ()
    default: Any = None
    readonly: bool = False
    disabled: bool = False
    subtype: str | None = None
    path: str | None = None
    components: tuple[FormField, ...] = ()
    text: str = ""
    decimal_digits: int | None = None
    increment: str | None = None
    allow_add_remove: bool = True
    properties: dict[str, str] = field(default_factory=dict)

    @property
    def is_input(self) -> bool:
        """Whether the component carries a value of its own."""
        return self.type in INPUT_TYPES and not self.disabled

    @property
    def hidden(self) -> bool:
        """Whether the field is a system-managed value rendered as a hidden input."""
        # Goal ids are assigned by the server; a caseworker never needs to see or type them.
        return self.readonly and (self.key == "goal_id" or _truthy(self.properties.get("hidden")))

    @property
    def min_rows(self) -> int:
        """How many rows a dynamiclist needs at least (custom property `min_rows`)."""
        return int(self.properties.get("min_rows") or 0)

    @property
    def options_source(self) -> str | None:
        """Name of the run-time source that fills this field's options, if any."""
        return self.properties.get("options_source") or None

    @property
    def step(self) -> str:
        """The HTML `step` of a number input: form-js `increment`, else from `decimalDigits`."""
        if self.increment:
            return self.increment
        if self.decimal_digits is None:
            return "any"
        return "1" if self.decimal_digits == 0 else "0." + "0" * (self.decimal_digits - 1) + "1"

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The text of a `text` component split into paragraphs at blank lines."""
        blocks = re.split(r"\n\s*\n", self.text.strip())
        return tuple(b.strip() for b in blocks if b.strip())


@dataclass(frozen=True, eq=False)
class FormDefinition:
    """A parsed form: its id (the key BPMN user tasks refer to), title and components."""

    id: str
    title: str
    components: tuple[FormField, ...]
    schema_version: int | None = None
    properties: dict[str, str] = field(default_factory=dict)

    def walk(self) -> Iterator[FormField]:
        """Every component, depth first, containers before their children."""
        yield from _walk(self.components)


def _walk(components: tuple[FormField, ...]) -> Iterator[FormField]:
    for component in components:
        yield component
        yield from _walk(component.components)


def scope_inputs(components: tuple[FormField, ...]) -> Iterator[FormField]:
    """The inputs whose values sit in one data dict: path-less groups do not open a new scope."""
    for component in components:
        if component.is_input:
            yield component
        elif component.type == "group" and component.path is None:
            yield from scope_inputs(component.components)


def _number_or_text(value: str | None) -> Any:
    return int(value) if value is not None and value.strip().isdigit() else value


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in _TRUE


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


def with_options(form: FormDefinition, source: str, options: list[tuple[Any, str]]) -> FormDefinition:
    """A copy of `form` whose fields with `options_source == source` offer `options` (value, label)."""
    values = tuple(Option(value, str(label)) for value, label in options)

    def fill(components: tuple[FormField, ...]) -> tuple[FormField, ...]:
        return tuple(
            dataclasses.replace(
                c,
                values=values if c.options_source == source else c.values,
                components=fill(c.components),
            )
            for c in components
        )

    return dataclasses.replace(form, components=fill(form.components))


def options_sources(form: FormDefinition) -> set[str]:
    """Names of all run-time option sources the form needs filled (see `with_options`)."""
    return {c.options_source for c in form.walk() if c.options_source}


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
        if ctype not in INPUT_TYPES | CONTAINER_TYPES | DISPLAY_TYPES:
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
            rules=self.rules(cid, validate),
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
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != int(value):
            raise self.fail(cid, f"„{name}“ muss eine nicht-negative ganze Zahl sein.")
        return int(value)

    def rules(self, cid: str, validate: dict) -> Rules:
        bounds = {}
        for name in ("min", "max"):
            value = validate.get(name)
            if value not in (None, "") and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise self.fail(cid, f"„{name}“ muss eine Zahl sein.")
            bounds[name] = value if value != "" else None
        if None not in bounds.values() and bounds["min"] > bounds["max"]:
            raise self.fail(cid, "„min“ ist größer als „max“.")
        pattern = validate.get("pattern") or None
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                raise self.fail(cid, f"das Muster („pattern“) ist ungültig: {exc}") from exc
        return Rules(
            min=bounds["min"],
            max=bounds["max"],
            min_length=self.integer(cid, "minLength", validate.get("minLength")),
            max_length=self.integer(cid, "maxLength", validate.get("maxLength")),
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
