"""The Fristen page through the real app: who may see it, what it shows, sorting links, errors, query count."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from engine.casework import unclaim_task
from journey import CONSENT, Driver
from support import intake_form, statements

ASSESSMENT_DUE = date(2026, 2, 12)   # intake on the fake clock's first day + P4W


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _to_day(clock, day: date) -> None:
    clock.advance(days=(day - clock.today()).days)


def _assessment_case(container, actor, town: int, last_name: str) -> str:
    driver = Driver(container)
    case_id = driver.open(actor, intake_form(town, last_name=last_name))
    driver.complete(actor, case_id, CONSENT, expect="Task_Consent")
    return case_id


def _table(page: str, css_class: str) -> str:
    return re.search(rf'<table class="list {css_class}">(.*?)</table>', page, re.S).group(1)


def _summary_rows(page: str, heading_id: str) -> dict[str, list[str]]:
    """{first column: [overdue, escalated, soon, total]} of one summary table."""
    section = re.search(rf'<section [^>]*aria-labelledby="{heading_id}">(.*?)</section>', page, re.S).group(1)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1], re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[html.unescape(cells[0])] = cells[1:]
    return rows


def _detail_names(page: str) -> list[str]:
    return [html.unescape(n).split(",")[0] for n in re.findall(r'<a href="/cases/[^"]+">([^<]+)</a>',
                                                                 _table(page, "deadlines"))]


@pytest.fixture
def scene(container, world, clock):
    """On 01.03.2026: Adler (anna) 17 days overdue, Berg (ben) 7 days overdue, Offen unassigned and due in 4 days,
    Dietz (dora, other organisation) 17 days overdue."""
    ids = {"Adler": _assessment_case(container, world.anna, world.town_a, "Adler"),
           "Dietz": _assessment_case(container, world.dora, world.town_b, "Dietz")}
    _to_day(clock, date(2026, 1, 25))
    ids["Berg"] = _assessment_case(container, world.ben, world.town_a, "Berg")
    _to_day(clock, date(2026, 2, 5))
    ids["Offen"] = _assessment_case(container, world.anna, world.town_a, "Offen")
    unclaim_task(container.uow(), Driver(container).open_task(ids["Offen"]).id, world.anna)
    _to_day(clock, date(2026, 3, 1))
    return ids


# --- what the supervisor sees --------------------------------------------------------------------------------

def test_supervisor_sees_summaries_with_labelled_counts(signed_in, scene):
    response = signed_in("carla").get("/fristen")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = _text(response)
    assert "<h1>Fristen</h1>" in page and "Stand: 01.03.2026" in text
    for label in ("Nach Zuständigen", "Nach Kommunen", "Überfällig", "davon eskaliert", "Bald fällig", "Gesamt"):
        assert label in text, label
    assert _summary_rows(page, "summary-caseworker") == {
        "Anna Adler": ["1", "1", "0", "1"], "Ben Berg": ["1", "0", "0", "1"], "nicht zugewiesen": ["0", "0", "1", "1"],
        "Summe": ["2", "1", "1", "3"]}
    assert _summary_rows(page, "summary-municipality") == {"Astadt": ["2", "1", "1", "3"]}
    # The legend names the configured times in words.
    assert "seit mehr als 14 Tagen überfällig" in text and "innerhalb von 3 Monaten enden" in text


def test_detail_rows_name_the_state_in_words_and_link_the_case(signed_in, scene):
    response = signed_in("carla").get("/fristen")
    page = response.get_data(as_text=True)
    detail = html.unescape(_table(page, "deadlines"))
    assert _detail_names(page) == ["Adler", "Berg", "Offen"]
    assert f'href="/cases/{scene["Adler"]}"' in detail
    assert "17 Tage überfällig" in detail and "eskaliert" in detail
    assert "7 Tage überfällig" in detail and "fällig in 4 Tagen" in detail
    assert "12.02.2026" in detail and "Bedarfsanalyse" in detail and "nicht zugewiesen" in detail
    assert "Dietz" not in _text(response)


def test_compliance_sees_every_organisation(signed_in, scene):
    page = signed_in("erik").get("/fristen").get_data(as_text=True)
    assert _detail_names(page) == ["Adler", "Dietz", "Berg", "Offen"]
    assert set(_summary_rows(page, "summary-municipality")) == {"Astadt", "Bdorf", "Summe"}


@pytest.mark.parametrize("who", ["anna", "dora"])
def test_caseworkers_get_403(signed_in, scene, who):
    response = signed_in(who).get("/fristen")
    assert response.status_code == 403
    assert "Keine Berechtigung" in _text(response) and "Teamleitung" in _text(response)


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    response = client.get("/fristen")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_empty_state(signed_in, world):
    response = signed_in("carla").get("/fristen")
    assert response.status_code == 200
    assert "Keine fälligen oder überfälligen Fristen." in _text(response)
    assert "Nach Zuständigen" not in _text(response)


def test_empty_state_for_a_filter_without_matches(signed_in, world, scene):
    text = _text(signed_in("carla").get(f"/fristen?state=soon&caseworker={world.ben.id}"))
    assert "Keine fälligen oder überfälligen Fristen." in text
    assert "Nach Zuständigen" in text   # the summary still shows Ben's overdue item


# --- navigation ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "shown"), [("carla", True), ("erik", True), ("anna", False), ("dora", False)])
def test_nav_link_only_for_supervisors_and_compliance(signed_in, world, who, shown):
    page = signed_in(who).get("/").get_data(as_text=True)
    assert ('href="/fristen"' in page) is shown
    assert 'href="/fristen" aria-current="page"' not in page


def test_nav_link_is_current_on_the_page(signed_in, world):
    assert 'href="/fristen" aria-current="page"' in signed_in("carla").get("/fristen").get_data(as_text=True)


# --- sorting and filtering -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Adler", "Berg", "Offen"]),
    ("?sort=due&order=desc", ["Offen", "Berg", "Adler"]),
    ("?sort=overdue", ["Adler", "Berg", "Offen"]),
    ("?sort=caseworker&order=desc", ["Berg", "Adler", "Offen"]),
    ("?state=overdue", ["Adler", "Berg"]),
    ("?state=soon", ["Offen"]),
    ("?caseworker=0", ["Offen"]),
    ("?caseworker=&municipality=&state=", ["Adler", "Berg", "Offen"]),   # the filter form's "alle"
])
def test_sorting_and_filters_through_the_query_string(signed_in, scene, query, expected):
    response = signed_in("carla").get(f"/fristen{query}")
    assert response.status_code == 200
    assert _detail_names(response.get_data(as_text=True)) == expected


def test_filter_by_municipality_and_caseworker(signed_in, world, scene):
    client = signed_in("erik")
    assert _detail_names(client.get(f"/fristen?municipality={world.town_b}").get_data(as_text=True)) == ["Dietz"]
    assert _detail_names(client.get(f"/fristen?caseworker={world.ben.id}").get_data(as_text=True)) == ["Berg"]


def test_column_headers_are_sort_links_that_keep_the_filters(signed_in, world, scene):
    page = html.unescape(signed_in("carla").get(f"/fristen?state=overdue&municipality={world.town_a}")
                         .get_data(as_text=True))
    head = _table(page, "deadlines").split("</thead>")[0]
    assert 'aria-sort="ascending"' in head and head.count("aria-sort") == 1
    found = re.findall(r'<a class="sort[^"]*" href="([^"]+)">([^<]+)<', head)
    links = {label.strip(): href for href, label in found}
    assert set(links) == {"Fällig am", "Tage überfällig", "Zuständig", "Kommune"}
    # The active column reverses, the others start in their natural order; filters are kept.
    assert "sort=due" in links["Fällig am"] and "order=desc" in links["Fällig am"]
    assert "sort=caseworker" in links["Zuständig"] and "order" not in links["Zuständig"]
    for href in links.values():
        assert "state=overdue" in href and f"municipality={world.town_a}" in href
    assert "<script" not in page.split("<main")[1]


def test_summary_names_link_to_their_filter(signed_in, world, scene):
    page = html.unescape(signed_in("carla").get("/fristen").get_data(as_text=True))
    assert f'href="/fristen?caseworker={world.ben.id}"' in page
    assert 'href="/fristen?caseworker=0"' in page
    assert f'href="/fristen?municipality={world.town_a}"' in page


# --- bad parameters ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "word"), [
    ("sort=name", "Sortierung"), ("order=sideways", "Sortierrichtung"), ("state=late", "Fristenstatus"),
    ("municipality=abc", "Kommune"), ("caseworker=-3", "zuständige Person"),
])
def test_bad_parameters_give_a_german_422_page(signed_in, world, query, word):
    response = signed_in("carla").get(f"/fristen?{query}")
    assert response.status_code == 422
    text = _text(response)
    assert "Ungültige Angaben" in text and word in text and "Traceback" not in text


# --- language ------------------------------------------------------------------------------------------------

def test_page_in_english(signed_in, scene):
    text = _text(signed_in("carla").get("/fristen?lang=en"))
    for label in ("Deadlines", "By person responsible", "By municipality", "Overdue", "17 days overdue",
                  "due in 4 days", "unassigned", "escalated"):
        assert label in text, label
    assert "Überfällig" not in text and "nicht zugewiesen" not in text


# --- statements per request ----------------------------------------------------------------------------------



def test_statements_per_page_do_not_grow_with_the_rows_shown(container, signed_in, world, clock):
    client = signed_in("carla")
    for i in range(3):
        _assessment_case(container, world.anna, world.town_a, f"Fall{i:02d}")
    _to_day(clock, ASSESSMENT_DUE + timedelta(days=1))
    with statements(container) as few:
        page = client.get("/fristen").get_data(as_text=True)
    assert len(_detail_names(page)) == 3
    for i in range(3, 30):
        _assessment_case(container, world.ben if i % 2 else world.anna, world.town_a, f"Fall{i:02d}")
    _to_day(clock, ASSESSMENT_DUE + timedelta(days=30))
    with statements(container) as many:
        page = client.get("/fristen").get_data(as_text=True)
    assert len(_detail_names(page)) == 30
    assert len(many) == len(few)
