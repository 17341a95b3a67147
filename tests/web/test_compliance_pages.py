"""The compliance pages through the real app: access, filters, no-data, bad input, CSV, charts, rules, extension."""
from __future__ import annotations

import csv
import html
import io
from datetime import date

import pytest
from sqlalchemy import select

from compliance_cases import CaseBuilder, findings
from engine.db import Case, Event, RuleSetVersion
from support import count_rows

D = date


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def cases(container, world):
    """A missing assessment in org A (Astadt) and in org B (Bdorf); references 2025-0001 and 2025-0002."""
    build = CaseBuilder(container, world)
    return build.case(D(2025, 11, 1)), build.case(D(2025, 11, 1), responsible="dora", town=world.town_b)


@pytest.mark.parametrize("user, status", [("erik", 200), ("carla", 200), ("anna", 403)])
def test_dashboard_is_for_compliance_and_supervisors(signed_in, cases, user, status):
    response = signed_in(user).get("/compliance/")
    assert response.status_code == status
    if status == 403:
        assert "Teamleitungen vorbehalten" in _text(response)


def test_compliance_sees_all_organisations_supervisor_only_hers(signed_in, cases):
    everyone = _text(signed_in("erik").get("/compliance/"))
    assert "2025-0001" in everyone and "2025-0002" in everyone
    assert "Bedarfsanalyse innerhalb der Frist nach Aufnahme" in everyone
    assert "Erstgespräch führen" in everyone      # the rule's fix hint
    own = _text(signed_in("carla").get("/compliance/?organisation=999"))
    assert "2025-0001" in own and "2025-0002" not in own


def test_filters_narrow_the_list_and_empty_result_says_no_data(signed_in, world, cases):
    client = signed_in("erik")
    page = _text(client.get(f"/compliance/?municipality={world.town_b}&rule=assessment_in_time"))
    assert "2025-0002" in page and "2025-0001" not in page
    empty = client.get("/compliance/?quarter=2024-Q1")
    assert empty.status_code == 200
    assert "Keine Daten" in _text(empty)


@pytest.mark.parametrize("query, message", [
    ("as_of=31.12.2025", "Der Stichtag ist kein gültiges Datum"),
    ("as_of=2027-01-01", "Der Stichtag darf nicht in der Zukunft liegen."),
    ("quarter=2025-Q5", "Quartal: erwartet wird z. B. 2025-Q3."),
    ("municipality=abc", "Die Kommune ist ungültig."),
    ("state=kaputt", "Unbekannter Status"),
    ("as_of=2025-12-31&as_of_quarter=2025-Q4", "entweder einen Stichtag oder ein Quartalsende"),
])
def test_bad_parameters_get_a_german_message(signed_in, cases, query, message):
    response = signed_in("erik").get(f"/compliance/?{query}")
    assert response.status_code == 422
    assert message in _text(response)


def test_check_as_of_quarter_end_shows_data_as_it_stood(signed_in, container, world, cases):
    build = CaseBuilder(container, world)
    build.assessment(cases[0], D(2026, 1, 10))
    client = signed_in("erik")
    past = _text(client.get("/compliance/?as_of_quarter=2025-Q4&rule=assessment_in_time"))
    assert "Stand 31.12.2025" in past and "2025-0001" in past and "erledigt am" not in past
    today = _text(client.get("/compliance/?rule=assessment_in_time"))
    assert "erledigt am 10.01.2026" in today


def test_csv_lists_the_filtered_findings(signed_in, cases):
    response = signed_in("erik").get("/compliance/verstoesse.csv?rule=assessment_in_time")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Stichtag", "Regelversion", "Regel", "Status"]
    assert sorted(r[4] for r in rows[1:]) == ["2025-0001", "2025-0002"]
    assert {r[3] for r in rows[1:]} == {"Verstoß"} and {r[9] for r in rows[1:]} == {"2025-11-30"}


