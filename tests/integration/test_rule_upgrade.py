"""On upgrade, changed shipped rules replace shipped rules in force, never rules compliance edited."""
from __future__ import annotations

from engine.compliance import SHIPPED_RULES, active_rules, load_shipped_rules, rule_versions, save_rules
from engine.db import Event
from support import rows


def _ship(tmp_path, text: str):
    path = tmp_path / "mandated_steps.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _load(container, path) -> None:
    uow = container.uow()
    with uow:
        load_shipped_rules(uow, path)
        uow.commit()


def _in_force(container):
    with container.reader() as uow:
        return active_rules(uow).version


def test_changed_shipped_rules_become_the_next_version_with_an_event(container, tmp_path):
    shipped = SHIPPED_RULES.read_text(encoding="utf-8")
    changed = _ship(tmp_path, shipped.replace("at_risk_days: 14", "at_risk_days: 12", 1))
    _load(container, changed)
    version = _in_force(container)
    assert (version.version, version.source, version.created_by) == (2, changed.read_text(encoding="utf-8"), None)
    assert [e.payload["version"] for e in rows(container, Event, kind="rules_changed")] == [2]
    _load(container, changed)  # the same file again: nothing new
    with container.reader() as uow:
        assert len(rule_versions(uow)) == 2


def test_rules_edited_by_compliance_stay_in_force_after_an_upgrade(container, world, tmp_path):
    shipped = SHIPPED_RULES.read_text(encoding="utf-8")
    save_rules(container.uow(), shipped.replace("at_risk_days: 14", "at_risk_days: 10", 1), "Vorwarnung kürzer",
               world.erik)
    _load(container, _ship(tmp_path, shipped.replace("at_risk_days: 14", "at_risk_days: 12", 1)))
    version = _in_force(container)
    assert (version.version, version.created_by) == (2, world.erik.id)
    assert "at_risk_days: 10" in version.source
