"""Indexes for the deadline overview: due items counted off an index, counselling ends found without a scan.

Revision ID: 0015
Revises: 0014
"""
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_open_task_org_due_counts', 'open_task',
                    ['organisation_id', 'due_on', 'assignee_id', 'municipality_id'], unique=False)
    op.create_index('ix_case_org_status_counselling_end', 'client_case',
                    ['organisation_id', 'status', 'counselling_end'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_org_status_counselling_end', table_name='client_case')
    op.drop_index('ix_open_task_org_due_counts', table_name='open_task')
