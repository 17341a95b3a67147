"""A server process warms itself before serving: templates compiled, locales loaded, models in force parsed."""
from __future__ import annotations

import io
import logging
import subprocess
import sys

import pytest
from jinja2 import ChoiceLoader, DictLoader

from engine.base import journey_definition_id
from engine.workflow import WorkflowRuntime
from web.warmup import warm_worker


@pytest.fixture
def warmup_log(monkeypatch):
    """What the warm-up logs at ERROR, read straight from its logger (whatever logging setup earlier tests left:
    Alembic's fileConfig disables loggers that exist when it runs, a JSON setup stops propagation)."""
    logger = logging.getLogger("integraflow.web")
    monkeypatch.setattr(logger, "disabled", False)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.ERROR)
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def _journey_id(container) -> int:
    with container.uow(write=False) as uow:
        return journey_definition_id(uow.session)


def test_every_template_is_compiled_and_the_journey_parsed(app, container):
    names = app.jinja_env.list_templates()
    journey = _journey_id(container)
    container.runtime = WorkflowRuntime(clock=container.clock)  # as a new worker has it (setup parsed the model)

    warmed = warm_worker(app)

    assert warmed.templates == len(names) > 50 and warmed.broken_templates == ()
    # Jinja keeps compiled templates in its cache: a page's first render no longer parses and compiles.
    cached = {key[1] for key in app.jinja_env.cache.keys()}
    assert set(names) <= cached
    assert container.runtime.cached_model(journey) is not None and warmed.models >= 1
    assert warm_worker(app).models == 0  # parsed once per process


def test_a_broken_template_is_reported_and_the_rest_still_compiled(app, warmup_log):
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, DictLoader({"kaputt.html": "{% if %}"})])

    warmed = warm_worker(app)

    assert warmed.broken_templates == ("kaputt.html",)
    assert warmed.templates == len(app.jinja_env.list_templates()) - 1
    assert "Vorlage kaputt.html lässt sich nicht übersetzen" in warmup_log.getvalue()


def test_a_database_failure_leaves_the_worker_serving(app, client, monkeypatch, warmup_log):
    def unreachable(_uow):
        raise ConnectionError("database unreachable")

    monkeypatch.setattr("web.warmup.warm_models", unreachable)
    warmed = warm_worker(app)

    assert warmed.models == 0 and warmed.templates > 50
    assert "Vorwärmen der Prozessmodelle fehlgeschlagen" in warmup_log.getvalue()
    assert client.get("/login").status_code == 200


def test_settle_heap_freezes_what_a_server_holds():
    # In a child process: frozen objects are never freed, the test process must not keep them.
    code = ("import gc; from web.warmup import settle_heap; n = settle_heap(); "
            "print(n, gc.get_freeze_count(), gc.get_count()[0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    frozen, count, young = map(int, out)
    assert frozen == count > 10_000  # the imported app: modules, classes, functions
    assert young < 100  # nothing left for the next collection to walk
