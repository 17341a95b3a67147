"""Read models of the Prozesse page: definitions with versions and running cases, forms and where they are used."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.base import model_by_id
from engine.db import CaseProcess, DefinitionDraft, FormDraft, FormVersion, ProcessDefinition, User
from engine.workflow import BPMN_NS, CAMUNDA_NS, UnsafeXml, parse_xml

# Forms the application itself shows outside any process (grep: form_for(…, "intake"), form_for(…, "contact")).
BUILT_IN_FORM_USES = {
    "intake": "Neuer Fall (Erstaufnahme)",
    "contact": "Kontakt dokumentieren (Fallseite)",
}


@dataclass
class DefinitionEntry:
    """One definition key: its versions (newest first), running cases per version id, its draft."""

    key: str
    name: str
    versions: list[ProcessDefinition]
    running: dict[int, int]
    draft: DefinitionDraft | None


@dataclass(frozen=True)
class FormUse:
    """A user task (or a built-in page) that shows a form."""

    label: str
    key: str | None = None
    version: int | None = None
    element_id: str | None = None


@dataclass
class FormEntry:
    """One form: its versions (newest first), its draft and where it is used."""

    form_id: str
    title: str
    versions: list[FormVersion]
    draft: FormDraft | None
    uses: list[FormUse] = field(default_factory=list)


def latest_definitions(session: Session) -> list[ProcessDefinition]:
    """The newest version of every definition key."""
    newest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
              .group_by(ProcessDefinition.key).subquery())
    return list(session.execute(
        select(ProcessDefinition).join(newest, (ProcessDefinition.key == newest.c.key)
                                       & (ProcessDefinition.version == newest.c.version))
        .order_by(ProcessDefinition.key)).scalars())


def running_cases(session: Session) -> dict[int, int]:
    """Running instances per definition version id (journeys of open cases and further processes): one GROUP BY
    on case_process, no workflow is loaded."""
    rows = session.execute(select(CaseProcess.definition_id, func.count()).where(CaseProcess.status == "running")
                           .group_by(CaseProcess.definition_id))
    return {definition_id: count for definition_id, count in rows}


def warm_models(uow, limit: int = 20) -> int:
    """Parse the models requests will need first (a server's warm-up): the newest version of every definition,
    then the versions most running processes are on, at most `limit`; answers how many were parsed now."""
    newest = latest_definitions(uow.session)
    busiest = sorted(running_cases(uow.session).items(), key=lambda item: (-item[1], -item[0]))
    ids = list(dict.fromkeys([*(d.id for d in newest), *(definition_id for definition_id, _ in busiest)]))
    parsed = 0
    for definition_id in ids[:limit]:
        if uow.runtime.cached_model(definition_id) is None:
            model_by_id(uow, definition_id)  # the newest are in the session already: no second read of their XML
            parsed += 1
    return parsed


def definitions_overview(session: Session) -> list[DefinitionEntry]:
    """Every definition key with its versions, running cases per version and draft status."""
    running = running_cases(session)
    drafts = {d.key: d for d in session.execute(select(DefinitionDraft)).scalars()}
    by_key: dict[str, list[ProcessDefinition]] = defaultdict(list)
    columns = [c for c in ProcessDefinition.__table__.c if c.key != "bpmn_xml"]
    for row in session.execute(select(*columns).order_by(ProcessDefinition.key,
                                                         ProcessDefinition.version.desc())):
        by_key[row.key].append(row)  # rows without the XML: the list page never needs it
    entries = [DefinitionEntry(key, versions[0].name, versions, running, drafts.get(key))
               for key, versions in by_key.items()]
    # A new process has a draft and no version yet: listed too, or nobody finds it again.
    entries += [DefinitionEntry(key, draft_process_name(draft.bpmn_xml, key), [], running, draft)
                for key, draft in sorted(drafts.items()) if key not in by_key]
    return entries


def form_uses(session: Session) -> dict[str, list[FormUse]]:
    """For each form id: the user tasks of the latest definitions that show it, plus built-in pages."""
    uses: dict[str, list[FormUse]] = defaultdict(list)
    for definition in latest_definitions(session):
        try:
            root = parse_xml(definition.bpmn_xml.encode("utf-8"))
        except UnsafeXml:
            continue
        for task in root.iter(f"{{{BPMN_NS}}}userTask"):
            form_key = (task.get(f"{{{CAMUNDA_NS}}}formKey") or "").strip()
            if form_key:
                uses[form_key].append(FormUse(task.get("name") or task.get("id"), definition.key,
                                              definition.version, task.get("id")))
    for form_id, label in BUILT_IN_FORM_USES.items():
        uses[form_id].append(FormUse(label))
    return uses


def forms_overview(session: Session) -> list[FormEntry]:
    """Every form with its versions (newest first), draft and uses."""
    drafts = {d.form_id: d for d in session.execute(select(FormDraft)).scalars()}
    by_form: dict[str, list[FormVersion]] = defaultdict(list)
    for row in session.execute(select(FormVersion).order_by(FormVersion.form_id, FormVersion.version.desc())
                               ).scalars():
        by_form[row.form_id].append(row)
    uses = form_uses(session)
    entries = [FormEntry(form_id, _title(versions[0].schema) or form_id, versions, drafts.get(form_id),
                         uses.get(form_id, [])) for form_id, versions in by_form.items()]
    entries += [FormEntry(form_id, _title(draft.schema) or form_id, [], draft, uses.get(form_id, []))
                for form_id, draft in sorted(drafts.items()) if form_id not in by_form]
    return entries


def user_names(session: Session, ids) -> dict[int, str]:
    """Display names for user ids (deployers, draft authors)."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def draft_process_name(xml: str, key: str) -> str:
    """The name a never-deployed draft gives its process (the key if it names none)."""
    try:
        root = parse_xml(xml.encode("utf-8"))
    except UnsafeXml:
        return key
    process = next((p for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("id") == key), None)
    return (process.get("name") if process is not None else None) or key


def _title(schema: dict) -> str:
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return str(properties.get("title") or "") if isinstance(properties, dict) else ""
