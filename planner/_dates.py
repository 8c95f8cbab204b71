"""Terms and calendars: how long a term runs and how much of it remains (SPEC A4, A5)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from ._money import work

_TERM = re.compile(r"^([1-9][0-9]*)([my])$")


@dataclass(frozen=True, order=True)
class Term:
    """A yearly/monthly subscription term such as ``1m`` … ``9m`` or ``1y`` … ``3y``.

    >>> Term.parse("2y").months, Term.parse("2y").unit
    (24, 'year')
    """

    count: int
    unit: str  # "month" or "year"

    @classmethod
    def parse(cls, text: str) -> Term:
        match = _TERM.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise ValueError(f"not a term: {text!r} (use 1m…9m or 1y…3y)")
        return cls(int(match.group(1)), "month" if match.group(2) == "m" else "year")

    @property
    def code(self) -> str:
        return f"{self.count}{self.unit[0]}"

    @property
    def months(self) -> int:
        return self.count * (12 if self.unit == "year" else 1)

    @property
    def years(self) -> int:
        """Whole years of a yearly term (0 for a monthly term)."""
        return self.count if self.unit == "year" else 0

    def __str__(self) -> str:
        return self.code


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (Jan 31 + 1 month → Feb 28/29).

    >>> add_months(date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    return start + relativedelta(months=months)


def term_end(start: date, term: Term) -> date:
    """The expiry date of a term starting on ``start``; the service runs to the end of that day [SPEC A4]."""
    return add_months(start, term.months)


def month_fractions(change: date, expires: date) -> list[tuple[int, int]]:
    """The remaining period of a monthly order as Huawei writes it: ``(days left, days of the month)`` for
    each calendar month, counting the days after ``change`` up to and including ``expires`` [SPEC A5].

    >>> month_fractions(date(2024, 6, 18), date(2024, 7, 8))  # 12/30 + 8/31
    [(12, 30), (8, 31)]
    """
    parts: list[tuple[int, int]] = []
    day = change + timedelta(days=1)
    while day <= expires:
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        last = min(date(day.year, day.month, days_in_month), expires)
        parts.append(((last - day).days + 1, days_in_month))
        day = last + timedelta(days=1)
    return parts


def remaining_months(change: date, expires: date) -> Decimal:
    """Remaining period of a monthly order, in months [SPEC A5]: the sum of :func:`month_fractions`,
    at working precision.

    >>> remaining_months(date(2024, 6, 18), date(2024, 7, 8))  # 12/30 + 8/31
    Decimal('0.65806452')
    """
    total = sum((Decimal(days) / Decimal(month) for days, month in month_fractions(change, expires)), Decimal(0))
    return work(total)


def remaining_years(change: date, expires: date) -> Decimal:
    """Remaining period of a yearly order, in years: days after ``change`` up to and including
    ``expires``, leaving out 29 February, divided by 365 [SPEC A5].

    >>> remaining_years(date(2024, 1, 1), date(2025, 1, 1))  # 366 days less 29 Feb 2024
    Decimal('1.00000000')
    """
    if expires <= change:
        return work(Decimal(0))
    days = (expires - change).days
    for year in range(change.year, expires.year + 1):
        if calendar.isleap(year):
            leap_day = date(year, 2, 29)
            if change < leap_day <= expires:
                days -= 1
    return work(Decimal(days) / Decimal(365))


def remaining_period(change: date, expires: date, term: Term) -> Decimal:
    """Remaining period in the order's own period unit (months for ``Nm`` terms, years for ``Ny``)."""
    if term.unit == "year":
        return remaining_years(change, expires)
    return remaining_months(change, expires)
