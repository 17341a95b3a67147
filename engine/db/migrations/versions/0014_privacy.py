"""privacy: consent records, processing restriction, anonymisation marker, append-only access log

Revision ID: 0014
Revises: 0013

Existing consents (Case.consent_date/consent_scope) become the first consent record of their case, recorded
by whoever completed the consent task. The access log refuses UPDATE and DELETE through triggers, like `event`.
"""
import sqlalchemy as sa
from alembic import op

from engine.db.base import JsonType, UtcDateTime

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
# Consents recorded before this migration (Case.consent_date/scope) become the case's first consent record.
BACKFILL = (
    "INSERT INTO consent_record (case_id, client_id, purposes, given_on, form, recorded_by, recorded_at) "
    "SELECT c.id, c.client_id, c.consent_scope, c.consent_date, 'written', "
    "(SELECT MIN(e.actor_id) FROM event e WHERE e.case_id = c.id AND e.kind = 'consent_recorded'), c.updated_at "
    "FROM client_case c WHERE c.consent_date IS NOT NULL AND c.consent_scope IS NOT NULL")
SQLITE_TRIGGERS = [
    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log BEGIN "
    "SELECT RAISE(ABORT, 'Das Zugriffsprotokoll ist unveränderlich: Ändern verweigert'); END",
    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log BEGIN "
    "SELECT RAISE(ABORT, 'Das Zugriffsprotokoll ist unveränderlich: Löschen verweigert'); END",
]
PG_TRIGGERS = [
    """CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'Das Zugriffsprotokoll ist unveränderlich: % verweigert', TG_OP;
END $$""",
    "CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW "
    "EXECUTE FUNCTION access_log_append_only()",
]


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): client_case is referenced by most tables.
    op.add_column('client_case', sa.Column('processing_restricted', sa.Boolean(), server_default=sa.false(),
                                           nullable=False))
    op.add_column('client_case', sa.Column('anonymised_at', UtcDateTime(timezone=True), nullable=True))
    op.create_index('ix_case_status_closed_on', 'client_case', ['status', 'closed_on'], unique=False)

    op.create_table(
        'consent_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('client_id', sa.String(length=36), nullable=False),
        sa.Column('household_member_id', sa.Integer(), nullable=True),
        sa.Column('purposes', JsonType, nullable=False),
        sa.Column('given_on', sa.Date(), nullable=False),
        sa.Column('form', sa.String(length=30), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_by', sa.Integer(), nullable=True),
        sa.Column('recorded_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_purposes', JsonType, nullable=True),
        sa.Column('withdrawn_on', sa.Date(), nullable=True),
        sa.Column('withdrawn_by', sa.Integer(), nullable=True),
        sa.Column('withdrawal_note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_consent_record_case_id_client_case')),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_consent_record_client_id_client')),
        sa.ForeignKeyConstraint(['household_member_id'], ['household_member.id'],
                                name=op.f('fk_consent_record_household_member_id_household_member')),
        sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_consent_record_recorded_by_app_user')),
        sa.ForeignKeyConstraint(['withdrawn_by'], ['app_user.id'], name=op.f('fk_consent_record_withdrawn_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_record')),
    )
    op.create_index(op.f('ix_consent_record_case_id'), 'consent_record', ['case_id'], unique=False)
    op.execute(BACKFILL)

    op.create_table(
        'access_log',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('case_id', sa.String(length=36), nullable=True),
        sa.Column('client_id', sa.String(length=36), nullable=True),
        sa.Column('action', sa.String(length=30), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_access_log_user_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log')),
    )
    op.create_index('ix_access_log_case_at', 'access_log', ['case_id', 'at'], unique=False)
    op.create_index('ix_access_log_user_at', 'access_log', ['user_id', 'at'], unique=False)
    op.create_index('ix_access_log_at', 'access_log', ['at'], unique=False)
    for statement in (PG_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS access_log_append_only ON access_log")
        op.execute("DROP FUNCTION IF EXISTS access_log_append_only()")
    op.drop_table('access_log')
    op.drop_index(op.f('ix_consent_record_case_id'), table_name='consent_record')
    op.drop_table('consent_record')
    with op.batch_alter_table('client_case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_status_closed_on')
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('processing_restricted')
