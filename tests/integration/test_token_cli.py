"""`integraflow tokens create|revoke`: the token on the last line works against the API until it is revoked."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from api_support import ApiClient

from web import create_app

ROOT = Path(__file__).resolve().parents[2]


def cli(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the command line against the test database."""
    env = {**os.environ, "INTEGRAFLOW_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "web.cli", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=300)


def test_created_token_signs_in_until_revoked(container, world, database_url, tmp_path, monkeypatch):
    made = cli(database_url, tmp_path, "tokens", "create", "--username", "anna", "--name", "Jobcenter",
               "--scope", "read", "--scope", "work", "--days", "30")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("ifl_") and "Jobcenter" in made.stdout
    monkeypatch.setenv("INTEGRAFLOW_SECRET_KEY", "test")
    app = create_app({"TESTING": True, "SECRET_KEY": "test"}, container=container)
    assert ApiClient(app, token).get("/api/v1/cases").status_code == 200
    token_id = made.stdout.split("(ID ")[1].split(",")[0]
    revoked = cli(database_url, tmp_path, "tokens", "revoke", token_id)
    assert revoked.returncode == 0 and "widerrufen" in revoked.stdout
    assert ApiClient(app, token).get("/api/v1/cases").status_code == 401


def test_unknown_user_or_scope_is_one_german_line(container, world, database_url, tmp_path):
    unknown = cli(database_url, tmp_path, "tokens", "create", "--username", "niemand", "--name", "X")
    assert unknown.returncode == 1 and "niemand" in unknown.stderr and "Traceback" not in unknown.stderr
    bad = cli(database_url, tmp_path, "tokens", "create", "--username", "anna", "--name", "X", "--scope", "alles")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
