"""Read paths at scale: worklist order and client-name indexes; trigram search on PostgreSQL.

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('open_task', schema=None) as batch_op:
        batch_op.create_index('ix_open_task_org_due', ['organisation_id', 'due_on', 'created_at', 'id'], unique=False)
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_index('ix_client_last_name')
        batch_op.create_index('ix_client_name', ['last_name', 'first_name'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
        available = bind.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").first()
        if available:
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            # The extension may live in another schema than ours (search_path): qualify its operator class.
            schema = bind.exec_driver_sql("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                          "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'").scalar()
            ops = f'"{schema}".gin_trgm_ops'
            op.execute("CREATE INDEX ix_client_name_trgm ON client "
                       f"USING gin (lower(last_name || ' ' || first_name) {ops})")
            op.execute(f"CREATE INDEX ix_client_case_reference_trgm ON client_case USING gin (lower(reference) {ops})")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_client_case_reference_trgm")
        op.execute("DROP INDEX IF EXISTS ix_client_name_trgm")
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_index('ix_client_name')
        batch_op.create_index('ix_client_last_name', ['last_name'], unique=False)
    with op.batch_alter_table('open_task', schema=None) as batch_op:
        batch_op.drop_index('ix_open_task_org_due')
