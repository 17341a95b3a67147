"""WSGI entry point for production servers, e.g. `gunicorn -w 4 -b 127.0.0.1:8000 web.wsgi:app`.

Configuration comes from the environment (INTEGRAFLOW_DATABASE_URL, INTEGRAFLOW_SECRET_KEY, …). Workers do not
migrate the database (run `integraflow db upgrade` once per release) and should not each run the scheduler:
set INTEGRAFLOW_SCHEDULER_IN_PROCESS=0 and run `integraflow scheduler` as its own process (docs/scaling.md).
"""
from __future__ import annotations

from . import create_app
from .warmup import settle_heap, start_warmup, warm_worker

app = create_app()
warm_worker(app)  # before the worker accepts its first connection
settle_heap()
start_warmup()
