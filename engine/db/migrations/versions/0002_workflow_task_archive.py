"""workflow task archive

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import engine.db.base

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workflow_task_archive',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('archived_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_workflow_task_archive_case_id_client_case')),
    sa.PrimaryKeyConstraint('case_id', 'task_id', name=op.f('pk_workflow_task_archive'))
    )


def downgrade() -> None:
    op.drop_table('workflow_task_archive')
