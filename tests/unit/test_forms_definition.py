"""Form definitions: the shipped forms load with the keys BPMN relies on; broken forms fail in German."""
import json
from pathlib import Path

import pytest

from engine.forms import (
    FormError,
    FormRegistry,
    UnknownForm,
    build_schema,
    field_names,
    load_form,
    options_sources,
    parse_form,
    with_options,
)

ROOT = Path(__file__).parents[2]
FORMS = ROOT / "bpmn" / "forms"
SHIPPED = ["intake", "eligibility_review", "consent", "assessment", "target_agreement", "review", "closure"]
LIFE_AREAS = ["language", "work", "education", "housing", "health", "family", "finances", "residence",
              "participation", "authorities"]


def _form(*components, **top):
    return {"type": "default", "id": "test", "components": list(components), **top}


def _values(form, key):
    field = next(c for c in form.walk() if c.key == key)
    return [o.value for o in field.values]


@pytest.mark.parametrize(
    "form_id, title",
    [
        ("intake", "Erstaufnahme"),
        ("eligibility_review", "Förderfähigkeit prüfen"),
        ("consent", "Einwilligung zur Datenverarbeitung"),
        ("assessment", "Bedarfsanalyse"),
        ("target_agreement", "Integrationsplan und Zielvereinbarung"),
        ("review", "Fortschreibung des Integrationsplans"),
        ("closure", "Abschluss"),
    ],
)
def test_shipped_form_loads_with_its_id_and_title(form_id, title):
    form = load_form(FORMS / f"{form_id}.json")
    assert (form.id, form.title, form.schema_version) == (form_id, title, 16)


@pytest.mark.parametrize("form_id", SHIPPED)
def test_shipped_form_is_form_js_shaped(form_id):
    data = json.loads((FORMS / f"{form_id}.json").read_text(encoding="utf-8"))
    ids = [c["id"] for c in _all_components(data["components"])]
    assert data["type"] == "default" and data["schemaVersion"] == 16
    assert len(ids) == len(set(ids)) and all(i.split("_")[0] in {"Field", "Group", "List", "Text"} for i in ids)


def _all_components(components):
    for c in components:
        yield c
        yield from _all_components(c.get("components", []))


def test_registry_loads_every_form_in_the_directory():
    registry = FormRegistry(FORMS)
    assert set(SHIPPED) <= set(registry.ids()) and registry.ids() == sorted(registry.ids())
    assert len(registry) == len(list(FORMS.glob("*.json")))


@pytest.mark.parametrize(
    "form_id, keys",
    [
        ("intake", {"first_name", "last_name", "birth_date", "gender", "nationality", "languages",
                    "interpreter_needed", "interpreter_language", "phone", "email", "municipality_id",
                    "accommodation_address", "residence_status", "residence_status_evidence", "au_since",
                    "counselling_start", "household", "household[].name", "household[].relation",
                    "household[].birth_date", "intake_note"}),
        ("eligibility_review", {"eligibility_decision", "eligibility_note"}),
        ("consent", {"consent_given", "consent_date", "consent_scope", "consent_document"}),
        ("assessment", {"assessment_date", "assessment_summary"}
         | {f"{a}.{k}" for a in LIFE_AREAS for k in ("situation", "resources", "needs", "support_needed")}),
        ("target_agreement", {"goals", "plan_date", "signed_by_client", "signed_by_caseworker", "signature_date",
                              "plain_language_copy"}
         | {f"goals[].{k}" for k in ("goal_id", "life_area", "title", "obligations", "support", "responsible",
                                     "due_date")}),
        ("review", {"review_date", "review_summary", "next_step", "new_goals", "new_goals[].title"}
         | {f"goals[].{k}" for k in ("goal_id", "life_area", "title", "status", "status_reason", "due_date")}),
        ("closure", {"closure_reason", "closure_reason_text", "closure_date", "outcomes", "final_summary"}
         | {f"final_goals[].{k}" for k in ("goal_id", "title", "final_status", "evaluation")}),
    ],
)
def test_shipped_form_produces_the_keys_the_process_reads(form_id, keys):
    assert keys <= field_names(FormRegistry(FORMS).get(form_id))


