"""A process forked after the engine was used (gunicorn --preload) gets its own database connections."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import json, os, sys
from sqlalchemy import text
from engine.db.connection import build_engine

url = sys.argv[1]
who = "SELECT pg_backend_pid()" if url.startswith("postgresql") else "SELECT 1"
engine = build_engine(url)
with engine.connect() as conn:  # the master warms up: one connection now idles in its pool
    before = conn.execute(text(who)).scalar()
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    idle = engine.pool.checkedin()
    with engine.connect() as conn:
        mine = conn.execute(text(who)).scalar()
    os.write(write, json.dumps([idle, mine]).encode())
    os._exit(0)
os.waitpid(pid, 0)
idle, mine = json.loads(os.read(read, 1000))
with engine.connect() as conn:  # the master's own connection still works after the child has gone
    after = conn.execute(text(who)).scalar()
print(json.dumps({"idle_in_child": idle, "master": before, "child": mine, "master_after": after}))
"""


def test_a_forked_worker_never_shares_the_masters_connection(database_url):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", CHILD, database_url], capture_output=True, text=True, env=env,
                         timeout=60, check=True).stdout
    seen = json.loads(out)
    assert seen["idle_in_child"] == 0  # the child's pool starts empty
    assert seen["master_after"] == seen["master"]  # the master kept its connection, and it still answers
    if database_url.startswith("postgresql"):
        assert seen["child"] != seen["master"]  # a server process of its own
