"""Prozesse › Entscheidungstabellen through the real app: list, Testen, Prüfen, deploy/upload, compare, download."""
from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import select

from engine.config import SHIPPED_BPMN_DIR
from engine.db import DecisionDefinition, Event
from journey import Driver
from support import intake_form

REVIEW = (SHIPPED_BPMN_DIR / "review_interval.dmn").read_text(encoding="utf-8")
TWO_MONTHS = REVIEW.replace('<outputEntry id="Out_FirstUkraine_Months"><text>3</text>',
                            '<outputEntry id="Out_FirstUkraine_Months"><text>2</text>')
BASE = "/prozesse/tabellen/review_interval"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _versions(container) -> list[tuple[int, str | None]]:
    with container.reader() as r:
        return [(row.version, row.comment) for row in r.session.execute(
            select(DecisionDefinition).where(DecisionDefinition.key == "review_interval")
            .order_by(DecisionDefinition.version)).scalars()]


def test_the_list_shows_both_shipped_tables_and_who_uses_them(signed_in):
    page = _text(signed_in("carla").get("/prozesse/tabellen/"))
    assert "Förderfähigkeit" in page and "Überprüfungsintervall" in page
    assert page.count("Klientenbegleitung Integrationsmanagement") == 2
    assert "Entscheidungstabellen" in _text(signed_in("carla").get("/prozesse/"))


def test_testen_evaluates_the_edited_table_on_the_server(signed_in):
    reply = signed_in("carla").post(f"{BASE}/testen", json={
        "xml": TWO_MONTHS, "values": {"review_phase": "first", "residence_status": "temporary_protection_ukraine"}})
    body = reply.get_json()
    assert body["ok"] and body["rules"] == [1] and body["rule_ids"] == ["Rule_FirstUkraine"]
    assert "  Monate bis zur Überprüfung (review_months) = 2" in body["lines"]


@pytest.mark.parametrize(("xml", "values", "message"), [
    (REVIEW, {"review_phase": "zweite", "residence_status": "x"}, "Keine Regel trifft"),
    (REVIEW.replace('"first"</text>', '__import__("os")</text>', 1), {"review_phase": "first",
                                                                        "residence_status": "x"},
     "Nicht erlaubter Name: __import__"),
    ("<kein/>", {}, "kein DMN-Dokument"),
])
def test_testen_answers_bad_tables_and_values_in_german(signed_in, xml, values, message):
    body = signed_in("carla").post(f"{BASE}/testen", json={"xml": xml, "values": values}).get_json()
    assert body["ok"] is False and message in body["message"]


def test_pruefen_puts_the_overlap_on_its_cell(signed_in):
    overlapping = REVIEW.replace('<text>!= "temporary_protection_ukraine"</text>', "<text>-</text>")
    body = signed_in("carla").post(f"{BASE}/pruefen", json={"xml": overlapping}).get_json()
    assert [(p["severity"], p["element_id"]) for p in body["problems"]] == [("error", "Entry_FirstOther_Phase")]
    assert body["message"] == "1 Fehler gefunden."


def test_deploy_from_the_editor_needs_a_comment_and_makes_an_immutable_version(container, signed_in):
    client = signed_in("carla")
    refused = client.post(f"{BASE}/bereitstellen", data={"xml": TWO_MONTHS, "comment": " "})
    assert refused.status_code == 422 and _versions(container) == [(1, "Ausgelieferte Version")]
    done = client.post(f"{BASE}/bereitstellen", data={"xml": TWO_MONTHS, "comment": "Ukraine: 2 Monate"})
    assert done.status_code == 302
    assert _versions(container) == [(1, "Ausgelieferte Version"), (2, "Ukraine: 2 Monate")]
    with container.reader() as r:
        event = r.session.execute(select(Event).where(Event.kind == "decision_deployed")).scalar_one()
    assert (event.payload["key"], event.payload["version"], event.payload["comment"]) == \
        ("review_interval", 2, "Ukraine: 2 Monate")
    page = _text(client.get(BASE))
    assert "Prozesse mit Version 2 bereitstellen" in page and "verwendet Tabellenversion 1" in page
    assert client.post(f"{BASE}/prozesse-bereitstellen", data={"comment": "neue Tabelle"}).status_code == 302
    assert "verwendet Tabellenversion 2" in _text(client.get(BASE))
    compare = _text(client.get(f"{BASE}/vergleich?alt=1&neu=2"))
    assert "<del>3</del> <ins>2</ins>" in compare and "geändert" in compare
    download = client.get(f"{BASE}/v2.dmn?download=1")
    assert download.headers["Content-Disposition"] == 'attachment; filename="review_interval_v2.dmn"'
    assert download.get_data(as_text=True) == TWO_MONTHS


@pytest.mark.parametrize(("content", "message"), [
    (b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "DTD"),
    (REVIEW.replace('<text>!= "temporary_protection_ukraine"</text>', "<text>-</text>").encode(),
     "überschneidet sich mit Regel 1"),
    ((SHIPPED_BPMN_DIR / "eligibility.dmn").read_bytes(), "nicht „review_interval“"),
    (b"x" * (6 * 1024 * 1024), "zu groß"),
])
def test_an_uploaded_dmn_is_checked_like_the_editor(container, signed_in, content, message):
    reply = signed_in("carla").post(f"{BASE}/bereitstellen", data={
        "comment": "Upload", "file": (io.BytesIO(content), "tabelle.dmn")}, content_type="multipart/form-data")
    assert reply.status_code in (413, 422) and message in _text(reply)
    assert _versions(container) == [(1, "Ausgelieferte Version")]


def test_the_case_page_explains_the_eligibility_decision(container, world, signed_in):
    case_id = Driver(container).open(world.anna, intake_form(world.town_a))
    page = _text(signed_in("anna").get(f"/cases/{case_id}"))
    assert "Förderfähigkeit: Regel 7 der Tabelle Förderfähigkeit v1: förderfähig, weil der Aufenthaltsstatus" in page
    assert re.search(r"Entscheidungstabelle ausgewertet</strong>: Förderfähigkeit v1", page)


@pytest.mark.parametrize("username", ["anna", "erik"])
def test_only_authors_edit_tables(signed_in, username):
    assert signed_in(username).post(f"{BASE}/testen", json={"xml": REVIEW, "values": {}}).status_code == 403


def test_compliance_filters_the_case_list_by_decision_outcome(container, world, signed_in):
    drive = Driver(container)
    drive.open(world.anna, intake_form(world.town_a, last_name="Ja"))
    drive.open(world.anna, intake_form(world.town_a, last_name="Nein", residence_status="toleration"))
    client = signed_in("erik")
    page = _text(client.get("/cases/?status=all&decision=eligibility=nein"))
    assert "Nein, Amina" in page and "Ja, Amina" not in page
    assert "Förderfähigkeit: nein" in page  # the filter's choice
    page = _text(client.get("/cases/?status=all&decision=eligibility=ja"))
    assert "Ja, Amina" in page and "Nein, Amina" not in page
    assert client.get("/cases/?decision=%3Cscript%3E").status_code == 422
