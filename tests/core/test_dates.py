"""Terms and calendars (SPEC A4, A5): Term, add_months / term_end, remaining_months / remaining_years."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from planner import Term, add_months, remaining_months, remaining_period, remaining_years, term_end


@pytest.mark.parametrize(
    ("text", "count", "unit", "months", "years"),
    [("1m", 1, "month", 1, 0), ("9m", 9, "month", 9, 0), ("1y", 1, "year", 12, 1), ("3y", 3, "year", 36, 3)],
)
def test_term_parses_its_code(text: str, count: int, unit: str, months: int, years: int) -> None:
    term = Term.parse(text)
    assert (term.count, term.unit, term.months, term.years) == (count, unit, months, years)
    assert term.code == text == str(term)
    assert term == Term(count, unit) and hash(term) == hash(Term(count, unit))


@pytest.mark.parametrize("text", ["", "m", "1", "0m", "01m", "1d", "1 m", "-1m", "1M", "1.5y", "y1"])
def test_term_refuses_what_is_not_a_term(text: str) -> None:
    with pytest.raises(ValueError, match="not a term"):
        Term.parse(text)


def test_term_refuses_non_text() -> None:
    with pytest.raises(ValueError):
        Term.parse(12)  # type: ignore[arg-type]


def test_term_is_immutable() -> None:
    term = Term.parse("2y")
    with pytest.raises(AttributeError):
        term.count = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: clamped to Feb 29
        (date(2023, 1, 31), 1, date(2023, 2, 28)),  # common year: Feb 28
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 5, 31), 9, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 6, 8), 1, date(2024, 7, 8)),  # the seed order
        (date(2024, 6, 8), 0, date(2024, 6, 8)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
    ],
)
def test_add_months_clamps_to_the_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "term", "expected"),
    [
        (date(2024, 1, 31), "1m", date(2024, 2, 29)),
        (date(2023, 1, 31), "1m", date(2023, 2, 28)),
        (date(2024, 2, 29), "1y", date(2025, 2, 28)),
        (date(2024, 2, 29), "2y", date(2026, 2, 28)),
        (date(2023, 1, 31), "3y", date(2026, 1, 31)),
        (date(2024, 5, 31), "9m", date(2025, 2, 28)),
    ],
)
def test_term_end(start: date, term: str, expected: date) -> None:
    assert term_end(start, Term.parse(term)) == expected


@pytest.mark.parametrize(
    ("change", "expires", "expected", "math"),
    [
        (date(2024, 6, 18), date(2024, 7, 8), "0.65806452", "12/30 + 8/31 (SPEC A5 seed)"),
        (date(2024, 2, 10), date(2024, 4, 15), "2.15517241", "19/29 + 31/31 + 15/30"),
        (date(2024, 1, 31), date(2024, 2, 29), "1", "29/29: a full leap February"),
        (date(2023, 1, 31), date(2023, 2, 28), "1", "28/28: a full common February"),
        (date(2024, 6, 8), date(2024, 7, 8), "0.99139785", "22/30 + 8/31: a 1m term from its start is not 1"),
        (date(2024, 1, 15), date(2024, 2, 15), "1.03337041", "16/31 + 15/29"),
        (date(2024, 7, 7), date(2024, 7, 8), "0.03225806", "1/31"),
        (date(2024, 7, 8), date(2024, 7, 8), "0", "nothing after the expiry day"),
        (date(2024, 7, 9), date(2024, 7, 8), "0", "after expiry: nothing"),
        (date(2023, 12, 31), date(2024, 9, 30), "9", "nine whole months"),
    ],
)
def test_remaining_months(change: date, expires: date, expected: str, math: str) -> None:
    assert remaining_months(change, expires) == Decimal(expected), math


@pytest.mark.parametrize(
    ("change", "expires", "expected", "math"),
    [
        (date(2024, 1, 1), date(2025, 1, 1), "1", "366 days less 29 Feb 2024 = 365"),
        (date(2023, 12, 1), date(2024, 6, 1), "0.49863014", "183 days less 29 Feb = 182 / 365"),
        (date(2024, 2, 28), date(2024, 9, 1), "0.50684932", "186 less 29 Feb = 185 / 365"),
        (date(2024, 2, 29), date(2024, 9, 1), "0.50684932", "185 / 365: 29 Feb is the change day, not after it"),
        (date(2024, 2, 28), date(2024, 3, 1), "0.00273973", "2 days less 29 Feb = 1 / 365"),
        (date(2024, 2, 28), date(2024, 2, 29), "0", "the only remaining day is 29 Feb"),
        (date(2024, 3, 5), date(2026, 1, 10), "1.85205479", "676 / 365, 29 Feb 2024 already past"),
        (date(2023, 3, 1), date(2026, 3, 1), "3", "1096 days less 29 Feb 2024 = 1095"),
        (date(2025, 6, 1), date(2025, 6, 1), "0", "nothing after the expiry day"),
        (date(2025, 6, 2), date(2025, 6, 1), "0", "after expiry: nothing"),
    ],
)
def test_remaining_years(change: date, expires: date, expected: str, math: str) -> None:
    assert remaining_years(change, expires) == Decimal(expected), math


def test_remaining_period_uses_the_order_unit() -> None:
    change, expires = date(2024, 6, 18), date(2024, 7, 8)
    assert remaining_period(change, expires, Term.parse("1m")) == Decimal("0.65806452")
    assert remaining_period(change, expires, Term.parse("1y")) == Decimal("0.05479452")  # 20 / 365


def test_remaining_periods_are_at_working_precision() -> None:
    assert remaining_months(date(2024, 6, 18), date(2024, 7, 8)).as_tuple().exponent == -8
    assert remaining_years(date(2023, 12, 1), date(2024, 6, 1)).as_tuple().exponent == -8
