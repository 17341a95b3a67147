"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import engine.db.base

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('client',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('gender', sa.String(length=20), nullable=True),
    sa.Column('nationality', sa.String(length=100), nullable=True),
    sa.Column('languages', sa.String(length=200), nullable=True),
    sa.Column('interpreter_needed', sa.Boolean(), nullable=False),
    sa.Column('interpreter_language', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('accommodation_address', sa.String(length=300), nullable=True),
    sa.Column('residence_status', sa.String(length=50), nullable=False),
    sa.Column('residence_status_evidence', sa.String(length=300), nullable=True),
    sa.Column('au_since', sa.Date(), nullable=True),
    sa.Column('counselling_start', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client'))
    )
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_last_name'), ['last_name'], unique=False)

    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('name', name=op.f('uq_organisation_name'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_app_user_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('household_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=30), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_household_member_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_member'))
    )
    with op.batch_alter_table('household_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_member_client_id'), ['client_id'], unique=False)

    op.create_table('municipality',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_municipality_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipality')),
    sa.UniqueConstraint('name', name=op.f('uq_municipality_name'))
    )
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipality_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('process_definition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('bpmn_xml', sa.Text(), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('deployed_by', sa.Integer(), nullable=True),
    sa.Column('deployed_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deployed_by'], ['app_user.id'], name=op.f('fk_process_definition_deployed_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_definition')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_process_definition_key'))
    )
    op.create_table('user_municipality',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_user_municipality_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_municipality_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_municipality')),
    sa.UniqueConstraint('user_id', 'municipality_id', name=op.f('uq_user_municipality_user_id'))
    )
    with op.batch_alter_table('user_municipality', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_municipality_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_municipality_user_id'), ['user_id'], unique=False)

    op.create_table('client_case',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('responsible_user_id', sa.Integer(), nullable=True),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('phase', sa.String(length=30), nullable=False),
    sa.Column('intake_date', sa.Date(), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('eligibility_reason', sa.Text(), nullable=False),
    sa.Column('counselling_end', sa.Date(), nullable=True),
    sa.Column('consent_date', sa.Date(), nullable=True),
    sa.Column('consent_scope', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('plan_date', sa.Date(), nullable=True),
    sa.Column('next_review_due', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closure_reason', sa.String(length=40), nullable=True),
    sa.Column('opened_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_client_case_client_id_client')),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'], name=op.f('fk_client_case_definition_id_process_definition')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_client_case_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_client_case_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['responsible_user_id'], ['app_user.id'], name=op.f('fk_client_case_responsible_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_case')),
    sa.UniqueConstraint('reference', name=op.f('uq_client_case_reference'))
    )
    with op.batch_alter_table('client_case', schema=None) as batch_op:
        batch_op.create_index('ix_case_municipality_status', ['municipality_id', 'status'], unique=False)
        batch_op.create_index('ix_case_org_status', ['organisation_id', 'status'], unique=False)
        batch_op.create_index('ix_case_responsible_status', ['responsible_user_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_case_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_case_definition_id'), ['definition_id'], unique=False)

    op.create_table('assessment_area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('life_area', sa.String(length=30), nullable=False),
    sa.Column('situation', sa.Text(), nullable=True),
    sa.Column('resources', sa.Text(), nullable=True),
    sa.Column('needs', sa.Text(), nullable=True),
    sa.Column('support_needed', sa.Boolean(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_assessment_area_case_id_client_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_area'))
    )
    with op.batch_alter_table('assessment_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_area_case_id'), ['case_id'], unique=False)

    op.create_table('completed_task',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('task_spec', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('form_key', sa.String(length=100), nullable=True),
    sa.Column('completed_by', sa.Integer(), nullable=True),
    sa.Column('completed_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_completed_task_case_id_client_case')),
    sa.ForeignKeyConstraint(['completed_by'], ['app_user.id'], name=op.f('fk_completed_task_completed_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completed_task'))
    )
    with op.batch_alter_table('completed_task', schema=None) as batch_op:
        batch_op.create_index('ix_completed_task_case', ['case_id', 'completed_at'], unique=False)

    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('topics', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('interpreter_used', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_contact_case_id_client_case')),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_contact_recorded_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_case_date', ['case_id', 'occurred_on'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_event_actor_id_app_user')),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_event_case_id_client_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_case_id', ['case_id', 'id'], unique=False)
        batch_op.create_index('ix_event_kind_at', ['kind', 'at'], unique=False)

    op.create_table('goal',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('life_area', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('obligations', sa.Text(), nullable=False),
    sa.Column('support', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('achieved_on', sa.Date(), nullable=True),
    sa.Column('final_evaluation', sa.Text(), nullable=True),
    sa.Column('agreed_on', sa.Date(), nullable=False),
    sa.Column('updated_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_goal_case_id_client_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal'))
    )
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.create_index('ix_goal_area_status', ['life_area', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_case_id'), ['case_id'], unique=False)

    op.create_table('note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_note_author_id_app_user')),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_note_case_id_client_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note'))
    )
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_case_id'), ['case_id'], unique=False)

    op.create_table('open_task',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('task_spec', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('form_key', sa.String(length=100), nullable=True),
    sa.Column('lane', sa.String(length=100), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('created_at', engine.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['app_user.id'], name=op.f('fk_open_task_assignee_id_app_user')),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_open_task_case_id_client_case')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_open_task_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_open_task_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_task'))
    )
    with op.batch_alter_table('open_task', schema=None) as batch_op:
        batch_op.create_index('ix_open_task_assignee_due', ['assignee_id', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_open_task_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_open_task_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index('ix_open_task_org_assignee_due', ['organisation_id', 'assignee_id', 'due_on'], unique=False)

    op.create_table('workflow_state',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('serializer_version', sa.String(length=20), nullable=False),
    sa.Column('header', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('next_timer_at', engine.db.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_workflow_state_case_id_client_case')),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'], name=op.f('fk_workflow_state_definition_id_process_definition')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_workflow_state'))
    )
    with op.batch_alter_table('workflow_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_state_next_timer_at'), ['next_timer_at'], unique=False)

    op.create_table('workflow_task',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['client_case.id'], name=op.f('fk_workflow_task_case_id_client_case')),
    sa.PrimaryKeyConstraint('case_id', 'task_id', name=op.f('pk_workflow_task'))
    )


def downgrade() -> None:
    op.drop_table('workflow_task')
    with op.batch_alter_table('workflow_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_state_next_timer_at'))

    op.drop_table('workflow_state')
    with op.batch_alter_table('open_task', schema=None) as batch_op:
        batch_op.drop_index('ix_open_task_org_assignee_due')
        batch_op.drop_index(batch_op.f('ix_open_task_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_open_task_case_id'))
        batch_op.drop_index('ix_open_task_assignee_due')

    op.drop_table('open_task')
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_case_id'))

    op.drop_table('note')
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_case_id'))
        batch_op.drop_index('ix_goal_area_status')

    op.drop_table('goal')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_kind_at')
        batch_op.drop_index('ix_event_case_id')

    op.drop_table('event')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_case_date')

    op.drop_table('contact')
    with op.batch_alter_table('completed_task', schema=None) as batch_op:
        batch_op.drop_index('ix_completed_task_case')

    op.drop_table('completed_task')
    with op.batch_alter_table('assessment_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_area_case_id'))

    op.drop_table('assessment_area')
    with op.batch_alter_table('client_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_case_definition_id'))
        batch_op.drop_index(batch_op.f('ix_client_case_client_id'))
        batch_op.drop_index('ix_case_responsible_status')
        batch_op.drop_index('ix_case_org_status')
        batch_op.drop_index('ix_case_municipality_status')

    op.drop_table('client_case')
    with op.batch_alter_table('user_municipality', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_municipality_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_municipality_municipality_id'))

    op.drop_table('user_municipality')
    op.drop_table('process_definition')
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipality_organisation_id'))

    op.drop_table('municipality')
    with op.batch_alter_table('household_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_member_client_id'))

    op.drop_table('household_member')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_organisation_id'))

    op.drop_table('app_user')
    op.drop_table('setting')
    op.drop_table('organisation')
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_last_name'))

    op.drop_table('client')
