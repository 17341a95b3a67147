"""audit chain: hash-chained events, append-only triggers, verification runs, conformance results

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

Existing events are chained in id order. The triggers refuse UPDATE and DELETE on `event` except the one
sanctioned update, an authorised redaction (payload replaced, `redacted_at` set, chain columns untouched).
Note for later migrations: SQLite's batch mode recreates a table, which drops its triggers — a migration that
batch-alters `event` must create them again (`create_triggers` below).
"""
from alembic import op
import sqlalchemy as sa
import engine.db.base
from sqlalchemy.dialects import postgresql

from engine.db.chain import GENESIS, chain_hash, payload_digest

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
CHAIN_COLUMNS = ("id", "seq", "at", "actor_id", "case_id", "kind", "payload_digest", "prev_hash", "hash")
SQLITE_TRIGGERS = [
    "CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN "
    "SELECT RAISE(ABORT, 'Das Ereignisprotokoll ist unveränderlich: Löschen verweigert'); END",
    "CREATE TRIGGER event_no_update BEFORE UPDATE ON event WHEN NOT (NEW.redacted_at IS NOT NULL AND "
    + " AND ".join(f"NEW.{c} IS OLD.{c}" for c in CHAIN_COLUMNS) + ") BEGIN "
    "SELECT RAISE(ABORT, 'Das Ereignisprotokoll ist unveränderlich: Ändern verweigert'); END",
    "CREATE TRIGGER event_chain_head_no_delete BEFORE DELETE ON event_chain_head BEGIN "
    "SELECT RAISE(ABORT, 'Der Kettenkopf darf nicht gelöscht werden'); END",
    "CREATE TRIGGER event_chain_head_forward BEFORE UPDATE ON event_chain_head WHEN NEW.seq < OLD.seq BEGIN "
    "SELECT RAISE(ABORT, 'Der Kettenkopf darf nicht zurückgesetzt werden'); END",
]
PG_TRIGGERS = [
    """CREATE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.redacted_at IS NOT NULL AND """
    + " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in CHAIN_COLUMNS) + """ THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'Das Ereignisprotokoll ist unveränderlich: % verweigert', TG_OP;
END $$""",
    "CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event FOR EACH ROW "
    "EXECUTE FUNCTION event_append_only()",
    """CREATE FUNCTION event_chain_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.seq >= OLD.seq THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'Der Kettenkopf darf nicht gelöscht oder zurückgesetzt werden';
END $$""",
    "CREATE TRIGGER event_chain_head_forward BEFORE UPDATE OR DELETE ON event_chain_head FOR EACH ROW "
    "EXECUTE FUNCTION event_chain_head_forward()",
]


def create_triggers() -> None:
    """The append-only triggers of the dialect in use."""
    for statement in (PG_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS):
        op.execute(statement)


def _chain_existing_events() -> tuple[int, str]:
    conn = op.get_bind()
    event = sa.table("event", sa.column("id", BigId), sa.column("at", engine.db.base.UtcDateTime(timezone=True)),
                     sa.column("actor_id", sa.Integer()), sa.column("case_id", sa.String()),
                     sa.column("kind", sa.String()), sa.column("payload", engine.db.base.JsonType),
                     sa.column("seq", BigId), sa.column("payload_digest", sa.String()),
                     sa.column("prev_hash", sa.String()), sa.column("hash", sa.String()))
    seq, prev, last_id = 0, GENESIS, -1
    while True:
        rows = conn.execute(sa.select(event.c.id, event.c.at, event.c.actor_id, event.c.case_id, event.c.kind,
                                      event.c.payload).where(event.c.id > last_id)
                            .order_by(event.c.id).limit(5000)).all()
        if not rows:
            return seq, prev
        updates = []
        for row in rows:
            seq += 1
            digest = payload_digest(row.payload)
            new_hash = chain_hash(prev, seq, row.at, row.actor_id, row.case_id, row.kind, digest)
            updates.append({"b_id": row.id, "seq": seq, "payload_digest": digest, "prev_hash": prev,
                            "hash": new_hash})
            prev, last_id = new_hash, row.id
        conn.execute(event.update().where(event.c.id == sa.bindparam("b_id"))
                     .values(seq=sa.bindparam("seq"), payload_digest=sa.bindparam("payload_digest"),
                             prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash")), updates)


def upgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', BigId, nullable=True))
        batch_op.add_column(sa.Column('payload_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('redacted_at', engine.db.base.UtcDateTime(timezone=True), nullable=True))
    head_seq, head_hash = _chain_existing_events()
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=BigId, nullable=False)
        batch_op.alter_column('payload_digest', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_event_seq'), ['seq'])

    head = op.create_table('event_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', BigId, nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_chain_head'))
    )
    op.bulk_insert(head, [{"id": 1, "seq": head_seq, "hash": head_hash}])

    op.create_table('audit_verification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('triggered_by', sa.Integer(), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('events_checked', BigId, nullable=False),
    sa.Column('redacted', BigId, nullable=False),
    sa.Column('head_seq', BigId, nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('broken_seq', BigId, nullable=True),
    sa.Column('broken_event_id', BigId, nullable=True),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['triggered_by'], ['app_user.id'], name=op.f('fk_audit_verification_triggered_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_verification'))
    )
    with op.batch_alter_table('audit_verification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_verification_started_at'), ['started_at'], unique=False)

    op.create_table('conformance_result',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('fits', sa.Boolean(), nullable=False),
    sa.Column('explained', sa.Boolean(), nullable=False),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('deviations', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('explanations', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_conformance_result_case_id_client_case')),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'], name=op.f('fk_conformance_result_definition_id_process_definition')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_conformance_result'))
    )
    with op.batch_alter_table('conformance_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conformance_result_fits'), ['fits'], unique=False)
    create_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS event_append_only ON event")
        op.execute("DROP FUNCTION IF EXISTS event_append_only()")
        op.execute("DROP TRIGGER IF EXISTS event_chain_head_forward ON event_chain_head")
        op.execute("DROP FUNCTION IF EXISTS event_chain_head_forward()")
    else:
        for name in ("event_no_delete", "event_no_update", "event_chain_head_no_delete", "event_chain_head_forward"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table('conformance_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conformance_result_fits'))
    op.drop_table('conformance_result')
    with op.batch_alter_table('audit_verification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_verification_started_at'))
    op.drop_table('audit_verification')
    op.drop_table('event_chain_head')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_event_seq'), type_='unique')
        batch_op.drop_column('redacted_at')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('payload_digest')
        batch_op.drop_column('seq')
