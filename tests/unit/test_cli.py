"""The `integraflow` command line, run as a user runs it: a subprocess with its own database and working folder."""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "bpmn" / "client_journey.bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
# A definition whose condition and script try to escape the restricted expression engine.
FORBIDDEN = f"""<bpmn:definitions xmlns:bpmn="{BPMN}" xmlns:camunda="{CAMUNDA}" id="D" targetNamespace="https://t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="t1" name="Einwilligung" camunda:formKey="consent" camunda:candidateGroups="caseworker"/>
    <bpmn:scriptTask id="s1"><bpmn:script>x = ().__class__.__bases__[0].__subclasses__()</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="g" default="f_no"/>
    <bpmn:endEvent id="end_yes"/><bpmn:endEvent id="end_no"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="t1"/>
    <bpmn:sequenceFlow id="f2" sourceRef="t1" targetRef="s1"/>
    <bpmn:sequenceFlow id="f3" sourceRef="s1" targetRef="g"/>
    <bpmn:sequenceFlow id="f_yes" sourceRef="g" targetRef="end_yes">
      <bpmn:conditionExpression>__import__('os').system('touch pwned')</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="g" targetRef="end_no"/>
  </bpmn:process>
</bpmn:definitions>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</bpmn:definitions>"""


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`integraflow ARGS` in tmp_path against tmp_path/x.sqlite; never waits on a prompt."""
    env = {**os.environ, "INTEGRAFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("INTEGRAFLOW_SECRET_KEY", None)
    return subprocess.run([sys.executable, "-m", "web.cli", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=120)


def no_traceback(result: subprocess.CompletedProcess) -> bool:
    return "Traceback" not in result.stdout + result.stderr


def test_help_lists_every_command(tmp_path):
    result = run(tmp_path, "--help")
    assert result.returncode == 0
    listed = set(re.findall(r"^  (\w+)  ", result.stdout, re.M))
    assert {"serve", "db", "demo", "users", "bpmn", "bench"} <= listed


def test_shipped_journey_passes_the_check(tmp_path):
    result = run(tmp_path, "bpmn", "check", str(SHIPPED))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{SHIPPED}: in Ordnung"


@pytest.mark.parametrize("name, content, expected", [
    ("not_xml.bpmn", "das ist kein XML", ["kein wohlgeformtes XML"]),
    ("empty.bpmn", "", ["Die Datei ist leer."]),
    ("binary.bpmn", b"\x00\xff\xfe\x89PNG\r\n", None),
    ("plain.xml", '<?xml version="1.0"?><root><child/></root>', ["kein BPMN-2.0-Dokument"]),
    ("xxe.bpmn", XXE, ["DTD"]),
    ("forbidden.bpmn", FORBIDDEN, ["[f_yes] Fehler: Bedingung: Nicht erlaubter Name: __import__",
                                   "[s1] Fehler: Skript: Nicht erlaubter Attributzugriff: .__subclasses__",
                                   "[s1] Fehler: Skript: Nicht erlaubter Attributzugriff: .__class__"]),
])
def test_broken_bpmn_fails_with_one_line_per_problem(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = run(tmp_path, "bpmn", "check", str(path))
    assert result.returncode == 1
    assert no_traceback(result)
    lines = result.stdout.splitlines()
    assert lines and all(re.fullmatch(rf"{re.escape(str(path))}:( \[[^\]]+\])? (Fehler|Warnung): \S.*", line)
                         for line in lines), result.stdout
    for text in expected or []:
        assert sum(text in line for line in lines) == 1, f"{text!r} not on exactly one line"
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("target", ["missing.bpmn", "."])
def test_unreadable_path_fails_without_traceback(tmp_path, target):
    result = run(tmp_path, "bpmn", "check", str(tmp_path / target))
    assert result.returncode == 1
    assert no_traceback(result)
    assert "Fehler: Datei nicht gefunden oder nicht lesbar" in result.stdout


def test_check_reports_every_file_and_fails_if_one_is_bad(tmp_path):
    bad = tmp_path / "bad.bpmn"
    bad.write_text("kaputt")
    result = run(tmp_path, "bpmn", "check", str(SHIPPED), str(bad))
    assert result.returncode == 1
    assert f"{SHIPPED}: in Ordnung" in result.stdout and f"{bad}: Fehler:" in result.stdout


def test_db_upgrade_prepares_a_fresh_sqlite_file(tmp_path):
    result = run(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "Datenbank ist aktuell." in result.stdout
    with sqlite3.connect(tmp_path / "x.sqlite") as db:
        shipped = set(db.execute("SELECT key, version FROM process_definition"))
    assert shipped == {("client_journey", 1), ("recognition", 1)}  # every shipped process, once
    assert run(tmp_path, "db", "upgrade").returncode == 0  # running it again changes nothing
    with sqlite3.connect(tmp_path / "x.sqlite") as db:
        assert set(db.execute("SELECT key, version FROM process_definition")) == shipped


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """One SQLite file migrated by `db upgrade`, copied by the tests that need a database."""
    folder = tmp_path_factory.mktemp("cli_template")
    assert run(folder, "db", "upgrade").returncode == 0
    return folder / "x.sqlite"


@pytest.fixture
def database_with_org(tmp_path, migrated) -> Path:
    """A migrated SQLite file in tmp_path with the organisation 'Caritas Test'."""
    shutil.copy(migrated, tmp_path / "x.sqlite")
    with sqlite3.connect(tmp_path / "x.sqlite") as db:
        db.execute("INSERT INTO organisation (name, kind) VALUES ('Caritas Test', 'provider')")
    return tmp_path / "x.sqlite"


def _usernames(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT username FROM app_user ORDER BY id")]


def users_create(tmp_path, **overrides) -> subprocess.CompletedProcess:
    options = {"username": "neu", "name": "Nora Neu", "role": "caseworker", "organisation": "Caritas Test",
               "password": "lang-genug-123", **overrides}
    return run(tmp_path, "users", "create", *[part for k, v in options.items() for part in (f"--{k}", v)])


def test_users_create_adds_a_user_who_can_be_found(tmp_path, database_with_org):
    result = users_create(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Benutzer 'neu' angelegt" in result.stdout
    assert _usernames(database_with_org) == ["neu"]


@pytest.mark.parametrize("overrides, message", [
    ({"password": "kurz"}, "Das Passwort muss mindestens 12 Zeichen lang sein."),
    ({"password": "12345678901"}, "Das Passwort muss mindestens 12 Zeichen lang sein."),
    ({"username": "nora", "password": "Nora-und-noch-mehr"}, "Das Passwort darf den Benutzernamen nicht enthalten."),
    ({"password": "Passwort1234"}, "Dieses Passwort ist zu leicht zu erraten."),
    ({"organisation": "Gibt es nicht"}, "Organisation 'Gibt es nicht' gibt es nicht."),
    ({"username": "Nora Neu"}, "Benutzername: 2–80 Zeichen"),
    ({"name": "   "}, "Bitte einen Namen angeben."),
])
def test_users_create_refuses_invalid_input_in_german(tmp_path, database_with_org, overrides, message):
    result = users_create(tmp_path, **overrides)
    assert result.returncode != 0
    assert no_traceback(result)
    assert "Fehler: Der Benutzer konnte nicht angelegt werden." in result.stderr
    assert message in result.stderr
    assert _usernames(database_with_org) == []


def test_users_create_refuses_a_taken_username(tmp_path, database_with_org):
    assert users_create(tmp_path).returncode == 0
    result = users_create(tmp_path, name="Noch Jemand")
    assert result.returncode != 0 and no_traceback(result)
    assert "Den Benutzernamen 'neu' gibt es bereits." in result.stderr
    assert _usernames(database_with_org) == ["neu"]


def _versions(path: Path, key: str = "client_journey") -> list[tuple[int, str | None]]:
    with sqlite3.connect(path) as db:
        return list(db.execute("SELECT version, comment FROM process_definition WHERE key = ? ORDER BY version",
                               (key,)))


def test_bpmn_deploy_refuses_a_file_with_errors_and_deploys_a_good_one(tmp_path, migrated):
    shutil.copy(migrated, tmp_path / "x.sqlite")
    bad = tmp_path / "bad.bpmn"
    bad.write_text(FORBIDDEN)
    refused = run(tmp_path, "bpmn", "deploy", str(bad), "--comment", "Versuch")
    assert refused.returncode == 1 and no_traceback(refused)
    assert "[f_yes] Fehler: Bedingung: Nicht erlaubter Name: __import__" in refused.stdout
    assert "nicht erlaubten Code" in refused.stderr
    same = run(tmp_path, "bpmn", "deploy", str(SHIPPED), "--comment", "gleich")
    assert same.returncode == 1 and "identisch mit Version 1" in same.stderr
    good = tmp_path / "good.bpmn"
    good.write_text(SHIPPED.read_text(encoding="utf-8").replace('name="Bedarfsanalyse"', 'name="Bedarfsgespräch"'),
                    encoding="utf-8")
    deployed = run(tmp_path, "bpmn", "deploy", str(good), "--comment", "Umbenannt")
    assert deployed.returncode == 0, deployed.stderr
    assert "Version 2 von 'client_journey' bereitgestellt" in deployed.stdout
    assert _versions(tmp_path / "x.sqlite") == [(1, "Ausgelieferte Version"), (2, "Umbenannt")]
    assert run(tmp_path, "db", "upgrade").returncode == 0
    assert len(_versions(tmp_path / "x.sqlite")) == 2  # a restart keeps version 2 in force


def test_bpmn_check_against_the_database_forms(tmp_path, migrated):
    shutil.copy(migrated, tmp_path / "x.sqlite")
    result = run(tmp_path, "bpmn", "check", "--db", str(SHIPPED))
    assert result.returncode == 0 and f"{SHIPPED}: in Ordnung" in result.stdout


CONSTRUCTS = ROOT / "tests" / "fixtures" / "constructs"
SELF_CALL = f"""<bpmn:definitions xmlns:bpmn="{BPMN}" xmlns:camunda="{CAMUNDA}" id="D" targetNamespace="https://t">
  <bpmn:process id="kreis" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:callActivity id="Call_Again" name="Noch einmal" calledElement="kreis"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Call_Again"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Call_Again" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_bpmn_check_passes_an_embedded_sub_process_with_flows(tmp_path):
    result = run(tmp_path, "bpmn", "check", "--forms", str(CONSTRUCTS / "forms"), str(CONSTRUCTS / "c_subprocess.bpmn"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "c_subprocess.bpmn: in Ordnung" in result.stdout


def test_bpmn_check_refuses_a_cyclic_call_activity_in_one_german_line(tmp_path):
    (tmp_path / "kreis.bpmn").write_text(SELF_CALL, encoding="utf-8")
    result = run(tmp_path, "bpmn", "check", "kreis.bpmn")
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "Fehler" in line]
    assert lines == ["kreis.bpmn: [Call_Again] Fehler: Dieser Aufruf führt zurück zum eigenen Prozess (kreis → kreis); "
                     "der Ablauf würde sich endlos selbst starten."]
    assert no_traceback(result)


def test_bpmn_deploy_of_a_journey_without_intake_is_refused_and_intake_keeps_working(tmp_path, migrated):
    shutil.copy(migrated, tmp_path / "x.sqlite")
    broken = SHIPPED.read_text(encoding="utf-8").replace(
        '<camunda:property name="integraflow.step" value="intake" />', "")
    (tmp_path / "ohne_aufnahme.bpmn").write_text(broken, encoding="utf-8")
    result = run(tmp_path, "bpmn", "deploy", "ohne_aufnahme.bpmn", "--comment", "ohne Erstaufnahme",
                 "--key", "client_journey")
    assert result.returncode == 1
    assert "[client_journey] Fehler: Der Begleitprozess hat keine Erstaufnahme" in result.stdout
    assert no_traceback(result)
    assert _versions(tmp_path / "x.sqlite") == [(1, "Ausgelieferte Version")]
    opened = subprocess.run(
        [sys.executable, "-c", OPEN_CASE], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "INTEGRAFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.strip().startswith("Fall ")


# Opens a case on the database through the services, as "Neuer Fall" does (the intake still works).
OPEN_CASE = """
import sys
sys.path.insert(0, 'tests')
from engine.bootstrap import bootstrap
from engine.casework import open_case
from engine.access import actor_of, create_user
from engine.db import Municipality, Organisation
from support import intake_form
c = bootstrap()
uow = c.uow()
with uow:
    org = Organisation(name='Träger', kind='provider'); uow.session.add(org); uow.session.flush()
    town = Municipality(name='Astadt', organisation_id=org.id); uow.session.add(town); uow.session.commit()
    org_name, town_id = org.name, town.id
user_id = create_user(c.uow(), 'anna', 'Anna', 'caseworker', org_name, 'ein-langes-passwort-123')
with c.reader() as r:
    from engine.db import User
    actor = actor_of(r.session.get(User, user_id))
case_id = open_case(c.uow(), intake_form(town_id), actor)
print('Fall', case_id)
"""
