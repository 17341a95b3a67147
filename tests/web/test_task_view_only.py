"""A task form someone may read but not complete says why and offers no "Erledigen" button."""
from __future__ import annotations

import html

from engine.db import OpenTask
from journey import Driver
from support import intake_form, rows


def _task_page(container, world, signed_in, username: str) -> str:
    case_id = Driver(container).open(world.anna, intake_form(world.town_a))
    task = rows(container, OpenTask, case_id=case_id)[0]
    response = signed_in(username).get(f"/cases/{case_id}/tasks/{task.id}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_caseworker_gets_the_button(container, world, signed_in):
    page = _task_page(container, world, signed_in, "anna")
    assert ">Erledigen</button>" in page and "nicht erledigen" not in page


def test_compliance_reads_the_form_and_is_told_it_cannot_complete_it(container, world, signed_in):
    page = _task_page(container, world, signed_in, "erik")
    assert "Ihre Rolle kann diese Aufgabe ansehen, aber nicht erledigen." in page
    assert ">Erledigen</button>" not in page and "Zurück zum Fall" in page
