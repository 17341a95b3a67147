"""The access matrix: every endpoint, which roles may use it, whether a case's tenancy applies; enforced centrally.

The services keep their own checks (defence in depth); this table is the one place that says who may call what.
An endpoint missing from the table is refused (fail closed), so a new route needs a rule before anyone can use it.
Print the README table with `python3 -m web.access_matrix`.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g, request
from flask_login import current_user

from engine.base import ROLE_LABELS, read_only_refusal, read_only_until, readable_case
from engine.errors import Forbidden
from engine.network import EDIT_REFUSAL as PARTNER_REFUSAL
from engine.network import PARTNER_EDITORS

from .deps import actor, reader
from .extensions import login_manager
from .privacy_guard import refuse_if_restricted

ROLES = ("caseworker", "supervisor", "compliance", "admin", "privacy")
ALL = frozenset(ROLES)
EDITORS = frozenset({"caseworker", "supervisor"})
SUPERVISOR = frozenset({"supervisor"})
OVERSIGHT = frozenset({"supervisor", "compliance", "admin"})
DISTRICT = frozenset({"compliance", "admin"})
ADMIN = frozenset({"admin"})
MIGRATORS = frozenset({"supervisor", "admin"})
MIGRATION_REFUSAL = "Nur Teamleitung und Administration können Fälle migrieren oder reparieren."
HANDOVER = frozenset({"supervisor", "admin"})
PRIVACY = frozenset({"privacy"})
SUBJECT_ACCESS = frozenset({"supervisor", "privacy"})
RETENTION = frozenset({"privacy", "admin"})
AUTHORS = frozenset({"supervisor", "admin"})
NOBODY: frozenset[str] = frozenset()
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
# Reachable without signing in: the second factor's code and the identity provider's way back come before the
# session exists; /metrics checks its own token or address list; the API's document and reference are public.
PUBLIC = frozenset({"static", "favicon", "auth.login", "accessibility.statement", "health.alive", "health.ready",
                    "second_factor.verify", "sso.start", "sso.callback", "metrics.scrape", "api-docs.openapi_json",
                    "api_reference.index", "appointments.feed"})
AUTHOR_REFUSAL = "Prozesse und Formulare dürfen nur Teamleitungen und die Administration ändern."
DASHBOARD_REFUSAL = ("Das Compliance-Dashboard ist der Fachaufsicht, der Administration und den Teamleitungen "
                     "vorbehalten.")
SUBJECT_ACCESS_REFUSAL = "Die Auskunft nach Art. 15 DSGVO erstellen Teamleitung und Datenschutz."
ACCESS_LOG_REFUSAL = "Das Zugriffsprotokoll ist dem Datenschutz vorbehalten."
PARTNER_KEEPERS = frozenset(PARTNER_EDITORS)


@dataclass(frozen=True)
class Rule:
    """Who may read (GET) and who may write (POST) through one endpoint; `case` means the URL names a case."""

    get: frozenset[str] = NOBODY
    post: frozenset[str] = NOBODY
    case: bool = False
    message: str = ""  # the refusal in the words the service itself uses, where it has its own


MATRIX: dict[str, Rule] = {
    "auth.logout": Rule(post=ALL),
    "worklist.index": Rule(get=ALL),
    "caseload.index": Rule(get=OVERSIGHT),
    "caseload.funding": Rule(get=OVERSIGHT),
    "caseload.funding_export": Rule(get=OVERSIGHT),
    "caseload.record_position": Rule(post=DISTRICT),
    "worklist.claim": Rule(post=EDITORS),
    "worklist.unclaim": Rule(post=EDITORS),
    "worklist.assign": Rule(post=SUPERVISOR, message="Nur die Teamleitung kann Aufgaben zuweisen."),
    "cases.index": Rule(get=ALL),
    "cases.new": Rule(get=EDITORS, post=EDITORS),
    "cases.detail": Rule(get=ALL, case=True),
    "cases.add_contact": Rule(post=EDITORS, case=True),
    "cases.add_case_note": Rule(post=EDITORS, case=True),
    "cases.start_process": Rule(post=EDITORS, case=True),
    "cases.retry_timer": Rule(post=frozenset({"supervisor", "admin"}), case=True),
    "cases.diagram": Rule(get=ALL),
    "documents.upload": Rule(post=EDITORS, case=True),
    "documents.download": Rule(get=ALL, case=True),
    "documents.remove": Rule(post=EDITORS, case=True),
    "tasks.form": Rule(get=ALL, post=EDITORS, case=True),
    "inbox.index": Rule(get=ALL),
    "inbox.read": Rule(post=ALL),
    "inbox.read_all": Rule(post=ALL),
    "deadlines.index": Rule(get=OVERSIGHT),
    "admin.mail": Rule(get=ADMIN),
    "admin.retry": Rule(post=ADMIN),
    # Benutzerverwaltung (issue 17): the admin only; every change is an audited event.
    "users.index": Rule(get=ADMIN),
    "users.new": Rule(get=ADMIN, post=ADMIN),
    "users.edit": Rule(get=ADMIN, post=ADMIN),
    "users.deactivate": Rule(post=ADMIN),
    "users.reactivate": Rule(post=ADMIN),
    "users.password": Rule(post=ADMIN),
    "users.remove_second_factor": Rule(post=ADMIN),
    "organisations.index": Rule(get=ADMIN),
    "organisations.add_organisation": Rule(post=ADMIN),
    "organisations.add_municipality": Rule(post=ADMIN),
    "organisations.delegation": Rule(post=ADMIN),
    "auth.change_password": Rule(get=ALL, post=ALL),
    "second_factor.setup": Rule(get=ALL, post=ALL),
    "compliance.index": Rule(get=OVERSIGHT, message=DASHBOARD_REFUSAL),
    "compliance.findings_csv": Rule(get=OVERSIGHT, message=DASHBOARD_REFUSAL),
    "compliance.chart": Rule(get=OVERSIGHT, message=DASHBOARD_REFUSAL),
    "compliance.rules": Rule(get=OVERSIGHT, post=DISTRICT),
    "compliance.extension": Rule(get=SUPERVISOR, post=SUPERVISOR, case=True),
    "audit.index": Rule(get=DISTRICT),
    "audit.verify": Rule(post=DISTRICT),
    "audit.conformance": Rule(get=DISTRICT),
    "audit.check_conformance": Rule(post=DISTRICT),
    "reports.index": Rule(get=OVERSIGHT),
    "reports.export": Rule(get=OVERSIGHT),
    "reports.form_data": Rule(get=OVERSIGHT),
    "reports.eligible": Rule(post=DISTRICT),
    "reports.print_agreement": Rule(post=EDITORS, case=True),
    "reports.agreement_pdf": Rule(get=ALL, case=True),
    "agreement_language.client_language": Rule(post=EDITORS, case=True),
    "agreement_language.goal_translation": Rule(post=EDITORS, case=True),
    "migration.preview": Rule(get=MIGRATORS, message=MIGRATION_REFUSAL),
    "migration.migrate": Rule(post=MIGRATORS, message=MIGRATION_REFUSAL),
    "migration.revert": Rule(post=MIGRATORS, case=True, message=MIGRATION_REFUSAL),
    "migration.errored": Rule(get=MIGRATORS, message=MIGRATION_REFUSAL),
    "migration.repair": Rule(get=MIGRATORS, case=True, message=MIGRATION_REFUSAL),
    "migration.retry": Rule(post=MIGRATORS, case=True, message=MIGRATION_REFUSAL),
    "migration.fixed_version": Rule(post=MIGRATORS, case=True, message=MIGRATION_REFUSAL),
    "migration.reset": Rule(post=MIGRATORS, case=True, message=MIGRATION_REFUSAL),
    # Fallübergabe (issue 7): the giving organisation's team lead, the admin for everything.
    "handover.case_handover": Rule(get=HANDOVER, post=HANDOVER, case=True,
                                   message="Nur die Teamleitung oder die Administration kann Fälle übergeben."),
    "handover.index": Rule(get=HANDOVER),
    "handover.prepare": Rule(post=HANDOVER),
    "handover.execute": Rule(post=HANDOVER),
    "handover.settings": Rule(post=ADMIN),
    # Data protection (web/privacy.py): consent and rectification are case work; export, log and retention are
    # the data-protection officer's (the export also the team lead's).
    "privacy.record_consent": Rule(post=EDITORS, case=True),
    "privacy.withdraw_consent": Rule(post=EDITORS, case=True),
    "privacy.close_restricted": Rule(post=EDITORS, case=True),
    "privacy.rectify": Rule(get=EDITORS, post=EDITORS, case=True),
    "privacy.export_json": Rule(get=SUBJECT_ACCESS, case=True, message=SUBJECT_ACCESS_REFUSAL),
    "privacy.export_pdf": Rule(get=SUBJECT_ACCESS, case=True, message=SUBJECT_ACCESS_REFUSAL),
    "privacy.export_archive": Rule(get=SUBJECT_ACCESS, case=True, message=SUBJECT_ACCESS_REFUSAL),
    "privacy.access_log": Rule(get=PRIVACY, message=ACCESS_LOG_REFUSAL),
    "privacy.access_log_csv": Rule(get=PRIVACY, message=ACCESS_LOG_REFUSAL),
    "privacy.retention": Rule(get=RETENTION, post=RETENTION),
    # Prozesse: supervisors and admins author and deploy (district-wide); compliance may read the versions,
    # view and compare them (which process did a case run on?), but never sees drafts or editors.
    "definitions.index": Rule(get=OVERSIGHT),
    "definitions.view": Rule(get=OVERSIGHT),
    "definitions.download": Rule(get=OVERSIGHT),
    "definitions.compare": Rule(get=OVERSIGHT),
    "definitions.form_version_json": Rule(get=OVERSIGHT),
    "definitions.edit": Rule(get=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.draft_xml": Rule(get=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.save": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.check": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.upload": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.discard": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.deploy": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.adopt": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.form_edit": Rule(get=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.tables": Rule(get=OVERSIGHT),
    "definitions.table_download": Rule(get=OVERSIGHT),
    "definitions.table_compare": Rule(get=OVERSIGHT),
    "definitions.table_edit": Rule(get=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.table_test": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.table_check": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.table_deploy": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.table_redeploy": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.form_schema": Rule(get=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.form_save": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.form_discard": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.form_deploy": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.new_process": Rule(get=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.create_process_draft": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.new_form": Rule(get=AUTHORS, message=AUTHOR_REFUSAL),
    "definitions.create_form_draft": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "webhooks.index": Rule(get=ADMIN, post=ADMIN, message="Webhooks richtet nur die Administration ein."),
    "webhooks.deactivate": Rule(post=ADMIN, message="Webhooks richtet nur die Administration ein."),
    "webhooks.resend": Rule(post=ADMIN, message="Webhooks richtet nur die Administration ein."),
    # API-Zugänge: everyone manages their own tokens (web/tokens.py).
    "tokens.index": Rule(get=ALL, post=ALL),
    "tokens.revoke": Rule(post=ALL),
    # REST API /api/v1 (web/api/): the same rules as the pages it mirrors; a bearer token stands for its user.
    "api_cases.search": Rule(get=ALL),
    "api_cases.intake": Rule(post=EDITORS),
    "api_cases.detail": Rule(get=ALL, case=True),
    "api_cases.add_case_note": Rule(post=EDITORS, case=True),
    "api_cases.events": Rule(get=ALL, case=True),
    "api_tasks.worklist_view": Rule(get=ALL),
    "api_tasks.detail": Rule(get=ALL, case=True),
    "api_tasks.complete": Rule(post=EDITORS, case=True),
    "api_tasks.claim": Rule(post=EDITORS),
    "api_tasks.release": Rule(post=EDITORS),
    "api_tasks.assign": Rule(post=SUPERVISOR, message="Nur die Teamleitung kann Aufgaben zuweisen."),
    "api_definitions.index": Rule(get=OVERSIGHT),
    "api_definitions.version_xml": Rule(get=OVERSIGHT),
    "api_definitions.deploy": Rule(post=AUTHORS, message=AUTHOR_REFUSAL),
    "api_reports.state": Rule(get=OVERSIGHT),
    "api_webhooks.index": Rule(get=ADMIN, message="Webhooks richtet nur die Administration ein."),
    "api_webhooks.register": Rule(post=ADMIN, message="Webhooks richtet nur die Administration ein."),
    "api_webhooks.resend": Rule(post=ADMIN, message="Webhooks richtet nur die Administration ein."),
    "api_deadlines.index": Rule(get=OVERSIGHT),
    "api_inbox.index": Rule(get=ALL),
    "api_inbox.read": Rule(post=ALL),
    "api_inbox.read_all": Rule(post=ALL),
    # Netzwerk und Termine (issue 18): everyone reads the partner directory, team leads and the administration keep
    # it; referrals and appointments are case work. The iCal feed is public: its secret token is the key.
    "partners.index": Rule(get=ALL),
    "partners.new": Rule(get=PARTNER_KEEPERS, post=PARTNER_KEEPERS, message=PARTNER_REFUSAL),
    "partners.edit": Rule(get=PARTNER_KEEPERS, post=PARTNER_KEEPERS, message=PARTNER_REFUSAL),
    "partners.add_referral": Rule(post=EDITORS, case=True),
    "partners.referral_outcome": Rule(post=EDITORS, case=True),
    "appointments.add": Rule(post=EDITORS, case=True),
    "appointments.reschedule": Rule(post=EDITORS, case=True),
    "appointments.cancel": Rule(post=EDITORS, case=True),
    "appointments.week": Rule(get=EDITORS),
    "appointments.issue_calendar": Rule(post=EDITORS),
    "appointments.revoke_calendar": Rule(post=EDITORS),
}


def allowed(endpoint: str, method: str, role: str) -> bool:
    """Whether a role may call an endpoint with a method (unknown endpoints: nobody)."""
    if endpoint in PUBLIC:
        return True
    rule = MATRIX.get(endpoint)
    if rule is None:
        return False
    return role in (rule.get if method in READ_METHODS else rule.post)


def register(app) -> None:
    """Check every request against the matrix before its view runs."""
    app.before_request(_enforce)


def _enforce():
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC:
        return None  # no route matched: routing answers 404/405 itself
    if endpoint not in MATRIX:
        abort(403)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not allowed(endpoint, request.method, actor().role):
        raise Forbidden(refusal(endpoint, request.method))
    case_id = (request.view_args or {}).get("case_id")
    if MATRIX[endpoint].case and case_id is not None:
        with reader() as r:  # another tenant's case id: 404, as if it did not exist
            case = _check_case(r, case_id)
            if request.method not in READ_METHODS:
                refuse_if_restricted(endpoint, case)
        # The request's reader holds loaded objects weakly: kept here, the view's own access check finds the
        # case in its session instead of loading it again (one statement less per case page and task form).
        g.checked_case = case
    return None


def _check_case(r, case_id: str):
    """404 for a case out of reach; within a handover's read-only period reads pass and writes are refused."""
    case = readable_case(r, actor(), case_id)  # with its client, which the case page and task form show
    if request.method not in READ_METHODS:
        until = read_only_until(r.session, actor(), case, r.clock.now())
        if until is not None:
            raise Forbidden(read_only_refusal(until))
    return case


