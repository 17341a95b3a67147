"""Warm a server process before and after it starts serving, so the first people after a start or deploy do not
wait for work every later request skips.

Before serving (`warm_worker`, then `settle_heap`; synchronous: a gunicorn worker accepts connections only
after both): every template compiled, the locales' Babel data loaded, the process models in force parsed and the
forms registry read, then the heap frozen. Measured on the load test's first requests per worker: the first case
page took 190 ms in place of 18 ms, and the requests queued behind it on two workers made the case page's p95
250 ms at 8 clients.
In the background (`start_warmup`): a tiny PDF and a tiny chart (imports and fonts take seconds on a busy machine).
"""
from __future__ import annotations

import gc
import logging
import threading
import time
from dataclasses import dataclass

from babel import Locale
from jinja2 import TemplateError

from engine.authoring import warm_models

log = logging.getLogger("integraflow.web")  # routed and formatted with the request log (web/request_log.py)


@dataclass(frozen=True)
class Warmed:
    """What `warm_worker` prepared, and how long it took."""

    templates: int
    broken_templates: tuple[str, ...]
    models: int
    seconds: float


def warm_worker(app, languages: tuple[str, ...] = ("de", "en")) -> Warmed:
    """Compile the templates, load the locales and parse the models in force; failures are logged, never raised."""
    started = time.perf_counter()
    compiled, broken = 0, []
    for name in app.jinja_env.list_templates():
        try:
            app.jinja_env.get_template(name)
            compiled += 1
        except TemplateError:
            log.exception("Vorlage %s lässt sich nicht übersetzen", name)
            broken.append(name)
    for code in languages:
        Locale.parse(code).number_symbols  # noqa: B018 - reading one property loads the locale's data file
    models = 0
    try:
        container = app.extensions["integraflow"]
        with container.uow(write=False) as uow:
            models = warm_models(uow)
            uow.forms  # noqa: B018 - reads the forms in force into the container's catalog
    except Exception:  # noqa: BLE001 - a worker that could not warm still serves (each first request parses)
        log.exception("Vorwärmen der Prozessmodelle fehlgeschlagen")
    warmed = Warmed(compiled, tuple(broken), models, time.perf_counter() - started)
    log.info("Vorgewärmt: %d Vorlagen, %d Prozessmodell(e) in %.2f s", warmed.templates, warmed.models,
             warmed.seconds)
    return warmed


def settle_heap() -> int:
    """Collect, then move every live object out of the collector's reach (gc.freeze); answers how many.

    What a warmed server holds for its lifetime (compiled templates, parsed models, ORM mappers, imported modules)
    is hundreds of thousands of objects, and every full collection walked them all: 40 ms and more, inside
    whichever request was running. Frozen, a full collection walks only what requests created since. Only for
    server processes: objects frozen here are never freed, so a process that later drops them keeps their memory.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


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
