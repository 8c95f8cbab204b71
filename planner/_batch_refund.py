"""Unsubscribing over columns (SPEC A7): the refund of a yearly/monthly edition order, in integer cents.

The vectorised twin of ``_Checker.unsubscribe`` and ``_Pricer.unsubscribe`` for the plain shape: the
edition's own order (no package named), ``paid`` in whole cents, ``purchased_at`` written
``YYYY-MM-DDTHH:MM:SS`` with no offset or with the catalog's own (so every wall clock is the catalog's and
the years of use are whole calendar years from it, as ``relativedelta`` counts them). The refund
``paid − paid × used/ordered hours − paid × fee rate`` is one exact fraction, cut to cents once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._batch_vector import (
    I64,
    _decimals,
    _flags,
    add_months,
    civil_from_days,
    day_number,
    days_from_civil,
    month_days,
)
from ._request import FIRST_DAY, LAST_DAY

if TYPE_CHECKING:
    from ._batch_actions import Rows

DAY, HOUR = 86_400, 3_600
_MONEY = r"^(?P<units>[0-9]{1,9})(?:\.(?P<cents>[0-9]{1,2}))?$"


def _money_cents(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    parts = pc.extract_regex(text, _MONEY)
    ok = _flags(parts.is_valid())
    units = pc.if_else(parts.is_valid(), parts.field("units"), "0")
    cents = pc.utf8_rpad(pc.if_else(parts.is_valid(), parts.field("cents"), ""), width=2, padding="0")
    whole = np.asarray(pc.cast(units, pa.int64()).to_numpy(zero_copy_only=False), dtype=I64)
    part = np.asarray(pc.cast(cents, pa.int64()).to_numpy(zero_copy_only=False), dtype=I64)
    return ok, whole * 100 + part


def _local_moments(text: pa.Array, offset: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ok, local day number, seconds into that day) of ``YYYY-MM-DDTHH:MM:SS[offset]``."""
    pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(" + offset.replace("+", r"\+") + ")?$"
    shaped = pc.match_substring_regex(text, pattern)
    plain = pc.if_else(shaped, text, "2000-01-01T00:00:00")

    def part(begin: int, end: int) -> np.ndarray:
        digits = pc.utf8_slice_codeunits(plain, begin, end)
        return np.asarray(pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False), dtype=I64)

    year, month, day = part(0, 4), np.clip(part(5, 7), 0, 13), part(8, 10)
    hour, minute, second = part(11, 13), part(14, 16), part(17, 19)
    ok = _flags(shaped) & (month >= 1) & (month <= 12) & (day >= 1) & (hour <= 23) & (minute <= 59) & (second <= 59)
    month = np.clip(month, 1, 12)
    ok &= day <= month_days(year, month)
    days = days_from_civil(year, month, day)
    ok &= (days >= day_number(FIRST_DAY)) & (days <= day_number(LAST_DAY))
    return ok, days, hour * HOUR + minute * 60 + second


def unsubscribe(rows: Rows) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(valid, cents refunded, expires, illustrative, full refund) of every row as an unsubscribe."""
    catalog = rows.cat.catalog
    g = rows.given
    offset = catalog.timezone[3:]
    paid_ok, paid = rows.cells.read("current_paid", "money", _money_cents)
    bought_ok, bought_day, bought_time = rows.cells.read(
        "current_purchased_at", ("moments", offset), lambda values: _local_moments(values, offset)
    )
    target_given = np.logical_or.reduce([g[name] for name in g if name.startswith("target_")])
    valid = (
        rows.current_ok
        & rows.ym
        & paid_ok
        & bought_ok
        & ~target_given
        & (bought_day <= rows.on)  # dates.order: bought after the unsubscribe day
        & (bought_day >= rows.start)
        & (bought_day <= rows.expires)
        & (rows.on <= rows.expires)  # upgrade.expired: an expired order is not unsubscribed
    )
    # Everything in the catalog's wall clock, in seconds: the end of `on`, the end of the expiry day.
    bought = bought_day * DAY + bought_time
    moment = (rows.on + 1) * DAY
    service_end = (rows.expires + 1) * DAY
    ordered = np.maximum((service_end - bought) // HOUR, 1)
    used = np.minimum(np.maximum((moment - bought) // HOUR, 0), ordered)
    full = used <= catalog.full_refund_days * 24  # at most 120 used hours, as the single path [SPEC A7]
    # Whole years of use, as relativedelta(moment, bought).years: months between the two wall clocks,
    # one less when the monthly anniversary (clamped to the month's end) has not come yet.
    b_year, b_month, _ = civil_from_days(bought_day)
    m_year, m_month, _ = civil_from_days(rows.on + 1)
    months = (m_year - b_year) * 12 + (m_month - b_month)
    anniversary = add_months(bought_day, months) * DAY + bought_time
    months = np.where(moment < anniversary, months - 1, months)
    years_used = np.maximum(months, 0) // 12
    rate, scale = _fee_rates(rows, years_used)
    # refund × 100 × scale × ordered = paid_cents × (scale × (ordered − used) − rate × ordered)
    numerator = paid * (scale * (ordered - used) - rate * ordered)
    denominator = scale * ordered
    numerator = np.maximum(numerator, 0)
    if catalog.rounding == "half_up":
        cents = (2 * numerator + denominator) // (2 * denominator)
    else:
        cents = numerator // denominator
    cents = np.where(full, paid, cents)
    return valid, -cents, rows.on, np.zeros(rows.n, dtype=bool), full


def _fee_rates(rows: Rows, years_used: np.ndarray) -> tuple[np.ndarray, int]:
    """The handling fee rate of each row's term and year of use, as integers over one common scale."""
    catalog = rows.cat.catalog
    terms = list(catalog.terms)
    places = _decimals([rate for rates in catalog.handling_fees.values() for rate in rates])
    scale = 10**places
    width = max(len(rates) for rates in catalog.handling_fees.values())
    table = np.zeros((len(terms) + 1, width), dtype=I64)
    for i, term in enumerate(terms):
        rates = catalog.handling_fee_rates(term)
        for year in range(width):
            table[i, year] = int(rates[min(year, len(rates) - 1)].scaleb(places))
    return table[rows.ct, np.minimum(years_used, width - 1)], scale
