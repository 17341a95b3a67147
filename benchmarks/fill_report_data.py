"""Fill a spare PostgreSQL database with synthetic report data by bulk SQL (100,000 cases, ~1,000,000 events).

Usage:  python3 benchmarks/fill_report_data.py postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports [CASES]

Drops and recreates the database's public schema, migrates it, then inserts organisations, municipalities,
caseworkers, clients, cases, household members, goals, contacts, completed target agreements and the event log
with generate_series (deterministic: every value derives from the row number). Then time the report with
`python3 -m web.cli bench --report` against the same database (INTEGRAFLOW_DATABASE_URL).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

# Run as a script from a checkout: import this checkout's engine, not an installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from engine.bootstrap import bootstrap  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.setup import prepare_database  # noqa: E402

CASE = "md5('case' || n)::uuid::text"
AREAS = "(ARRAY['language','work','education','housing','health','family','finances','residence'," \
        "'participation','authorities'])"
STATUSES = "(ARRAY['open','achieved','partly','not_achieved','dropped'])"
REASONS = "(ARRAY['livelihood_secured','goals_achieved','moved_away','eligibility_ended','no_cooperation'," \
          "'naturalisation','other'])"
OUTCOMES = "(ARRAY['[\"language_certificate\"]','[\"work_taken_up\",\"benefits_independent\"]','[]'," \
           "'[\"own_housing\"]','[\"training_started\",\"language_certificate\"]'])"
# Per case n: intake between 01.01.2023 and 01.11.2026; 70 % with consent; 30 % closed (if the date has passed).
CASES = f"""
WITH s AS (SELECT n, date '2023-01-01' + (n * 7919 % 1400) AS intake, 1 + n % 31 AS muni
           FROM generate_series(1, :cases) n)
INSERT INTO client_case (id, reference, client_id, municipality_id, organisation_id, responsible_user_id,
  definition_id, status, phase, intake_date, eligible, eligibility_reason, consent_date, plan_date, closed_on,
  closure_reason, opened_at, updated_at, version)
SELECT {CASE}, 'B' || lpad(n::text, 7, '0'), md5('client' || n)::uuid::text, muni, 1 + muni % 10,
  1 + (muni % 10) + 10 * (n % 10), (SELECT min(id) FROM process_definition),
  CASE WHEN n % 10 < 3 AND intake + 200 + n % 300 <= current_date THEN 'closed' ELSE 'open' END,
  CASE WHEN n % 10 < 3 AND intake + 200 + n % 300 <= current_date THEN 'closed' ELSE 'review' END,
  intake, true, 'anerkannt',
  CASE WHEN n % 10 < 7 THEN intake + 7 END, CASE WHEN n % 10 < 7 THEN intake + 30 END,
  CASE WHEN n % 10 < 3 AND intake + 200 + n % 300 <= current_date THEN intake + 200 + n % 300 END,
  CASE WHEN n % 10 < 3 AND intake + 200 + n % 300 <= current_date THEN {REASONS}[1 + n % 7] END,
  intake + time '09:00', intake + time '09:00', 1
