"""Submissions: HTML posts become validated data, or German messages at the offending HTML names."""
import json
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from engine.forms import (
    FormRegistry,
    build_schema,
    initial_values,
    parse_form,
    parse_submission,
    read_values,
    wants_more_rows,
    with_options,
)

ROOT = Path(__file__).parents[2]
REGISTRY = FormRegistry(ROOT / "bpmn" / "forms")
REQUIRED = "Bitte füllen Sie dieses Feld aus."
CHOOSE = "Bitte wählen Sie einen der angebotenen Werte."

SAMPLE = parse_form({
    "type": "default",
    "id": "sample",
    "components": [
        {"id": "F1", "type": "textfield", "key": "name", "label": "Name",
         "validate": {"required": True, "minLength": 2, "maxLength": 5}},
        {"id": "F2", "type": "textfield", "key": "code", "validate": {"pattern": "[A-Z]{2}[0-9]+"}},
        {"id": "F3", "type": "number", "key": "amount", "validate": {"min": 1, "max": 99.5}},
        {"id": "F4", "type": "number", "key": "count", "decimalDigits": 0},
        {"id": "F5", "type": "datetime", "subtype": "date", "dateLabel": "Tag", "key": "day"},
        {"id": "F6", "type": "select", "key": "colour",
         "values": [{"label": "Rot", "value": "red"}, {"label": "Blau", "value": "blue"}]},
        {"id": "F7", "type": "radio", "key": "answer", "validate": {"required": True},
         "values": [{"label": "Ja", "value": "yes"}, {"label": "Nein", "value": "no"}]},
        {"id": "F8", "type": "checklist", "key": "topics",
         "values": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}, {"label": "C", "value": "c"}]},
        {"id": "F9", "type": "checkbox", "key": "agreed", "label": "Einverstanden", "validate": {"required": True}},
        {"id": "F10", "type": "checkbox", "key": "extra"},
        {"id": "F11", "type": "textarea", "key": "note"},
        {"id": "F12", "type": "datetime", "subtype": "time", "timeLabel": "Uhrzeit", "key": "at"},
        {"id": "G1", "type": "group", "label": "Adresse", "path": "address", "components": [
            {"id": "F13", "type": "textfield", "key": "street", "validate": {"required": True}},
        ]},
        {"id": "G2", "type": "group", "label": "Ohne Pfad", "components": [
            {"id": "F14", "type": "textfield", "key": "flat"},
        ]},
        {"id": "F15", "type": "text", "text": "Nur Text"},
    ],
})
VALID = {"name": "Anna", "answer": "yes", "agreed": "true", "address.street": "Hauptstr. 1"}


def _post(**changes):
    """A valid SAMPLE post with some fields changed (None drops the field)."""
    fields = {**VALID, **{k.replace("__", "."): v for k, v in changes.items()}}
    return MultiDict([(k, v) for k, v in fields.items() if v is not None])


