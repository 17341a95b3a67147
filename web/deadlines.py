"""Placeholder blueprint, filled in by the timers-and-reminders work."""
from flask import Blueprint

bp = Blueprint("deadlines", __name__)
