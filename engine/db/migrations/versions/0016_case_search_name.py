"""Case search on one table: client_case.search_name ("last first reference", lower case) kept by triggers.

Searching by a common name used to match thousands of clients and join them to their cases before the
organisation filter applied; with the name on the case row, filter, count and order run on one table (a trigram
index on PostgreSQL). Triggers keep it right whatever writes the rows: intake, bulk copies, rectification and
anonymisation of a client's name.

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_NAME = "lower({c}.last_name || ' ' || {c}.first_name)"

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER trg_case_search_name_insert AFTER INSERT ON client_case BEGIN
        UPDATE client_case SET search_name =
            (SELECT {_NAME.format(c='client')} FROM client WHERE client.id = NEW.client_id) || ' ' || lower(NEW.reference)
        WHERE id = NEW.id;
    END""",
    f"""CREATE TRIGGER trg_case_search_name_update AFTER UPDATE OF client_id, reference ON client_case BEGIN
        UPDATE client_case SET search_name =
            (SELECT {_NAME.format(c='client')} FROM client WHERE client.id = NEW.client_id) || ' ' || lower(NEW.reference)
        WHERE id = NEW.id;
    END""",
    f"""CREATE TRIGGER trg_client_search_name AFTER UPDATE OF first_name, last_name ON client BEGIN
        UPDATE client_case SET search_name = {_NAME.format(c='NEW')} || ' ' || lower(reference)
        WHERE client_id = NEW.id;
    END""",
)

PG_FUNCTIONS = (
    f"""CREATE OR REPLACE FUNCTION case_search_name_fill() RETURNS trigger AS $$
    BEGIN
        NEW.search_name := (SELECT {_NAME.format(c='client')} FROM client WHERE client.id = NEW.client_id)
                           || ' ' || lower(NEW.reference);
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION client_search_name_sync() RETURNS trigger AS $$
    BEGIN
        UPDATE client_case SET search_name = {_NAME.format(c='NEW')} || ' ' || lower(reference)
        WHERE client_id = NEW.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER trg_case_search_name BEFORE INSERT OR UPDATE OF client_id, reference ON client_case
       FOR EACH ROW EXECUTE FUNCTION case_search_name_fill()""",
    """CREATE TRIGGER trg_client_search_name AFTER UPDATE OF first_name, last_name ON client
       FOR EACH ROW WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name OR OLD.last_name IS DISTINCT FROM NEW.last_name)
       EXECUTE FUNCTION client_search_name_sync()""",
)


def upgrade() -> None:
    # Not batch mode: a table rebuild on SQLite is not needed for an added nullable column.
    op.add_column('client_case', sa.Column('search_name', sa.Text(), nullable=True))
    op.execute(f"UPDATE client_case SET search_name = (SELECT {_NAME.format(c='client')} FROM client "
               "WHERE client.id = client_case.client_id) || ' ' || lower(reference)")
    op.create_index('ix_case_org_status_search', 'client_case', ['organisation_id', 'status', 'search_name', 'id'],
                    unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        for statement in PG_FUNCTIONS:
            op.execute(statement)
        trgm = bind.exec_driver_sql("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                    "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'").scalar()
        if trgm:
            op.execute(f'CREATE INDEX ix_client_case_search_trgm ON client_case USING gin (search_name "{trgm}".gin_trgm_ops)')
        # Search now matches only search_name (it holds the reference too): the trigram indexes of 0008 on the
        # client's name and the case reference would only cost writes.
        op.execute("DROP INDEX IF EXISTS ix_client_name_trgm")
        op.execute("DROP INDEX IF EXISTS ix_client_case_reference_trgm")
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        trgm = bind.exec_driver_sql("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                    "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'").scalar()
        if trgm:
            op.execute("CREATE INDEX IF NOT EXISTS ix_client_name_trgm ON client "
                       f"USING gin (lower(last_name || ' ' || first_name) \"{trgm}\".gin_trgm_ops)")
            op.execute("CREATE INDEX IF NOT EXISTS ix_client_case_reference_trgm ON client_case "
                       f"USING gin (lower(reference) \"{trgm}\".gin_trgm_ops)")
        op.execute("DROP INDEX IF EXISTS ix_client_case_search_trgm")
        op.execute("DROP TRIGGER IF EXISTS trg_client_search_name ON client")
        op.execute("DROP TRIGGER IF EXISTS trg_case_search_name ON client_case")
        op.execute("DROP FUNCTION IF EXISTS client_search_name_sync()")
        op.execute("DROP FUNCTION IF EXISTS case_search_name_fill()")
    else:
        for name in ("trg_client_search_name", "trg_case_search_name_update", "trg_case_search_name_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index('ix_case_org_status_search', table_name='client_case')
    op.drop_column('client_case', 'search_name')
