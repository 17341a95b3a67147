"""The scenarios' world: two providers, a municipality each, their staff and a district compliance officer."""
from __future__ import annotations

from dataclasses import dataclass

from engine.access import actor_of, hash_password
from engine.db import Municipality, Organisation, User, UserMunicipality
from support import PASSWORD

# Hashing is deliberately slow; the world's users share one precomputed hash.
_HASH = hash_password(PASSWORD)


@dataclass
class World:
    """Two providers, a municipality each, their staff, and a district compliance officer."""

    org_a: int
    org_b: int
    town_a: int
    town_b: int
    anna: object      # caseworker, org A
    ben: object       # caseworker, org A
    carla: object     # supervisor, org A
    dora: object      # caseworker, org B
    erik: object      # compliance, district
    users: dict


def make_world(container) -> World:
    """The organisations, municipalities and users of the scenarios, in any container's database."""
    uow = container.uow()
    with uow:
        s = uow.session
        district = Organisation(name="Landratsamt Testkreis", kind="district")
        a = Organisation(name="Caritas Test", kind="provider")
        b = Organisation(name="DRK Test", kind="provider")
        s.add_all([district, a, b])
        s.flush()
        town_a = Municipality(name="Astadt", organisation_id=a.id)
        town_b = Municipality(name="Bdorf", organisation_id=b.id)
        s.add_all([town_a, town_b])
        s.flush()
        people = {}
        for username, name, role, org in [("anna", "Anna Adler", "caseworker", a), ("ben", "Ben Berg", "caseworker", a),
                                          ("carla", "Carla Cramer", "supervisor", a),
                                          ("dora", "Dora Dietz", "caseworker", b),
                                          ("erik", "Erik Engel", "compliance", district)]:
            user = User(username=username, display_name=name, role=role, organisation_id=org.id, password_hash=_HASH,
                        active=True, created_at=container.clock.now())
            s.add(user)
            s.flush()
            people[username] = user
        s.add_all([UserMunicipality(user_id=people["anna"].id, municipality_id=town_a.id),
                   UserMunicipality(user_id=people["ben"].id, municipality_id=town_a.id),
                   UserMunicipality(user_id=people["dora"].id, municipality_id=town_b.id)])
        uow.commit()
        actors = {k: actor_of(u) for k, u in people.items()}
        return World(a.id, b.id, town_a.id, town_b.id, actors["anna"], actors["ben"], actors["carla"],
                     actors["dora"], actors["erik"], actors)
