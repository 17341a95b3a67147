"""decision tables: immutable DMN versions, the versions a process pins, indexed evaluation outcomes

Revision ID: 0027
Revises: 0026
"""
from alembic import op
import sqlalchemy as sa

from engine.db.base import JsonType, UtcDateTime

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "decision_definition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("dmn_xml", sa.Text(), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("deployed_by", sa.Integer(), nullable=True),
        sa.Column("deployed_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["deployed_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version"),
    )
    op.create_table(
        "decision_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("process_id", sa.String(36), nullable=True),
        sa.Column("decision_key", sa.String(100), nullable=False),
        sa.Column("decision_name", sa.String(200), nullable=False),
        sa.Column("decision_version", sa.Integer(), nullable=True),
        sa.Column("rules", JsonType, nullable=False),
        sa.Column("outputs", JsonType, nullable=False),
        sa.Column("outcome", sa.String(200), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("evaluated_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["client_case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_decision_outcome_key_outcome", "decision_outcome", ["decision_key", "outcome", "case_id"])
    op.create_index("ix_decision_outcome_case", "decision_outcome", ["case_id", "evaluated_at"])
    with op.batch_alter_table("process_definition") as batch:
        batch.add_column(sa.Column("decisions", JsonType, nullable=True))


def downgrade():
    with op.batch_alter_table("process_definition") as batch:
        batch.drop_column("decisions")
    op.drop_index("ix_decision_outcome_case", table_name="decision_outcome")
    op.drop_index("ix_decision_outcome_key_outcome", table_name="decision_outcome")
    op.drop_table("decision_outcome")
    op.drop_table("decision_definition")
