"""Partner directory and referrals: who may keep the directory, tenancy, consent restriction, read-only period,
audit events, follow-up reminders and the deadline overview, the state report's referral figures."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.access import HandoverRequest, hand_over_case
from engine.audit import verify_chain
from engine.casework import case_view
from engine.db import Case, Event, Goal, Referral, Reminder
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.network import list_partners, record_referral, save_partner, update_referral
from engine.reporting import report_tables, state_report
from engine.time import deadline_overview, run_reminder_pass
from journey import ASSESSMENT, Driver, target_agreement
from network_data import consented_case, partners
from support import rows


def _referral(container, world, case_id, partner_id, **extra) -> int:
    raw = {"partner_id": str(partner_id), "reason": "Anmeldung zur Arbeitsvermittlung", "referred_on": "2026-01-15",
           "follow_up_on": "2026-01-29", **extra}
    return record_referral(container.uow(), case_id, raw, world.anna)


def test_team_leads_and_admin_keep_the_directory_caseworkers_read_it(container, world):
    ids = partners(container, world)
    with pytest.raises(Forbidden):
        save_partner(container.uow(), world.anna, {"kind": "jobcenter", "name": "Eigenes Jobcenter"})
    with container.reader() as r:
        seen_a = {row.partner.name for row in list_partners(r, world.anna, {})[0]}
        seen_b = {row.partner.name for row in list_partners(r, world.dora, {})[0]}
        languages = [row.partner.name for row in list_partners(r, world.anna, {"kind": "sprachkurs"})[0]]
    assert seen_a == {"Jobcenter Testkreis", "VHS Astadt"}          # shared + own, never organisation B's
    assert seen_b == {"Jobcenter Testkreis", "MBE Bdorf"}
    assert languages == ["VHS Astadt"]
    with pytest.raises(NotFound):                                     # B's team lead cannot touch A's partner
        save_partner(container.uow(), world.users["bernd"], {"kind": "sprachkurs", "name": "x"}, ids["school"])
    with pytest.raises(InvalidInput) as bad:
        save_partner(container.uow(), world.carla, {"kind": "raumschiff", "name": "", "email": "kein-at"})
    assert set(bad.value.errors) == {"kind", "name", "email"}
    save_partner(container.uow(), world.carla, {"kind": "sprachkurs", "name": "VHS Astadt (alt)"}, ids["school"])
    with container.reader() as r:
        assert list_partners(r, world.anna, {"kind": "sprachkurs"})[0] == []          # unchecked "active"
        inactive = list_partners(r, world.anna, {"kind": "sprachkurs", "inactive": "1"})[0]
        assert [row.partner.name for row in inactive] == ["VHS Astadt (alt)"]
    kinds = [e.kind for e in rows(container, Event) if e.kind.startswith("partner_")]
    assert kinds == ["partner_created"] * 3 + ["partner_saved"]


def test_referral_is_recorded_with_goal_and_event_and_its_outcome_updated(container, world):
    ids = partners(container, world)
    drive = Driver(container)
    case_id = consented_case(container, world)
    drive.complete(world.anna, case_id, ASSESSMENT, expect="Task_Assessment")
    drive.complete(world.anna, case_id, target_agreement(1), expect="Task_TargetAgreement")
    goal_id = rows(container, Goal, case_id=case_id)[0].id
    referral_id = _referral(container, world, case_id, ids["jobcenter"], goal_id=goal_id)
    update_referral(container.uow(), case_id, referral_id, {"outcome": "wahrgenommen",
                                                            "outcome_note": "Termin beim Jobcenter war am 20.01."},
                    world.anna)
    referral = rows(container, Referral, case_id=case_id)[0]
    assert (referral.partner_id, referral.goal_id, referral.outcome) == (ids["jobcenter"], goal_id, "wahrgenommen")
    events = [e for e in rows(container, Event, case_id=case_id) if e.kind.startswith("referral_")]
    assert [(e.kind, e.payload.get("partner_kind") or e.payload["outcome"]) for e in events] == \
        [("referral_recorded", "jobcenter"), ("referral_updated", "wahrgenommen")]
    with container.reader() as r:
        view = case_view(r, world.anna, case_id)
        assert [row.partner.name for row in view.network.referrals] == ["Jobcenter Testkreis"]
        assert {p.name for p in view.network.partners} == {"Jobcenter Testkreis", "VHS Astadt"}
        assert verify_chain(r.session.connection()).ok


@pytest.mark.parametrize("bad, field", [
    ({"partner_id": "foreign"}, "partner_id"),          # organisation B's partner
    ({"goal_id": "not-a-goal-of-this-case"}, "goal_id"),
    ({"referred_on": "2026-02-01", "follow_up_on": "2026-02-10"}, "referred_on"),  # in the future
    ({"follow_up_on": "2026-01-01"}, "follow_up_on"),   # before the referral
    ({"reason": "  "}, "reason"),
])
def test_invalid_referrals_are_refused_field_by_field(container, world, bad, field):
    ids = partners(container, world)
    case_id = consented_case(container, world)
    bad = dict(bad)  # the parameter is shared by both backends
    partner = ids["foreign"] if bad.pop("partner_id", None) else ids["jobcenter"]
    with pytest.raises(InvalidInput) as refused:
        _referral(container, world, case_id, partner, **bad)
    assert list(refused.value.errors) == [field]
    assert rows(container, Referral) == []


def test_another_organisation_restricted_processing_and_read_only_period_refuse_referrals(container, world):
    ids = partners(container, world)
    case_id = consented_case(container, world)
    raw = {"partner_id": str(ids["jobcenter"]), "reason": "x", "referred_on": "2026-01-15"}
    with pytest.raises(NotFound):
        record_referral(container.uow(), case_id, raw, world.dora)               # foreign organisation
    with pytest.raises(Forbidden):
        record_referral(container.uow(), case_id, raw, world.erik)               # compliance reads only
    uow = container.uow()
    with uow:
        uow.session.get(Case, case_id).processing_restricted = True
        uow.commit()
    with pytest.raises(Forbidden, match="eingeschränkt"):
        record_referral(container.uow(), case_id, raw, world.anna)
    uow = container.uow()
    with uow:
        uow.session.get(Case, case_id).processing_restricted = False
        uow.commit()
    referral_id = record_referral(container.uow(), case_id, raw, world.anna)
    with container.reader() as r:
        version = r.session.get(Case, case_id).version
    hand_over_case(container.uow(), world.carla, case_id, version,
                   HandoverRequest(kind="case", note="Umzug", to_organisation_id=world.org_b))
    with pytest.raises(NotFound):                                                # read-only period: no writes
        update_referral(container.uow(), case_id, referral_id, {"outcome": "erfolgreich"}, world.carla)
    with container.reader() as r:                                                # … but the page still reads
        assert len(case_view(r, world.carla, case_id).network.referrals) == 1
    assert [r.outcome for r in rows(container, Referral)] == ["offen"]


def test_follow_up_raises_one_reminder_and_shows_in_the_deadline_overview(container, world, clock):
    ids = partners(container, world)
    case_id = consented_case(container, world)
    _referral(container, world, case_id, ids["jobcenter"], follow_up_on="2026-03-02")
    _referral(container, world, case_id, ids["school"], follow_up_on="2026-03-03")
    run_reminder_pass(container)
    with container.reader() as r:
        overview = deadline_overview(r, world.carla, {})
    assert not [row for row in overview.rows if row.kind == "referral"]     # six weeks away: not yet due
    assert [m for m in rows(container, Reminder) if m.kind == "referral"] == []
    clock.set(datetime(2026, 2, 27, 6, 0, tzinfo=UTC))                      # within the reminder lead time
    run_reminder_pass(container)
    run_reminder_pass(container)                                            # a second pass adds nothing
    reminders = [m for m in rows(container, Reminder, case_id=case_id) if m.kind == "referral"]
    assert sorted((m.recipient_id, m.due_on.isoformat()) for m in reminders) == \
        [(world.anna.id, "2026-03-02"), (world.anna.id, "2026-03-03")]
    assert any("Jobcenter Testkreis" in m.title for m in reminders)
    with container.reader() as r:
        overview = deadline_overview(r, world.carla, {})
        foreign = deadline_overview(r, world.users["bernd"], {})
    assert sorted(row.title for row in overview.rows if row.kind == "referral") == \
        ["Jobcenter Testkreis", "VHS Astadt"]
    assert [row for row in foreign.rows if row.kind == "referral"] == []
    update_referral(container.uow(), case_id, rows(container, Referral)[0].id, {"outcome": "erfolgreich"},
                    world.anna)
    with container.reader() as r:                                           # answered: no longer due
        assert [row.title for row in deadline_overview(r, world.carla, {}).rows if row.kind == "referral"] == \
            ["VHS Astadt"]


def test_state_report_counts_referrals_by_partner_kind_and_outcome(container, world):
    ids = partners(container, world)
    case_id = consented_case(container, world)
    first = _referral(container, world, case_id, ids["jobcenter"])
    _referral(container, world, case_id, ids["jobcenter"])
    _referral(container, world, case_id, ids["school"])
    update_referral(container.uow(), case_id, first, {"outcome": "erfolgreich"}, world.anna)
    with container.reader() as r:
        report = state_report(r, world.erik, {"year": "2026"})
        later = state_report(r, world.erik, {"year": "2025"})
    assert dict(report.total.referrals) == {("jobcenter", "erfolgreich"): 1, ("jobcenter", "offen"): 1,
                                            ("sprachkurs", "offen"): 1}
    assert dict(later.total.referrals) == {}
    table = next(t for t in report_tables(report, detail=False) if t.key == "referrals")
    assert [(row.labels, row.values) for row in table.rows] == [
        (("Jobcenter",), (1, 0, 0, 0, 1, 2)), (("Sprachkursträger",), (1, 0, 0, 0, 0, 1)),
        (("Gesamt",), (2, 0, 0, 0, 1, 3))]
    detail = next(t for t in report_tables(report, detail=True) if t.key == "referrals")
    assert {row.labels for row in detail.rows if row.kind == "unit"} == \
        {("Caritas Test", "Astadt", "Jobcenter"), ("Caritas Test", "Astadt", "Sprachkursträger")}


def test_reminders_skip_answered_referrals_and_referrals_without_follow_up(container, world, clock):
    ids = partners(container, world)
    case_id = consented_case(container, world)
    answered = _referral(container, world, case_id, ids["jobcenter"], follow_up_on="2026-01-16")
    record_referral(container.uow(), case_id, {"partner_id": str(ids["school"]), "reason": "Kurs",
                                               "referred_on": "2026-01-15"}, world.anna)
    update_referral(container.uow(), case_id, answered, {"outcome": "abgelehnt"}, world.anna)
    run_reminder_pass(container)
    assert [m for m in rows(container, Reminder) if m.kind == "referral"] == []
