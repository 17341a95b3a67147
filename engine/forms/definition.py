"""Form definitions in bpmn.io form-js schema format, parsed into immutable dataclasses."""
from __future__ import annotations

import dataclasses
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
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

_TRUE = {"true", "1", "yes", "ja", "on"}


class FormError(IntegraflowError):
    """A form definition is broken; the message names the form and component in German."""


# Limits a form gets when it declares none: no text field or list is unbounded.
DEFAULT_MAX_LENGTH = {"textfield": 200, "textarea": 5000}
DEFAULT_MAX_ROWS = 50


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
        return self.readonly and (self.key == "goal_id" or truthy(self.properties.get("hidden")))

    @property
    def min_rows(self) -> int:
        """How many rows a dynamiclist needs at least (custom property `min_rows`)."""
        return int(self.properties.get("min_rows") or 0)

    @property
    def max_rows(self) -> int:
        """How many rows a dynamiclist takes at most (custom property `max_rows`, default 50)."""
        value = str(self.properties.get("max_rows") or "").strip()
        return int(value) if value.isdigit() else DEFAULT_MAX_ROWS

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


def truthy(value: Any) -> bool:
    """A form property's yes/no value ("true", "ja", "1" …)."""
    return value is True or str(value).strip().lower() in _TRUE


def with_options(form: FormDefinition, source: str, options: list[tuple[Any, str]]) -> FormDefinition:
    """A copy of `form` whose fields with `options_source == source` offer `options` (value, label)."""
    values = tuple(Option(value, str(label)) for value, label in options)
    # The same form with the same choices is the same (immutable) copy: its validation schema, built once per
    # form object, is then reused instead of rebuilt on every intake.
    known = _FILLED.get(form)
    if known is None:
        known = _FILLED[form] = {}
    filled = known.get((source, values))
    if filled is None:
        if len(known) >= _FILLED_PER_FORM:
            known.clear()  # a bound, not an LRU: choices change rarely (a new municipality)
        filled = known[(source, values)] = _filled(form, source, values)
    return filled


_FILLED: weakref.WeakKeyDictionary[FormDefinition, dict] = weakref.WeakKeyDictionary()
_FILLED_PER_FORM = 64


def _filled(form: FormDefinition, source: str, values: tuple[Option, ...]) -> FormDefinition:
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
