"""Case search matches names and references on the case table's `search_name`, which database triggers keep in step
with the client's name (intake, bulk copies, renaming), and lists cases in name order."""
from __future__ import annotations

from sqlalchemy import update

from engine.casework import search_cases
from engine.db import Case, Client
from engine.demo import clone_case
from journey import Driver
from support import intake_form


def _search(container, actor, query: str, **kw):
    with container.reader() as uow:
        rows, total = search_cases(uow, actor, query, status="all", **kw)
    return [r.client_name for r in rows], total


def _open(container, world, first: str, last: str) -> str:
    return Driver(container).open(world.anna, intake_form(world.town_a, first_name=first, last_name=last))


def test_finds_by_any_part_of_the_name_or_the_reference_ignoring_case(container, world):
    case_id = _open(container, world, "Samira", "Haddad")
    _open(container, world, "Omar", "Nasser")
    with container.reader() as uow:
        reference = uow.session.get(Case, case_id).reference
    assert _search(container, world.anna, "ADD") == (["Haddad, Samira"], 1)
    assert _search(container, world.anna, "sami hadd") == (["Haddad, Samira"], 1)
    assert _search(container, world.anna, reference) == (["Haddad, Samira"], 1)
    assert _search(container, world.anna, "samira nasser") == ([], 0)


def test_lists_in_name_order_and_pages(container, world):
    for first, last in (("Zora", "Berg"), ("Anna", "Berg"), ("Karl", "Adler"), ("Ida", "Costa")):
        _open(container, world, first, last)
    assert _search(container, world.anna, "") == (["Adler, Karl", "Berg, Anna", "Berg, Zora", "Costa, Ida"], 4)
    assert _search(container, world.anna, "berg") == (["Berg, Anna", "Berg, Zora"], 2)


def test_a_renamed_client_is_found_by_the_new_name_only(container, world):
    case_id = _open(container, world, "Samira", "Haddad")
    with container.uow() as uow:
        client_id = uow.session.get(Case, case_id).client_id
        uow.session.execute(update(Client).where(Client.id == client_id).values(last_name="Khalil"))
        uow.commit()
    assert _search(container, world.anna, "haddad") == ([], 0)
    assert _search(container, world.anna, "khalil") == (["Khalil, Samira"], 1)


def test_bulk_copies_are_searchable_under_their_own_names(container, world):
    template = _open(container, world, "Samira", "Haddad")
    clone_case(container, template, 3)
    with container.reader() as uow:
        names = {(c.client.last_name, c.search_name.split()[0]) for c in uow.session.query(Case).all()}
    # Every copy's search name starts with its own client's last name, whatever the generator called it.
    assert all(search == last.lower() for last, search in names)
    assert _search(container, world.anna, "")[1] == 4
