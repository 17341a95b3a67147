"""What happens because time passes: BPMN timers and their sweep, deadline reminders, the inbox, daily mail digests,
the deadline overview, webhook deliveries, and the scheduler that runs every periodic job.
"""
from .digests import queue_digests
from .notifications import inbox, mark_all_read, mark_read, unread_count
from .outbox import MAX_ATTEMPTS, mail_problems, require_admin, retry_mail, send_pending
from .overview import deadline_overview
from .overview_params import DETAIL_LIMIT, UNASSIGNED, DeadlineParams, DeadlineQuery, load_params
from .reminders import run_reminder_pass
from .scheduler import build_scheduler
from .timers import claim_due_cases, failed_timers, retry_timer, sweep_all_due, sweep_timers
from .webhook_delivery import SIGNATURE_HEADER, WebhookResult, deliver_webhooks, sign, verify_signature
from .webhook_endpoints import (
    RegisteredWebhook,
    WebhookLog,
    deactivate_webhook,
    register_webhook,
    resend_delivery,
    webhook_log,
)

__all__ = [
    "build_scheduler", "claim_due_cases", "deadline_overview", "DeadlineParams", "DETAIL_LIMIT",
    "DeadlineQuery", "failed_timers", "inbox", "load_params", "mail_problems", "mark_all_read", "mark_read",
    "MAX_ATTEMPTS",
    "queue_digests", "require_admin", "retry_mail", "retry_timer", "run_reminder_pass", "send_pending",
    "sweep_all_due", "sweep_timers", "UNASSIGNED", "unread_count", "SIGNATURE_HEADER", "WebhookResult",
    "deliver_webhooks", "sign", "verify_signature", "RegisteredWebhook", "deactivate_webhook", "register_webhook",
    "resend_delivery", "webhook_log", "WebhookLog"
]
