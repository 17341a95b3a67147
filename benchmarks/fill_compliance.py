"""Fill a migrated PostgreSQL database with synthetic rows for `integraflow bench --compliance` (bulk SQL, ~1 min).

    INTEGRAFLOW_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_rules python3 -m web.cli db upgrade
    python3 benchmarks/fill_compliance.py postgresql+psycopg://postgres@127.0.0.1:5432/bench_rules --cases 100000

Cases, completed steps (consent, assessment, target agreement, reviews), contacts, goals and closures with a spread
of on-time, late and missing steps, and events up to about ten per case. The official generator is
`integraflow demo --cases N`; this script only exists to measure the rule check at scale quickly.
"""
from __future__ import annotations

import argparse
import time

from sqlalchemy import create_engine, text

STEPS = [
    # (spec, condition on g, days after intake, data as SQL json)
    ("Task_Consent", "g % 20 <> 0", "2", "json_build_object('consent_given', 'yes')"),
    ("Task_Assessment", "g % 20 NOT IN (0, 1)", "(g % 40)",
     "json_build_object('assessment_date', (c.intake_date + (g % 40))::text)"),
    ("Task_TargetAgreement", "g % 10 NOT IN (0, 9)", "(30 + g % 40)",
     "json_build_object('plan_date', (c.intake_date + 30 + g % 40)::text, 'signed_by_client', g % 7 <> 0, "
     "'signed_by_caseworker', true)"),
    ("Task_Review", "g % 10 NOT IN (0, 9)", "(130 + g % 30)",
     "json_build_object('review_date', (c.intake_date + 130 + g % 30)::text)"),
    ("Task_Review", "g % 10 NOT IN (0, 8, 9)", "(230 + g % 60)",
     "json_build_object('review_date', (c.intake_date + 230 + g % 60)::text)"),
]


