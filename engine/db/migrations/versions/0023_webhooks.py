"""webhooks: endpoints per organisation and the delivery outbox

Revision ID: 0023
Revises: 0022
"""
import sqlalchemy as sa
from alembic import op

from engine.db.base import JsonType, UtcDateTime

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'webhook_endpoint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('secret', sa.String(length=100), nullable=False),
        sa.Column('events', JsonType, nullable=False),
        sa.Column('personal_data', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.ForeignKeyConstraint(['created_by'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_webhook_endpoint_organisation_id', 'webhook_endpoint', ['organisation_id'], unique=False)
    op.create_table(
        'webhook_delivery',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=False),
        sa.Column('event_seq', BigId, nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=True),
        sa.Column('kind', sa.String(length=50), nullable=False),
        sa.Column('payload', JsonType, nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('claimed_until', UtcDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_status', sa.Integer(), nullable=True),
        sa.Column('delivered_at', UtcDateTime(timezone=True), nullable=True),
        sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoint.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_webhook_delivery_due', 'webhook_delivery', ['status', 'next_attempt_at'], unique=False)
    op.create_index('ix_webhook_delivery_order', 'webhook_delivery', ['endpoint_id', 'case_id', 'id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_webhook_delivery_order', table_name='webhook_delivery')
    op.drop_index('ix_webhook_delivery_due', table_name='webhook_delivery')
    op.drop_table('webhook_delivery')
    op.drop_index('ix_webhook_endpoint_organisation_id', table_name='webhook_endpoint')
    op.drop_table('webhook_endpoint')
