"""case documents: uploaded scans per case with category, date, note and SHA-256 content hash

Revision ID: 0028
Revises: 0027
"""
from alembic import op
import sqlalchemy as sa

import engine.db.base

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage", sa.String(10), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", engine.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["client_case.id"]),
        sa.ForeignKeyConstraint(["uploaded_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_document_case_uploaded", "case_document", ["case_id", "uploaded_at"])
    op.create_index("ix_case_document_category_case", "case_document", ["category", "case_id"])
    op.create_index("ix_case_document_sha256", "case_document", ["sha256"])


def downgrade():
    op.drop_index("ix_case_document_sha256", table_name="case_document")
    op.drop_index("ix_case_document_category_case", table_name="case_document")
    op.drop_index("ix_case_document_case_uploaded", table_name="case_document")
    op.drop_table("case_document")
