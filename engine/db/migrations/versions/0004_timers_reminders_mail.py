"""timers reminders mail

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import engine.db.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('digest_day', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', engine.db.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['recipient_id'], ['app_user.id'], name=op.f('fk_outgoing_mail_recipient_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail')),
    sa.UniqueConstraint('recipient_id', 'digest_day', name='uq_outgoing_mail_digest')
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_mail_status_next', ['status', 'next_attempt_at'], unique=False)

    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('read_at', engine.db.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_reminder_case_id_client_case')),
    sa.ForeignKeyConstraint(['recipient_id'], ['app_user.id'], name=op.f('fk_reminder_recipient_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    sa.UniqueConstraint('case_id', 'kind', 'stage', 'period', 'recipient_id', name='uq_reminder_once')
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_reminder_recipient_unread', ['recipient_id', 'read_at'], unique=False)

    with op.batch_alter_table('workflow_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timer_claimed_until', engine.db.base.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('timer_claimed_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('timer_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('timer_error_at', engine.db.base.UtcDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('workflow_state', schema=None) as batch_op:
        batch_op.drop_column('timer_error_at')
        batch_op.drop_column('timer_error')
        batch_op.drop_column('timer_claimed_by')
        batch_op.drop_column('timer_claimed_until')

    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_recipient_unread')
        batch_op.drop_index(batch_op.f('ix_reminder_case_id'))

    op.drop_table('reminder')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_mail_status_next')

    op.drop_table('outgoing_mail')
