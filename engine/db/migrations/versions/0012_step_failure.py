"""The last failed task completion per case, for the repair of errored cases.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

from engine.db.base import UtcDateTime

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'step_failure',
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('task_title', sa.String(length=200), nullable=True),
        sa.Column('element_id', sa.String(length=100), nullable=True),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('failed_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('failed_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name='fk_step_failure_case_id_client_case'),
        sa.ForeignKeyConstraint(['failed_by'], ['app_user.id'], name='fk_step_failure_failed_by_app_user'),
        sa.PrimaryKeyConstraint('case_id', name='pk_step_failure'),
    )
    op.create_index('ix_step_failure_failed_at', 'step_failure', ['failed_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_step_failure_failed_at', table_name='step_failure')
    op.drop_table('step_failure')
