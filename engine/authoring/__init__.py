"""Shaping the process: drafts and deployed versions of process definitions and forms, the Prozesse catalog, moving
running cases to another version, and repairing failed cases.
"""
from .authorship import AUTHORS, Refused
from .catalog import definitions_overview, form_uses, forms_overview, user_names, warm_models
from .creation import KEY_PATTERN, SOURCES, Template, create_form, create_process, process_templates
from .decision_tables import deploy_table, redeploy_table_users
from .deploy import deploy_definition
from .drafts import adopt_version, deploy_draft, deploy_file, discard_draft, editor_source, save_draft
from .forms import (
    deploy_form,
    discard_form_draft,
    form_editor_source,
    form_versions,
    save_form_draft,
    seed_shipped_forms,
)
from .gate import check_definition, deploy_context
from .impact import migration_preview
from .migration import BATCH_LIMIT, migrate_case, migrate_cases, revert_migration
from .repair import errored_cases, migrate_to_fixed_version, repair_view, reset_case, retry_case

__all__ = [
    "adopt_version", "AUTHORS", "deploy_table", "redeploy_table_users",
    "BATCH_LIMIT", "check_definition", "create_form", "create_process",
    "definitions_overview", "deploy_context", "deploy_definition", "deploy_draft", "deploy_file", "deploy_form",
    "discard_draft", "discard_form_draft", "editor_source", "errored_cases", "form_editor_source", "form_uses",
    "form_versions", "forms_overview", "KEY_PATTERN", "migrate_case", "migrate_cases", "migrate_to_fixed_version",
    "migration_preview", "process_templates", "Refused", "repair_view", "reset_case", "retry_case",
    "revert_migration", "save_draft", "save_form_draft", "seed_shipped_forms", "SOURCES", "Template", "user_names",
    "warm_models",
]
