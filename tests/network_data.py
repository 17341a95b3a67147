"""Shared set-up of the network tests: partners in two organisations and the district, a consented case."""
from __future__ import annotations

from engine.network import save_partner
from journey import CONSENT, Driver
from support import add_user, intake_form


def partners(container, world) -> dict[str, int]:
    """A Jobcenter of the district (shared), a language school of organisation A, a counselling service of B."""
    add_user(container, world, "adele", "Adele Admin", "admin", world.erik.organisation_id)
    add_user(container, world, "bernd", "Bernd Bauer", "supervisor", world.org_b)
    jobcenter = save_partner(container.uow(), world.users["adele"], {
        "kind": "jobcenter", "name": "Jobcenter Testkreis", "contact_person": "Frau Keller", "phone": "07361 12345",
        "email": "keller@jobcenter.example"})
    school = save_partner(container.uow(), world.carla, {"kind": "sprachkurs", "name": "VHS Astadt",
                                                          "municipality_id": str(world.town_a)})
    foreign = save_partner(container.uow(), world.users["bernd"], {"kind": "mbe", "name": "MBE Bdorf"})
    return {"jobcenter": jobcenter, "school": school, "foreign": foreign}


def consented_case(container, world, last_name: str = "Haddad") -> str:
    """A case of organisation A (Astadt) with consent recorded, worked by Anna."""
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a, last_name=last_name))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    return case_id
