"""The demo district: its organisations, municipalities and staff (inserted directly, users through the service)."""
from __future__ import annotations

from sqlalchemy import select

from engine.access import actor_of, create_user
from engine.db import Municipality, Organisation, User, UserMunicipality
from engine.errors import Conflict

DEMO_PASSWORD = "integraflow-demo"


DISTRICT = "Landratsamt Musterkreis – Stabsstelle Integrationsförderung"


CARITAS = "Caritasverband Musterkreis"


DRK = "DRK-Kreisverband Musterkreis"


ORGANISATIONS = ((DISTRICT, "district"), (CARITAS, "provider"), (DRK, "provider"))


# Municipality -> (responsible organisation, postcode, follow-up accommodations).
MUNICIPALITIES = {
    "Bad Musterbach": (DISTRICT, "77711", ("Lindenstraße 14", "Am Mühlbach 3", "Bahnhofstraße 27", "Schillerweg 8")),
    "Neustadt am See": (CARITAS, "77722", ("Seestraße 41", "Hauptstraße 5 (Alte Post)", "Kirchgasse 12")),
    "Waldkirchen": (DRK, "77733", ("Waldstraße 2", "Am Sportplatz 7", "Birkenweg 19")),
}


# (username, display name, role, organisation, municipalities served)
DEMO_USERS = [
    ("mueller", "Anna Müller", "caseworker", DISTRICT, ("Bad Musterbach",)),
    ("yilmaz", "Deniz Yılmaz", "caseworker", CARITAS, ("Neustadt am See",)),
    ("weber", "Jonas Weber", "caseworker", CARITAS, ("Neustadt am See",)),
    ("schneider", "Katrin Schneider", "caseworker", DRK, ("Waldkirchen",)),
    ("leitung", "Dr. Petra Hoffmann", "supervisor", DISTRICT, ()),
    ("caritas.leitung", "Markus Braun", "supervisor", CARITAS, ()),
    ("drk.leitung", "Miriam Schulz", "supervisor", DRK, ()),
    ("controlling", "Sabine Keller", "compliance", DISTRICT, ()),
    ("admin", "Thomas Fischer", "admin", DISTRICT, ()),
    ("datenschutz", "Lea Wagner", "privacy", DISTRICT, ()),
]


def create_staff(demo) -> dict:
    """Organisations, municipalities and users; returns actors by username."""
    uow = demo.uow()
    with uow:
        # Checked again inside the write transaction: two first starts at once must not both load.
        if uow.session.execute(select(Organisation.id).limit(1)).first() is not None:
            raise already_loaded()
        orgs = {name: Organisation(name=name, kind=kind) for name, kind in ORGANISATIONS}
        uow.session.add_all(orgs.values())
        uow.session.flush()
        uow.session.add_all(Municipality(name=name, organisation_id=orgs[org].id)
                            for name, (org, _postcode, _streets) in MUNICIPALITIES.items())
        uow.commit()
    for username, display_name, role, org, _served in DEMO_USERS:
        create_user(demo.uow(), username, display_name, role, org, DEMO_PASSWORD,
                    email=f"{username}@musterkreis.example")
    uow = demo.uow()
    with uow:
        places = dict(uow.session.execute(select(Municipality.name, Municipality.id)).all())
        users = {u.username: u for u in uow.session.execute(select(User)).scalars()}
        uow.session.add_all(UserMunicipality(user_id=users[username].id, municipality_id=places[name])
                            for username, _n, _r, _o, served in DEMO_USERS for name in served)
        uow.commit()
        return {username: actor_of(user) for username, user in users.items()}


def already_loaded() -> Conflict:
    """The refusal when the database already holds organisations."""
    return Conflict("Die Datenbank enthält bereits Organisationen; Demodaten werden nur in eine leere "
                    "Datenbank geladen.")
