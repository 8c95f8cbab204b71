"""The engine writes its output columns with Arrow, the way the single path writes them with Python."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np

from planner._batch_vector import NO_DAY, Priced, day_number
from planner._money import money


def test_totals_are_written_from_cents_as_money_writes_them() -> None:
    cents = np.array([1302, -101243, 0, -5, 5, 100, 10**15 + 7, -1, 42], dtype=np.int64)
    done = np.array([True] * 8 + [False])
    no_codes = np.full(len(cents), "", dtype=object)
    priced = Priced(done, cents, np.full(len(cents), NO_DAY), no_codes, no_codes.copy())

    expected = [money(Decimal(int(c)).scaleb(-2)) for c in cents[:8]] + [""]
    assert priced.total_text().to_pylist() == expected


def test_expiry_days_are_written_as_iso_dates_and_none_is_empty() -> None:
    days = [date(2024, 2, 29), date(1999, 12, 31), date(2100, 1, 1)]
    expires = np.array([day_number(d) for d in days] + [NO_DAY, day_number(date(2024, 1, 1))], dtype=np.int64)
    done = np.array([True, True, True, True, False])
    no_codes = np.full(5, "", dtype=object)
    priced = Priced(done, np.zeros(5, dtype=np.int64), expires, no_codes, no_codes.copy())

    assert priced.expires_text().to_pylist() == [d.isoformat() for d in days] + ["", ""]
