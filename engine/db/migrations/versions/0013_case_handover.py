"""Case handover: batches, their cases with the version seen, and the previous organisation's read-only grants.

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

from engine.db.base import UtcDateTime

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'handover_batch',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
        sa.Column('from_organisation_id', sa.Integer(), nullable=False),
        sa.Column('from_user_id', sa.Integer(), nullable=True),
        sa.Column('municipality_id', sa.Integer(), nullable=True),
        sa.Column('to_organisation_id', sa.Integer(), nullable=False),
        sa.Column('to_user_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('executed_at', UtcDateTime(timezone=True), nullable=True),
        sa.Column('handed_over', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_handover_batch_created_by_app_user')),
        sa.ForeignKeyConstraint(['from_organisation_id'], ['organisation.id'],
                                name=op.f('fk_handover_batch_from_organisation_id_organisation')),
        sa.ForeignKeyConstraint(['from_user_id'], ['app_user.id'], name=op.f('fk_handover_batch_from_user_id_app_user')),
        sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'],
                                name=op.f('fk_handover_batch_municipality_id_municipality')),
        sa.ForeignKeyConstraint(['to_organisation_id'], ['organisation.id'],
                                name=op.f('fk_handover_batch_to_organisation_id_organisation')),
        sa.ForeignKeyConstraint(['to_user_id'], ['app_user.id'], name=op.f('fk_handover_batch_to_user_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_batch')),
    )
    op.create_table(
        'handover_case',
        sa.Column('batch_id', sa.String(length=36), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('from_user_id', sa.Integer(), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(['batch_id'], ['handover_batch.id'], name=op.f('fk_handover_case_batch_id_handover_batch')),
        sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_handover_case_case_id_client_case')),
        sa.ForeignKeyConstraint(['from_user_id'], ['app_user.id'], name=op.f('fk_handover_case_from_user_id_app_user')),
        sa.PrimaryKeyConstraint('batch_id', 'case_id', name=op.f('pk_handover_case')),
    )
    op.create_index('ix_handover_case_case_id', 'handover_case', ['case_id'], unique=False)
    op.create_table(
        'case_access_grant',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('until', UtcDateTime(timezone=True), nullable=False),
        sa.Column('batch_id', sa.String(length=36), nullable=False),
        sa.Column('previous_user_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_case_access_grant_case_id_client_case')),
        sa.ForeignKeyConstraint(['previous_user_id'], ['app_user.id'],
                                name=op.f('fk_case_access_grant_previous_user_id_app_user')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_case_access_grant_organisation_id_organisation')),
        sa.ForeignKeyConstraint(['batch_id'], ['handover_batch.id'],
                                name=op.f('fk_case_access_grant_batch_id_handover_batch')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_access_grant')),
    )
    op.create_index('ix_case_access_grant_case_org', 'case_access_grant', ['case_id', 'organisation_id', 'until'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_access_grant_case_org', table_name='case_access_grant')
    op.drop_table('case_access_grant')
    op.drop_index('ix_handover_case_case_id', table_name='handover_case')
    op.drop_table('handover_case')
    op.drop_table('handover_batch')
