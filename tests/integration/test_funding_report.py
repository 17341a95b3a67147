"""Funded positions and the funding-period report: figures on a known data set, tenancy, audit, the three files."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from werkzeug.datastructures import MultiDict

from engine.casework import log_contact
from engine.db import Event, FundedPosition
from engine.errors import Forbidden, InvalidInput
from engine.reporting import export_funding_report, funded_positions, funding_report, record_funded_position
from journey import Driver
from report_data import close_case, served_household
from support import intake_form, rows

YEAR = {"von": "2026-01-01", "bis": "2026-12-31"}


def _grant(container, actor, org, town, start, end, fte, note=None):
    raw = {"organisation": str(org), "municipality": str(town), "von": start, "bis": end, "vzae": fte}
    if note:
        raw["note"] = note
    return record_funded_position(container.uow(), actor, raw)


@pytest.fixture
def funded(container, world):
    """Astadt (Caritas) served household, closed 01.10.2026; a Bdorf (DRK) case with 60 minutes of counselling;
    Caritas granted 1,5 VZÄ for 2026, DRK 1,0 for the first half and 0,5 for the second."""
    drive, case_a, _ = served_household(container, world)
    close_case(drive, world, case_a)
    case_b = Driver(container).to_review(world.dora, intake_form(world.town_b, last_name="Berisha"))
    assert container.clock.today().isoformat() > "2026-07-01"   # Bdorf's case comes in the second half
    log_contact(container.uow(), case_b, MultiDict({"occurred_on": container.clock.today().isoformat(),
                                                    "kind": "office",
                                                    "duration_minutes": "60", "topics": "work"}), world.dora)
    _grant(container, world.erik, world.org_a, world.town_a, "2026-01-01", "2026-12-31", "1,5")
    _grant(container, world.erik, world.org_b, world.town_b, "2026-01-01", "2026-06-30", "1")
    _grant(container, world.erik, world.org_b, world.town_b, "2026-07-01", "2026-12-31", "0.5", "Kürzung")
    return case_a, case_b


def _units(report):
    return {u.municipality: u for u in report.units}


def test_district_report_holds_positions_cases_hours_and_caseload_per_position(container, world, funded):
    with container.reader() as r:
        report = funding_report(r, world.erik, YEAR)
    astadt, bdorf = _units(report)["Astadt"], _units(report)["Bdorf"]
    assert (astadt.fte, astadt.cases_served, astadt.new_cases, astadt.active_at_end) == (Decimal("1.50"), 1, 1, 0)
    assert astadt.closures == {"goals_achieved": 1}
    assert (astadt.sessions, astadt.session_hours, astadt.cases_per_fte) == (1, 1.5, 0.7)
    # 1,0 VZÄ for 181 days and 0,5 for 184 days of 365: 0,75 on average.
    assert bdorf.fte == Decimal("0.75")
    assert (bdorf.cases_served, bdorf.active_at_end, bdorf.session_minutes, bdorf.cases_per_fte) == (1, 1, 60, 1.3)
    assert report.total.fte == Decimal("2.25") and report.total.cases_served == 2 and report.total.session_hours == 2.5
    people = {c.name: c for c in report.caseworkers}
    assert (people["Anna Adler"].cases_served, people["Anna Adler"].session_minutes) == (1, 90)
    assert (people["Dora Dietz"].new_cases, people["Dora Dietz"].session_minutes) == (1, 60)
    assert [p.fte for p in report.positions] == [Decimal("1.50"), Decimal("1.00"), Decimal("0.50")]
    assert dict(report.stamp)["Förderzeitraum"] == "01.01.2026 – 31.12.2026"
    assert dict(report.stamp)["Protokollstand"].startswith("Ereignis ")


def test_second_half_only_counts_its_own_grant(container, world, funded):
    with container.reader() as r:
        report = funding_report(r, world.erik, {"von": "2026-07-01", "bis": "2026-12-31"})
    assert _units(report)["Bdorf"].fte == Decimal("0.50")
    assert _units(report)["Astadt"].closures == {"goals_achieved": 1}
    assert (_units(report)["Astadt"].new_cases, _units(report)["Bdorf"].new_cases) == (0, 1)
    assert (_units(report)["Astadt"].sessions, _units(report)["Bdorf"].sessions) == (0, 1)


def test_team_lead_sees_only_their_organisation(container, world, funded):
    with container.reader() as r:
        report = funding_report(r, world.carla, YEAR)
        grants = funded_positions(r.session, world.carla)
    assert [u.municipality for u in report.units] == ["Astadt"]
    assert {c.name for c in report.caseworkers} <= {"Anna Adler", "Ben Berg"}
    assert [g.municipality for g in grants] == ["Astadt"]
    assert report.total.fte == Decimal("1.50") and report.total.session_minutes == 90
    with container.reader() as r, pytest.raises(InvalidInput):
        funding_report(r, world.carla, {**YEAR, "municipality": str(world.town_b)})


def test_caseworkers_neither_read_the_report_nor_enter_positions(container, world):
    with container.reader() as r, pytest.raises(Forbidden):
        funding_report(r, world.anna, YEAR)
    for actor in (world.anna, world.carla):
        with pytest.raises(Forbidden):
            _grant(container, actor, world.org_a, world.town_a, "2026-01-01", "2026-12-31", "1")
    assert rows(container, FundedPosition) == []


def test_entering_the_same_grant_again_corrects_it_and_both_are_audited(container, world):
    _grant(container, world.erik, world.org_a, world.town_a, "2026-01-01", "2026-12-31", "1,5")
    _grant(container, world.erik, world.org_a, world.town_a, "2026-01-01", "2026-12-31", "2,25")
    assert [(p.fte, p.recorded_by) for p in rows(container, FundedPosition)] == [(Decimal("2.25"), world.erik.id)]
    events = [e.payload for e in rows(container, Event) if e.kind == "funded_positions_set"]
    assert [(e["fte"], e["previous_fte"]) for e in events] == [("1.50", None), ("2.25", "1.50")]


@pytest.mark.parametrize("change, field", [
    ({"vzae": "abc"}, "vzae"), ({"vzae": "0"}, "vzae"), ({"vzae": "100"}, "vzae"),
    ({"bis": "2025-12-31"}, "bis"), ({"von": "gestern"}, "von"), ({"bis": "2032-01-01"}, "bis"),
    ({"organisation": "999999"}, "organisation"), ({"municipality": ""}, "municipality"),
    ({"note": "x" * 301}, "note"),
])
def test_invalid_grants_are_refused_with_a_german_message(container, world, change, field):
    raw = {"organisation": str(world.org_a), "municipality": str(world.town_a), "von": "2026-01-01",
           "bis": "2026-12-31", "vzae": "1", **change}
    with pytest.raises(InvalidInput) as caught:
        record_funded_position(container.uow(), world.erik, raw)
    assert field in caught.value.errors
    assert rows(container, FundedPosition) == []


def test_invalid_periods_are_refused(container, world):
    for raw in ({"von": "2026-12-31", "bis": "2026-01-01"}, {"von": "2099-01-01", "bis": "2099-12-31"},
                {"von": "2001-01-01", "bis": "2026-12-31"}, {"von": "31.12."}):
        with container.reader() as r, pytest.raises(InvalidInput):
            funding_report(r, world.erik, raw)


def test_default_period_is_the_latest_grant_that_has_begun(container, world, funded):
    with container.reader() as r:
        report = funding_report(r, world.erik, {})
    assert (report.params.start.isoformat(), report.params.end.isoformat()) == ("2026-07-01", "2026-12-31")


def test_files_open_and_carry_the_stamp(container, world, funded):
    with container.reader() as r:
        report = funding_report(r, world.erik, YEAR)
    files = {fmt: export_funding_report(report, fmt) for fmt in ("csv", "xlsx", "pdf")}
    assert all(f.filename.startswith("Verwendungsnachweis_20260101-20261231_Stand_") for f in files.values())
    lines = list(csv.reader(io.StringIO(files["csv"].content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:6] == ["Tabelle", "Organisation", "Kommune", "Merkmal", "Kennzahl", "Wert"]
    by_key = {(row[1], row[2], row[4]): row[5] for row in lines[1:]}
    assert by_key[("DRK Test", "Bdorf", "VZÄ (bewilligt, Ø im Zeitraum)")] == "0,75"
    assert by_key[("Caritas Test", "Astadt", "Beratungsstunden")] == "1,5"
    assert by_key[("Gesamt", "", "Betreute Fälle")] == "2"
    assert all(row[6] == "01.01.2026 – 31.12.2026" and row[9].startswith("Ereignis") for row in lines[1:])
    book = load_workbook(io.BytesIO(files["xlsx"].content))
    assert book.sheetnames == ["Stellen und Fallzahlen", "Abschlussgründe", "Integrationsmanager",
                               "Bewilligte Stellen"]
    sheet = book["Stellen und Fallzahlen"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Förderzeitraum", "01.01.2026 – 31.12.2026"] == values[1][:2]
    assert ["Gesamt", None, 2.25, 2] == values[-1][:4]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files["pdf"].content)).pages)
    for expected in ("Verwendungsnachweis", "Protokollstand", "Pflichtschritt-Regeln", "Astadt", "Bdorf", "0,75",
                     "Ziele erreicht", "Anna Adler", "Kürzung"):
        assert expected in text, expected
