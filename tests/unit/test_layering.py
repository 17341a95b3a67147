"""The engine is plain Python: importing it must not pull in the web framework."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB_MODULES = ("flask", "flask_login", "flask_wtf", "flask_babel", "werkzeug.routing", "web")


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_engine_never_imports_flask():
    result = _python("import engine, engine.casework, engine.bootstrap, engine.workflow, engine.forms, sys; "
                     "assert 'flask' not in sys.modules")
    assert result.returncode == 0, result.stderr


def test_no_engine_module_imports_the_web_layer():
    # Every module, not just the packages: a stray `from flask import …` deep inside engine/ counts too.
    code = ("import importlib, pkgutil, sys, engine\n"
            "names = [m.name for m in pkgutil.walk_packages(engine.__path__, 'engine.')\n"
            "         if '.migrations' not in m.name]\n"
            "for name in names: importlib.import_module(name)\n"
            f"leaked = sorted(m for m in {WEB_MODULES!r} if m in sys.modules)\n"
            "assert len(names) > 20, names\n"
            "assert not leaked, leaked")
    result = _python(code)
    assert result.returncode == 0, result.stderr
