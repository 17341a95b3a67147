"""Mandated-step compliance: the rules file, set-based rule checks, the dashboard's queries."""
