"""Forms in form-js format: definitions, server-side validation and the HTML post mapping."""
from .definition import (
    FormDefinition,
    FormError,
    FormField,
    Option,
    RequiredIf,
    Rules,
    options_sources,
    with_options,
)
from .parser import load_form, parse_form
from .registry import FormRegistry, UnknownForm
from .schema import build_schema
from .submission import (
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
