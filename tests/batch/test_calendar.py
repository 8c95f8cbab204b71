"""The vectorised calendars equal planner's own (SPEC A4, A5) on every day of several years."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from planner import add_months, remaining_months, remaining_years
from planner._batch_vector import (
    WORK_PLACES,
    civil_from_days,
    day_number,
)
from planner._batch_vector import add_months as add_months_columns
from planner._batch_vector import remaining_months as remaining_months_columns
from planner._batch_vector import remaining_years as remaining_years_columns

FIRST = date(2023, 1, 1)
DAYS = [FIRST + timedelta(days=i) for i in range(366 * 3 + 1)]  # 2023 … 2026, two Februaries of a leap year
NUMBERS = np.array([day_number(d) for d in DAYS])


def as_date(number: int) -> date:
    return date(1970, 1, 1) + timedelta(days=int(number))


def test_day_numbers_read_back_as_the_same_dates() -> None:
    year, month, day = civil_from_days(NUMBERS)
    assert [date(int(y), int(m), int(d)) for y, m, d in zip(year, month, day, strict=True)] == DAYS


def test_adding_months_clamps_like_relativedelta() -> None:
    for months in (1, 2, 3, 9, 12, 24, 36):
        got = add_months_columns(NUMBERS, np.full(len(NUMBERS), months))
        assert [as_date(n) for n in got] == [add_months(d, months) for d in DAYS], months


def test_remaining_periods_equal_the_single_paths_to_8_places() -> None:
    rng = np.random.default_rng(5)
    change = rng.choice(NUMBERS, 4000)
    expires = change + rng.integers(-3, 3 * 366, 4000)
    months = remaining_months_columns(change, expires)
    years = remaining_years_columns(change, expires)
    for c, e, m, y in zip(change, expires, months, years, strict=True):
        on, end = as_date(c), as_date(e)
        assert m == int(remaining_months(on, end).scaleb(WORK_PLACES)), (on, end)
        assert y == int(remaining_years(on, end).scaleb(WORK_PLACES)), (on, end)
