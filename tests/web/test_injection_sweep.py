"""Every free-text field a user can submit: SQL and HTML injection strings are stored verbatim and shown escaped.

The task-form fields are generated from the shipped forms (bpmn/forms/*.json): every enabled, visible textfield
and textarea without a pattern is filled with the hostile string, so a new text field is swept automatically.
"""
from __future__ import annotations

import html

import pytest
from markupsafe import escape
from sqlalchemy import select

from engine.config import SHIPPED_BPMN_DIR
from engine.db import Case, CompletedTask, Event, Goal, Note, OpenTask, RuleSetVersion
from engine.forms import load_form
from journey import ASSESSMENT, CONSENT, Driver, target_agreement
from support import intake_form

HOSTILE = ["'); DROP TABLE client_case;--", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
FORMS = SHIPPED_BPMN_DIR / "forms"


def text_fields(form_key: str) -> dict[str, int | None]:
    """{HTML name: max length} of the form's free-text inputs; list fields are named for their first row."""
    found: dict[str, int | None] = {}

    def walk(components, prefix: str) -> None:
        for c in components:
            if c.type == "group":
                walk(c.components, f"{prefix}{c.path}." if c.path else prefix)
            elif c.type == "dynamiclist":
                walk(c.components, f"{prefix}{c.path}-0-")
            elif c.type in ("textfield", "textarea") and c.is_input and not c.readonly and not c.rules.pattern:
                found[f"{prefix}{c.key}"] = c.rules.max_length
    walk(load_form(FORMS / f"{form_key}.json").components, "")
    return found


def _hostile_form(form_key: str, base: dict, text: str) -> dict:
    return {**base, **{name: text[:limit] if limit else text for name, limit in text_fields(form_key).items()}}


def _flat(data, prefix: str = "") -> dict[str, object]:
    """Stored task data flattened to the HTML names (`group.key`, `list-0-key`)."""
    out: dict[str, object] = {}
    for key, value in (data or {}).items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, row in enumerate(value):
                out.update(_flat(row, f"{prefix}{key}-{i}-"))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _shown_escaped(page: str, text: str) -> None:
    assert text not in page, "raw hostile text in the page"
    assert str(escape(text)) in page, "hostile text not shown (escaped)"


def _complete(client, container, case_id: str, form_key: str, data: dict) -> None:
    """Submit the case's open task through the web form; every text field must come back verbatim."""
    with container.reader() as r:
        task = r.session.execute(select(OpenTask).where(OpenTask.case_id == case_id)).scalars().one()
        version = r.session.get(Case, case_id).version
    assert task.form_key == form_key
    response = client.post(f"/cases/{case_id}/tasks/{task.id}", data={**data, "case_version": version})
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[-1500:]
    with container.reader() as r:
        stored = _flat(r.session.get(CompletedTask, task.id).data)
    for name in text_fields(form_key):
        if name in data:   # list rows may be renumbered when stored (new goals join the goal list)
            assert stored.get(name) == data[name] or ("-0-" in name and data[name] in stored.values()), \
                (form_key, name)


def test_every_form_has_its_text_fields_found():
    assert {"language.situation", "assessment_summary"} <= set(text_fields("assessment"))
    assert {"goals-0-title", "goals-0-obligations", "goals-0-support", "goals-0-responsible"} <= \
        set(text_fields("target_agreement"))
    assert {"review_summary", "goals-0-status_reason", "new_goals-0-title"} <= set(text_fields("review"))
    assert {"closure_reason_text", "final_goals-0-evaluation", "final_summary"} <= set(text_fields("closure"))
    assert {"interpreter_language", "phone", "intake_note", "household-0-name"} <= set(text_fields("intake"))


@pytest.mark.parametrize("text", HOSTILE)
def test_journey_task_form_texts_are_stored_verbatim_and_shown_escaped(signed_in, container, world, text):
    anna = signed_in("anna")
    intake = _hostile_form("intake", dict(intake_form(world.town_a)), text)
    intake.update({"first_name": "Amina", "last_name": "Haddad", "household-0-relation": "child"})
    response = anna.post("/cases/new", data=intake)
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[-1500:]
    case_id = response.headers["Location"].rsplit("/", 1)[1]
    _shown_escaped(anna.get(f"/cases/{case_id}").get_data(as_text=True), text)
    _complete(anna, container, case_id, "consent", CONSENT)
    _complete(anna, container, case_id, "assessment", _hostile_form("assessment", ASSESSMENT, text))
    _complete(anna, container, case_id, "target_agreement",
              _hostile_form("target_agreement", target_agreement(), text))
    _shown_escaped(anna.get(f"/cases/{case_id}").get_data(as_text=True), text)
    Driver(container).await_review(case_id)
    with container.reader() as r:
        goal_id = r.session.execute(select(Goal.id).where(Goal.case_id == case_id)).scalar_one()
    review = {"review_date": "2026-05-01", "next_step": "close", "goals-0-goal_id": goal_id,
              "goals-0-status": "dropped", "new_goals-0-life_area": "work", "new_goals-0-due_date": "2026-12-31"}
    _complete(anna, container, case_id, "review", _hostile_form("review", review, text))
    _shown_escaped(anna.get(f"/cases/{case_id}").get_data(as_text=True), text)
    with container.reader() as r:
        assert set(r.session.execute(select(Goal.title).where(Goal.case_id == case_id)).scalars()) >= {text}
    task, tf = Driver(container).prefill(world.anna, case_id)
    _shown_escaped(anna.get(f"/cases/{case_id}/tasks/{task.id}").get_data(as_text=True), text)   # prefilled
    closure = {"closure_reason": "other", "closure_date": "2026-10-01", "outcomes": "language_certificate"}
    for i, goal in enumerate(tf.values["final_goals"]):
        closure.update({f"final_goals-{i}-goal_id": goal["goal_id"], f"final_goals-{i}-final_status": "achieved",
                        f"final_goals-{i}-evaluation": text})
    _complete(anna, container, case_id, "closure", _hostile_form("closure", closure, text))
    _shown_escaped(anna.get(f"/cases/{case_id}").get_data(as_text=True), text)


@pytest.mark.parametrize("text", HOSTILE)
def test_case_note_is_stored_verbatim_and_shown_escaped(signed_in, container, world, text):
    anna = signed_in("anna")
    case_id = anna.post("/cases/new", data=intake_form(world.town_a)).headers["Location"].rsplit("/", 1)[1]
    _complete(anna, container, case_id, "consent", CONSENT)
    assert anna.post(f"/cases/{case_id}/notes", data={"text": text}).status_code == 302
    with container.reader() as r:
        assert r.session.execute(select(Note.text)).scalars().all() == [text]
    _shown_escaped(anna.get(f"/cases/{case_id}").get_data(as_text=True), text)


@pytest.mark.parametrize("text", HOSTILE)
def test_handover_note_is_stored_verbatim_and_shown_escaped(signed_in, container, world, text):
    anna, carla = signed_in("anna"), signed_in("carla")
    case_id = anna.post("/cases/new", data=intake_form(world.town_a)).headers["Location"].rsplit("/", 1)[1]
    with container.reader() as r:
        version = r.session.get(Case, case_id).version
    response = carla.post(f"/cases/{case_id}/uebergabe",
                          data={"case_version": version, "note": text, "to_user_id": world.ben.id})
    assert response.status_code == 302
    with container.reader() as r:
        event = r.session.execute(select(Event).where(Event.kind == "case_handed_over")).scalar_one()
    assert event.payload["note"] == text
    _shown_escaped(signed_in("ben").get(f"/cases/{case_id}").get_data(as_text=True), text)
    _shown_escaped(signed_in("ben").get("/inbox").get_data(as_text=True), text)
    # A refused handover shows the typed note again, escaped.
    again = carla.post(f"/cases/{case_id}/uebergabe", data={"case_version": version + 1, "note": text})
    assert again.status_code == 422
    _shown_escaped(again.get_data(as_text=True), text)


@pytest.mark.parametrize("text", HOSTILE)
def test_rules_editor_comment_is_stored_verbatim_and_shown_escaped(signed_in, container, world, text):
    with container.reader() as r:
        source = r.session.execute(select(RuleSetVersion.source)).scalars().first()
    erik = signed_in("erik")
    response = erik.post("/compliance/regeln", data={"source": source + "\n", "comment": text})
    assert response.status_code == 302
    with container.reader() as r:
        comments = r.session.execute(select(RuleSetVersion.comment).order_by(RuleSetVersion.version)).scalars()
        assert list(comments)[-1] == text
    _shown_escaped(erik.get("/compliance/regeln").get_data(as_text=True), text)


@pytest.mark.parametrize("text", HOSTILE)
def test_extension_reason_is_stored_verbatim_and_never_rendered_raw(signed_in, container, world, text):
    case_id = signed_in("anna").post("/cases/new", data=intake_form(world.town_a)).headers["Location"].rsplit("/", 1)[1]
    carla = signed_in("carla")
    assert carla.post(f"/compliance/faelle/{case_id}/verlaengerung", data={"reason": text}).status_code == 302
    with container.reader() as r:
        event = r.session.execute(select(Event).where(Event.kind == "counselling_extended")).scalar_one()
    assert event.payload["reason"] == text
    assert text not in carla.get(f"/cases/{case_id}").get_data(as_text=True)
    refused = carla.post(f"/compliance/faelle/{case_id}/verlaengerung", data={"reason": text})   # already extended
    assert refused.status_code == 422
    _shown_escaped(refused.get_data(as_text=True), text)
