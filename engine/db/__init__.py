"""Database schema (SQLAlchemy 2 mapped classes) and engine construction."""
from engine.db.audit import AuditVerification
from engine.db.authoring import DefinitionDraft, FormDraft, FormVersion
from engine.db.base import Base, UtcDateTime, new_id
from engine.db.cases import Case, Client, HouseholdMember
from engine.db.compliance import RuleSetVersion
from engine.db.conformance import ConformanceResult
from engine.db.events import Event, EventChainHead
from engine.db.handover import CaseAccessGrant, HandoverBatch, HandoverCase
from engine.db.login_guard import LoginFailure
from engine.db.plan import AssessmentArea, Contact, Goal, Note, Setting
from engine.db.privacy import AccessLog, ConsentRecord
from engine.db.reminders import OutgoingMail, Reminder
from engine.db.reporting import EligiblePersons, TargetAgreementDocument
from engine.db.step_failure import StepFailure
from engine.db.tenancy import Municipality, Organisation, User, UserMunicipality
from engine.db.workflow_tables import (
    CompletedTask,
    OpenTask,
    ProcessDefinition,
    WorkflowState,
    WorkflowTask,
    WorkflowTaskArchive,
)

__all__ = [
    "Base", "UtcDateTime", "new_id", "Case", "Client", "HouseholdMember", "Event", "AssessmentArea", "Contact",
    "Goal", "Note",
    "Setting", "OutgoingMail", "Reminder", "EligiblePersons", "TargetAgreementDocument",
    "Municipality", "Organisation", "User", "UserMunicipality",
    "CompletedTask", "OpenTask", "ProcessDefinition", "WorkflowState", "WorkflowTask", "WorkflowTaskArchive",
    "RuleSetVersion", "AuditVerification", "ConformanceResult", "EventChainHead", "LoginFailure",
    "StepFailure",
    "CaseAccessGrant", "HandoverBatch", "HandoverCase",
    "AccessLog", "ConsentRecord",
    "DefinitionDraft", "FormDraft", "FormVersion",
]
