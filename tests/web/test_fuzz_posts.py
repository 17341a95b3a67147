"""Property-based fuzzing of every POST route as the caseworkers and the supervisor (tests/post_fuzzing.py): the
app never answers 5xx, and a refused post writes nothing. test_fuzz_posts_more_roles.py takes the other roles.

Runs on SQLite and, with INTEGRAFLOW_TEST_DATABASE_URL, on PostgreSQL; derandomized, so CI sees the same examples.
"""
from __future__ import annotations

from post_fuzzing import ROLES, fuzz_posts


def test_no_post_answers_5xx_and_a_refused_post_writes_nothing(app, signed_in, container, world):
    fuzz_posts(app, signed_in, container, world, ROLES[:3])
