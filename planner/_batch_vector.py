"""Vectorised pricing over whole columns, in exact integers (SPEC A4–A6, B7).

A row is priced here only when every one of its cells has the plain shape (``120``, ``2024-06-18``, a
term code of the catalog…) *and* it breaks none of the rules of :mod:`planner._rules` for its action;
every other row is left to the single path (``done`` false). The predicate is deliberately narrower than
the rules: a row it is unsure about costs time, never a wrong answer.

Money is integer minor units; prices are scaled integers (10^p for the catalog's most precise price),
remaining periods are integers at 8 places rounded half-up exactly as :func:`planner.remaining_period`
(rational sums over a common denominator), and each amount goes through the same two steps as
``_Pricer.add``: the working precision (8 places, half up), then the catalog's cut to cents.
Binary floats appear in one place only: an overflow guard that sends huge products to the single path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ._catalog import BILLING_MODES, EDITIONS, Catalog
from ._request import FIRST_DAY, LAST_DAY
from ._rules import EDITION_BILLING_MODES

I64 = np.int64
WORK_PLACES = 8
#: lcm(28, 29, 30, 31): every month length divides it, so a remaining period is one exact fraction.
MONTH_LCM = 377_580
#: Products that could come near 2^63 go to the single path (Decimal) instead.
OVERFLOW_GUARD = 2.0**62
YM, PPU = BILLING_MODES.index("yearly_monthly"), BILLING_MODES.index("pay_per_use")


@dataclass
class Priced:
    """What the engine priced: ``done`` rows have ``cents``, ``expires`` (NaT when none) and ``warnings``."""

    done: np.ndarray
    cents: np.ndarray
    expires: np.ndarray
    warnings: np.ndarray

    def total_text(self) -> np.ndarray:
        value = np.abs(self.cents)
        text = (
            np.where(self.cents < 0, "-", "")
            + pd.Series(value // 100).astype("str").to_numpy(dtype=object)
            + "."
            + pd.Series(value % 100).astype("str").str.zfill(2).to_numpy(dtype=object)
        )
        return np.where(self.done, text, "").astype(object)

    def expires_text(self) -> np.ndarray:
        text = np.datetime_as_string(self.expires, unit="D").astype(object)
        return np.where(self.done & ~np.isnat(self.expires), text, "").astype(object)


# -- cells ------------------------------------------------------------------------------------------
def _index(text: pd.Series, choices: Sequence[str]) -> np.ndarray:
    """Position of each cell in ``choices``, -1 when it is not exactly one of them."""
    lookup = {choice: i for i, choice in enumerate(choices)}
    return text.map(lookup).fillna(-1).to_numpy(dtype=I64)


def _ints(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    ok = text.str.fullmatch(r"[0-9]{1,9}").to_numpy(dtype=bool)
    return ok, pd.to_numeric(text.where(ok, "0")).to_numpy(dtype=I64)


def _dates(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    ok = text.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").to_numpy(dtype=bool, copy=True)
    days = pd.to_datetime(text.where(ok, "2000-01-01"), format="%Y-%m-%d", errors="coerce").to_numpy(
        dtype="datetime64[D]"
    )
    ok = ok & ~np.isnat(days) & (days >= np.datetime64(FIRST_DAY)) & (days <= np.datetime64(LAST_DAY))
    return ok, np.where(ok, days, np.datetime64(FIRST_DAY))


def _bools(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(empty or a boolean word, true) — the words :func:`planner._batch.request_of_row` reads."""
    lower = text.str.lower()
    true = lower.isin(["true", "yes", "1"]).to_numpy(dtype=bool)
    ok = true | lower.isin(["false", "no", "0", ""]).to_numpy(dtype=bool)
    return ok, true


# -- calendars (planner._dates, over columns) ----------------------------------------------------------
def _month_days(month: np.ndarray) -> np.ndarray:
    return ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(I64)


def add_months(day: np.ndarray, months: np.ndarray) -> np.ndarray:
    """``relativedelta`` month arithmetic: the same day ``months`` later, clamped to the month's end."""
    month = day.astype("datetime64[M]")
    offset = (day - month.astype("datetime64[D]")).astype(I64)
    later = month + months.astype("timedelta64[M]")
    return later.astype("datetime64[D]") + np.minimum(offset, _month_days(later) - 1).astype("timedelta64[D]")


