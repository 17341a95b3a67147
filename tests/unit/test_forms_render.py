"""Rendering: the macro shows labels, keeps values, escapes input, marks errors, and posts back what it showed."""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader
from werkzeug.datastructures import MultiDict

from engine.forms import FormRegistry, initial_values, parse_form, parse_submission, with_options

ROOT = Path(__file__).parents[2]
REGISTRY = FormRegistry(ROOT / "bpmn" / "forms")
SHIPPED = ["intake", "eligibility_review", "consent", "assessment", "target_agreement", "review", "closure"]
ENV = Environment(loader=FileSystemLoader(ROOT / "web" / "templates"), autoescape=True)
PAGE = ENV.from_string(
    '{% from "forms/_render.html" import render_fields %}'
    "{{ render_fields(form, values, errors, **options) }}"
)


def render(form, values=None, errors=None, **options):
    return PAGE.render(form=form, values=values or {}, errors=errors or {}, options=options)


class Controls(HTMLParser):
    """Collects what a browser would post (successful controls) and every element's attributes."""

    def __init__(self):
        super().__init__()
        self.posted: list[tuple[str, str]] = []
        self.elements: list[tuple[str, dict]] = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "input" and "name" in a and "disabled" not in a:
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.posted.append((a["name"], a.get("value", "on")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.posted.append((self._select, a["value"]))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            # browsers drop the single newline right after <textarea>
            self.posted.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def find(self, tag, **attrs):
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def controls(html):
    parser = Controls()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("form_id", SHIPPED)
def test_every_label_of_a_shipped_form_is_shown(form_id):
    form = REGISTRY.get(form_id)
    # fixed lists (review goals, final goals) show only the rows they were given
    html = render(form, {c.path: [{}] for c in form.components if c.type == "dynamiclist"})
    labels = [c.label for c in form.walk() if c.label and not c.hidden]
    assert labels and all(str(ENV.filters["e"](label)) in html for label in labels)


@pytest.mark.parametrize("form_id", SHIPPED)
def test_shipped_forms_render_without_scripts_handlers_or_inline_styles(form_id):
    html = render(REGISTRY.get(form_id), errors={"x": "y"})
    assert "<script" not in html and "style=" not in html and "javascript:" not in html
    assert not re.search(r"\son[a-z]+\s*=", html)


@pytest.mark.parametrize("form_id", SHIPPED)
def test_every_visible_input_has_a_label_or_legend(form_id):
    html = render(REGISTRY.get(form_id))
    page = controls(html)
    ids = {a["id"] for t, a in page.elements if t in ("input", "select", "textarea") and a.get("type") != "hidden"}
    labelled = {a["for"] for a in page.find("label")}
    assert ids and ids <= labelled


def test_values_are_kept_in_their_inputs():
    consent = REGISTRY.get("consent")
    values = {"consent_given": "yes", "consent_date": "2024-03-05", "consent_scope": ["basic", "special_categories"],
              "consent_document": True}
    page = controls(render(consent, values))
    assert sorted(page.posted) == sorted([("consent_given", "yes"), ("consent_date", "2024-03-05"),
                                          ("consent_scope", "basic"), ("consent_scope", "special_categories"),
                                          ("consent_document", "true")])


def test_select_and_textarea_show_their_values():
    closure = REGISTRY.get("closure")
    page = controls(render(closure, {"closure_reason": "other", "final_summary": "Zeile 1\nZeile 2"}))
    assert ("closure_reason", "other") in page.posted and ("final_summary", "Zeile 1\nZeile 2") in page.posted


@pytest.mark.parametrize(
    "form_id, values",
    [
        ("intake", {"last_name": "<script>alert(1)</script>"}),
        ("intake", {"intake_note": "</textarea><script>alert(1)</script>"}),
        ("review", {"goals": [{"goal_id": "\"><script>alert(1)</script>", "title": "<script>alert(1)</script>",
                               "life_area": "work"}]}),
    ],
)
def test_script_in_values_is_escaped(form_id, values):
    html = render(REGISTRY.get(form_id), values)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_error_is_shown_at_its_field_and_wired_for_screen_readers():
    page = controls(render(REGISTRY.get("intake"), errors={"last_name": "Bitte füllen Sie dieses Feld aus."}))
    (field,) = page.find("input", name="last_name")
    assert field["aria-invalid"] == "true" and "last_name-error" in field["aria-describedby"].split()
    html = render(REGISTRY.get("intake"), errors={"last_name": "Bitte füllen Sie dieses Feld aus."})
    assert '<div class="field has-error">' in html
    assert '<p class="error-message" id="last_name-error">Bitte füllen Sie dieses Feld aus.</p>' in html
    assert len(re.findall('aria-invalid="true"', html)) == 1


def test_row_error_and_list_error_are_shown_where_they_belong():
    errors = {"goals": "Bitte erfassen Sie mindestens ein Ziel.", "goals-0-title": "Bitte füllen Sie dieses Feld aus."}
    html = render(REGISTRY.get("target_agreement"), {"goals": [{"title": ""}]}, errors)
    assert 'id="goals-error">Bitte erfassen Sie mindestens ein Ziel.' in html
    (title,) = controls(html).find("input", name="goals-0-title")
    assert title["aria-invalid"] == "true"


def test_required_fields_are_marked_and_carry_the_html_attribute():
    page = controls(render(REGISTRY.get("eligibility_review")))
    assert all("required" in a for a in page.find("input", name="eligibility_decision"))
    html = render(REGISTRY.get("eligibility_review"))
    assert 'Begründung <abbr class="required-marker" title="Pflichtfeld">*</abbr>' in html
    (note,) = page.find("textarea", name="eligibility_note")
    assert note["minlength"] == "10"


@pytest.mark.parametrize(
    "name, tag, attrs",
    [
        ("birth_date", "input", {"type": "date"}),
        ("email", "input", {"type": "text", "pattern": r"[^@\s]+@[^@\s]+\.[^@\s]+"}),
        ("intake_note", "textarea", {"maxlength": "2000"}),
        ("gender", "select", {}),
        ("interpreter_needed", "input", {"type": "checkbox", "value": "true"}),
    ],
)
def test_inputs_get_their_html_type_and_hints(name, tag, attrs):
    (element,) = controls(render(REGISTRY.get("intake"))).find(tag, name=name)
    assert attrs.items() <= element.items()


def test_select_offers_an_empty_choice_first():
    html = render(REGISTRY.get("intake"))
    assert '<select id="field-gender" name="gender">\n<option value="">– bitte wählen –</option>' in html


def test_number_input_has_step_and_bounds():
    form = parse_form({"type": "default", "id": "n", "components": [
        {"id": "F1", "type": "number", "key": "minutes", "label": "Minuten", "decimalDigits": 0,
         "validate": {"min": 1, "max": 600}}]})
    (element,) = controls(render(form)).find("input", name="minutes")
    assert (element["type"], element["step"], element["min"], element["max"]) == ("number", "1", "1", "600")


def test_municipality_options_appear_once_filled():
    intake = with_options(REGISTRY.get("intake"), "municipalities", [(7, "Aalen"), (8, "Essingen")])
    page = controls(render(intake, {"municipality_id": "8"}))
    assert ("municipality_id", "8") in page.posted and "Essingen" in render(intake)


def test_groups_render_as_fieldsets_with_dotted_names():
    html = render(REGISTRY.get("assessment"), {"work": {"needs": "Anerkennung"}})
    assert '<fieldset class="group" id="field-work">\n<legend>Arbeit und Ausbildung</legend>' in html
    assert ("work.needs", "Anerkennung") in controls(html).posted


def test_dynamiclist_shows_rows_blank_rows_remove_boxes_and_add_button():
    html = render(REGISTRY.get("target_agreement"), {"goals": [{"title": "A"}, {"title": "B"}]}, extra_rows=2)
    page = controls(html)
    assert html.count('<div class="row-group">') == 4
    assert [h for h in re.findall(r"Eintrag \d", html)] == ["Eintrag 1", "Eintrag 2", "Eintrag 3", "Eintrag 4"]
    assert [a["name"] for a in page.find("input", type="checkbox") if a["name"].endswith("_remove")] == [
        "goals-0-_remove", "goals-1-_remove"]
    (button,) = page.find("button", name="_add_row")
    assert button["value"] == "goals" and "formnovalidate" in button and button["class"] == "secondary"
    assert "Weiteren Eintrag hinzufügen" in html


def test_blank_rows_do_not_block_sending_with_browser_required_checks():
    page = controls(render(REGISTRY.get("target_agreement"), {"goals": [{"title": "A"}]}))
    assert "required" in page.find("input", name="goals-0-title")[0]
    assert "required" not in page.find("input", name="goals-1-title")[0]


def test_fixed_goal_lists_offer_no_blank_rows_and_no_add_button():
    html = render(REGISTRY.get("review"), {"goals": [{"goal_id": "G-1", "title": "A", "life_area": "work"}]})
    page = controls(html)
    assert not page.find("button", value="goals") and not page.find("input", name="goals-0-_remove")
    assert not page.find("input", name="goals-1-status") and page.find("button", value="new_goals")


def test_goal_ids_are_hidden_and_readonly_choices_are_shown_as_text():
    html = render(REGISTRY.get("review"), {"goals": [{"goal_id": "G-1", "title": "A", "life_area": "work"}]})
    page = controls(html)
    assert page.find("input", type="hidden", name="goals-0-goal_id", value="G-1")
    assert page.find("input", type="hidden", name="goals-0-life_area", value="work")
    assert '<p class="readonly-value">Arbeit und Ausbildung</p>' in html
    assert "readonly" in page.find("input", name="goals-0-title")[0]


def test_static_text_is_rendered_as_escaped_paragraphs():
    form = parse_form({"type": "default", "id": "t", "components": [
        {"id": "T1", "type": "text", "text": "Erster <b>Absatz</b>\n\nZweiter Absatz"},
        {"id": "S1", "type": "separator"}, {"id": "S2", "type": "spacer"}]})
    html = render(form)
    assert "<p>Erster &lt;b&gt;Absatz&lt;/b&gt;</p>" in html and "<p>Zweiter Absatz</p>" in html and "<hr>" in html


def test_no_rows_offered_when_extra_rows_is_zero():
    html = render(REGISTRY.get("target_agreement"), extra_rows=0)
    assert '<div class="row-group">' not in html


@pytest.mark.parametrize(
    "form_id, data",
    [
        ("target_agreement", {
            "goals": [{"goal_id": "G-1", "life_area": "language", "title": "B1-Kurs abschließen",
                       "obligations": "Regelmäßig teilnehmen\nHausaufgaben", "support": "Kursplatz suchen",
                       "responsible": "Klientin, IM", "due_date": "2025-03-31"}],
            "plan_date": "2024-05-02", "signed_by_client": True, "signed_by_caseworker": True,
            "signature_date": "2024-05-02", "plain_language_copy": False}),
        ("review", {
            "review_date": "2024-08-01",
            "goals": [{"goal_id": "G-1", "life_area": "language", "title": "B1-Kurs abschließen",
                       "status": "dropped", "status_reason": "Kurs ausgefallen", "due_date": "2025-03-31"}],
            "new_goals": [], "review_summary": "Neuer Kurs ab Herbst", "next_step": "continue"}),
        ("consent", {"consent_given": "yes", "consent_date": "2024-03-05",
                     "consent_scope": ["basic", "share_with_partners"], "consent_document": True}),
    ],
)
def test_a_prefilled_form_posts_back_exactly_its_data(form_id, data):
    form = REGISTRY.get(form_id)
    page = controls(render(form, initial_values(form, data)))
    result = parse_submission(form, MultiDict(page.posted))
    assert result.ok, result.errors
    assert result.data == data
