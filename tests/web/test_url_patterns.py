"""url_pattern (web/url_patterns.py) answers exactly what url_for answers, for plain ids and for values to quote."""
from __future__ import annotations

import pytest
from flask import Flask, url_for

from web.url_patterns import url_pattern


@pytest.fixture
def plain_app():
    app = Flask(__name__)
    app.add_url_rule("/cases/<case_id>/tasks/<task_id>", "task", lambda case_id, task_id: "")
    app.add_url_rule("/tasks/<task_id>/claim", "claim", lambda task_id: "", methods=["POST"])
    app.add_url_rule("/n/<int:number>", "number", lambda number: "")
    return app


@pytest.mark.parametrize("value", ["0b7c4c0e-6b53-4a4e-9a51-1f6c2f6f2f10", "Task_Review_3", "a.b~c",
                                   "mit Leerzeichen", "ä/ö?x=1&y#z", "100%", "iflow-0-mark", "iflow-1-mark", "", "-"])
def test_the_pattern_gives_what_url_for_gives(plain_app, value):
    with plain_app.test_request_context("/", base_url="http://example.org/prefix"):
        task = url_pattern("task", "case_id", "task_id")
        assert task(case_id=value, task_id="t1") == url_for("task", case_id=value, task_id="t1")
        assert task(case_id="c1", task_id=value) == url_for("task", case_id="c1", task_id=value)
        assert url_pattern("claim", "task_id")(task_id=value) == url_for("claim", task_id=value)


def test_typed_arguments_and_repeated_use(plain_app):
    with plain_app.test_request_context("/"):
        number = url_pattern("number", "number")
        assert [number(number=n) for n in (1, 22, 333)] == ["/n/1", "/n/22", "/n/333"]
