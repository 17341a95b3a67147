"""user administration: last sign-in and a forced password change

Revision ID: 0024
Revises: 0023
"""
from alembic import op
import sqlalchemy as sa

import engine.db.base

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("last_login_at", engine.db.base.UtcDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("password_change_required", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("password_change_required")
        batch.drop_column("last_login_at")
