"""HTML templates (Jinja2) rendered to PDF with WeasyPrint; shared by the state report and the target agreement."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from engine.clock import BERLIN

TEMPLATES = Path(__file__).parent / "templates"


def de_date(value) -> str:
    """TT.MM.JJJJ (dates, ISO strings, datetimes in Europe/Berlin); "–" for nothing."""
    if value in (None, ""):
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(BERLIN)
    return value.strftime("%d.%m.%Y")


def de_number(value) -> str:
    """German number notation: thin-space thousands, decimal comma, one decimal for fractions; "–" for None."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return f"{value:,}".replace(",", "\u202f")


def _css_string(value) -> Markup:
    """A quoted CSS string (for page footers set in a <style> block)."""
    text = str(value).replace("\n", " ").replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return Markup(f'"{text}"')


_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)
_env.filters.update(de_date=de_date, de_number=de_number, css_string=_css_string)


def render_html(template: str, **context) -> str:
    """Render one of the package's HTML templates."""
    return _env.get_template(template).render(**context)


def render_pdf(template: str, **context) -> bytes:
    """Render a template and turn it into PDF bytes (fonts: DejaVu, installed with fonts-dejavu-core)."""
    from weasyprint import HTML  # imported on first use: it is large and only exports need it

    return HTML(string=render_html(template, **context), base_url=str(TEMPLATES)).write_pdf()
