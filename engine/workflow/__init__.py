"""The SpiffWorkflow adapter: the only package of engine/ that imports SpiffWorkflow."""
from .codec import FORMAT_VERSION, WorkflowCodec
from .durations import add_duration, parse_duration
from .model import DefinitionError, ProcessModel, UserTaskInfo, parse_model
from .runtime import ReadyTask, ScriptFailure, TaskNotReady, WorkflowRuntime
from .script_engine import ForbiddenExpression, check_source, evaluate
from .store import UnsupportedState, load_workflow, save_workflow
from .xml_safety import UnsafeXml, parse_xml

__all__ = ["FORMAT_VERSION", "WorkflowCodec", "add_duration", "parse_duration", "DefinitionError", "ProcessModel",
           "UserTaskInfo", "parse_model", "ReadyTask", "ScriptFailure", "TaskNotReady", "WorkflowRuntime",
           "ForbiddenExpression", "check_source", "evaluate", "UnsupportedState", "load_workflow",
           "save_workflow", "UnsafeXml", "parse_xml"]
