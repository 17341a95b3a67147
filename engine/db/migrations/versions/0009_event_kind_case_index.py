"""Index events by kind and case, so per-case facts (closed when, latest assignment) need no table reads.

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not batch mode: on SQLite a table rebuild would drop the event table's append-only triggers.
    op.create_index('ix_event_kind_case_at', 'event', ['kind', 'case_id', 'at'], unique=False,
                    postgresql_include=['id'])


def downgrade() -> None:
    op.drop_index('ix_event_kind_case_at', table_name='event')
