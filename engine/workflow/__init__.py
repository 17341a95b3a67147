"""The SpiffWorkflow adapter: the only package of engine/ that imports SpiffWorkflow."""
from .codec import FORMAT_VERSION, WorkflowCodec
from .conformance import replay
from .decisions import (
    HIT_POLICIES,
    HIT_POLICY_LABELS,
    DecisionError,
    Evaluation,
    MatchedRule,
    decision_key,
    decision_refs,
    evaluate_decision,
    explain_evaluation,
    parse_decision,
    table_reads,
)
from .declarations import CLOSURE_REASONS, PHASES, STEP_LABELS, STEPS
from .diff import diff_definitions
from .durations import add_duration, parse_duration
from .history import prune_history
from .limits import DEFAULT_LIMITS, LimitExceeded, Limits
from .lint import (
    DeployContext,
    Problem,
    check_decision,
    check_files,
    decision_data_names,
    forbidden_code,
    lint_definition,
    removed_field_uses,
)
from .migration import (
    MigrationRefused,
    ResetRefused,
    ResetTarget,
    blockers,
    migrate,
    reached_from_rows,
    reached_in,
    reset_targets,
    reset_to,
    spec_changes,
)
from .model import (
    BPMN_NS,
    CAMUNDA_NS,
    DefinitionError,
    ProcessModel,
    UserTaskInfo,
    called_processes,
    main_process_id,
    parse_model,
)
from .process_copy import rename_process
from .runtime import DUE_DATE_FAILED, ReadyTask, ScriptFailure, TaskNotReady, WorkflowRuntime
from .script_engine import ForbiddenExpression, RestrictedEnvironment, check_source, evaluate
from .store import (
    PendingSave,
    UnsupportedState,
    encode_save,
    load_with_history,
    load_workflow,
    prepare_save,
    read_stored,
    restore_workflow,
    save_workflow,
    unarchive,
    write_saves,
)
from .xml_safety import MAX_BYTES, UnsafeXml, parse_xml

__all__ = [
    "add_duration", "blockers", "BPMN_NS", "called_processes", "CAMUNDA_NS", "check_decision", "check_files",
    "check_source", "CLOSURE_REASONS", "decision_data_names", "decision_key", "decision_refs", "DecisionError",
    "DEFAULT_LIMITS", "DefinitionError", "DeployContext", "diff_definitions", "encode_save", "evaluate",
    "DUE_DATE_FAILED", "evaluate_decision", "Evaluation", "explain_evaluation", "HIT_POLICIES", "HIT_POLICY_LABELS",
    "MatchedRule",
    "parse_decision", "table_reads",
    "forbidden_code", "ForbiddenExpression", "FORMAT_VERSION", "LimitExceeded", "Limits", "lint_definition",
    "load_with_history", "load_workflow", "main_process_id", "MAX_BYTES", "migrate", "MigrationRefused",
    "parse_duration", "parse_model", "parse_xml", "PendingSave", "PHASES", "prepare_save", "Problem", "ProcessModel",
    "prune_history", "reached_from_rows", "reached_in", "read_stored", "ReadyTask", "removed_field_uses",
    "rename_process", "replay", "reset_targets", "reset_to", "ResetRefused", "ResetTarget", "restore_workflow",
    "RestrictedEnvironment", "save_workflow", "ScriptFailure", "spec_changes", "STEP_LABELS", "STEPS",
    "TaskNotReady", "unarchive", "UnsafeXml", "UnsupportedState", "UserTaskInfo", "WorkflowCodec",
    "WorkflowRuntime", "write_saves"
]
