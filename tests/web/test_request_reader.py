"""All reads of one web request share one unit of work (web/request_reader.py): one pooled connection instead of one
per block, and reads after a write of the same request see what it wrote."""
from __future__ import annotations

from sqlalchemy import event, select

from engine.db import Setting
from journey import Driver
from support import intake_form


def test_a_case_page_checks_out_one_reading_and_one_writing_connection(app, signed_in, container, world):
    case_id = Driver(container).open(world.anna, intake_form(world.town_a))
    anna = signed_in("anna")
    assert anna.get(f"/cases/{case_id}").status_code == 200
    checkouts: list[int] = []

    def count(*_args) -> None:
        checkouts.append(1)

    event.listen(container.engine, "checkout", count)
    try:
        response = anna.get(f"/cases/{case_id}")
    finally:
        event.remove(container.engine, "checkout", count)
    assert response.status_code == 200 and world.anna.display_name in response.get_data(as_text=True)
    # user loading, access check, the page's reads and the bell: one reader; the access log line: one writer
    assert len(checkouts) == 2, checkouts


def test_reads_after_a_write_of_the_same_request_see_the_write(app, container):
    with app.test_request_context("/"):
        with container.reader() as r:
            assert r.session.execute(select(Setting.value).where(Setting.key == "shared_reader")).first() is None
        uow = container.uow()  # made before the reads below: its commit must still end their snapshot
        with container.reader() as again:
            assert again is r  # the request's one reader
            assert again.session.execute(select(Setting.value).where(Setting.key == "shared_reader")).first() is None
        with uow:
            uow.session.add(Setting(key="shared_reader", value=1))
            uow.commit()
        with container.reader() as r:
            assert r.session.execute(select(Setting.value).where(Setting.key == "shared_reader")).scalar_one() == 1
    with container.reader() as outside:
        assert outside is not r  # outside a request every reader is its own
