"""Each default mandated-step rule: a case that satisfies it, one that violates it, one at risk (today 15.01.2026)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete

from compliance_cases import CaseBuilder, findings
from engine.db import UserMunicipality

D = date
VIOLATION, AT_RISK = "violation", "at_risk"


@pytest.fixture
def build(container, world):
    """Row-by-row case builder on the test database."""
    return CaseBuilder(container, world)


def test_consent_before_assessment(container, build):
    ok = build.case(D(2025, 12, 1))
    build.consent(ok, D(2025, 12, 2))
    build.assessment(ok, D(2025, 12, 10))
    early = build.case(D(2025, 12, 1))
    build.assessment(early, D(2025, 12, 5))
    build.consent(early, D(2025, 12, 8))
    pending = build.case(D(2025, 12, 25))          # assessment due 22.01., no consent yet
    later = build.case(D(2026, 1, 10))             # due 07.02., beyond the 14 days
    found = findings(container, rule="consent_before_assessment")
    assert found == {early: (VIOLATION, D(2025, 12, 5), D(2025, 12, 8)),
                     pending: (AT_RISK, D(2026, 1, 23), None)}
    assert ok not in found and later not in found


def test_assessment_within_four_weeks(container, build):
    ok = build.case(D(2025, 12, 1))
    build.assessment(ok, D(2025, 12, 20))
    late = build.case(D(2025, 11, 1))              # due 29.11.
    build.assessment(late, D(2025, 12, 10))
    missing = build.case(D(2025, 11, 1))
    soon = build.case(D(2025, 12, 25))             # due 22.01.
    found = findings(container, rule="assessment_in_time")
    assert found == {late: (VIOLATION, D(2025, 11, 30), D(2025, 12, 10)),
                     missing: (VIOLATION, D(2025, 11, 30), None),
                     soon: (AT_RISK, D(2026, 1, 23), None)}
    assert ok not in found


def test_signed_target_agreement_within_eight_weeks(container, build):
    ok = build.case(D(2025, 11, 1))
    build.agreement(ok, D(2025, 12, 1))
    unsigned = build.case(D(2025, 11, 1))          # due 27.12.; the client never signed
    build.agreement(unsigned, D(2025, 12, 1), signed=False)
    soon = build.case(D(2025, 11, 25))             # due 20.01.
    found = findings(container, rule="target_agreement_signed_in_time")
    assert found == {unsigned: (VIOLATION, D(2025, 12, 28), None), soon: (AT_RISK, D(2026, 1, 21), None)}


def test_review_gap_longer_than_interval_plus_grace(container, build):
    ok = build.case(D(2025, 10, 1))
    build.agreement(ok, D(2025, 12, 1))            # next review by 01.03. + 14 days
    overdue = build.case(D(2025, 5, 1))
    build.agreement(overdue, D(2025, 6, 1))        # limit 15.09.
    healed = build.case(D(2025, 5, 1))
    build.agreement(healed, D(2025, 6, 1))
    build.step(healed, "Task_Review", D(2025, 10, 20), review_date="2025-10-20")  # five weeks late
    soon = build.case(D(2025, 9, 1))
    build.agreement(soon, D(2025, 10, 5))          # limit 19.01.
    found = findings(container, rule="review_interval")
    assert found == {overdue: (VIOLATION, D(2025, 9, 16), None), healed: (VIOLATION, D(2025, 9, 16), D(2025, 10, 20)),
                     soon: (AT_RISK, D(2026, 1, 20), None)}
    assert ok not in found


def test_closure_with_reason_and_final_evaluation(container, build):
    ok = build.case(D(2025, 3, 1))
    build.goal(ok, D(2025, 4, 1), evaluation="B1 bestanden")
    build.step(ok, "Task_Closure", D(2025, 12, 1), closure_reason="goals_achieved")
    build.close(ok, D(2025, 12, 1))
    unevaluated = build.case(D(2025, 3, 1))
    build.goal(unevaluated, D(2025, 4, 1))
    build.step(unevaluated, "Task_Closure", D(2025, 12, 2), closure_reason="other")
    build.close(unevaluated, D(2025, 12, 2))
    no_reason = build.case(D(2025, 3, 1))
    build.close(no_reason, D(2025, 12, 3), reason=None)
    ending = build.case(D(2023, 1, 20), counselling_start=D(2023, 1, 20))   # period ends 20.01.2026
    build.goal(ending, D(2023, 3, 1))
    found = findings(container, rule="closure_complete")
    assert found == {unevaluated: (VIOLATION, D(2025, 12, 2), None), no_reason: (VIOLATION, D(2025, 12, 3), None),
                     ending: (AT_RISK, D(2026, 1, 21), None)}


def test_contacts_logged_within_fourteen_days(container, build):
    ok = build.case(D(2025, 11, 1))
    build.assessment(ok, D(2025, 12, 10))
    build.contact(ok, D(2025, 12, 10), recorded=D(2025, 12, 11))
    late = build.case(D(2025, 10, 1))
    build.contact(late, D(2025, 11, 1), recorded=D(2025, 12, 1))
    unlogged = build.case(D(2025, 12, 1))
    build.assessment(unlogged, D(2026, 1, 5))       # conversation on 05.01., not logged: due 19.01.
    found = findings(container, rule="contacts_logged_in_time")
    assert found == {late: (VIOLATION, D(2025, 11, 16), D(2025, 12, 1)), unlogged: (AT_RISK, D(2026, 1, 20), None)}


def test_exactly_one_active_responsible_caseworker(container, world, build):
    ok = build.case(D(2025, 12, 1), responsible="anna")
    nobody = build.case(D(2025, 12, 1), responsible=None)
    supervisor = build.case(D(2025, 12, 1), responsible="carla")
    moved = build.case(D(2025, 12, 1), responsible="ben")
    with container.uow() as uow:                   # Ben no longer serves Astadt: a handover is due
        uow.session.execute(delete(UserMunicipality).where(UserMunicipality.user_id == world.ben.id))
        uow.commit()
    found = findings(container, rule="single_responsible")
    assert found == {nobody: (VIOLATION, D(2025, 12, 1), None), supervisor: (VIOLATION, None, None),
                     moved: (AT_RISK, None, None)}
    assert ok not in found


def test_counselling_period_not_exceeded_without_extension(container, build):
    ok = build.case(D(2025, 1, 1), counselling_start=D(2025, 1, 1))
    exceeded = build.case(D(2023, 1, 1), counselling_start=D(2022, 12, 1))     # ended 01.12.2025
    extended = build.case(D(2023, 1, 1), counselling_start=D(2022, 12, 1))
    build.event(extended, "counselling_extended", D(2025, 11, 20), reason="Ausbildung läuft noch bis Sommer")
    ending = build.case(D(2023, 1, 20), counselling_start=D(2023, 1, 20))
    found = findings(container, rule="counselling_period")
    assert found == {exceeded: (VIOLATION, D(2025, 12, 2), None), ending: (AT_RISK, D(2026, 1, 21), None)}
    assert ok not in found and extended not in found


def test_check_as_of_a_past_date_ignores_later_records_and_is_reproducible(container, build):
    late = build.case(D(2025, 11, 1))
    build.assessment(late, D(2026, 1, 10))         # done after the quarter ended
    after = build.case(D(2026, 1, 5))              # opened after the quarter ended
    quarter_end = findings(container, D(2025, 12, 31))
    assert quarter_end[("assessment_in_time", late)] == (VIOLATION, D(2025, 11, 30), None)
    assert not any(case == after for _rule, case in quarter_end)
    today = findings(container)
    assert today[("assessment_in_time", late)] == (VIOLATION, D(2025, 11, 30), D(2026, 1, 10))
    assert ("assessment_in_time", after) not in today and ("consent_before_assessment", after) not in today
    build.consent(late, D(2026, 1, 12))            # more data later: the past quarter's figures stay the same
    assert findings(container, D(2025, 12, 31)) == quarter_end