FROM s"""
STATEMENTS = [
    "INSERT INTO organisation (id, name, kind) SELECT g, 'Träger ' || g, 'provider' FROM generate_series(1, 10) g",
    "INSERT INTO municipality (id, name, organisation_id) SELECT g, 'Gemeinde ' || lpad(g::text, 2, '0'), 1 + g % 10 "
    "FROM generate_series(1, 31) g",
    "INSERT INTO app_user (id, username, display_name, role, organisation_id, password_hash, active, created_at) "
    "SELECT g, 'im' || g, 'IM ' || g, 'caseworker', 1 + (g - 1) % 10, 'x', true, now() FROM generate_series(1, 100) g",
    "INSERT INTO app_user (id, username, display_name, role, organisation_id, password_hash, active, created_at) "
    "VALUES (101, 'controlling', 'Controlling', 'compliance', 1, 'x', true, now())",
    "INSERT INTO client (id, first_name, last_name, residence_status, interpreter_needed) "
    "SELECT md5('client' || n)::uuid::text, 'Vorname', 'Name ' || n, 'recognised_refugee', false "
    "FROM generate_series(1, :cases) n",
    CASES,
    "INSERT INTO household_member (client_id, name, relation) SELECT client_id, 'Angehörige/r', 'child' "
    "FROM client_case WHERE reference::text LIKE '%0' OR reference::text LIKE '%2' OR reference::text LIKE '%4'",
    # Two goals per consented case, changed at different times after the agreement.
    f"""INSERT INTO goal (id, case_id, life_area, title, obligations, support, responsible, status, agreed_on,
      updated_at)
    SELECT md5('goal' || c.id || k)::uuid::text, c.id, {AREAS}[1 + (abs(hashtext(c.id)::bigint) + k) % 10],
      'Ziel ' || k,
      'Kurs besuchen', 'Anmeldung', 'IM', {STATUSES}[1 + (abs(hashtext(c.id)::bigint) * 3 + k) % 5], c.plan_date,
      least(c.plan_date + (abs(hashtext(c.id)::bigint) % 200)::int + time '10:00', now())
    FROM client_case c CROSS JOIN generate_series(1, 2) k WHERE c.consent_date IS NOT NULL""",
    """INSERT INTO completed_task (id, case_id, task_spec, title, form_key, completed_at, data)
    SELECT md5('ta' || c.id)::uuid::text, c.id, 'Task_TargetAgreement', 'Zielvereinbarung', 'target_agreement',
      c.plan_date + time '10:00', jsonb_build_object('plan_date', c.plan_date::text, 'goals',
        (SELECT jsonb_agg(jsonb_build_object('goal_id', g.id, 'life_area', g.life_area, 'status', 'open'))
         FROM goal g WHERE g.case_id = c.id))
    FROM client_case c WHERE c.consent_date IS NOT NULL""",
    """INSERT INTO contact (case_id, occurred_on, kind, duration_minutes, topics, interpreter_used, recorded_by,
      recorded_at)
    SELECT c.id, c.intake_date + 10 + 20 * k, 'office', 30 + 15 * k, '["language"]', false, c.responsible_user_id,
      c.intake_date + 11 + 20 * k + time '12:00'
    FROM client_case c CROSS JOIN generate_series(0, 3) k
    WHERE c.consent_date IS NOT NULL AND c.intake_date + 11 + 20 * k <= current_date""",
    # The event log: 3 per case at intake, 5 at consent and agreement, one per contact, 2 per closure.
    """INSERT INTO event (at, actor_id, case_id, kind, payload)
    SELECT c.opened_at, c.responsible_user_id, c.id, k, '{}'::jsonb
    FROM client_case c CROSS JOIN unnest(ARRAY['case_opened','task_completed','eligibility_checked']) k""",
    """INSERT INTO event (at, actor_id, case_id, kind, payload)
    SELECT c.consent_date + time '10:00', c.responsible_user_id, c.id, k,
      CASE WHEN k = 'goals_agreed' THEN jsonb_build_object('signature_date', c.plan_date::text)
           ELSE '{"given": true}'::jsonb END
    FROM client_case c CROSS JOIN unnest(ARRAY['consent_recorded','task_completed','task_completed',
                                               'task_completed','goals_agreed']) k
    WHERE c.consent_date IS NOT NULL""",
    """INSERT INTO event (at, actor_id, case_id, kind, payload)
    SELECT recorded_at, recorded_by, case_id, 'contact_logged', jsonb_build_object('occurred_on', occurred_on::text)
    FROM contact""",
    f"""INSERT INTO event (at, actor_id, case_id, kind, payload)
    SELECT c.closed_on + time '15:00', c.responsible_user_id, c.id, k,
      CASE WHEN k = 'case_closed' THEN jsonb_build_object('reason', c.closure_reason, 'closed_on', c.closed_on::text,
        'outcomes', ({OUTCOMES}[1 + abs(hashtext(c.id)::bigint) % 5])::jsonb) ELSE '{{}}'::jsonb END
    FROM client_case c CROSS JOIN unnest(ARRAY['task_completed','case_closed']) k WHERE c.status = 'closed'""",
    "INSERT INTO event (at, actor_id, case_id, kind, payload) SELECT c.opened_at + interval '1 day', "
    "c.responsible_user_id, c.id, 'task_claimed', '{}'::jsonb FROM client_case c",
]


def fill(url: str, cases: int) -> None:
    """Reset the schema, migrate, insert the synthetic rows and analyse the tables."""
    container = bootstrap(Settings(database_url=url))
    if not url.startswith("postgresql"):
        raise SystemExit("Nur für PostgreSQL gedacht.")
    with container.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    prepare_database(container)
    with container.engine.begin() as conn:
        for statement in STATEMENTS:
            start = time.perf_counter()
            result = conn.execute(text(statement), {"cases": cases})
            print(f"{result.rowcount:>9} Zeilen  {time.perf_counter() - start:6.1f} s  {statement.split('(')[0][:60]}")
        conn.execute(text("SELECT setval(pg_get_serial_sequence('app_user', 'id'), 101)"))
    with container.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
        counts = conn.execute(text("SELECT (SELECT count(*) FROM client_case), (SELECT count(*) FROM event)")).one()
    print(f"Fertig: {counts[0]} Fälle, {counts[1]} Ereignisse.")


if __name__ == "__main__":
    fill(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