def test_valid_post_gives_json_data_with_every_key():
    result = parse_submission(SAMPLE, _post(topics=None))
    assert result.ok and result.errors == {}
    assert result.data == {
        "name": "Anna", "code": None, "amount": None, "count": None, "day": None, "colour": None,
        "answer": "yes", "topics": [], "agreed": True, "extra": False, "note": None, "at": None,
        "address": {"street": "Hauptstr. 1"}, "flat": None,
    }
    assert json.loads(json.dumps(result.data)) == result.data


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("name", "", REQUIRED),
        ("name", "   ", REQUIRED),
        ("name", None, REQUIRED),
        ("name", "A", "Bitte geben Sie mindestens 2 Zeichen ein."),
        ("name", "Annabell", "Bitte geben Sie höchstens 5 Zeichen ein."),
        ("code", "de12", "Die Eingabe entspricht nicht dem erwarteten Format."),
        ("code", "DE12x", "Die Eingabe entspricht nicht dem erwarteten Format."),
        ("amount", "abc", "Bitte geben Sie eine Zahl ein."),
        ("amount", "nan", "Bitte geben Sie eine Zahl ein."),
        ("amount", "0,5", "Der Wert muss mindestens 1 sein."),
        ("amount", "100", "Der Wert darf höchstens 99,5 sein."),
        ("count", "2,5", "Bitte geben Sie eine ganze Zahl ein."),
        ("day", "31.02.2024", "Bitte geben Sie ein gültiges Datum ein (TT.MM.JJJJ)."),
        ("day", "2024-13-01", "Bitte geben Sie ein gültiges Datum ein (TT.MM.JJJJ)."),
        ("day", "1.2.24", "Bitte geben Sie ein gültiges Datum ein (TT.MM.JJJJ)."),
        ("day", "morgen", "Bitte geben Sie ein gültiges Datum ein (TT.MM.JJJJ)."),
        ("at", "25:00", "Bitte geben Sie eine gültige Uhrzeit ein (HH:MM)."),
        ("colour", "green", CHOOSE),
        ("answer", "", "Bitte wählen Sie eine Option aus."),
        ("answer", "maybe", CHOOSE),
        ("topics", "z", CHOOSE),
        ("agreed", None, "Bitte bestätigen Sie dieses Feld."),
        ("agreed", "false", "Bitte bestätigen Sie dieses Feld."),
        ("address__street", "", REQUIRED),
    ],
)
def test_invalid_input_gets_a_german_message_at_its_html_name(name, value, message):
    result = parse_submission(SAMPLE, _post(**{name: value}))
    assert not result.ok and result.data is None
    assert result.errors[name.replace("__", ".")] == message
    assert result.errors["_form"].startswith("Das Formular enthält Fehler")


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("day", "01.03.2024", "2024-03-01"),
        ("day", "1.3.2024", "2024-03-01"),
        ("day", "2024-03-01", "2024-03-01"),
        ("amount", "1,5", 1.5),
        ("amount", "99.5", 99.5),
        ("amount", " 3 ", 3),
        ("count", "1.234,0", 1234),
        ("colour", "blue", "blue"),
        ("extra", "true", True),
        ("extra", "on", True),
        ("extra", "false", False),
        ("note", "  Zeile 1\r\nZeile 2  ", "Zeile 1\nZeile 2"),
        ("at", "09:30", "09:30"),
        ("flat", "3. OG", "3. OG"),
    ],
)
def test_valid_input_is_converted_to_json_types(name, value, expected):
    result = parse_submission(SAMPLE, _post(**{name: value}))
    assert result.ok, result.errors
    assert result.data[name] == expected and type(result.data[name]) is type(expected)


def test_checklist_keeps_offered_order_and_drops_duplicates():
    raw = _post()
    raw.setlist("topics", ["c", "a", "c"])
    assert parse_submission(SAMPLE, raw).data["topics"] == ["a", "c"]


def test_users_input_is_kept_when_the_post_is_invalid():
    raw = _post(name="", amount="zwölf", day="31.02.2024", colour="red", extra="true")
    raw.setlist("topics", ["b"])
    result = parse_submission(SAMPLE, raw)
    assert not result.ok
    assert result.values["amount"] == "zwölf" and result.values["day"] == "31.02.2024"
    assert result.values["colour"] == "red" and result.values["topics"] == ["b"]
    assert result.values["extra"] is True and result.values["address"] == {"street": "Hauptstr. 1"}


@pytest.mark.parametrize("typed, shown", [("01.03.2024", "2024-03-01"), ("1,50", "1.50")])
def test_valid_german_notation_is_reshown_the_way_date_and_number_inputs_display(typed, shown):
    name = "day" if "." in typed else "amount"
    assert parse_submission(SAMPLE, _post(name="", **{name: typed})).values[name] == shown


def test_schema_validates_json_input_too():
    data = build_schema(SAMPLE).load({"name": "Anna", "answer": "no", "agreed": True, "amount": 2.5,
                                      "topics": ["a"], "address": {"street": "X"}})
    assert (data["amount"], data["agreed"], data["topics"]) == (2.5, True, ["a"])


# Dynamic lists ---------------------------------------------------------------------------------------------

def _goal(index, **fields):
    row = {"life_area": "work", "title": "Arbeit finden", "obligations": "Bewerbungen schreiben",
           "support": "Begleitung zum Jobcenter", "responsible": "Klientin", "due_date": "2025-01-31", **fields}
    return [(f"goals-{index}-{k}", v) for k, v in row.items()]


AGREEMENT_BASE = [("plan_date", "2024-05-02"), ("signed_by_client", "true"), ("signed_by_caseworker", "true"),
                  ("signature_date", "02.05.2024")]
BLANK_GOAL = [(f"goals-{{i}}-{k}", "") for k in ("goal_id", "life_area", "title", "obligations", "support",
                                                  "responsible", "due_date")]


def _blank(index):
    return [(name.format(i=index), value) for name, value in BLANK_GOAL]


