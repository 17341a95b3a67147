"""Property-based fuzzing of every POST route as the remaining roles (see test_fuzz_posts.py)."""
from __future__ import annotations

from post_fuzzing import ROLES, fuzz_posts


def test_no_post_answers_5xx_and_a_refused_post_writes_nothing(app, signed_in, container, world):
    fuzz_posts(app, signed_in, container, world, ROLES[3:])
