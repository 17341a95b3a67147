"""A team lead meets German, not English: the form editor's palette and properties, the diagram view controls."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from support import PASSWORD

pytestmark = pytest.mark.browser


def _log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".topbar nav")).to_be_visible()


def test_form_editor_palette_and_properties_speak_german(page, container, world, js_errors):
    _log_in(page, "carla")
    page.goto("/prozesse/formulare/assessment")
    editor = page.locator("#form-editor")
    expect(editor).to_have_attribute("data-editor-state", "ready")
    palette = editor.locator(".fjs-palette")
    expect(palette.locator(".fjs-palette-header")).to_have_text("Komponenten")
    expect(palette.locator(".fjs-palette-search")).to_have_attribute("placeholder", "Komponenten suchen")
    expect(palette.get_by_text("Textfeld", exact=True)).to_be_visible()
    expect(palette.get_by_text("Text field", exact=True)).to_have_count(0)
    editor.locator(".fjs-form-field-textarea").first.click()
    panel = editor.locator(".fjs-properties-container")
    expect(panel.get_by_text("Allgemein", exact=True)).to_be_visible()
    expect(panel.get_by_text("General", exact=True)).to_have_count(0)
    expect(panel.get_by_text("Beschriftung", exact=True).first).to_be_attached()
    # The team lead's own labels on the canvas stay as they wrote them.
    expect(editor.locator(".fjs-form-field-textarea label").first).not_to_have_text("")
    assert js_errors == []


def test_form_editor_stays_english_in_english(page, container, world, js_errors):
    _log_in(page, "carla")
    page.goto("/prozesse/formulare/assessment?lang=en")
    editor = page.locator("#form-editor")
    expect(editor).to_have_attribute("data-editor-state", "ready")
    expect(editor.locator(".fjs-palette-header")).to_have_text("Components")
    assert js_errors == []