def test_target_agreement_rows_parse_and_blank_rows_drop():
    raw = MultiDict(AGREEMENT_BASE + _goal(0) + _blank(1) + _goal(2, title="Sprachkurs B1", life_area="language"))
    result = parse_submission(REGISTRY.get("target_agreement"), raw)
    assert result.ok, result.errors
    assert [g["title"] for g in result.data["goals"]] == ["Arbeit finden", "Sprachkurs B1"]
    assert result.data["goals"][0] == {"goal_id": None, "life_area": "work", "title": "Arbeit finden",
                                       "obligations": "Bewerbungen schreiben",
                                       "support": "Begleitung zum Jobcenter", "responsible": "Klientin",
                                       "due_date": "2025-01-31"}


def test_target_agreement_without_goals_asks_for_one():
    result = parse_submission(REGISTRY.get("target_agreement"), MultiDict(AGREEMENT_BASE + _blank(0)))
    assert result.errors["goals"] == "Bitte erfassen Sie mindestens ein Ziel."


def test_removed_row_is_dropped_and_errors_follow_the_remaining_rows_numbering():
    raw = MultiDict(AGREEMENT_BASE + _goal(0) + [("goals-0-_remove", "true")] + _goal(1, title=""))
    result = parse_submission(REGISTRY.get("target_agreement"), raw)
    assert result.errors == {"goals-0-title": REQUIRED, "_form": result.errors["_form"]}
    assert len(result.values["goals"]) == 1 and result.values["goals"][0]["title"] == ""


def test_rows_are_read_in_index_order_even_when_posted_out_of_order():
    raw = MultiDict(AGREEMENT_BASE + _goal(10, title="Zehn") + _goal(2, title="Zwei"))
    result = parse_submission(REGISTRY.get("target_agreement"), raw)
    assert [g["title"] for g in result.data["goals"]] == ["Zwei", "Zehn"]


@pytest.mark.parametrize(
    "name, value",
    [("signed_by_client", None), ("signed_by_caseworker", None), ("plan_date", ""), ("signature_date", "")],
)
def test_target_agreement_needs_both_signatures_and_dates(name, value):
    fields = [(k, v) for k, v in AGREEMENT_BASE if k != name] + ([(name, value)] if value is not None else [])
    result = parse_submission(REGISTRY.get("target_agreement"), MultiDict(fields + _goal(0)))
    assert name in result.errors


def _review(status, reason="", **extra):
    fields = {"review_date": "2024-08-01", "review_summary": "Gute Fortschritte", "next_step": "continue",
              "goals-0-goal_id": "G-1", "goals-0-life_area": "work", "goals-0-title": "Arbeit finden",
              "goals-0-status": status, "goals-0-status_reason": reason, "goals-0-due_date": "2025-01-31", **extra}
    return MultiDict(list(fields.items()))


@pytest.mark.parametrize(
    "status, reason, error",
    [
        ("dropped", "", REQUIRED),
        ("not_achieved", "  ", REQUIRED),
        ("dropped", "Klientin ist umgezogen", None),
        ("achieved", "", None),
        ("open", "", None),
        ("partly", "", None),
    ],
)
def test_review_requires_a_reason_only_for_dropped_or_missed_goals(status, reason, error):
    result = parse_submission(REGISTRY.get("review"), _review(status, reason))
    assert result.errors.get("goals-0-status_reason") == error
    assert result.ok == (error is None)


def test_review_reports_required_if_alongside_other_errors():
    result = parse_submission(REGISTRY.get("review"), _review("dropped", review_summary=""))
    assert {"goals-0-status_reason", "review_summary"} <= set(result.errors)


def test_review_keeps_goal_ids_and_accepts_no_new_goals():
    result = parse_submission(REGISTRY.get("review"), _review("achieved"))
    assert result.data["goals"][0]["goal_id"] == "G-1" and result.data["new_goals"] == []


def test_review_ignores_remove_ticks_on_fixed_goal_rows():
    result = parse_submission(REGISTRY.get("review"), _review("achieved", **{"goals-0-_remove": "true"}))
    assert len(result.data["goals"]) == 1


