"""The architecture as executable contracts (import-linter, configured in pyproject.toml).

web → engine, never back; only engine.workflow imports SpiffWorkflow; capability packages depend downward only and
are imported through their package, never through a private module; no import cycles anywhere.
"""
from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
CONTRACTS = {c["id"]: c for c in CONFIG["contracts"]}
# The schema package has its own contract: the composition root and the CLI may open connections and migrate.
NOT_CAPABILITIES = {"db"}


def engine_packages() -> set[str]:
    """Every subpackage directly below engine/."""
    return {p.parent.name for p in (ROOT / "engine").glob("*/__init__.py")}


def test_every_contract_is_kept(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(ROOT))
    exit_code = lint_imports(no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert exit_code == 0, report
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in report


def test_every_engine_package_sits_in_a_layer():
    layered = {name.strip() for layer in CONTRACTS["capability-layers"]["layers"] for name in layer.split("|")}
    assert engine_packages() == layered, "a new package under engine/ needs its place in the capability layers"


@pytest.mark.parametrize("package", sorted(engine_packages() - NOT_CAPABILITIES))
def test_every_capability_is_imported_through_its_package(package):
    contract = CONTRACTS[f"{package}-private"]
    assert contract["type"] == "protected"
    assert contract["protected_modules"] == [f"engine.{package}.*"]
    assert contract["allowed_importers"] == [f"engine.{package}"]


@pytest.mark.parametrize("package", sorted(engine_packages()))
def test_every_package_says_what_it_owns(package):
    module = importlib.import_module(f"engine.{package}")
    assert module.__doc__ and len(module.__doc__.strip()) > 20, f"engine/{package}/__init__.py needs a docstring"