def refusal(endpoint: str, method: str) -> str:
    """The German message for a role the matrix refuses."""
    rule = MATRIX[endpoint]
    roles = rule.get if method in READ_METHODS else rule.post
    if rule.message:
        return rule.message
    if not roles:
        return "Diese Aktion ist hier nicht möglich."
    return "Dafür fehlt Ihrer Rolle die Berechtigung. Vorbehalten: " + ", ".join(
        ROLE_LABELS[r] for r in ROLES if r in roles) + "."


def markdown_table(url_map) -> str:
    """The matrix as the Markdown table in the README (R = read, W = write, – = refused)."""
    paths: dict[str, list[str]] = {}
    for url_rule in url_map.iter_rules():
        paths.setdefault(url_rule.endpoint, []).append(url_rule.rule)
    head = "| Endpunkt | URL | Fallbezogen | " + " | ".join(ROLE_LABELS[r] for r in ROLES) + " |"
    lines = [head, "|" + "---|" * (len(ROLES) + 3)]
    for endpoint, rule in sorted(MATRIX.items()):
        cells = [("R" if role in rule.get else "") + ("W" if role in rule.post else "") or "–" for role in ROLES]
        url = ", ".join(f"`{p}`" for p in sorted(paths.get(endpoint, [])))
        lines.append(f"| `{endpoint}` | {url} | {'ja' if rule.case else ''} | " + " | ".join(cells) + " |")
    return "\n".join(lines)

