"""The delegation model a municipality had on a date (read by the administration and by the state report)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from engine.db import MunicipalityDelegation, Organisation

DELEGATION_MODELS = {"self": "Kommune beschäftigt Integrationsmanager/innen selbst",
                     "commissioned": "Kommune hat einen Wohlfahrtsverband beauftragt",
                     "district": "Kommune hat die Aufgabe an den Landkreis zurückübertragen"}


@dataclass(frozen=True)
class Delegation:
    """One delegation model from a date on."""

    model: str
    organisation: str | None
    valid_from: date

    @property
    def label(self) -> str:
        """The model in words, with the commissioned organisation."""
        text = DELEGATION_MODELS.get(self.model, self.model)
        return f"{text} ({self.organisation})" if self.organisation else text


def delegation_in_force(session, municipality_id: int, on: date) -> Delegation | None:
    """The delegation model that held for a municipality on a date (None before the first record)."""
    row = session.execute(select(MunicipalityDelegation, Organisation.name)
                          .outerjoin(Organisation, Organisation.id == MunicipalityDelegation.organisation_id)
                          .where(MunicipalityDelegation.municipality_id == municipality_id,
                                 MunicipalityDelegation.valid_from <= on)
                          .order_by(MunicipalityDelegation.valid_from.desc()).limit(1)).first()
    return Delegation(row[0].model, row[1], row[0].valid_from) if row else None
