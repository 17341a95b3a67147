"""Erklärung zur Barrierefreiheit: the accessibility statement German public bodies must publish (BITV 2.0 § 7)."""
from __future__ import annotations

from flask import Blueprint, render_template

from .deps import container

bp = Blueprint("accessibility", __name__)

# The date of the last self-assessment the statement rests on (axe-core over every page, keyboard and phone checks).
ASSESSED_ON = "03.12.2026"


@bp.route("/barrierefreiheit")
def statement():
    """The statement, readable without signing in (a public body's statement must be reachable by everyone)."""
    return render_template("accessibility/statement.html", contact=container().settings.accessibility_contact,
                           assessed_on=ASSESSED_ON)
