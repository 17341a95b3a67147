"""The completion's own writes of new and changed rows (engine.db.pending_rows) store what the ORM flush would."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from engine.casework import open_case
from engine.db import AssessmentArea, Case, Goal, insert_new_objects, update_by_key
from support import intake_form, statements


def _goal(case_id: str, goal_id: str) -> Goal:
    # status is left unset on purpose: its Python-side default ("open") must be written as the flush writes it
    return Goal(id=goal_id, case_id=case_id, life_area="language", title="B1", obligations="Kurs", support="",
                responsible="IM", due_date=date(2026, 9, 30), agreed_on=date(2026, 2, 1),
                updated_at=datetime(2026, 2, 1, 9, 0, tzinfo=UTC))


def test_new_objects_are_inserted_like_the_flush_and_leave_nothing_to_flush(container, world):
    case_id = open_case(container.uow(), intake_form(world.town_a), world.anna)
    uow = container.uow()
    with uow:
        session = uow.session
        session.add(_goal(case_id, "goal-by-flush"))
        session.flush()
        area = AssessmentArea(case_id=case_id, life_area="work", needs="Anerkennung", support_needed=True,
                              assessed_on=date(2026, 1, 20))
        session.add_all([_goal(case_id, "goal-by-prebuilt"), area])
        with statements(container) as seen:
            insert_new_objects(session, session.connection())
            assert not session.new  # nothing left for the commit's flush
            session.commit()
        assert sum(1 for s in seen if s.startswith("INSERT INTO goal")) == 1
    with container.reader() as r:
        by_flush, by_prebuilt = (r.session.execute(select(Goal).where(Goal.id == gid)).scalar_one()
                                 for gid in ("goal-by-flush", "goal-by-prebuilt"))
        stored = r.session.execute(select(AssessmentArea).where(AssessmentArea.case_id == case_id,
                                                                AssessmentArea.life_area == "work")).scalar_one()
    columns = [c.key for c in Goal.__table__.c if c.key != "id"]
    assert [getattr(by_prebuilt, c) for c in columns] == [getattr(by_flush, c) for c in columns]
    assert by_prebuilt.status == "open"
    assert stored.id is not None and stored.needs == "Anerkennung" and stored.support_needed is True


def test_objects_with_a_related_object_set_are_left_to_the_flush(container, world):
    existing = open_case(container.uow(), intake_form(world.town_a), world.anna)
    uow = container.uow()
    with uow:
        session = uow.session
        case = Case(client=session.get(Case, existing).client)
        goal = _goal(existing, "goal-beside-a-related-object")
        session.add_all([case, goal])
        insert_new_objects(session, session.connection())
        # Nothing written here: the flush orders all of them by the keys they need.
        assert case in session.new and goal in session.new
        session.rollback()


def test_update_by_key_writes_only_the_changed_columns(container, world):
    case_id = open_case(container.uow(), intake_form(world.town_a), world.anna)
    uow = container.uow()
    with uow:
        uow.session.add(_goal(case_id, "goal-to-change"))
        uow.session.commit()
    with container.engine.begin() as conn:
        update_by_key(conn, Goal.__table__, "goal-to-change", {"status": "achieved", "achieved_on": date(2026, 5, 1)})
        update_by_key(conn, Goal.__table__, "goal-to-change", {})  # nothing changed: no statement
    with container.reader() as r:
        goal = r.session.get(Goal, "goal-to-change")
    assert (goal.status, goal.achieved_on, goal.title) == ("achieved", date(2026, 5, 1), "B1")
