"""Migration and repair pages: preview, migrate, result, revert, errored cases, repair actions, access."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from engine.authoring import deploy_definition
from engine.db import Case, OpenTask, StepFailure
from engine.errors import WorkflowFailure
from journey import CONSENT, Driver
from migration_cases import broken_journey, deploy_v2, scenario_cases
from support import add_user, intake_form

SHIPPED = (Path(__file__).parents[2] / "bpmn" / "client_journey.bpmn").read_text(encoding="utf-8")
PREVIEW = "/prozesse/migration/client_journey"


@pytest.fixture
def scene(container, world):
    """Two org A cases (one can move, one cannot), one org B case, v2 deployed."""
    cases = scenario_cases(container, world)
    cases["v2"] = deploy_v2(container, world.carla.id)
    return cases


def _case(container, case_id) -> Case:
    with container.reader() as r:
        case = r.session.get(Case, case_id)
        r.session.expunge(case)
        return case


def test_preview_lists_own_cases_with_reasons(signed_in, scene):
    page = signed_in("carla").get(PREVIEW).get_data(as_text=True)
    assert "Laufende Fälle migrieren" in page and "Version 1: 1 migrierbar, 1 nicht migrierbar" in page
    assert scene["early"] in page and scene["waiting"] in page and scene["foreign"] not in page
    assert "„Überprüfung fällig“ wartet bereits und wurde in der neuen Version geändert" in page
    assert "alle migrierbaren auswählen" in page and "js/migration.js" in page


@pytest.mark.parametrize("query, shown, hidden", [("?migratable=ja", "early", "waiting"),
                                                  ("?migratable=nein", "waiting", "early")])
def test_preview_filters_by_migratable(signed_in, scene, query, shown, hidden):
    page = signed_in("carla").get(PREVIEW + query).get_data(as_text=True)
    assert scene[shown] in page and scene[hidden] not in page


def test_preview_rejects_bad_filters_and_unknown_keys(signed_in, scene):
    carla = signed_in("carla")
    assert carla.get(PREVIEW + "?migratable=vielleicht").status_code == 422
    assert carla.get(PREVIEW + "?to=99").status_code == 404
    assert carla.get("/prozesse/migration/gibt_es_nicht").status_code == 404


def test_migrate_selected_cases_shows_result_and_revert_works(signed_in, container, scene):
    carla = signed_in("carla")
    early = _case(container, scene["early"])
    response = carla.post(PREVIEW + "/migrieren", data={"to": "2", "case": [f"{early.id}:{early.version}",
                                                                            scene["waiting"]]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 migriert, 1 übersprungen." in page
    assert "wartet bereits und wurde in der neuen Version geändert" in page
    assert _case(container, scene["early"]).definition_id == scene["v2"]
    case_page = carla.get(f"/cases/{scene['early']}").get_data(as_text=True)
    assert "Prozessversion gewechselt" in case_page and "Version 1 → 2" in case_page
    response = carla.post(f"/prozesse/migration/faelle/{scene['early']}/zuruecknehmen")
    assert response.status_code == 302
    assert _case(container, scene["early"]).definition_id != scene["v2"]
    assert "Version 2 → 1 (zurückgenommen)" in carla.get(f"/cases/{scene['early']}").get_data(as_text=True)


def test_migrate_all_that_can(signed_in, container, scene):
    page = signed_in("carla").post(PREVIEW + "/migrieren", data={"to": "2", "all": "true"}).get_data(as_text=True)
    assert "1 migriert, 0 übersprungen." in page
    assert _case(container, scene["early"]).definition_id == scene["v2"]


def test_migrate_without_selection_is_a_clear_error(signed_in, scene):
    response = signed_in("carla").post(PREVIEW + "/migrieren", data={"to": "2"})
    assert response.status_code == 422 and "mindestens einen Fall" in response.get_data(as_text=True)
    response = signed_in("carla").post(PREVIEW + "/migrieren", data={"to": "2", "case": "<script>"})
    assert response.status_code == 422


def test_stale_preview_is_reported_as_skipped(signed_in, container, scene):
    early = _case(container, scene["early"])
    signed_in("carla").post(PREVIEW + "/migrieren", data={"to": "2", "case": f"{early.id}:{early.version - 1}"})
    assert _case(container, scene["early"]).definition_id != scene["v2"]


def test_other_organisation_gets_404_for_foreign_cases(signed_in, container, world, scene):
    add_user(container, world, "bea", "Bea Boss", "supervisor", world.org_b)
    bea = signed_in("bea")
    page = bea.get(PREVIEW).get_data(as_text=True)
    assert scene["foreign"] in page and scene["early"] not in page
    assert bea.get(f"/prozesse/migration/faelle/{scene['early']}/reparatur").status_code == 404
    assert bea.post(f"/prozesse/migration/faelle/{scene['early']}/zuruecknehmen").status_code == 404
    page = bea.post(PREVIEW + "/migrieren", data={"to": "2", "case": scene["early"]}).get_data(as_text=True)
    assert "0 migriert, 1 übersprungen." in page and "Der Fall wurde nicht gefunden." in page


@pytest.mark.parametrize("who", ["anna", "erik"])
@pytest.mark.parametrize("method, path", [("get", PREVIEW), ("post", PREVIEW + "/migrieren"),
                                          ("get", "/prozesse/migration/fehlerhafte-faelle"),
                                          ("get", "/prozesse/migration/faelle/{early}/reparatur"),
                                          ("post", "/prozesse/migration/faelle/{early}/reparatur/zuruecksetzen")])
def test_caseworkers_and_compliance_are_refused(signed_in, scene, who, method, path):
    response = getattr(signed_in(who), method)(path.format(**scene), data={"to": "2"})
    assert response.status_code == 403
    assert "Nur Teamleitung und Administration" in response.get_data(as_text=True)


@pytest.fixture
def failed_case(container, world):
    """A case whose consent completion failed on a broken version."""
    uow = container.uow()
    with uow:
        deploy_definition(uow, "client_journey", broken_journey(SHIPPED), world.carla.id, "kaputt")
        uow.commit()
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    with pytest.raises(WorkflowFailure):
        drive.complete(world.anna, case_id, CONSENT)
    return case_id


def test_errored_cases_and_repair_page(signed_in, failed_case):
    carla = signed_in("carla")
    page = carla.get("/prozesse/migration/fehlerhafte-faelle").get_data(as_text=True)
    assert "Fehlerhafte Fälle" in page and failed_case in page and "unbekannte_variable" in page
    page = carla.get(f"/prozesse/migration/faelle/{failed_case}/reparatur").get_data(as_text=True)
    assert 'data-failed="Gateway_Consent"' in page and "Einwilligung einholen" in page
    assert "Erneut versuchen" in page and "Es gibt keine neuere Version" in page


def test_failed_completion_shows_the_user_the_message(signed_in, container, world):
    """Through the task form: the caseworker sees the German failure, the team lead finds the case."""
    uow = container.uow()
    with uow:
        deploy_definition(uow, "client_journey", broken_journey(SHIPPED), world.carla.id, "kaputt")
        uow.commit()
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    task, tf = drive.prefill(world.anna, case_id)
    response = signed_in("anna").post(f"/cases/{case_id}/tasks/{task.id}",
                                      data={**CONSENT, "case_version": tf.version})
    assert response.status_code == 500 and "Der Prozess konnte nicht fortgesetzt werden" in response.get_data(
        as_text=True)
    with container.reader() as r:
        assert r.session.get(StepFailure, case_id).element_id == "Gateway_Consent"


def test_retry_and_fixed_version_from_the_repair_page(signed_in, container, world, failed_case):
    carla = signed_in("carla")
    uow = container.uow()
    with uow:
        fixed = deploy_definition(uow, "client_journey", SHIPPED.replace("Abschluss", "Abschluss."), world.carla.id,
                                  "korrigiert").id
        uow.commit()
    page = carla.get(f"/prozesse/migration/faelle/{failed_case}/reparatur").get_data(as_text=True)
    assert "Auf Version 3 wechseln" in page
    response = carla.post(f"/prozesse/migration/faelle/{failed_case}/reparatur/version",
                          data={"definition_id": str(fixed)})
    assert response.status_code == 302 and _case(container, failed_case).definition_id == fixed
    assert failed_case not in carla.get("/prozesse/migration/fehlerhafte-faelle").get_data(as_text=True)
    assert carla.post(f"/prozesse/migration/faelle/{failed_case}/reparatur/wiederholen").status_code == 404


def test_reset_needs_a_reason_and_reopens_the_task(signed_in, container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    carla = signed_in("carla")
    page = carla.get(f"/prozesse/migration/faelle/{case_id}/reparatur").get_data(as_text=True)
    assert "Auf eine frühere Aufgabe zurücksetzen" in page
    with container.reader() as r:
        from engine.authoring import repair_view
        target = next(t for t in repair_view(r, world.carla, case_id).reset_targets if t.spec_name == "Task_Consent")
    url = f"/prozesse/migration/faelle/{case_id}/reparatur/zuruecksetzen"
    response = carla.post(url, data={"task_id": target.task_id, "reason": ""})
    assert response.status_code == 422 and "Bitte geben Sie einen Grund" in response.get_data(as_text=True)
    response = carla.post(url, data={"task_id": target.task_id, "reason": "Einwilligung unvollständig"})
    assert response.status_code == 302
    with container.reader() as r:
        specs = r.session.execute(select(OpenTask.task_spec).where(OpenTask.case_id == case_id)).scalars().all()
    assert specs == ["Task_Consent"]
    page = carla.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Fall zurückgesetzt" in page and "Einwilligung unvollständig" in page


def test_the_editor_links_to_a_preview_against_the_draft_that_cannot_migrate(signed_in, container, world):
    from engine.authoring import save_draft
    from migration_cases import V2

    cases = scenario_cases(container, world)
    client = signed_in("carla")
    assert "entwurf=1" not in client.get("/prozesse/client_journey/bearbeiten").get_data(as_text=True)
    assert client.get(PREVIEW + "?entwurf=1").status_code == 404  # no draft yet
    save_draft(container.uow(), "client_journey", V2.read_text(encoding="utf-8"), None, world.carla)
    assert f"{PREVIEW}?entwurf=1" in client.get("/prozesse/client_journey/bearbeiten").get_data(as_text=True)
    page = client.get(PREVIEW + "?entwurf=1").get_data(as_text=True)
    assert "Vorschau gegen den Entwurf" in page and "als Version 2 bereitgestellt" in page
    assert cases["early"] in page and "Version 1: 1 migrierbar, 1 nicht migrierbar" in page
    assert "migrieren</button>" not in page and 'name="case"' not in page
