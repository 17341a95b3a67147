"""German first, English second: the locale switch and the completeness of the English catalog.

The catalog tests make a new or changed UI string fail the suite until `scripts/update_translations.sh` has been
run and the new msgid translated (and the .mo recompiled).
"""
from __future__ import annotations

import html
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from support import login

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "web" / "translations"
POT = TRANSLATIONS / "messages.pot"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
EN_MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
_HTML_LANG = re.compile(r'<html lang="([a-z]+)"')


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _html_lang(response) -> str:
    return _HTML_LANG.search(response.get_data(as_text=True)).group(1)


def _read_po(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _ids(catalog) -> set:
    """The msgids of a catalog (context included; the header entry left out)."""
    return {(m.context, m.id) for m in catalog if m.id}


# --- switching the language --------------------------------------------------------------------------------

def test_login_page_is_german_by_default(client):
    response = client.get("/login")
    assert response.status_code == 200
    text = _text(response)
    assert "Anmelden" in text and "Benutzername" in text and "Passwort" in text
    assert "Sign in" not in text and "Username" not in text
    assert _html_lang(response) == "de"


def test_lang_en_shows_english_and_the_choice_sticks(client):
    text = _text(client.get("/login?lang=en"))
    assert "Sign in" in text and "Username" in text and "Password" in text
    assert "Anmelden" not in text and "Benutzername" not in text

    # The next request carries no ?lang: the choice is kept in the session.
    response = client.get("/login")
    text = _text(response)
    assert "Sign in" in text and "Anmelden" not in text
    assert "Integraflow – case support in integration management" in text
    assert _html_lang(response) == "en"


def test_lang_de_switches_back(client):
    client.get("/login?lang=en")
    text = _text(client.get("/login?lang=de"))
    assert "Anmelden" in text and "Sign in" not in text
    assert "Anmelden" in _text(client.get("/login"))


@pytest.mark.parametrize("lang", ["xx", "", "EN", "en_US", "de;en"])
def test_unknown_lang_keeps_german(client, lang):
    response = client.get(f"/login?lang={lang}")
    text = _text(response)
    assert "Anmelden" in text and "Sign in" not in text
    assert "Anmelden" in _text(client.get("/login"))


def test_unknown_lang_keeps_an_earlier_choice(client):
    client.get("/login?lang=en")
    assert "Sign in" in _text(client.get("/login?lang=xx"))


def test_worklist_in_english_shows_english_navigation(client, world):
    client.get("/login?lang=en")
    login(client, "anna")  # the language chosen before signing in survives the login
    response = client.get("/")
    assert response.status_code == 200
    text = _text(response)
    for label in ("Worklist", "Cases", "New case", "Sign out", "My tasks", "Open in team", "Main navigation",
                  "Integration management"):
        assert label in text, label
    for label in ("Arbeitsliste", "Neuer Fall", "Abmelden", "Meine Aufgaben", "Hauptnavigation"):
        assert label not in text, label


def test_worklist_is_german_without_a_choice(client, world):
    login(client, "anna")
    text = _text(client.get("/"))
    assert "Arbeitsliste" in text and "Abmelden" in text
    assert "Worklist" not in text and "Sign out" not in text


def test_signed_in_user_can_switch_to_english(client, world):
    login(client, "anna")
    assert "Worklist" in _text(client.get("/cases/?lang=en"))
    assert "Worklist" in _text(client.get("/"))


# --- the catalog -------------------------------------------------------------------------------------------

def test_catalogs_are_found_without_configuration(app):
    """Flask-Babel resolves its default directory `translations` against the app root (the web package)."""
    assert [Path(d).resolve() for d in app.extensions["babel"].translation_directories] == [TRANSLATIONS.resolve()]


def test_every_msgid_has_an_english_translation():
    catalog = _read_po(EN_PO)
    assert str(catalog.locale) == "en"
    assert not catalog.fuzzy, "the catalog header is marked fuzzy: pybabel compile would skip the whole catalog"
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert not untranslated, f"untranslated in {EN_PO.relative_to(ROOT)}: {untranslated}"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy (check the translation, then drop the flag) in {EN_PO.relative_to(ROOT)}: {fuzzy}"
    problems = {m.id: [str(e) for e in errors] for m, errors in catalog.check() if errors}
    assert not problems, f"placeholders differ between msgid and msgstr: {problems}"


def test_catalog_is_up_to_date_with_the_templates(tmp_path):
    """Extract afresh with babel.cfg and compare: every UI string is in the catalog, no stale ones remain."""
    fresh = tmp_path / "messages.pot"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-o", str(fresh), "."],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    extracted = _ids(_read_po(fresh))
    assert len(extracted) > 50, "extraction found hardly any strings: is babel.cfg still right?"
    hint = " – run scripts/update_translations.sh and translate"
    for path in (EN_PO, POT):
        known = _ids(_read_po(path))
        assert not extracted - known, f"missing in {path.relative_to(ROOT)}{hint}: {sorted(extracted - known)}"
        assert not known - extracted, f"no longer used, still in {path.relative_to(ROOT)}{hint}: " \
                                      f"{sorted(known - extracted)}"


def test_compiled_catalog_matches_the_po():
    """The committed .mo (installs do not compile) holds exactly the .po's translations."""
    def as_tuple(value):  # plural entries come back as lists from read_mo and tuples from read_po
        return tuple(value) if isinstance(value, list | tuple) else value

    def key(message):
        return (message.context, as_tuple(message.id)), as_tuple(message.string)

    with EN_MO.open("rb") as f:
        compiled = dict(key(m) for m in read_mo(f) if m.id)
    source = dict(key(m) for m in _read_po(EN_PO) if m.id and m.string and not m.fuzzy)
    assert compiled == source, f"{EN_MO.relative_to(ROOT)} is stale: run scripts/update_translations.sh"


def test_package_data_ships_the_catalogs():
    with (ROOT / "pyproject.toml").open("rb") as f:
        package_data = tomllib.load(f)["tool"]["setuptools"]["package-data"]
    patterns = set(package_data.get("*", [])) | set(package_data.get("web", []))
    assert {"*.po", "*.mo"} <= patterns


def test_templates_translate_per_request_and_outside_a_request(app):
    # The template gettext keeps the first translations it finds for the rest of the request (web.template_gettext):
    # each request gets its own, and rendering outside any context still gives the German msgid.
    from flask import render_template_string

    template = "{{ _('Abmelden') }}"
    for lang, expected in (("en", "Sign out"), ("de", "Abmelden"), ("en", "Sign out")):
        with app.test_request_context(f"/login?lang={lang}"):
            assert render_template_string(template) == expected
            assert render_template_string(template) == expected  # second call: from the request's cache
    assert app.jinja_env.from_string(template).render() == "Abmelden"  # no context at all: the msgid itself


def test_template_gettext_formats_like_jinja_and_escapes(app):
    # web.template_gettext skips Jinja's formatting for strings without "%" and variables; everything else is
    # formatted (and escaped) exactly as Jinja's newstyle gettext does.
    from flask import render_template_string

    with app.test_request_context("/login?lang=de"):
        assert render_template_string("{{ _('100%% erledigt') }}") == "100% erledigt"
        assert render_template_string("{{ _('Fall %(ref)s', ref=r) }}", r="<b>A-1</b>") == "Fall &lt;b&gt;A-1&lt;/b&gt;"
        assert render_template_string("{{ _('Abmelden') ~ '<' }}") == "Abmelden&lt;"  # still Markup, escapes joins
        assert render_template_string("{{ _('Abmelden', x=1) }}") == "Abmelden"
