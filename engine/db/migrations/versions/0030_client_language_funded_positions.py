"""client language, goal translations, agreement language; funded positions per organisation and municipality

Revision ID: 0030
Revises: 0029
"""
from alembic import op
import sqlalchemy as sa

import engine.db.base

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("client_case", sa.Column("client_language", sa.String(10), nullable=True))
    op.add_column("goal", sa.Column("translation", sa.Text(), nullable=True))
    op.add_column("goal", sa.Column("translation_language", sa.String(10), nullable=True))
    op.add_column("target_agreement_document", sa.Column("language", sa.String(10), nullable=True))
    op.create_table(
        "funded_position",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("fte", sa.Numeric(6, 2), nullable=False),
        sa.Column("note", sa.String(300), nullable=True),
        sa.Column("recorded_at", engine.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "municipality_id", "period_start", name="uq_funded_position_period"),
    )
    op.create_index("ix_funded_position_period", "funded_position", ["period_start", "period_end"])


def downgrade():
    op.drop_index("ix_funded_position_period", table_name="funded_position")
    op.drop_table("funded_position")
    op.drop_column("target_agreement_document", "language")
    op.drop_column("goal", "translation_language")
    op.drop_column("goal", "translation")
    op.drop_column("client_case", "client_language")
