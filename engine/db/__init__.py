"""Database schema (SQLAlchemy 2 mapped classes) and engine construction."""
from .api_tokens import ApiToken
from .audit import AuditVerification
from .authoring import DefinitionDraft, FormDraft, FormVersion
from .base import Base, EncodedJson, UtcDateTime, new_id
from .cases import Case, Client, HouseholdMember
from .chain import GENESIS, canonical_json, chain_hash, payload_digest, utc_iso
from .compliance import RuleSetVersion
from .conformance import ConformanceResult
from .decisions import DecisionDefinition, DecisionOutcome
from .documents import CaseDocument
from .events import Event, EventChainHead
from .funding import FundedPosition
from .handover import CaseAccessGrant, HandoverBatch, HandoverCase
from .login_guard import LoginFailure
from .network import Appointment, CalendarFeed, Partner, Referral
from .pending_rows import insert_new_objects, update_by_key
from .pipeline import pipelined
from .plan import AssessmentArea, Contact, Goal, Note, Setting
from .prebuilt import Bound, DeferredWrites, Prebuilt
from .prebuilt_read import PrebuiltRead, attach_loaded
from .privacy import AccessLog, ConsentRecord
from .reminders import OutgoingMail, Reminder
from .reporting import EligiblePersons, TargetAgreementDocument
from .step_failure import StepFailure
from .tenancy import Municipality, MunicipalityDelegation, Organisation, User, UserMunicipality
from .webhooks import WebhookDelivery, WebhookEndpoint
from .workflow_tables import (
    CaseProcess,
    CompletedTask,
    OpenTask,
    ProcessDefinition,
    WorkflowState,
    WorkflowTask,
    WorkflowTaskArchive,
)

__all__ = [
    "Base", "EncodedJson", "UtcDateTime", "new_id", "GENESIS", "canonical_json", "chain_hash", "payload_digest",
    "utc_iso",
    "Case", "Client", "HouseholdMember", "Event", "AssessmentArea", "Contact",
    "Goal", "Note",
    "Setting", "OutgoingMail", "Reminder", "EligiblePersons", "TargetAgreementDocument",
    "Municipality", "MunicipalityDelegation", "Organisation", "User", "UserMunicipality",
    "CaseProcess", "CompletedTask", "OpenTask", "ProcessDefinition", "WorkflowState", "WorkflowTask",
    "WorkflowTaskArchive",
    "RuleSetVersion", "AuditVerification", "ConformanceResult", "EventChainHead", "LoginFailure",
    "StepFailure",
    "CaseAccessGrant", "HandoverBatch", "HandoverCase",
    "AccessLog", "ConsentRecord",
    "DefinitionDraft", "FormDraft", "FormVersion",
    "ApiToken", "WebhookDelivery", "WebhookEndpoint",
    "Appointment", "CalendarFeed", "CaseDocument", "DecisionDefinition", "DecisionOutcome", "FundedPosition",
    "Partner", "Prebuilt", "PrebuiltRead", "attach_loaded", "Bound", "DeferredWrites", "Referral",
    "insert_new_objects", "update_by_key", "pipelined",
]
