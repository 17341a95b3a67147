"""case processes: a case runs its journey and any number of further processes, each with its own workflow

Until now a case had exactly one workflow, keyed by the case id. Every running process now has a row in
`case_process`; the workflow tables are keyed by that process. The journey of a case keeps the case's id as its
process id, so existing workflows need no rewriting: their key column is renamed and points at the new row.
Open and completed tasks and step failures say which process they belong to.

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

import engine.db.base

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_process",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", engine.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.Integer(), nullable=True),
        sa.Column("completed_at", engine.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["client_case.id"], name=op.f("fk_case_process_case_id_client_case")),
        sa.ForeignKeyConstraint(["definition_id"], ["process_definition.id"],
                                name=op.f("fk_case_process_definition_id_process_definition")),
        sa.ForeignKeyConstraint(["started_by"], ["app_user.id"], name=op.f("fk_case_process_started_by_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_process")),
    )
    op.create_index("ix_case_process_case", "case_process", ["case_id", "started_at"])
    op.create_index("ix_case_process_definition_status", "case_process", ["definition_id", "status"])
    op.execute("""
        INSERT INTO case_process (id, case_id, definition_id, kind, status, started_at, started_by, completed_at)
        SELECT c.id, c.id, c.definition_id, 'journey',
               CASE WHEN c.status = 'closed' OR ws.completed THEN 'completed' ELSE 'running' END,
               c.opened_at, NULL, CASE WHEN c.status = 'closed' OR ws.completed THEN c.updated_at END
        FROM client_case c LEFT JOIN workflow_state ws ON ws.case_id = c.id
    """)
    # The workflow tables: the key column becomes the process; workflow_state keeps the case beside it.
    for table in ("workflow_task", "workflow_task_archive"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_case_id_client_case"), type_="foreignkey")
            batch.alter_column("case_id", new_column_name="process_id", existing_type=sa.String(36),
                               existing_nullable=False)
        with op.batch_alter_table(table) as batch:  # SQLite: a second pass, or the renamed column loses its key
            batch.create_foreign_key(op.f(f"fk_{table}_process_id_case_process"), "case_process",
                                     ["process_id"], ["id"])
    with op.batch_alter_table("workflow_state") as batch:
        batch.drop_constraint(op.f("fk_workflow_state_case_id_client_case"), type_="foreignkey")
        batch.alter_column("case_id", new_column_name="process_id", existing_type=sa.String(36),
                           existing_nullable=False)
    with op.batch_alter_table("workflow_state") as batch:
        batch.add_column(sa.Column("case_id", sa.String(36), nullable=True))
    op.execute("UPDATE workflow_state SET case_id = process_id")
    with op.batch_alter_table("workflow_state") as batch:
        batch.alter_column("case_id", existing_type=sa.String(36), nullable=False)
        batch.create_foreign_key(op.f("fk_workflow_state_process_id_case_process"), "case_process",
                                 ["process_id"], ["id"])
        batch.create_foreign_key(op.f("fk_workflow_state_case_id_client_case"), "client_case", ["case_id"], ["id"])
        batch.create_index("ix_workflow_state_case_id", ["case_id"])
    # Tasks and failures name their process (the journey's is the case id).
    with op.batch_alter_table("open_task") as batch:
        batch.add_column(sa.Column("process_id", sa.String(36), nullable=True))
    op.execute("UPDATE open_task SET process_id = case_id")
    with op.batch_alter_table("open_task") as batch:
        batch.alter_column("process_id", existing_type=sa.String(36), nullable=False)
        batch.create_foreign_key(op.f("fk_open_task_process_id_case_process"), "case_process", ["process_id"], ["id"])
        batch.create_index("ix_open_task_process_id", ["process_id"])
    for table in ("completed_task", "step_failure"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("process_id", sa.String(36), nullable=True))
        op.execute(f"UPDATE {table} SET process_id = case_id")


def downgrade():
    for table in ("step_failure", "completed_task"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("process_id")
    with op.batch_alter_table("open_task") as batch:
        batch.drop_index("ix_open_task_process_id")
        batch.drop_constraint(op.f("fk_open_task_process_id_case_process"), type_="foreignkey")
        batch.drop_column("process_id")
    op.execute("DELETE FROM workflow_task WHERE process_id NOT IN (SELECT id FROM client_case)")
    op.execute("DELETE FROM workflow_task_archive WHERE process_id NOT IN (SELECT id FROM client_case)")
    op.execute("DELETE FROM workflow_state WHERE process_id NOT IN (SELECT id FROM client_case)")
    with op.batch_alter_table("workflow_state") as batch:
        batch.drop_index("ix_workflow_state_case_id")
        batch.drop_constraint(op.f("fk_workflow_state_case_id_client_case"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_workflow_state_process_id_case_process"), type_="foreignkey")
        batch.drop_column("case_id")
        batch.alter_column("process_id", new_column_name="case_id", existing_type=sa.String(36),
                           existing_nullable=False)
        batch.create_foreign_key(op.f("fk_workflow_state_case_id_client_case"), "client_case", ["case_id"], ["id"])
    for table in ("workflow_task", "workflow_task_archive"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_process_id_case_process"), type_="foreignkey")
            batch.alter_column("process_id", new_column_name="case_id", existing_type=sa.String(36),
                               existing_nullable=False)
            batch.create_foreign_key(op.f(f"fk_{table}_case_id_client_case"), "client_case", ["case_id"], ["id"])
    op.drop_index("ix_case_process_definition_status", table_name="case_process")
    op.drop_index("ix_case_process_case", table_name="case_process")
    op.drop_table("case_process")