@pytest.mark.parametrize("name", ["verstoesse", "ziele", "abschluesse"])
def test_charts_are_svg_without_scripts(signed_in, cases, name):
    response = signed_in("erik").get(f"/compliance/diagramm/{name}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    body = response.get_data(as_text=True)
    assert "<svg" in body and "<script" not in body


def test_unknown_chart_is_not_found(signed_in, cases):
    assert signed_in("erik").get("/compliance/diagramm/foo.svg").status_code == 404


def test_invalid_rules_are_refused_with_line_and_previous_rules_stay(signed_in, container):
    client = signed_in("erik")
    with container.reader() as r:
        source = r.session.execute(select(RuleSetVersion.source)).scalar_one()
    broken = source.replace("step: assessment\n      deadline", "step: Task_Erstgespraech\n      deadline")
    line = broken[:broken.index("Task_Erstgespraech")].count("\n") + 1
    response = client.post("/compliance/regeln", data={"source": broken, "comment": "Schritt umbenannt"})
    assert response.status_code == 422
    page = _text(response)
    assert f"Zeile {line}: Unbekannter Schritt „Task_Erstgespraech“" in page
    assert "Task_Erstgespraech" in page              # the edited text is kept for correction
    assert count_rows(container, RuleSetVersion) == 1
    assert count_rows(container, Event, kind="rules_changed") == 0


def test_valid_rules_become_a_new_version_with_audit_event(signed_in, container, world, cases):
    client = signed_in("erik")
    with container.reader() as r:
        source = r.session.execute(select(RuleSetVersion.source)).scalar_one()
    response = client.post("/compliance/regeln", data={"source": source.replace("at_risk_days: 14", "at_risk_days: 30"),
                                                       "comment": "Vorwarnzeit 30 Tage"})
    assert response.status_code == 302
    assert "Version 2" in _text(client.get("/compliance/regeln"))
    with container.reader() as r:
        changed = r.session.execute(select(Event).where(Event.kind == "rules_changed")).scalar_one()
    assert changed.actor_id == world.erik.id and changed.payload["version"] == 2
    assert "gefährdet: Verstoß innerhalb von 30 Tagen" in _text(client.get("/compliance/"))


@pytest.mark.parametrize("user, status", [("carla", 403), ("anna", 403)])
def test_only_compliance_and_admin_edit_rules(signed_in, container, user, status):
    response = signed_in(user).post("/compliance/regeln", data={"source": "x", "comment": "y"})
    assert response.status_code == status
    assert count_rows(container, RuleSetVersion) == 1


def test_team_lead_records_extension_and_the_period_rule_is_satisfied(signed_in, container, world):
    case_id = CaseBuilder(container, world).case(D(2023, 1, 1), counselling_start=D(2022, 12, 1))
    assert findings(container, rule="counselling_period")[case_id][0] == "violation"
    client = signed_in("carla")
    assert client.post(f"/compliance/faelle/{case_id}/verlaengerung", data={"reason": "kurz"}).status_code == 422
    response = client.post(f"/compliance/faelle/{case_id}/verlaengerung",
                           data={"reason": "Ausbildung endet im Sommer 2026, Begleitung notwendig."})
    assert response.status_code == 302
    with container.reader() as r:
        assert r.session.get(Case, case_id).counselling_end == D(2026, 12, 1)
        event = r.session.execute(select(Event).where(Event.kind == "counselling_extended")).scalar_one()
    assert event.payload["reason"].startswith("Ausbildung") and event.payload["after"] == "2026-12-01"
    assert case_id not in findings(container, rule="counselling_period")
    assert signed_in("erik").post(f"/compliance/faelle/{case_id}/verlaengerung",
                                  data={"reason": "x" * 20}).status_code == 403


def test_rules_page_lists_rules_in_force_for_supervisors_without_editor(signed_in):
    page = _text(signed_in("carla").get("/compliance/regeln"))
    assert "Keine Lücke zwischen Überprüfungen" in page
    assert "target_agreement (plan_date), review (review_date)" in page
    assert "signed_by_client, signed_by_caseworker" in page
    assert 'name="source"' not in page
