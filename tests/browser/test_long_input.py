"""In the browser: text fields stop at the server's limit, and a name that is one very long word wraps instead of
making the worklist, case list and case page wider than the window."""
from __future__ import annotations

import pytest

from journey import Driver
from support import PASSWORD, intake_form

LONG_WORD = "Abcdefghij" * 10  # 100 letters without a break: the longest first name the intake takes


def _sign_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


@pytest.mark.browser
def test_intake_text_field_stops_at_its_maxlength(page, container, world):
    _sign_in(page, "anna")
    page.goto("/cases/new")
    page.fill("input[name=first_name]", "x" * 150)  # fill() respects maxlength like typing does
    assert len(page.input_value("input[name=first_name]")) == 100


@pytest.mark.browser
def test_a_very_long_word_wraps_on_the_pages_that_show_it(page, container, world):
    case_id = Driver(container).open(world.anna, intake_form(world.town_a, first_name=LONG_WORD,
                                                             last_name=LONG_WORD))
    _sign_in(page, "anna")
    for path in ("/", "/cases/?status=all", f"/cases/{case_id}"):
        page.goto(path)
        assert LONG_WORD in page.content()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