@pytest.mark.parametrize(
    "reason, text, ok",
    [("other", "", False), ("moved_away", "", False), ("moved_away", "Nach Ulm", True), ("goals_achieved", "", True)],
)
def test_closure_requires_an_explanation_for_other_and_moved_away(reason, text, ok):
    raw = MultiDict([("closure_reason", reason), ("closure_reason_text", text), ("closure_date", "2025-02-01"),
                     ("final_summary", "Selbstständig"), ("outcomes", "work_taken_up"),
                     ("final_goals-0-goal_id", "G-1"), ("final_goals-0-title", "Arbeit finden"),
                     ("final_goals-0-final_status", "achieved"), ("final_goals-0-evaluation", "Stelle seit März")])
    result = parse_submission(REGISTRY.get("closure"), raw)
    assert result.ok == ok and ("closure_reason_text" in result.errors) != ok


def test_closure_rejects_open_as_final_status():
    raw = MultiDict([("final_goals-0-goal_id", "G-1"), ("final_goals-0-final_status", "open")])
    assert parse_submission(REGISTRY.get("closure"), raw).errors["final_goals-0-final_status"] == CHOOSE


def test_household_row_with_a_default_free_blank_is_dropped_and_a_partial_row_is_checked():
    intake = with_options(REGISTRY.get("intake"), "municipalities", [(7, "Aalen")])
    raw = MultiDict([("household-0-name", ""), ("household-0-relation", ""), ("household-0-birth_date", ""),
                     ("household-1-name", "Omar"), ("household-1-relation", ""), ("household-1-birth_date", "")])
    result = parse_submission(intake, raw)
    assert result.errors["household-0-relation"] == "Bitte wählen Sie eine Option aus."
    assert "household-1-name" not in result.errors and len(result.values["household"]) == 1


# The shipped intake ---------------------------------------------------------------------------------------

INTAKE_POST = [("first_name", "Amina"), ("last_name", "Haddad"), ("birth_date", "01.05.1990"),
               ("gender", "female"), ("languages", "Arabisch, Kurdisch"), ("interpreter_needed", "true"),
               ("interpreter_language", "Arabisch"), ("email", "amina@example.de"), ("municipality_id", "7"),
               ("accommodation_address", "Hauptstr. 1\n73430 Aalen"), ("residence_status", "subsidiary_protection"),
               ("residence_status_evidence", "Aufenthaltserlaubnis Nr. Y123"), ("au_since", "2024-03-01"),
               ("counselling_start", "2024-03-05")]


def test_intake_post_gives_the_data_gateways_read():
    intake = with_options(REGISTRY.get("intake"), "municipalities", [(7, "Aalen"), (8, "Essingen")])
    result = parse_submission(intake, MultiDict(INTAKE_POST))
    assert result.ok, result.errors
    assert result.data["municipality_id"] == 7 and result.data["birth_date"] == "1990-05-01"
    assert result.data["residence_status"] == "subsidiary_protection" and result.data["household"] == []


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("municipality_id", "9", CHOOSE),
        ("email", "amina(at)example", "Die Eingabe entspricht nicht dem erwarteten Format."),
        ("residence_status", "tourist", CHOOSE),
        ("intake_note", "x" * 2001, "Bitte geben Sie höchstens 2000 Zeichen ein."),
        ("last_name", "", REQUIRED),
        ("au_since", "2024-02-30", "Bitte geben Sie ein gültiges Datum ein (TT.MM.JJJJ)."),
    ],
)
def test_intake_rejects_bad_values(name, value, message):
    intake = with_options(REGISTRY.get("intake"), "municipalities", [(7, "Aalen")])
    raw = MultiDict([(k, v) for k, v in INTAKE_POST if k != name] + [(name, value)])
    assert parse_submission(intake, raw).errors[name] == message


def test_intake_without_filled_municipalities_cannot_be_submitted():
    assert parse_submission(REGISTRY.get("intake"), MultiDict(INTAKE_POST)).errors["municipality_id"] == CHOOSE


# Adding rows, prefilling ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "fields, expected",
    [
        ([("_add_row", "goals")], "goals"),
        ([("_add_row", " household ")], "household"),
        ([("_add_row", "")], None),
        ([("name", "x")], None),
    ],
)
def test_wants_more_rows_names_the_list_whose_button_was_pressed(fields, expected):
    assert wants_more_rows(MultiDict(fields)) == expected


def test_adding_a_row_keeps_the_blank_rows_of_that_list_only():
    raw = MultiDict(_goal(0) + _blank(1) + [("new_goals-0-title", "")])
    grown = read_values(REGISTRY.get("review"), raw, add_row_to="new_goals")
    agreement = read_values(REGISTRY.get("target_agreement"), raw, add_row_to="goals")
    assert len(agreement["goals"]) == 2 and len(grown["new_goals"]) == 1
    assert len(read_values(REGISTRY.get("target_agreement"), raw)["goals"]) == 1


