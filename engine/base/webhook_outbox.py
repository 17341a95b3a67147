"""The webhook outbox: events that matter to other systems become deliveries in the same transaction as the change.

Called while a transaction's events are appended to the log (event_chain), so a change that is rolled back leaves
no delivery behind, and a committed one always has its delivery. Payloads carry ids and kinds only; the case's
reference only for an endpoint explicitly allowed personal data.
"""
from __future__ import annotations

from sqlalchemy import insert, select

from engine.db import Case, WebhookDelivery, WebhookEndpoint, utc_iso

# Event kinds of the log → the webhook's event type, and the payload keys passed on (ids and codes, no names).
WEBHOOK_EVENTS = {
    "case_opened": ("case.created", ()),
    "task_completed": ("task.completed", ("task_id", "task", "form")),
    "case_closed": ("case.closed", ("reason", "closed_on")),
    "case_handed_over": ("case.handed_over", ("from_org", "to_org")),
    "deadline_overdue": ("deadline.overdue", ("task_id", "step", "due_on")),
}
WEBHOOK_TYPES = tuple(kind for kind, _keys in WEBHOOK_EVENTS.values())
_ACTIVE_ENDPOINTS = select(WebhookEndpoint.id, WebhookEndpoint.organisation_id, WebhookEndpoint.events,
                           WebhookEndpoint.personal_data).where(WebhookEndpoint.active.is_(True))


def queue_deliveries(conn, rows: list[dict]) -> int:
    """Insert one pending delivery per subscribed active endpoint for each announced event; returns how many."""
    relevant = [r for r in rows if r["kind"] in WEBHOOK_EVENTS and r["case_id"]]
    if not relevant:
        return 0
    endpoints = conn.execute(_ACTIVE_ENDPOINTS).all()
    if not endpoints:
        return 0
    cases = dict(conn.execute(select(Case.id, Case.organisation_id).where(
        Case.id.in_({r["case_id"] for r in relevant}))).all())
    references = dict(conn.execute(select(Case.id, Case.reference).where(Case.id.in_(cases))).all())
    deliveries = []
    for row in relevant:
        kind, keys = WEBHOOK_EVENTS[row["kind"]]
        orgs = {cases.get(row["case_id"])} | {row["payload"].get(k) for k in ("from_org", "to_org")}
        for endpoint in endpoints:
            if endpoint.organisation_id not in orgs or kind not in endpoint.events:
                continue
            payload = {"id": f"{row['seq']}-{endpoint.id}", "type": kind, "occurred_at": utc_iso(row["at"]),
                       "case_id": row["case_id"], "organisation_id": cases.get(row["case_id"]),
                       "data": {k: row["payload"][k] for k in keys if k in row["payload"]}}
            if endpoint.personal_data:
                payload["case_reference"] = references.get(row["case_id"])
            deliveries.append({"endpoint_id": endpoint.id, "event_seq": row["seq"], "case_id": row["case_id"],
                               "kind": kind, "payload": payload, "status": "pending", "attempts": 0,
                               "next_attempt_at": row["at"], "created_at": row["at"]})
    if deliveries:
        conn.execute(insert(WebhookDelivery.__table__), deliveries)
    return len(deliveries)
