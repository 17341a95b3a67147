"""The demo district's funded positions: what the state granted each municipality's organisation this year."""
from __future__ import annotations

from sqlalchemy import select

from engine.db import Municipality
from engine.reporting import record_funded_position

from .district import MUNICIPALITIES

# Full-time equivalents per municipality (Neustadt am See has two caseworkers, each three quarters).
DEMO_FTE = {"Bad Musterbach": "1", "Neustadt am See": "1,5", "Waldkirchen": "0,75"}


def grant_demo_positions(demo, actors: dict) -> None:
    """Record this year's grants as the district's controlling would (audited like any entry)."""
    year = demo.clock.today().year
    with demo.reader() as r:
        places = {m.name: m for m in r.session.execute(select(Municipality)).scalars()}
    for name in MUNICIPALITIES:
        place = places[name]
        record_funded_position(demo.uow(), actors["controlling"], {
            "organisation": place.organisation_id, "municipality": place.id, "von": f"{year}-01-01",
            "bis": f"{year}-12-31", "vzae": DEMO_FTE[name], "note": "Bewilligung Pakt für Integration (Demo)"})
