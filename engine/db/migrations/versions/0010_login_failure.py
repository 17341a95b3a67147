"""Failed sign-in attempts for throttling and lockout.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

from engine.db.base import UtcDateTime

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('username', sa.String(length=80), nullable=False),
        sa.Column('client_ip', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_login_failure_username_at', 'login_failure', ['username', 'at'], unique=False)
    op.create_index('ix_login_failure_client_at', 'login_failure', ['client_ip', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_login_failure_client_at', table_name='login_failure')
    op.drop_index('ix_login_failure_username_at', table_name='login_failure')
    op.drop_table('login_failure')