def test_initial_values_prefill_from_data_and_ignore_unknown_keys():
    data = {"review_date": "2024-08-01", "unknown": "x", "goals": [{"goal_id": 5, "title": "T", "extra": 1}],
            "new_goals": "not a list"}
    assert initial_values(REGISTRY.get("review"), data) == {"review_date": "2024-08-01",
                                                            "goals": [{"goal_id": "5", "title": "T"}]}


def test_initial_values_show_checkboxes_and_checklists_in_their_shapes():
    data = {"consent_document": True, "consent_scope": ["basic"], "consent_date": None}
    assert initial_values(REGISTRY.get("consent"), data) == {"consent_document": True,
                                                             "consent_scope": ["basic"], "consent_date": ""}


def test_assessment_groups_nest_the_data_by_life_area():
    raw = MultiDict([("assessment_date", "2024-04-01"), ("assessment_summary", "Überblick"),
                     ("work.needs", "Anerkennung des Abschlusses"), ("work.support_needed", "true")])
    data = parse_submission(REGISTRY.get("assessment"), raw).data
    assert data["work"] == {"situation": None, "resources": None, "needs": "Anerkennung des Abschlusses",
                            "support_needed": True}
    assert data["health"]["support_needed"] is False


NESTED = parse_form({"type": "default", "id": "nested", "components": [
    {"id": "L1", "type": "dynamiclist", "path": "goals", "components": [
        {"id": "F1", "type": "textfield", "key": "title", "validate": {"required": True}},
        {"id": "F2", "type": "select", "key": "kind", "defaultValue": "a",
         "values": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}]},
        {"id": "L2", "type": "dynamiclist", "path": "steps", "components": [
            {"id": "F3", "type": "textfield", "key": "text", "validate": {"required": True}},
            {"id": "F4", "type": "number", "key": "hours"},
        ]},
    ]},
]})


def test_nested_lists_compose_their_html_names():
    raw = MultiDict([("goals-0-title", "Ziel"), ("goals-0-kind", "b"), ("goals-0-steps-0-text", "Erster"),
                     ("goals-0-steps-3-text", ""), ("goals-0-steps-3-hours", "2")])
    result = parse_submission(NESTED, raw)
    assert result.errors["goals-0-steps-1-text"] == REQUIRED
    assert result.values["goals"][0]["steps"] == [{"text": "Erster", "hours": ""}, {"text": "", "hours": "2"}]


def test_row_left_at_its_defaults_counts_as_blank():
    raw = MultiDict([("goals-0-title", "Ziel"), ("goals-0-kind", "a"), ("goals-1-title", ""), ("goals-1-kind", "a")])
    result = parse_submission(NESTED, raw)
    assert result.ok and result.data == {"goals": [{"title": "Ziel", "kind": "a", "steps": []}]}


def test_huge_numbers_are_refused_rather_than_rounded():
    assert parse_submission(SAMPLE, _post(amount="1e400")).errors["amount"] == "Bitte geben Sie eine Zahl ein."


def test_a_pattern_that_backtracks_without_end_answers_instead_of_hanging_the_worker():
    # (a|aa)+b on 60 a's and no b tries every split of the a's (Fibonacci(60) ways); the check stops after
    # PATTERN_SECONDS. (Python's re also hangs on (a+)+b, which the regex module answers at once.)
    form = parse_form({"type": "default", "id": "muster", "components": [
        {"id": "F1", "type": "textfield", "key": "code", "validate": {"pattern": "(a|aa)+b"}}]})
    result = parse_submission(form, MultiDict({"code": "a" * 60}))
    assert result.errors["code"] == ( "Die Eingabe lässt sich nicht in vertretbarer Zeit gegen das Format dieses "
                                     "Feldes prüfen. Bitte prüfen Sie die Eingabe; besteht das Problem weiter, "
                                     "bitten Sie die Teamleitung, das Muster („pattern“) des Formulars zu "
                                     "vereinfachen.")
    assert parse_submission(form, MultiDict({"code": "aaab"})).ok
    assert parse_submission(form, MultiDict({"code": "aaac"})).errors["code"] == (
        "Die Eingabe entspricht nicht dem erwarteten Format.")
