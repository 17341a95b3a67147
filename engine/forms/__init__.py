"""Forms in form-js format: definitions, server-side validation and the HTML post mapping."""
from engine.forms.definition import (
    FormDefinition,
    FormError,
    FormField,
    Option,
    RequiredIf,
    Rules,
    load_form,
    options_sources,
    parse_form,
    with_options,
)
from engine.forms.registry import FormRegistry, UnknownForm
from engine.forms.schema import build_schema
from engine.forms.submission import (
    FormResult,
    field_names,
    initial_values,
    parse_submission,
    read_values,
    wants_more_rows,
)

__all__ = [
    "FormDefinition",
    "FormError",
    "FormField",
    "FormRegistry",
    "FormResult",
    "Option",
    "RequiredIf",
    "Rules",
    "UnknownForm",
    "build_schema",
    "field_names",
    "initial_values",
    "load_form",
    "options_sources",
    "parse_form",
    "parse_submission",
    "read_values",
    "wants_more_rows",
    "with_options",
]