@pytest.mark.parametrize(
    "form_id, key, codes",
    [
        ("intake", "gender", ["female", "male", "diverse", "unknown"]),
        ("intake", "residence_status", ["recognised_refugee", "asylum_entitled", "subsidiary_protection",
                                        "deportation_ban", "temporary_protection_ukraine",
                                        "asylum_pending_good_prospects", "toleration", "obliged_to_leave",
                                        "other"]),
        ("intake", "relation", ["partner", "child", "parent", "sibling", "other"]),
        ("eligibility_review", "eligibility_decision", ["approve", "reject"]),
        ("consent", "consent_given", ["yes", "no"]),
        ("consent", "consent_scope", ["basic", "special_categories", "share_with_partners"]),
        ("target_agreement", "life_area", LIFE_AREAS),
        ("review", "status", ["open", "achieved", "partly", "not_achieved", "dropped"]),
        ("review", "next_step", ["continue", "close"]),
        ("closure", "closure_reason", ["livelihood_secured", "goals_achieved", "moved_away", "eligibility_ended",
                                       "no_cooperation", "naturalisation", "other"]),
        ("closure", "outcomes", ["language_certificate", "training_started", "work_taken_up", "own_housing",
                                 "benefits_independent"]),
        ("closure", "final_status", ["achieved", "partly", "not_achieved", "dropped"]),
    ],
)
def test_shipped_choice_offers_the_value_codes_gateways_compare_with(form_id, key, codes):
    assert _values(FormRegistry(FORMS).get(form_id), key) == codes


def test_assessment_has_one_group_per_life_area_nesting_its_fields():
    form = FormRegistry(FORMS).get("assessment")
    assert [c.path for c in form.components if c.type == "group"] == LIFE_AREAS


def test_municipality_options_are_filled_at_run_time_into_a_copy():
    intake = FormRegistry(FORMS).get("intake")
    filled = with_options(intake, "municipalities", [(3, "Aalen"), (4, "Ellwangen (Jagst)")])
    assert options_sources(intake) == {"municipalities"}
    assert _values(intake, "municipality_id") == []
    assert _values(filled, "municipality_id") == [3, 4]
    assert _values(filled, "residence_status") == _values(intake, "residence_status")


def test_schema_is_built_once_per_form_object():
    intake = FormRegistry(FORMS).get("intake")
    assert build_schema(intake) is build_schema(intake)
    assert build_schema(with_options(intake, "municipalities", [])) is not build_schema(intake)


def test_the_same_choices_give_the_same_filled_form_and_schema():
    # Every intake fills the municipalities in; equal choices must not rebuild the form and its schema each time.
    intake = FormRegistry(FORMS).get("intake")
    first = with_options(intake, "municipalities", [("3", "Aalen"), ("4", "Ellwangen (Jagst)")])
    again = with_options(intake, "municipalities", [("3", "Aalen"), ("4", "Ellwangen (Jagst)")])
    other = with_options(intake, "municipalities", [("3", "Aalen")])
    assert again is first and build_schema(again) is build_schema(first)
    assert other is not first and _values(other, "municipality_id") == ["3"]
    assert _values(first, "municipality_id") == ["3", "4"]


def test_date_component_takes_its_label_from_date_label():
    form = parse_form(_form({"id": "F1", "type": "datetime", "subtype": "date", "dateLabel": "Geburtsdatum",
                             "key": "birth_date"}))
    assert (form.components[0].label, form.components[0].subtype) == ("Geburtsdatum", "date")


def test_title_falls_back_to_id():
    assert parse_form(_form()).title == "test"


def test_same_key_is_allowed_in_different_group_paths():
    group = {"type": "group", "components": [{"id": "x", "type": "textfield", "key": "needs"}]}
    form = parse_form(_form({**group, "id": "G1", "path": "work"},
                            {**group, "id": "G2", "path": "health",
                             "components": [{"id": "y", "type": "textfield", "key": "needs"}]}))
    assert field_names(form) == {"work", "work.needs", "health", "health.needs"}


@pytest.mark.parametrize(
    "component, fragment",
    [
        ({"id": "Field_x", "type": "filepicker", "key": "f"}, "Komponententyp „filepicker“"),
        ({"id": "Field_x", "type": "textfield"}, "keinen Schlüssel"),
        ({"id": "Field_x", "type": "textfield", "key": "a.b"}, "nur Buchstaben"),
        ({"id": "Field_x", "type": "textfield", "key": "_remove"}, "nur Buchstaben"),
        ({"id": "Field_x", "type": "select", "key": "s"}, "keine Werte"),
        ({"id": "Field_x", "type": "radio", "key": "s", "values": [{"label": "A", "value": "a"},
                                                                    {"label": "B", "value": "a"}]}, "mehrfach"),
        ({"id": "Field_x", "type": "dynamiclist", "components": []}, "Pfad"),
        ({"id": "Field_x", "type": "datetime", "subtype": "week", "key": "d"}, "Datumstyp"),
        ({"id": "Field_x", "type": "textfield", "key": "t", "validate": {"pattern": "("}}, "Muster"),
        ({"id": "Field_x", "type": "number", "key": "n", "validate": {"min": 5, "max": 1}}, "größer"),
        ({"id": "Field_x", "type": "textfield", "key": "t", "validate": {"maxLength": -1}}, "maxLength"),
        ({"id": "Field_x", "type": "textfield", "key": "t", "conditional": {"hide": "=a"}}, "conditional"),
        ({"id": "Field_x", "type": "textfield", "key": "t", "readonly": "=a"}, "readonly"),
        ({"id": "Field_x", "type": "textfield", "key": "t", "properties": {"required_if": "nope in a"}},
         "„nope“"),
        ({"id": "Field_x", "type": "textfield", "key": "t", "properties": {"required_if": "what?"}},
         "required_if"),
        # Hostile JSON (found by mutating the shipped forms): each once ended in a TypeError or ValueError.
        ({"id": "Field_x", "type": ["textfield"], "key": "t"}, "Komponententyp"),
        ({"id": "Field_x", "type": "datetime", "subtype": {"a": 1}, "key": "d"}, "„subtype“ muss ein Text sein"),
        ({"id": "Field_x", "type": "textfield", "key": "t", "validate": {"maxLength": float("nan")}}, "maxLength"),
        ({"id": "Field_x", "type": "number", "key": "n", "decimalDigits": float("inf")}, "decimalDigits"),
        ({"id": "Field_x", "type": "number", "key": "n", "validate": {"min": float("nan")}}, "„min“ muss eine Zahl"),
    ],
)
def test_broken_component_is_rejected_naming_the_component(component, fragment):
    with pytest.raises(FormError) as error:
        parse_form(_form(component))
    assert "Field_x" in error.value.message and fragment in error.value.message