def remaining_months(change: np.ndarray, expires: np.ndarray) -> np.ndarray:
    """Σ days in each month after ``change`` up to ``expires`` ÷ the month's days, ×10^8, half up."""
    first = change + np.timedelta64(1, "D")
    first_month, last_month = first.astype("datetime64[M]"), expires.astype("datetime64[M]")
    first_day = (first - first_month.astype("datetime64[D]")).astype(I64) + 1
    last_day = (expires - last_month.astype("datetime64[D]")).astype(I64) + 1
    first_len, last_len = _month_days(first_month), _month_days(last_month)
    span = (last_month - first_month).astype(I64)
    numerator = np.where(
        span == 0,
        (last_day - first_day + 1) * (MONTH_LCM // first_len),
        (first_len - first_day + 1) * (MONTH_LCM // first_len)
        + last_day * (MONTH_LCM // last_len)
        + (span - 1) * MONTH_LCM,
    )
    numerator = np.where(expires <= change, 0, numerator)
    return (numerator * 2 * 10**WORK_PLACES + MONTH_LCM) // (2 * MONTH_LCM)


def _leap_days_through(day: np.ndarray) -> np.ndarray:
    year_start = day.astype("datetime64[Y]")
    year = year_start.astype(I64) + 1970
    before = year - 1
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    past_feb_28 = (day - year_start.astype("datetime64[D]")).astype(I64) >= 59
    return before // 4 - before // 100 + before // 400 + (leap & past_feb_28)


def remaining_years(change: np.ndarray, expires: np.ndarray) -> np.ndarray:
    """Days after ``change`` up to ``expires`` less 29 Februaries, ÷ 365, ×10^8, half up."""
    days = (expires - change).astype(I64) - (_leap_days_through(expires) - _leap_days_through(change))
    return np.where(expires <= change, 0, (days * 2 * 10**WORK_PLACES + 365) // 730)


# -- money (planner._money, over columns) -------------------------------------------------------------
def _half_up_shift(value: np.ndarray, places: np.ndarray | int) -> np.ndarray:
    """Drop ``places`` decimal places (per row; negative adds them), rounding half away from zero
    (Decimal's ROUND_HALF_UP)."""
    places = np.asarray(places, dtype=I64)
    down = 10 ** np.maximum(places, 0)
    up = 10 ** np.maximum(-places, 0)
    return np.sign(value) * ((np.abs(value) + down // 2) // down) * up


def to_cents(value: np.ndarray, scale: np.ndarray | int, rounding: str) -> np.ndarray:
    """An exact amount (an integer at 10^-scale) → working precision (8 places) → cut to cents."""
    work = _half_up_shift(value, np.asarray(scale, dtype=I64) - WORK_PLACES)
    if rounding == "half_up":
        return _half_up_shift(work, WORK_PLACES - 2)
    return np.sign(work) * (np.abs(work) // 10 ** (WORK_PLACES - 2))


def _decimals(values: Sequence[object]) -> int:
    from decimal import Decimal

    exponents = [Decimal(str(v)).normalize().as_tuple().exponent for v in values]
    return max([0] + [-e for e in exponents if isinstance(e, int)])


class _Catalogue:
    """The catalog as integer tables: price[region, item, mode] at 10^-p, factor[term] at 10^-f."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.regions = list(catalog.regions)
        self.items = list(EDITIONS) + list(catalog.packages)
        self.terms = [t.code for t in catalog.terms]
        self.p = _decimals([price.price for price in catalog.prices.values()])
        # Each item's own decimals: a row is computed at the scale of its items, not the catalog's finest
        # (0.0362 an hour must not push the 22 a month of the same edition into overflow).
        ym_prices = [p for p in catalog.prices.values() if p.billing_mode == "yearly_monthly"]
        self.item_p = np.array(
            [_decimals([p.price for p in ym_prices if p.item == item]) for item in self.items], dtype=I64
        )
        self.f = _decimals(list(catalog.discounts.values()))
        shape = (len(self.regions) + 1, len(self.items), len(BILLING_MODES))
        self.price = np.zeros(shape, dtype=I64)
        self.illustrative = np.zeros(shape, dtype=bool)
        self.sells = np.zeros(shape, dtype=bool)
        for r, region in enumerate(self.regions):
            for i, item in enumerate(self.items):
                for m, mode in enumerate(BILLING_MODES):
                    price = catalog.price(region, item, mode)
                    if price is not None:
                        self.price[r, i, m] = int(price.price.scaleb(self.p))
                        self.illustrative[r, i, m] = price.illustrative
                    if item in EDITIONS:
                        self.sells[r, i, m] = catalog.sells(region, item, mode)
        self.months = np.array([t.months for t in catalog.terms] + [0], dtype=I64)
        self.yearly = np.array([t.unit == "year" for t in catalog.terms] + [False])
        self.count = np.array([t.count for t in catalog.terms] + [0], dtype=I64)
        self.factor = np.array(
            [int(catalog.discount(t).scaleb(self.f)) for t in catalog.terms] + [0], dtype=I64
        )
        self.discount_warns = np.array(
            [catalog.discount_illustrative and catalog.discount(t) != 1 for t in catalog.terms] + [False]
        )
        self.rank = np.array([catalog.edition_rank(e) for e in EDITIONS] + [-1], dtype=I64)
        self.mode_fits = np.array([[m in EDITION_BILLING_MODES[e] for m in BILLING_MODES] for e in EDITIONS])


def price(texts: dict[str, pd.Series], n: int, catalog: Catalog, today: date) -> Priced:
    """Price the rows the engine can prove valid; see the module's docstring."""
    from ._batch_actions import Rows

    rows = Rows(texts, n, _Catalogue(catalog), today)
    return rows.run()
