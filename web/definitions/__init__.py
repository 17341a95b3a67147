"""Prozesse: process definitions and forms — versions, the modeler and form editor, check, deploy, compare."""
from . import creation, decisions, forms, processes  # noqa: F401 - importing registers their routes on the blueprint
from .blueprint import bp, limit_body

__all__ = ["bp", "limit_body"]