def fill(url: str, cases: int) -> None:
    """Insert the synthetic world into an empty, migrated database."""
    engine = create_engine(url)
    with engine.begin() as conn:
        run = lambda sql, **kw: conn.execute(text(sql), {"n": cases, **kw})  # noqa: E731
        definition = conn.execute(text("SELECT max(id) FROM process_definition")).scalar_one()
        run("INSERT INTO organisation (id, name, kind) SELECT g, 'Träger ' || g, 'provider' "
            "FROM generate_series(1, 20) g")
        run("INSERT INTO municipality (id, name, organisation_id) SELECT g, 'Gemeinde ' || g, g % 20 + 1 "
            "FROM generate_series(1, 60) g")
        run("INSERT INTO app_user (id, username, display_name, role, organisation_id, password_hash, active, "
            "created_at) "
            "SELECT g, 'im' || g, 'IM ' || g, 'caseworker', ((g % 60) + 1) % 20 + 1, 'x', g % 50 <> 0, now() "
            "FROM generate_series(1, 200) g")
        run("INSERT INTO user_municipality (user_id, municipality_id) SELECT g, g % 60 + 1 "
            "FROM generate_series(1, 200) g")
        run("INSERT INTO client (id, first_name, last_name, residence_status, counselling_start, "
            "interpreter_needed) "
            "SELECT 'cl' || g, 'Vorname', 'Name' || g, 'recognised_refugee', date '2022-06-01' + (g % 1200), false "
            "FROM generate_series(1, :n) g")
        run("INSERT INTO client_case (id, reference, client_id, municipality_id, organisation_id, responsible_user_id, "
            "definition_id, status, phase, intake_date, eligible, eligibility_reason, opened_at, updated_at, version, "
            "closed_on, closure_reason) "
            "SELECT 'c' || g, 'B-' || g, 'cl' || g, g % 60 + 1, (g % 60 + 1) % 20 + 1, g % 60 + 60, :d, "
            "CASE WHEN g % 5 = 0 THEN 'closed' ELSE 'open' END, 'review', date '2023-01-01' + (g % 1000), true, 'ok', "
            "(date '2023-01-01' + (g % 1000))::timestamptz + interval '9 hours', now(), 1, "
            "CASE WHEN g % 5 = 0 THEN date '2023-01-01' + (g % 1000) + 400 END, "
            "CASE WHEN g % 5 = 0 THEN 'goals_achieved' END FROM generate_series(1, :n) g", d=definition)
        run("INSERT INTO event (at, actor_id, case_id, kind, payload) SELECT c.opened_at, c.responsible_user_id, c.id, "
            "'case_opened', json_build_object('responsible_user_id', c.responsible_user_id) FROM client_case c")
        for i, (spec, cond, days, data) in enumerate(STEPS):
            run(f"INSERT INTO completed_task (id, case_id, task_spec, title, completed_by, completed_at, data) "
                f"SELECT 't{i}-' || g, c.id, '{spec}', '{spec}', c.responsible_user_id, "
                f"(c.intake_date + {days})::timestamptz + interval '11 hours', {data} "
                f"FROM generate_series(1, :n) g JOIN client_case c ON c.id = 'c' || g WHERE {cond}")
        run("INSERT INTO event (at, actor_id, case_id, kind, payload) SELECT completed_at, completed_by, case_id, "
            "'task_completed', json_build_object('task', task_spec) FROM completed_task")
        run("INSERT INTO contact (case_id, occurred_on, kind, duration_minutes, topics, interpreter_used, recorded_by, "
            "recorded_at) SELECT c.id, c.intake_date + 20 * k, 'office', 45, '[\"language\"]', false, "
            "c.responsible_user_id, (c.intake_date + 20 * k + (g % 20))::timestamptz + interval '15 hours' "
            "FROM generate_series(1, :n) g JOIN client_case c ON c.id = 'c' || g CROSS JOIN generate_series(1, 3) k")
        run("INSERT INTO event (at, actor_id, case_id, kind, payload) SELECT recorded_at, recorded_by, case_id, "
            "'contact_logged', json_build_object('occurred_on', occurred_on::text) FROM contact")
        run("INSERT INTO goal (id, case_id, life_area, title, obligations, support, responsible, status, agreed_on, "
            "final_evaluation, updated_at) SELECT 'g' || k || '-' || g, c.id, "
            "(ARRAY['language','work','housing','health','finances'])[1 + (g + k) % 5], 'Ziel', '', '', '', "
            "(ARRAY['open','achieved','partly'])[1 + g % 3], c.intake_date + 60, "
            "CASE WHEN g % 5 = 0 AND g % 15 <> 0 THEN 'bewertet' END, now() "
            "FROM generate_series(1, :n) g JOIN client_case c ON c.id = 'c' || g CROSS JOIN generate_series(1, 2) k "
            "WHERE g % 10 NOT IN (0, 9) OR g % 5 = 0")
        run("INSERT INTO event (at, actor_id, case_id, kind, payload) SELECT (closed_on)::timestamptz + "
            "interval '16 hours', responsible_user_id, id, 'case_closed', json_build_object('reason', closure_reason) "
            "FROM client_case WHERE status = 'closed'")
        have = conn.execute(text("SELECT count(*) FROM event")).scalar_one()
        run("INSERT INTO event (at, actor_id, case_id, kind, payload) SELECT c.opened_at + (k || ' days')::interval, "
            "c.responsible_user_id, c.id, 'note_added', '{}' FROM generate_series(1, :n) g "
            "JOIN client_case c ON c.id = 'c' || g CROSS JOIN generate_series(1, 10) k "
            "WHERE (g - 1) * 10 + k <= :extra", extra=max(cases * 10 - have, 0))
        for seq in ("organisation", "municipality", "app_user", "contact", "event", "user_municipality"):
            run(f"SELECT setval(pg_get_serial_sequence('{seq}', 'id'), (SELECT max(id) FROM {seq}))")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def main() -> None:
    """Command line: database URL and number of cases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    fill(args.url, args.cases)
    print(f"{args.cases} Fälle eingefügt in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
