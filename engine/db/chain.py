"""The digests of the hash-chained event log: canonical JSON of a payload and the hash of one chain link.

Part of the stored format (migration 0005 chains existing rows with them), so they live beside the table.
"""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64


def _plain(value):
    # What a JSON column gives back: string keys, and integral floats as numbers PostgreSQL may print as ints.
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical_json(value) -> str:
    """The one text form a payload is hashed in (sorted keys, no spaces, UTF-8), equal before and after storage."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload_digest(payload: dict) -> str:
    """SHA-256 of a payload's canonical JSON."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def utc_iso(at: datetime) -> str:
    """A timestamp as hashed: UTC, ISO 8601 with microseconds."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def chain_hash(prev_hash: str, seq: int, at: datetime, actor_id: int | None, case_id: str | None, kind: str,
               digest: str) -> str:
    """The hash of one chain link: its predecessor's hash plus the canonical JSON of its fields."""
    body = json.dumps([seq, utc_iso(at), actor_id, case_id, kind, digest], separators=(",", ":"),
                      ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()
