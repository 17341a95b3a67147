"""compliance rules: versioned rules file, index for set-based rule checks

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa
import engine.db.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rule_set_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_rule_set_version_created_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_set_version')),
    sa.UniqueConstraint('version', name=op.f('uq_rule_set_version_version'))
    )
    with op.batch_alter_table('completed_task', schema=None) as batch_op:
        batch_op.create_index('ix_completed_task_spec_case', ['task_spec', 'case_id', 'completed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('completed_task', schema=None) as batch_op:
        batch_op.drop_index('ix_completed_task_spec_case')
    op.drop_table('rule_set_version')
