"""api tokens: personal access tokens for the REST API (hashed secret, name, scopes, expiry)

Revision ID: 0022
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

from engine.db.base import JsonType, UtcDateTime

revision = '0022'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('scopes', JsonType, nullable=False),
        sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', UtcDateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_api_token_user_id', 'api_token', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_api_token_user_id', table_name='api_token')
    op.drop_table('api_token')
