"""The API's per-token rate limit: a sliding window on an injected clock."""
from __future__ import annotations

from web.api.auth import SlidingWindow


class Ticks:
    """A hand-set monotonic clock."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_window_slides_and_tokens_count_apart():
    ticks = Ticks()
    limit = SlidingWindow(3, 60.0, now=ticks)
    assert [limit.retry_after(1) for _ in range(3)] == [0, 0, 0]
    assert limit.retry_after(1) == 60 and limit.retry_after(2) == 0
    ticks.now = 30.0
    assert limit.retry_after(1) == 30
    ticks.now = 60.0  # the first three requests leave the window
    assert [limit.retry_after(1) for _ in range(3)] == [0, 0, 0] and limit.retry_after(1) > 0


def test_refused_requests_do_not_count():
    ticks = Ticks()
    limit = SlidingWindow(1, 10.0, now=ticks)
    assert limit.retry_after(7) == 0
    for step in range(1, 10):
        ticks.now = float(step)
        assert limit.retry_after(7) == 10 - step
    ticks.now = 10.0
    assert limit.retry_after(7) == 0
