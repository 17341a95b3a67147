"""parse_date's fast path for what date inputs send gives exactly the answers of the strptime rules it stands for."""
from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.forms.field_kinds import parse_date


def _by_strptime(text: str) -> str | None:
    """The rule as written before the fast path: `YYYY-MM-DD` or `TT.MM.JJJJ`, years from 1000."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            day = dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        if day.year >= 1000:
            return day.isoformat()
    return None


DIGITS = st.sampled_from("0123456789")
ISO_LIKE = st.builds(lambda y, m, d, sep: f"{y}{sep}{m}{sep}{d}",
                     st.text(DIGITS, min_size=1, max_size=5), st.text(DIGITS, min_size=1, max_size=3),
                     st.text(DIGITS, min_size=1, max_size=3), st.sampled_from(["-", ".", "/"]))


@settings(max_examples=400, derandomize=True, database=None)
@given(st.one_of(ISO_LIKE, st.text(max_size=14), ISO_LIKE.map(lambda s: f" {s}\n")))
@example("2026-02-30")
@example("2024-02-29")
@example("0999-12-31")
@example("٢٠٢٦-٠١-٠٥")  # Arabic-Indic digits: strptime reads them, the fast path leaves them to it
@example("2026-1-5")
@example("31.12.2026")
def test_same_answer_as_strptime(text):
    assert parse_date(text) == _by_strptime(text)


def test_typical_inputs():
    assert parse_date("2026-01-20") == "2026-01-20"
    assert parse_date(" 20.01.2026 ") == "2026-01-20"
    assert parse_date("2026-13-01") is None
