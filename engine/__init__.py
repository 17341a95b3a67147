"""Integraflow's core: domain, unit of work, services and the SpiffWorkflow adapter (no Flask here)."""
