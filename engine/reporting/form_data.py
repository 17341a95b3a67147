"""Export of the data of one form (typically a team lead's new step without a declared meaning) as CSV.

One line per completion in the actor's scope: case reference, municipality, step, when, then one column per field
of the form in force, values as the case page shows them. The export holds personal data, so each one is an event.
"""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from engine.base import Actor, record_event, scope_cases
from engine.db import Case, CompletedTask, Municipality
from engine.errors import Forbidden, NotFound
from engine.forms import FormError, shown_fields

from .state_report_query import REPORT_ROLES


def exportable_forms(uow) -> list[tuple[str, str]]:
    """(form id, title) of every form in force, by title."""
    forms = [(form_id, uow.forms.get(form_id).title) for form_id in uow.forms.ids()]
    return sorted(forms, key=lambda f: f[1].lower())


def form_data_csv(uow, actor: Actor, form_id: str) -> bytes:
    """Every completion of the form the actor may see, as semicolon-separated UTF-8 CSV with a BOM."""
    if actor.role not in REPORT_ROLES:
        raise Forbidden("Formulardaten exportieren dürfen Teamleitung, Fachaufsicht und Administration.")
    with uow:
        try:
            form = uow.forms.get(form_id)
        except FormError as exc:
            raise NotFound(f"Das Formular „{form_id}“ gibt es nicht.") from exc
        rows = uow.session.execute(scope_cases(
            select(Case.reference, Municipality.name, CompletedTask.title, CompletedTask.completed_at,
                   CompletedTask.data)
            .select_from(CompletedTask).join(Case, Case.id == CompletedTask.case_id)
            .join(Municipality, Municipality.id == Case.municipality_id)
            .where(CompletedTask.form_key == form_id).order_by(CompletedTask.completed_at, Case.reference),
            actor)).all()
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        labels = [f.label for f in shown_fields(form, {})]
        writer.writerow(["Aktenzeichen", "Kommune", "Schritt", "Erledigt am", *labels])
        for reference, municipality, title, completed_at, data in rows:
            values = [f.value for f in shown_fields(form, data if isinstance(data, dict) else {})]
            writer.writerow([reference, municipality, title, completed_at.isoformat(timespec="minutes"),
                             *values[:len(labels)]])
        record_event(uow, "form_data_exported", actor.id, form=form_id, rows=len(rows))
        uow.commit()
    return ("\ufeff" + out.getvalue()).encode("utf-8")
