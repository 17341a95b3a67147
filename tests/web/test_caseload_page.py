"""Fallzahlen im Team: per caseworker open cases, overdue steps, reviews coming due, cases without contact; scope."""
from __future__ import annotations

import html
import re

from werkzeug.datastructures import MultiDict

from engine.casework import log_contact
from journey import CONSENT, Driver
from support import intake_form


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _row(page: str, name: str) -> list[str]:
    """The figures of one caseworker's line in the summary table."""
    row = re.search(rf"<tr>\s*<td[^>]*>(?:<a [^>]*>)?{name}.*?</tr>", page, re.S).group(0)
    return re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', row)


def _team(container, world, clock):
    """Anna: two cases (one with a recent contact), Dora (other organisation): one; then 45 days pass."""
    drive = Driver(container)
    first = drive.open(world.anna, intake_form(world.town_a))
    second = drive.open(world.anna, intake_form(world.town_a, first_name="Omar", last_name="Saleh"))
    drive.complete(world.anna, first, CONSENT, expect="Task_Consent")
    drive.complete(world.anna, second, CONSENT, expect="Task_Consent")
    drive.open(world.dora, intake_form(world.town_b, first_name="Lina", last_name="Dietz-Klientin"))
    clock.advance(days=45)
    log_contact(container.uow(), second, MultiDict({"occurred_on": clock.today().isoformat(), "kind": "office",
                                                   "duration_minutes": "30", "topics": "language"}), world.anna)
    return first, second


def test_team_lead_sees_each_caseworker_with_figures_and_links(container, world, clock, signed_in):
    first, second = _team(container, world, clock)
    clock.advance(days=20)  # intake 65 days ago: the first case has had no contact at all
    response = signed_in("carla").get("/team")
    page = _text(response)
    assert response.status_code == 200 and "Fallzahlen im Team" in page
    # open cases, overdue steps (both needs assessments, due 4 weeks after intake), reviews, without contact
    assert _row(page, "Anna Adler") == ["2", "2", "0", "1"]
    assert _row(page, "Ben Berg") == ["0", "0", "0", "0"]  # a colleague without cases still has a line
    assert f'href="/cases/{first}"' in page and "noch kein Kontakt" in page
    assert f"/cases/{first}/tasks/" in page and "fällig seit" in page
    assert "Dora Dietz" not in page and "Dietz-Klientin" not in page  # another organisation


def test_thresholds_are_chosen_and_checked(container, world, clock, signed_in):
    _team(container, world, clock)
    carla = signed_in("carla")
    assert _row(_text(carla.get("/team?ohne_kontakt=30")), "Anna Adler")[3] == "1"
    assert _row(_text(carla.get("/team?ohne_kontakt=50")), "Anna Adler")[3] == "0"
    refused = carla.get("/team?ueberpruefung=abc&ohne_kontakt=9999")
    assert refused.status_code == 422
    text = _text(refused)
    assert "Bitte eine ganze Zahl von Tagen angeben." in text and "Bitte eine Zahl von 1 bis 730 Tagen angeben." in text
    assert "Traceback" not in text


def test_compliance_sees_every_organisation_and_caseworkers_are_refused(container, world, clock, signed_in):
    _team(container, world, clock)
    page = _text(signed_in("erik").get("/team"))
    assert _row(page, "Dora Dietz") == ["1", "0", "0", "0"] and "DRK Test" in page
    assert signed_in("anna").get("/team").status_code == 403
