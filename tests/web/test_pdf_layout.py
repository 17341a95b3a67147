"""Every PDF the app makes keeps its text on the page: each table column's text lies inside the A4 page box.

WeasyPrint lets a table wider than the page run off its right edge without complaint (the Zielvereinbarung once lost
its "Status" column that way). pypdf gives every text run's position; each must start inside the page box and,
with its width estimated from its length and font size, end inside it too. The content is made long on purpose:
long German compound words, long goals, every life area.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from journey import ASSESSMENT, CONSENT, Driver
from report_data import served_household
from support import intake_form

A4 = (595.28, 841.89)  # points, portrait
LONG_WORD = "Anerkennungsberatungsstellenkoordinationsvereinbarung"
# DejaVu Sans glyphs average about 0.55 em for German text; a run must fit with that width.
AVERAGE_GLYPH_EM = 0.55


@dataclass(frozen=True)
class Run:
    """One text-showing operation on a page: where it starts and its estimated end (points), its glyph count."""

    page: int
    x: float
    y: float
    end: float
    glyphs: int


def _glyphs(operator: bytes, args) -> int:
    # WeasyPrint embeds fonts as Type0 with 2-byte glyph ids; TJ mixes strings with kerning numbers.
    strings = [a for a in (args[0] if operator == b"TJ" else args[:1]) if isinstance(a, bytes)]
    return sum(len(s) for s in strings) // 2


def _runs(content: bytes) -> list[tuple[Run, tuple[float, float]]]:
    """Every text-showing operation of every page (position from pypdf's matrices) with that page's size."""
    runs = []
    for number, page in enumerate(PdfReader(io.BytesIO(content)).pages, start=1):
        size = (float(page.mediabox.width), float(page.mediabox.height))
        font = {"size": 0.0}

        def before(operator, args, cm, tm, number=number, size=size, font=font):
            if operator == b"Tf":
                font["size"] = float(args[1])
            elif operator in (b"TJ", b"Tj") and _glyphs(operator, args):
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                glyphs = _glyphs(operator, args)
                width = glyphs * font["size"] * abs(tm[0] * cm[0]) * AVERAGE_GLYPH_EM
                runs.append((Run(number, x, y, x + width, glyphs), size))

        page.extract_text(visitor_operand_before=before)
    return runs


def _outside(content: bytes) -> list[str]:
    """Text runs (start or estimated end) outside their page box, described for the failure message."""
    problems = []
    for run, (width, height) in _runs(content):
        if not (0 <= run.x <= width and 0 <= run.y <= height) or run.end > width:
            problems.append(f"Seite {run.page}: {run.glyphs} Zeichen bei x={run.x:.0f}…{run.end:.0f}, "
                            f"y={run.y:.0f} (Seite {width:.0f}×{height:.0f})")
    return problems


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _long_agreement(goals: int = 4) -> dict:
    """A target agreement with long goals, long words and every field filled."""
    areas = ["language", "work", "housing", "health", "finances", "authorities"]
    data = {"plan_date": "2026-02-01", "signed_by_client": "on", "signed_by_caseworker": "on",
            "signature_date": "2026-02-01"}
    for i in range(goals):
        data.update({
            f"goals-{i}-life_area": areas[i % len(areas)],
            f"goals-{i}-title": f"Ziel {i + 1}: {LONG_WORD} und B1-Prüfung mit Zertifikat bis zum Sommer bestehen",
            f"goals-{i}-obligations": "Kurs regelmäßig besuchen, Hausaufgaben machen, Termine beim Jobcenter und "
                                      f"bei der {LONG_WORD} wahrnehmen",
            f"goals-{i}-support": "Anmeldung beim Sprachkursträger, Kinderbetreuungsplatz (Kita) suchen, "
                                  "Fahrtkostenübernahme beantragen",
            f"goals-{i}-responsible": "Klientin gemeinsam mit Integrationsmanagerin und Ehrenamtlichen",
            f"goals-{i}-due_date": "2026-09-30"})
    return data


@pytest.fixture
def agreement_case(container, world):
    """A case with a long, signed target agreement."""
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a, last_name=f"Haddad-{LONG_WORD[:20]}"))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    drive.complete(world.anna, case_id, ASSESSMENT, expect="Task_Assessment")
    drive.complete(world.anna, case_id, _long_agreement(), expect="Task_TargetAgreement")
    return case_id


def test_the_target_agreement_keeps_every_column_on_a4_portrait(signed_in, agreement_case):
    anna = signed_in("anna")
    assert anna.post(f"/cases/{agreement_case}/zielvereinbarung").status_code == 302
    response = anna.get(f"/cases/{agreement_case}/zielvereinbarung/1.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842) for p in reader.pages)
    text = _text(response.data)
    for header in ("Handlungs", "Ziel", "(Fordern)", "(Fördern)", "Verant", "datum", "Status"):
        assert header in text, header
    assert _outside(response.data) == []


def test_the_state_report_pdf_keeps_every_column_on_the_page(container, world, signed_in):
    served_household(container, world)
    response = signed_in("erik").get("/berichte/export.pdf?year=2026")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert _outside(response.data) == []


def test_the_subject_access_pdf_keeps_every_column_on_the_page(container, world, signed_in, agreement_case):
    response = signed_in("carla").get(f"/cases/{agreement_case}/auskunft.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert _outside(response.data) == []


def test_a_run_past_the_right_edge_is_reported():
    """The check itself: a page whose table runs off the right edge fails it."""
    from weasyprint import HTML

    html = ("<html><body><table style='width:300mm'><tr><td>links</td><td style='width:250mm'>mitte</td>"
            "<td>Status</td></tr></table></body></html>")
    content = HTML(string=html).write_pdf()
    assert len(_outside(content)) == 1 and len(_runs(content)) == 3  # "Status" starts at x≈835 of 595 points
