"""Read paths (worklist, case search, case page, deadline overview) never touch a serialized workflow, and their
number of statements does not grow with the rows shown or with a case's history (N+1 guards)."""
from __future__ import annotations

from engine.casework import WorklistFilter, case_view, search_cases, worklist
from engine.demo import clone_case
from engine.time import deadline_overview
from journey import CONSENT, Driver
from support import intake_form, statements


def _run(container, read) -> list[str]:
    with statements(container) as seen, container.reader() as uow:
        read(uow)
    return seen


def _workflow_reads(seen: list[str]) -> list[str]:
    return [s for s in seen if "workflow_task" in s or "header" in s]


def test_lists_cost_the_same_number_of_statements_for_3_and_40_rows(container, world):
    drive = Driver(container)
    template = drive.open(world.anna, intake_form(world.town_a))
    clone_case(container, template, 2)
    paths = {
        "worklist": lambda uow: worklist(uow, world.anna, WorklistFilter(scope="mine")),
        "team": lambda uow: worklist(uow, world.carla, WorklistFilter(scope="all")),
        "search": lambda uow: search_cases(uow, world.anna, "haddad", status="all"),
        "deadlines": lambda uow: deadline_overview(uow, world.carla, {}),
    }
    few = {name: _run(container, read) for name, read in paths.items()}
    clone_case(container, template, 37)
    many = {name: _run(container, read) for name, read in paths.items()}
    with container.reader() as uow:
        rows, total = worklist(uow, world.anna, WorklistFilter(scope="mine"))
    assert (len(rows), total) == (40, 40)
    assert {name: len(seen) for name, seen in many.items()} == {name: len(seen) for name, seen in few.items()}
    assert [s for seen in many.values() for s in _workflow_reads(seen)] == []


def test_the_case_page_costs_the_same_after_more_history_and_never_reads_the_workflow(container, clock, world):
    drive = Driver(container)
    case_id = drive.to_review(world.anna, intake_form(world.town_a))
    drive.review(world.anna, case_id)
    before = _run(container, lambda uow: case_view(uow, world.anna, case_id))
    for _ in range(3):
        drive.review(world.anna, case_id)
    after = _run(container, lambda uow: case_view(uow, world.anna, case_id))
    assert len(after) == len(before)
    assert _workflow_reads(after) == []


def test_the_worklist_keeps_its_statements_but_never_its_answers(container, clock, world):
    """The statements are kept per actor, filter and day (engine.casework.task_lists): a task opened between two
    identical requests is listed, and "overdue" follows the clock's day."""
    drive = Driver(container)
    first = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, first, CONSENT, expect="Task_Consent")  # the assessment has a due date
    mine, overdue = WorklistFilter(scope="mine"), WorklistFilter(scope="mine", due="overdue")

    def total(flt):
        with container.reader() as uow:
            return worklist(uow, world.anna, flt)[1]

    assert (total(mine), total(overdue)) == (1, 0)
    drive.open(world.anna, intake_form(world.town_a))
    assert (total(mine), total(overdue)) == (2, 0)
    clock.advance(days=400)  # past the assessment's due date (the consent has none)
    assert (total(mine), total(overdue)) == (2, 1)
