"""The restricted script engine refuses escapes and runs the expressions the journey needs; ISO durations."""
import builtins
import io
from datetime import date, datetime

import pytest

from engine.base.deadlines import validate_deadlines
from engine.workflow import ForbiddenExpression, RestrictedEnvironment, add_duration, parse_duration

GOALS = [{"status": "achieved"}, {"status": "dropped"}]


@pytest.fixture
def env():
    return RestrictedEnvironment()


@pytest.mark.parametrize("expression", [
    "__import__('os')",
    "__import__('os').system('id') == 0",
    "().__class__.__bases__[0].__subclasses__()",
    "''.__class__.__mro__[1].__subclasses__()",
    "(lambda: 0).__globals__",
    "(lambda: 0).__code__",
    "[g for g in goals].__class__",
    "getattr((), '__class__')",
    "'{0.__class__}'.format(1)",
    "'{0}'.format(1)",
    "(x for x in goals).gi_frame.f_globals",
])
def test_expressions_reaching_for_interpreter_internals_are_refused(env, expression):
    with pytest.raises(ForbiddenExpression):
        env.evaluate(expression, {"goals": GOALS})


@pytest.mark.parametrize("expression", [
    "getattr(goals, 'copy')()",
    "eval('1 + 1')",
    "type(goals)",
    "globals()",
    "vars()",
])
def test_dangerous_builtins_are_not_available(env, expression):
    with pytest.raises((NameError, ForbiddenExpression)):
        env.evaluate(expression, {"goals": GOALS})


def test_open_is_refused_and_reads_no_file(env, tmp_path, monkeypatch):
    secret = tmp_path / "secret.txt"
    secret.write_text("streng-geheim", encoding="utf-8")
    opened = []
    real_open = builtins.open

    def recording_open(*args, **kwargs):
        opened.append(args[0] if args else kwargs.get("file"))
        return real_open(*args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(io, "open", recording_open)
    data = {"path": str(secret)}
    with pytest.raises((NameError, ForbiddenExpression)) as caught:
        env.evaluate("open(path).read()", data)
    with pytest.raises((NameError, ForbiddenExpression)):
        env.execute("content = open(path).read()", data)
    monkeypatch.undo()
    assert str(secret) not in opened
    assert "streng-geheim" not in str(caught.value)
    assert "content" not in data


@pytest.mark.parametrize("script", [
    "import os",
    "from os import system",
    "import os\nresult = os.listdir('/')",
    "f = lambda: 0\ng = f.__globals__",
    "def f():\n    return 1\nresult = f.__code__",
    "global x\nx = 1",
    "class Escape:\n    pass",
    "try:\n    x = 1\nexcept Exception as e:\n    y = e.__traceback__",
])
def test_scripts_with_imports_or_escapes_are_refused(env, script):
    data = {}
    with pytest.raises(ForbiddenExpression):
        env.execute(script, data)
    assert data == {}


def test_format_through_a_class_pattern_is_refused(env):
    script = ("match '{0._' + '_globals_' + '_[re]}':\n"
              "    case str(format=fmt):\n"
              "        leak = fmt(add_duration)\n")
    data = {}
    with pytest.raises(ForbiddenExpression):
        env.execute(script, data)


@pytest.mark.parametrize("goals, expected", [
    (GOALS, True),
    ([{"status": "achieved"}, {"status": "open"}], False),
    ([], False),
])
def test_review_outcome_condition_of_the_journey_runs(env, goals, expected):
    condition = "len(goals) > 0 and all(g.get('status') in ('achieved','dropped') for g in goals)"
    assert env.evaluate(condition, {"goals": goals}) is expected


def test_add_duration_is_available_to_expressions(env):
    assert env.evaluate("add_duration('2026-01-31', 'P1M') == '2026-02-28'", {}) is True
    assert env.evaluate("add_duration(plan_date, deadlines['review_interval'])",
                        {"plan_date": "2026-03-15", "deadlines": {"review_interval": "P3M"}}) == "2026-06-15"


def test_script_assigns_new_variables_into_task_data_but_not_helpers_or_functions(env):
    data = {"plan_date": "2026-01-31", "deadlines": {"review_interval": "P1M"}}
    env.execute("def later(d):\n    return add_duration(d, deadlines['review_interval'])\n"
                "next_review_due = later(plan_date)\ncount = len(deadlines)", data)
    assert data["next_review_due"] == "2026-02-28"
    assert data["count"] == 1
    assert "later" not in data and "add_duration" not in data and "__builtins__" not in data


@pytest.mark.parametrize("start, duration, expected", [
    ("2026-03-02", "P4W", "2026-03-30"),
    ("2026-01-31", "P1M", "2026-02-28"),
    ("2024-01-31", "P1M", "2024-02-29"),
    ("2025-11-30", "P3M", "2026-02-28"),
    ("2026-05-31", "P3M", "2026-08-31"),
    ("2026-12-31", "P2M", "2027-02-28"),
    ("2024-02-29", "P1Y", "2025-02-28"),
    ("2024-02-29", "P4Y", "2028-02-29"),
    ("2026-01-31", "P1M1D", "2026-03-01"),
    ("2026-01-10", "P10D", "2026-01-20"),
    (date(2026, 1, 31), "P1M", "2026-02-28"),
    (datetime(2026, 1, 31, 23, 59), "P1M", "2026-02-28"),
    ("2026-01-31T08:00:00", "P1M", "2026-02-28"),
], ids=["P4W", "P1M-clamp", "P1M-leap", "P3M-clamp", "P3M-long-month", "year-wrap", "P1Y-leap-day",
        "P4Y-leap-day", "clamp-then-days", "days", "date", "datetime", "iso-datetime"])
def test_add_duration_counts_calendar_months_and_clamps_to_month_end(start, duration, expected):
    assert add_duration(start, duration) == expected


def test_parse_duration_splits_years_months_and_days():
    assert parse_duration("P1Y2M3W4D") == (1, 2, 25)
    assert parse_duration("P4W") == (0, 0, 28)


@pytest.mark.parametrize("duration", ["", "P", "3M", "P1H", "PT1H", "P-1D", "P1M2Y", "p1m", "P1.5M", None])
def test_invalid_durations_raise_value_error(duration):
    with pytest.raises(ValueError, match="Ungültige Frist"):
        parse_duration(duration)
    with pytest.raises(ValueError):
        add_duration("2026-01-01", duration)


@pytest.mark.parametrize("duration", ["P201Y", "P99999999Y", "P2413M", "P99999W"])
def test_deadlines_beyond_two_hundred_years_are_refused(duration):
    with pytest.raises(ValueError, match="ist zu lang"):
        parse_duration(duration)
    assert validate_deadlines({"assessment": duration}) == {
        "assessment": f"Die Frist '{duration}' ist zu lang (höchstens 200 Jahre)."}
    assert validate_deadlines({"assessment": "P200Y"}) == {}


@pytest.mark.parametrize("source", ["10 ** 10 ** 10", "-" * 100_000 + "1", "x" * 30_000])
def test_expensive_or_absurd_expressions_are_refused_before_running(env, source):
    with pytest.raises(ForbiddenExpression):
        env.evaluate(source, {})
