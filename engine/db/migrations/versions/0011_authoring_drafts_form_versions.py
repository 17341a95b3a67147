"""Authoring: definition drafts, deployed form versions, form drafts.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from engine.db.base import UtcDateTime

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        'definition_draft',
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('bpmn_xml', sa.Text(), nullable=False),
        sa.Column('based_on_definition_id', sa.Integer(), nullable=True),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.Column('updated_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['based_on_definition_id'], ['process_definition.id'],
                                name=op.f('fk_definition_draft_based_on_definition_id_process_definition')),
        sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], name=op.f('fk_definition_draft_updated_by_app_user')),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_definition_draft')),
    )
    op.create_table(
        'form_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('form_id', sa.String(length=100), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('schema', JSON, nullable=False),
        sa.Column('checksum', sa.String(length=64), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('deployed_by', sa.Integer(), nullable=True),
        sa.Column('deployed_at', UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['deployed_by'], ['app_user.id'], name=op.f('fk_form_version_deployed_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_version')),
        sa.UniqueConstraint('form_id', 'version', name=op.f('uq_form_version_form_id')),
    )
    op.create_table(
        'form_draft',
        sa.Column('form_id', sa.String(length=100), nullable=False),
        sa.Column('schema', JSON, nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.Column('updated_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], name=op.f('fk_form_draft_updated_by_app_user')),
        sa.PrimaryKeyConstraint('form_id', name=op.f('pk_form_draft')),
    )


def downgrade() -> None:
    op.drop_table('form_draft')
    op.drop_table('form_version')
    op.drop_table('definition_draft')
