"""Authorised redaction of an event's payload (for anonymisation after the retention period).

The payload is replaced and an `event_redacted` event records the position and the digest of the new payload;
the chain hashes only the original digest, so the chain still verifies, and verification accepts the new
payload only because that redaction event (itself a chain link) says so. Any other edit still breaks the chain.
"""
from __future__ import annotations

from sqlalchemy import select, update

from engine.base import payload_digest, record_event
from engine.db import Event
from engine.errors import InvalidInput, NotFound

from .verify import REDACTION


def redact_event_payload(uow, event_id: int, payload: dict, reason: str, actor_id: int | None = None) -> None:
    """Replace one event's payload inside the caller's open unit of work (the caller commits).

    `payload` is the full replacement (e.g. the original with personal data removed); `reason` is stored in
    the redaction event, which names only the changed keys, never their old values.
    """
    if not (reason or "").strip():
        raise InvalidInput("Bitte einen Grund für die Schwärzung angeben.", {"reason": "Pflichtangabe."})
    if not isinstance(payload, dict):
        raise InvalidInput("Die geschwärzten Daten müssen ein Objekt sein.", {"payload": "Ungültig."})
    row = uow.session.execute(select(Event.id, Event.seq, Event.kind, Event.case_id, Event.payload)
                              .where(Event.id == event_id)).first()
    if row is None:
        raise NotFound(f"Das Ereignis {event_id} wurde nicht gefunden.")
    if row.kind == REDACTION:
        raise InvalidInput("Ein Schwärzungsvermerk kann nicht selbst geschwärzt werden.")
    old = row.payload or {}
    changed = sorted(k for k in set(old) | set(payload) if old.get(k, object()) != payload.get(k, object()))
    uow.session.execute(update(Event).where(Event.id == event_id)
                        .values(payload=payload, redacted_at=uow.clock.now())
                        .execution_options(synchronize_session=False))
    record_event(uow, REDACTION, actor_id, row.case_id, seq=row.seq, event_id=row.id,
                 digest=payload_digest(payload), fields=changed, reason=reason.strip()[:500])
