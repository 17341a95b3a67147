"""Warm the heavy renderers in the background when a server starts, so the first person who opens the compliance
page or downloads a PDF does not wait for imports and font loading (measured: seconds on a busy machine)."""
from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


def start_warmup() -> threading.Thread:
    """Render a tiny PDF and a tiny chart in a daemon thread; failures are logged, never raised."""
    thread = threading.Thread(target=_warm, name="integraflow-warmup", daemon=True)
    thread.start()
    return thread


def _warm() -> None:
    try:
        from engine.reporting import render_pdf

        render_pdf("warmup.html")
        from .compliance_charts import bar_chart

        bar_chart("", ["a"], [1])
    except Exception:  # noqa: BLE001 - a failed warm-up only costs the first request its time
        log.exception("Vorwärmen der PDF- und Diagrammerzeugung fehlgeschlagen")
