"""Vectorised pricing over whole columns, in exact integers (SPEC A4–A6, B7).

A row is priced here only when every one of its cells has the plain shape (``120``, ``2024-06-18``, a
term code of the catalog…) *and* it breaks none of the rules of :mod:`planner._rules` for its action;
a row of plain shape that breaks rules gets the single path's codes from :mod:`planner._batch_rules`
(``errors``); every other row is left to the single path (not ``decided``). The predicates are deliberately
narrower than the rules: a row they are unsure about costs time, never a wrong answer.

Money is integer minor units; prices are scaled integers (10^p for the catalog's most precise price),
remaining periods are integers at 8 places rounded half-up exactly as :func:`planner.remaining_period`
(rational sums over a common denominator), and each amount goes through the same two steps as
``_Pricer.add``: the working precision (8 places, half up), then the catalog's cut to cents.
Binary floats appear in one place only: an overflow guard that sends huge products to the single path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._catalog import Catalog
from ._domain import BILLING_MODES, EDITION_BILLING_MODES, EDITIONS
from ._request import FIRST_DAY, LAST_DAY

I64 = np.int64
WORK_PLACES = 8
#: lcm(28, 29, 30, 31): every month length divides it, so a remaining period is one exact fraction.
MONTH_LCM = 377_580
#: Products that could come near 2^63 go to the single path (Decimal) instead.
OVERFLOW_GUARD = 2.0**62
YM, PPU = BILLING_MODES.index("yearly_monthly"), BILLING_MODES.index("pay_per_use")


@dataclass
class Priced:
    """What the engine priced: ``done`` rows have ``cents``, ``expires`` (a day number, or NO_DAY) and
    ``warnings``; rows it decided as invalid have their ``errors`` (codes, ``;``-separated) and ``warnings``.
    Every other row is the single path's. Codes are one Python text per row, shared between rows with the
    same codes.

    The per-row text columns are listed in :data:`TEXT_COLUMNS`: to carry one more, add the field here and
    its name there (the frame writes each as its output column of the same name).
    """

    done: np.ndarray
    cents: np.ndarray
    expires: np.ndarray
    warnings: np.ndarray
    errors: np.ndarray

    @property
    def decided(self) -> np.ndarray:
        """Rows the engine answered (priced, or found invalid): the rest go to :func:`planner.quote`."""
        return self.done | (self.errors != "")

    def total_text(self) -> pa.Array:
        """``total`` as Arrow text (``-1012.43``; empty where not done): the cents are laid out as Arrow
        decimals of scale 2 (two's-complement 128-bit words, no arithmetic) and Arrow writes them."""
        words = np.empty((len(self.cents), 2), dtype=I64)
        words[:, 0] = self.cents
        words[:, 1] = self.cents >> 63  # the sign, extended to the high word
        amounts = pa.Array.from_buffers(pa.decimal128(38, 2), len(self.cents), [None, pa.py_buffer(words)])
        return pc.if_else(pa.array(self.done), pc.cast(amounts, pa.string()), "")

    def expires_text(self) -> pa.Array:
        """``expires`` as Arrow text (``2024-07-08``; empty where not done or without a date)."""
        dated = self.done & (self.expires != NO_DAY)
        days = pa.array(np.where(dated, self.expires, 0).astype(np.int32), pa.date32())
        return pc.if_else(pa.array(dated), pc.cast(days, pa.string()), "")


#: The per-row text columns of :class:`Priced`, each written as the output column of the same name.
TEXT_COLUMNS: tuple[str, ...] = ("warnings", "errors")


# -- cells ------------------------------------------------------------------------------------------
# Request columns repeat a few values (regions, terms, a few hundred dates and quotas), so each helper
# parses a column's distinct values once (Arrow's dictionary encoding, a hash pass) and spreads the
# answers back with one integer take: the string work is per distinct value, not per row.
def arrow(text: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A text column as one contiguous Arrow text array: ``string`` or ``large_string`` as it comes (a
    piece of a file is far below ``string``'s 2 GiB), anything else as ``large_string``; several chunks are
    joined as ``large_string``, which cannot overflow."""
    if isinstance(text, pa.ChunkedArray):
        if text.num_chunks > 1 and text.type != pa.large_string():
            text = text.cast(pa.large_string())
        text = text.combine_chunks()
    if pa.types.is_string(text.type) or pa.types.is_large_string(text.type):
        return text
    return text.cast(pa.large_string())


def _distinct(text: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """(the distinct values, each row's position among them)."""
    encoded = pc.dictionary_encode(text)
    if encoded.null_count:
        encoded = pa.DictionaryArray.from_arrays(encoded.indices.fill_null(0), encoded.dictionary)
    return encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)  # int32: no widening copy


def _index(text: pa.Array, choices: Sequence[str]) -> np.ndarray:
    """Position of each cell in ``choices``, -1 when it is not exactly one of them."""
    found = pc.index_in(text, value_set=pa.array(list(choices), text.type))
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=I64)


def _flags(values: pa.Array) -> np.ndarray:
    return np.asarray(values.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _ints(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers written plainly (``120``; at most 9 digits): anything else is the single path's."""
    return spread(ints_of, *_distinct(text))


def _dates(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """ISO dates (``2024-06-18``) that exist and lie in [FIRST_DAY, LAST_DAY], as day numbers."""
    return spread(dates_of, *_distinct(text))


def _bools(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(empty or a boolean word, true) — the words :func:`planner._batch.request_of_row` reads."""
    return spread(bools_of, *_distinct(text))


# Each ``*_of`` reads a column's distinct values; :func:`spread` gives each row its value's answer.
def spread(
    parse: Callable[[pa.Array], tuple[np.ndarray, np.ndarray]], values: pa.Array, at: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    ok, value = parse(values)
    return ok[at], value[at]


def ints_of(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    ok = pc.match_substring_regex(values, r"^[0-9]{1,9}$")
    numbers = pc.cast(pc.if_else(ok, values, "0"), pa.int64())
    return _flags(ok), np.asarray(numbers.to_numpy(zero_copy_only=False), dtype=I64)


def dates_of(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    shaped = pc.match_substring_regex(values, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    plain = pc.if_else(shaped, values, "2000-01-01")

    def part(begin: int, end: int) -> np.ndarray:
        digits = pc.utf8_slice_codeunits(plain, begin, end)
        return np.asarray(pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False), dtype=I64)

    year, month, day = part(0, 4), part(5, 7), part(8, 10)
    ok = _flags(shaped) & (month >= 1) & (month <= 12) & (day >= 1)
    ok &= day <= month_days(year, np.clip(month, 1, 12))
    days = days_from_civil(year, np.clip(month, 1, 12), day)
    ok &= (days >= day_number(FIRST_DAY)) & (days <= day_number(LAST_DAY))
    return ok, np.where(ok, days, day_number(FIRST_DAY))


def bools_of(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    lower = pc.utf8_lower(values)
    true = _flags(pc.is_in(lower, value_set=pa.array(["true", "yes", "1"], lower.type)))
    false = _flags(pc.is_in(lower, value_set=pa.array(["false", "no", "0", ""], lower.type)))
    return true | false, true


# -- calendars (planner._dates, over columns of day numbers: days since 1970-01-01) ----------------------
#: A row without a date (pay-per-use has no expiry).
NO_DAY = np.iinfo(I64).min
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=I64)


def day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def is_leap(year: np.ndarray) -> np.ndarray:
    return (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))


def month_days(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    return _MONTH_DAYS[month] + ((month == 2) & is_leap(year))


def days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day number of a proleptic Gregorian date (H. Hinnant's ``days_from_civil``)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of day numbers: looked up in :data:`_CIVIL` when every day is in its span (three
    gathers instead of some twenty integer operations a row), else computed."""
    days = np.asarray(days, dtype=I64)
    offset = days - _CIVIL_FIRST
    if len(offset) and (offset.min() < 0 or offset.max() >= _CIVIL_SPAN):
        return _civil_from_days(days)
    return _CIVIL[0][offset], _CIVIL[1][offset], _CIVIL[2][offset]


def _civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of day numbers (H. Hinnant's ``civil_from_days``)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + np.where(mp < 10, 3, -9)
    return yoe + era * 400 + (month <= 2), month, day


#: (year, month, day) of every day from 1990 to 2119: the requests' days (2000–2099) and what the engine
#: derives from them (a term or a retention later, a day earlier), with room to spare.
_CIVIL_FIRST = day_number(date(1990, 1, 1))
_CIVIL_SPAN = day_number(date(2120, 1, 1)) - _CIVIL_FIRST
_CIVIL = _civil_from_days(np.arange(_CIVIL_SPAN, dtype=I64) + _CIVIL_FIRST)


def add_months(days: np.ndarray, months: np.ndarray) -> np.ndarray:
    """``relativedelta`` month arithmetic: the same day ``months`` later, clamped to the month's end."""
    year, month, day = civil_from_days(days)
    index = year * 12 + month - 1 + months
    year, month = index // 12, index % 12 + 1
    return days_from_civil(year, month, np.minimum(day, month_days(year, month)))


def remaining_months(change: np.ndarray, expires: np.ndarray) -> np.ndarray:
    """Σ days in each month after ``change`` up to ``expires`` ÷ the month's days, ×10^8, half up."""
    first_year, first_month, first_day = civil_from_days(change + 1)
    last_year, last_month, last_day = civil_from_days(expires)
    first_len, last_len = month_days(first_year, first_month), month_days(last_year, last_month)
    span = (last_year * 12 + last_month) - (first_year * 12 + first_month)
    numerator = np.where(
        span == 0,
        (last_day - first_day + 1) * (MONTH_LCM // first_len),
        (first_len - first_day + 1) * (MONTH_LCM // first_len)
        + last_day * (MONTH_LCM // last_len)
        + (span - 1) * MONTH_LCM,
    )
    numerator = np.where(expires <= change, 0, numerator)
    return (numerator * 2 * 10**WORK_PLACES + MONTH_LCM) // (2 * MONTH_LCM)


def _leap_days_through(days: np.ndarray) -> np.ndarray:
    """How many 29 Februaries fall on or before each day (counted from year 1)."""
    year, month, day = civil_from_days(days)
    before = year - 1
    past_leap_day = (month > 2) | ((month == 2) & (day == 29))
    return before // 4 - before // 100 + before // 400 + (is_leap(year) & past_leap_day)


def remaining_years(change: np.ndarray, expires: np.ndarray) -> np.ndarray:
    """Days after ``change`` up to ``expires`` less 29 Februaries, ÷ 365, ×10^8, half up."""
    days = (expires - change) - (_leap_days_through(expires) - _leap_days_through(change))
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
        self.factor = np.array([int(catalog.discount(t).scaleb(self.f)) for t in catalog.terms] + [0], dtype=I64)
        self.discount_warns = np.array(
            [catalog.discount_illustrative and catalog.discount(t) != 1 for t in catalog.terms] + [False]
        )
        self.rank = np.array([catalog.edition_rank(e) for e in EDITIONS] + [-1], dtype=I64)
        self.mode_fits = np.array([[m in EDITION_BILLING_MODES[e] for m in BILLING_MODES] for e in EDITIONS])


#: The integer tables of the catalogs priced lately (a batch prices one catalog, piece after piece).
_TABLES: dict[int, tuple[Catalog, _Catalogue]] = {}


def tables(catalog: Catalog) -> _Catalogue:
    """The catalog's integer tables, built once per catalog (kept while that catalog is the one in use)."""
    held = _TABLES.get(id(catalog))
    if held is None or held[0] is not catalog:
        if len(_TABLES) >= 4:
            _TABLES.clear()
        held = _TABLES[id(catalog)] = (catalog, _Catalogue(catalog))
    return held[1]


def price(texts: dict[str, pa.Array], n: int, catalog: Catalog, today: date) -> Priced:
    """Price the rows the engine can prove valid; see the module's docstring. ``texts`` are the request
    columns as Arrow text (empty for an absent field; see :func:`arrow`).

    Rows are grouped by action first, so that each action's rules and prices run over its own rows only;
    each column is read once for all rows (:class:`planner._batch_cells.Cells`) and each group takes its
    rows' answers.
    """
    from ._batch_actions import Rows, decide_left
    from ._batch_cells import Cells
    from ._domain import ACTION_NAMES as ACTIONS

    cat = tables(catalog)
    cells = Cells({name: arrow(text) for name, text in texts.items()}, n)
    out = Priced(
        done=np.zeros(n, dtype=bool),
        cents=np.zeros(n, dtype=I64),
        expires=np.full(n, NO_DAY, dtype=I64),
        warnings=np.full(n, "", dtype=object),
        errors=np.full(n, "", dtype=object),
    )
    action = cells.index("action", ACTIONS)  # -1 when absent: no action, or one that is not an action
    left: list[tuple[str, np.ndarray]] = []  # each action's rows not priced: the rules' (decide_left)
    for number, name in [*enumerate(ACTIONS), (-1, "")]:
        where = np.flatnonzero(action == number)
        if not len(where):
            continue
        part = Rows(cells.subset(where), cat, today).run(name)
        if name:
            left.append((name, where[~part.done]))
        out.done[where] = part.done
        out.cents[where] = part.cents
        out.expires[where] = part.expires
        for column in TEXT_COLUMNS:
            getattr(out, column)[where] = getattr(part, column)
    decide_left(cells, left, cat, today, out)
    return out
