"""The state report laid out as tables: one layout shared by the screen, CSV, XLSX and PDF."""
from __future__ import annotations

from dataclasses import dataclass

from .figures import StateReport, UnitFigures
from .labels import AREAS, CLOSURES, FIGURES, GOAL_STATUSES, OUTCOMES, PARTNERS, REFERRALS

NO_DATA = "Keine Daten: Für diesen Zeitraum und diese Auswahl wurde bis zum Stand nichts erfasst."


@dataclass(frozen=True)
class Row:
    """A table row: label cells (organisation, municipality, …), number cells, and whether it is a sum."""

    kind: str                       # unit | subtotal | total
    labels: tuple[str, ...]
    values: tuple[int | float | None, ...]


@dataclass(frozen=True)
class Table:
    """A titled table with label columns followed by number columns."""

    key: str
    title: str
    label_headers: tuple[str, ...]
    value_headers: tuple[str, ...]
    rows: list[Row]


def report_tables(report: StateReport, detail: bool = True) -> list[Table]:
    """Figures, goals, outcomes and closure reasons per unit.

    `detail` (CSV, XLSX): goals by life area and status for every unit. Otherwise (screen, PDF) goals by status
    per unit plus one life area × status table for the whole selection, which keeps the PDF a few pages long.
    """
    goals = [_goals(report)] if detail else [_goals_by_unit(report), _goals_by_area(report)]
    return [_figures(report), *goals, _counter_table(report, "outcomes", "Wirkungen bei Abschluss", OUTCOMES),
            _counter_table(report, "closures", "Abschlüsse nach Grund", CLOSURES), _referrals(report, detail)]


def metadata(report: StateReport) -> list[tuple[str, str]]:
    """Heading lines every export carries: period, as-of time, rule version, scope and filters."""
    p = report.params
    lines = [("Zeitraum", f"{p.label} ({p.start:%d.%m.%Y} – {p.end:%d.%m.%Y})"),
             ("Stand", f"{p.as_of_local:%d.%m.%Y %H:%M:%S} (Europe/Berlin)"),
             ("Regelversion", report.rule_version), ("Umfang", report.scope)]
    if report.organisation:
        lines.append(("Organisation", report.organisation))
    if report.municipality:
        lines.append(("Kommune", report.municipality))
    if report.delegation:
        lines.append(("Trägermodell", report.delegation))
    return lines


def _grouped(report: StateReport) -> list[tuple[str, UnitFigures]]:
    """Units, each organisation's subtotal after its units (when it has more than one), then the total."""
    out: list[tuple[str, UnitFigures]] = []
    for org in report.organisations:
        units = [u for u in report.units if u.organisation_id == org.organisation_id]
        out += [("unit", u) for u in units]
        if len(units) > 1:
            out.append(("subtotal", org))
    return [*out, ("total", report.total)]


def _names(kind: str, unit: UnitFigures) -> tuple[str, str]:
    if kind == "total":
        return ("Gesamt", "")
    return (unit.organisation, "Summe" if kind == "subtotal" else unit.municipality or "")


def _figures(report: StateReport) -> Table:
    rows = []
    for kind, u in _grouped(report):
        coverage = None if u.coverage is None else round(100 * u.coverage, 1)
        values = {"coverage": coverage, "session_hours": u.session_hours, "closures_total": u.closures_total}
        rows.append(Row(kind, _names(kind, u), tuple(values.get(k, getattr(u, k, None)) for k in FIGURES)))
    return Table("figures", "Kennzahlen", ("Organisation", "Kommune"), tuple(FIGURES.values()), rows)


def _goals(report: StateReport) -> Table:
    rows = []
    for kind, u in _grouped(report):
        areas = [a for a in AREAS if u.goals_by_area(a)] + sorted({a for a, _ in u.goals} - set(AREAS))
        for area in areas:
            counts = u.goals_by_area(area)
            rows.append(Row(kind, (*_names(kind, u), AREAS.get(area, area)),
                            (*(counts.get(s, 0) for s in GOAL_STATUSES), sum(counts.values()))))
    return Table("goals", "Ziele nach Handlungsfeld und Status", ("Organisation", "Kommune", "Handlungsfeld"),
                 (*GOAL_STATUSES.values(), "Ziele gesamt"), rows)


def _goals_by_unit(report: StateReport) -> Table:
    rows = []
    for kind, u in _grouped(report):
        counts = {s: sum(n for (_a, status), n in u.goals.items() if status == s) for s in GOAL_STATUSES}
        rows.append(Row(kind, _names(kind, u), (*counts.values(), sum(u.goals.values()))))
    return Table("goals_by_unit", "Ziele nach Status", ("Organisation", "Kommune"),
                 (*GOAL_STATUSES.values(), "Ziele gesamt"), rows)


def _goals_by_area(report: StateReport) -> Table:
    rows = []
    for area in report.life_areas_with_goals:
        counts = report.total.goals_by_area(area)
        rows.append(Row("unit", (AREAS.get(area, area),),
                        (*(counts.get(s, 0) for s in GOAL_STATUSES), sum(counts.values()))))
    totals = [sum(n for (_a, status), n in report.total.goals.items() if status == s) for s in GOAL_STATUSES]
    rows.append(Row("total", ("Gesamt",), (*totals, sum(report.total.goals.values()))))
    return Table("goals_by_area", "Ziele nach Handlungsfeld und Status (gesamte Auswahl)", ("Handlungsfeld",),
                 (*GOAL_STATUSES.values(), "Ziele gesamt"), rows)


def _counter_table(report: StateReport, attr: str, title: str, labels: dict[str, str]) -> Table:
    rows = [Row(kind, _names(kind, u), tuple(getattr(u, attr).get(code, 0) for code in labels))
            for kind, u in _grouped(report)]
    return Table(attr, title, ("Organisation", "Kommune"), tuple(labels.values()), rows)


def _referrals(report: StateReport, detail: bool) -> Table:
    """Referrals by partner kind and outcome: per unit (CSV, XLSX) or for the whole selection (screen, PDF)."""
    rows = []
    for kind, u in (_grouped(report) if detail else [("unit", report.total)]):
        present = {pk for pk, _o in u.referrals}
        for partner_kind in [k for k in PARTNERS if k in present] + sorted(present - set(PARTNERS)):
            counts = [u.referrals.get((partner_kind, outcome), 0) for outcome in REFERRALS]
            label = PARTNERS.get(partner_kind, partner_kind)
            rows.append(Row(kind, (*_names(kind, u), label) if detail else (label,), (*counts, sum(counts))))
    if not detail:
        by_outcome = [sum(n for (_k, o), n in report.total.referrals.items() if o == outcome) for outcome in REFERRALS]
        rows.append(Row("total", ("Gesamt",), (*by_outcome, sum(by_outcome))))
    heads = ("Organisation", "Kommune", "Art des Partners") if detail else ("Art des Partners",)
    return Table("referrals", "Vermittlungen an Netzwerkpartner nach Art und Ergebnis", heads,
                 (*REFERRALS.values(), "Vermittlungen gesamt"), rows)
