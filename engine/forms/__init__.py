"""Forms in form-js format: definitions, server-side validation and the HTML post mapping."""
from .builder import builder_fields
from .definition import FormDefinition, FormError, FormField, Option, RequiredIf, Rules, options_sources, with_options
from .display import ShownField, shown_fields
from .field_kinds import strip_controls
from .parser import load_form, parse_form
from .registry import FormRegistry, UnknownForm
from .schema import build_schema
from .submission import FormResult, field_names, initial_values, parse_submission, read_values, wants_more_rows

__all__ = [
    "build_schema", "builder_fields", "field_names", "FormDefinition", "FormError", "FormField", "FormRegistry",
    "FormResult", "initial_values", "load_form", "Option", "options_sources", "parse_form", "parse_submission",
    "read_values", "RequiredIf", "Rules", "shown_fields", "ShownField", "strip_controls", "UnknownForm",
    "wants_more_rows", "with_options"
]
