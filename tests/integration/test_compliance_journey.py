"""The rules read what the real services record: a case driven through the journey meets its mandated steps."""
from __future__ import annotations

from datetime import date

from compliance_cases import findings
from journey import Driver
from support import intake_form


def test_journey_case_meets_the_rules_except_the_unlogged_first_conversation(container, world):
    driver = Driver(container)
    case_id = driver.to_review(world.anna, intake_form(world.town_a))
    driver.review(world.anna, case_id, next_step="close", date="2026-04-20")
    driver.closure(world.anna, case_id)
    found = {rule: value for (rule, case), value in findings(container).items() if case == case_id}
    # Consent, assessment, signed agreement, review, closure, responsibility and period all hold; only the
    # assessment conversation of 20.01.2026 was never logged as a contact (due by 03.02.2026).
    assert found == {"contacts_logged_in_time": ("violation", date(2026, 2, 4), None)}


def test_open_journey_case_without_consent_is_at_risk_before_assessment_is_due(container, world, clock):
    driver = Driver(container)
    case_id = driver.open(world.anna, intake_form(world.town_a))
    assert findings(container, rule="consent_before_assessment") == {}
    clock.advance(days=20)                          # assessment due 12.02.2026, 8 days left
    assert findings(container, rule="consent_before_assessment") == {case_id: ("at_risk", date(2026, 2, 13), None)}
    assert findings(container, rule="assessment_in_time") == {case_id: ("at_risk", date(2026, 2, 13), None)}
