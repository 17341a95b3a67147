"""Primitives every capability builds on: the actor and the cases they may see, the event log and its chain, the case
version, closing a case, the restriction check, deployed process models, forms in force, deadlines and the domain's
vocabularies.
"""
from .case_version import bump_case_version, claim_case_version, send_case_claim
from .closure import close_case
from .deadlines import DEFAULT_DEADLINES, load_deadlines
from .delegation import DELEGATION_MODELS, Delegation, delegation_in_force
from .document_store import DEFAULT_MAX_BYTES, DocumentStore, StoredFileMissing
from .event_chain import (
    ANY_WEBHOOK,
    GENESIS,
    HEAD_HASH,
    HEAD_ID,
    HEAD_SEQ,
    append_events,
    chain_hash,
    expect_head,
    payload_digest,
    prepare_events,
    read_head,
)
from .events import EVENT_LABELS, record_event
from .form_input import load_form
from .forms_in_force import FORMS_GENERATION, FormCatalog, latest_form_rows, load_latest_forms
from .memo import event_log_head, forget_all, remember
from .process_models import (
    CASE_PROCESS,
    JOURNEY,
    journey_definition,
    journey_definition_id,
    journey_key,
    latest_definition,
    model_by_id,
    model_for,
    pinned_decision_documents,
)
from .restriction import RESTRICTED_MESSAGE, ensure_processing_allowed
from .scope import (
    CASE_EDITORS,
    DISTRICT_WIDE,
    ROLE_LABELS,
    Actor,
    ensure_visible,
    read_only_refusal,
    read_only_until,
    readable_case,
    require_editor,
    scope_cases,
    scope_open_tasks,
    visible_case,
)
from .vocabulary import (
    CLOSURE_REASONS,
    DOCUMENT_CATEGORIES,
    GOAL_STATUS_LABELS,
    LIFE_AREAS,
    PARTNER_KINDS,
    REFERRAL_OUTCOMES,
    RESIDENCE_STATUS_LABELS,
)
from .webhook_outbox import WEBHOOK_TYPES

__all__ = [
    "Actor", "append_events", "bump_case_version", "CASE_EDITORS", "CASE_PROCESS", "chain_hash", "claim_case_version",
    "close_case", "CLOSURE_REASONS", "DEFAULT_DEADLINES", "DEFAULT_MAX_BYTES", "Delegation", "delegation_in_force",
    "DELEGATION_MODELS", "DISTRICT_WIDE", "DOCUMENT_CATEGORIES", "DocumentStore", "ensure_processing_allowed",
    "ensure_visible", "EVENT_LABELS", "event_log_head", "forget_all", "FormCatalog", "FORMS_GENERATION", "GENESIS",
    "GOAL_STATUS_LABELS", "HEAD_ID", "JOURNEY", "journey_definition", "journey_definition_id", "journey_key",
    "latest_definition",
    "ANY_WEBHOOK", "expect_head", "prepare_events", "HEAD_HASH", "HEAD_SEQ", "latest_form_rows", "LIFE_AREAS",
    "load_deadlines",
    "load_form", "load_latest_forms", "model_by_id", "model_for", "PARTNER_KINDS", "payload_digest",
    "pinned_decision_documents", "read_head", "read_only_refusal", "read_only_until", "readable_case", "record_event",
    "REFERRAL_OUTCOMES", "remember", "require_editor", "RESIDENCE_STATUS_LABELS", "RESTRICTED_MESSAGE", "ROLE_LABELS",
    "scope_cases", "scope_open_tasks", "StoredFileMissing", "visible_case", "WEBHOOK_TYPES",
    "send_case_claim",
]