@pytest.mark.parametrize(
    "components",
    [
        [{"id": "a", "type": "textfield", "key": "k"}, {"id": "b", "type": "textfield", "key": "k"}],
        # a group without a path puts its fields beside its siblings, so keys must not clash across it
        [{"id": "a", "type": "textfield", "key": "k"},
         {"id": "g", "type": "group", "components": [{"id": "b", "type": "textfield", "key": "k"}]}],
        [{"id": "a", "type": "textfield", "key": "k"}, {"id": "a", "type": "textfield", "key": "m"}],
    ],
)
def test_duplicate_keys_or_ids_are_rejected(components):
    with pytest.raises(FormError, match="mehrfach"):
        parse_form(_form(*components))


@pytest.mark.parametrize(
    "data, fragment",
    [
        ({"type": "default", "components": []}, "id"),
        ({"type": "default", "id": "a b", "components": []}, "id"),
        ({"type": "wizard", "id": "x", "components": []}, "default"),
        ({"type": "default", "id": "x"}, "Komponentenliste"),
        ([], "JSON-Objekt"),
    ],
)
def test_broken_form_is_rejected(data, fragment):
    with pytest.raises(FormError, match=fragment):
        parse_form(data)


def test_registry_rejects_unknown_form_in_german():
    with pytest.raises(UnknownForm) as error:
        FormRegistry(FORMS).get("nope")
    assert error.value.message == "Das Formular „nope“ ist nicht bekannt." and error.value.status == 404


def test_registry_from_mapping_uses_the_keys_as_ids():
    registry = FormRegistry.from_mapping({"a": {"type": "default", "components": []},
                                          "b": {"type": "default", "id": "b", "components": []}})
    assert registry.ids() == ["a", "b"] and "a" in registry and len(registry) == 2


def test_registry_from_mapping_rejects_mismatched_id():
    with pytest.raises(FormError, match="abweichende"):
        FormRegistry.from_mapping({"a": {"type": "default", "id": "b", "components": []}})


def test_registry_rejects_duplicate_ids_in_a_directory(tmp_path):
    for name in ("one.json", "two.json"):
        (tmp_path / name).write_text(json.dumps({"type": "default", "id": "same", "components": []}))
    with pytest.raises(FormError, match="doppelt"):
        FormRegistry(tmp_path)


def test_registry_names_an_unreadable_file(tmp_path):
    (tmp_path / "broken.json").write_text("{ not json")
    with pytest.raises(FormError, match="broken.json"):
        FormRegistry(tmp_path)


def test_registry_rejects_a_missing_directory(tmp_path):
    with pytest.raises(FormError, match="existiert nicht"):
        FormRegistry(tmp_path / "missing")


def test_importing_forms_keeps_flask_out():
    import subprocess
    import sys

    code = "import sys, engine.forms; assert 'flask' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_components_without_ids_may_reuse_a_key_in_different_groups():
    group = {"type": "group", "components": [{"type": "textfield", "key": "needs"}]}
    form = parse_form(_form({**group, "path": "work"}, {**group, "path": "health"}))
    assert [c.id for c in form.walk()] == ["work", "needs", "health", "needs"]


@pytest.mark.parametrize("min_rows", ["abc", "-1", "1.5"])
def test_min_rows_must_be_a_whole_number(min_rows):
    component = {"id": "List_x", "type": "dynamiclist", "path": "x", "properties": {"min_rows": min_rows},
                 "components": [{"id": "F", "type": "textfield", "key": "t"}]}
    with pytest.raises(FormError, match="min_rows"):
        parse_form(_form(component))
