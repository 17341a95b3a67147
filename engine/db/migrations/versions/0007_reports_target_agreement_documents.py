"""eligible persons per municipality and period; kept target agreement PDFs

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import engine.db.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('eligible_persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('recorded_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_eligible_persons_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_eligible_persons_recorded_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligible_persons'))
    )
    with op.batch_alter_table('eligible_persons', schema=None) as batch_op:
        batch_op.create_index('ix_eligible_persons_period', ['year', 'quarter', 'municipality_id', 'recorded_at'], unique=False)

    op.create_table('target_agreement_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_target_agreement_document_case_id_client_case')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_target_agreement_document_created_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_agreement_document')),
    sa.UniqueConstraint('case_id', 'version', name=op.f('uq_target_agreement_document_case_id'))
    )
    with op.batch_alter_table('target_agreement_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_agreement_document_case_id'), ['case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('target_agreement_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_agreement_document_case_id'))

    op.drop_table('target_agreement_document')
    with op.batch_alter_table('eligible_persons', schema=None) as batch_op:
        batch_op.drop_index('ix_eligible_persons_period')

    op.drop_table('eligible_persons')
