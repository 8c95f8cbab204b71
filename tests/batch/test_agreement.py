"""Every row of ``planner.price_frame`` equals ``planner quote`` of the same request (SPEC B7).

The rows are drawn near the rules' edges — every action, both billing modes, late renewals, quotas around
the hosts, cells of the wrong shape — and then up to two of the mistakes a real portfolio makes
(:data:`MISTAKES`: an unknown region, a term not on sale, a negative host count, dates out of order…), so
that the engine's pricing, its rule codes (:mod:`planner._batch_rules`) and the single path are all met,
alone and in pairs. Each row's ``ok``, ``total``, ``expires``, error and warning codes are compared with
the quote's. ``PLANNER_FUZZ_EXAMPLES`` sets the examples (60 in CI; e.g. 20000 for a long local run).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner
from planner import Term, term_end
from planner._batch import FIELDS, request_of_row
from planner._batch_frame import quote_columns

CATALOG = planner.load_catalog()
#: The predecessor product's rule: added quota gets its own term (a catalog may say so).
SEPARATE_TERM = dataclasses.replace(CATALOG, quota_increase="separate_term")
EXAMPLES = int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "60"))
TODAY = date(2025, 3, 15)  # the day a row without `on` is priced
TERMS = [t.code for t in CATALOG.terms]
PACKAGE_COLUMNS = [
    "current_package_large_screen",
    "current_package_data_collection",
    "target_package_data_collection",
    "target_package_large_screen",
    "target_package_security_analysis",
    "current_package_security_analysis",
]
ALL_COLUMNS = [*FIELDS, *PACKAGE_COLUMNS, "note"]

days = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))
odd = st.sampled_from(["", " ", "ten", "-1", "2024-02-30", "13m", "gold", "TRUE", "maybe", "1,200", "+5"])


def text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def sometimes(draw: st.DrawFn, one_in: int) -> bool:
    # A value inside the range, not at its ends: hypothesis favours the ends, which would make it often.
    return draw(st.integers(0, one_in - 1)) == one_in // 2


def maybe(draw: st.DrawFn, value: object, *, one_in: int = 40) -> str:
    """The value as a cell; now and then of the wrong shape, empty, or with white space around it."""
    if sometimes(draw, one_in):
        return draw(odd)
    if sometimes(draw, one_in * 2):
        return ""
    if sometimes(draw, one_in):
        return draw(st.sampled_from([" {} ", "{}\t", "\xa0{}", " {}\n"])).format(text(value))
    return text(value)


@st.composite
def rows(draw: st.DrawFn) -> dict[str, str]:
    action = draw(st.sampled_from(list(planner.ACTIONS)))
    region = draw(st.sampled_from(["cn-north-4", "cn-north-4", "ap-southeast-3", "ae-ad-1", "mars-1"]))
    hosts = draw(st.integers(0, 400) | st.sampled_from([0, 10_000, 10_001]))
    row = {name: "" for name in ALL_COLUMNS}
    row.update(region=maybe(draw, region), hosts=maybe(draw, hosts), action=maybe(draw, action, one_in=100))
    row["note"] = draw(st.sampled_from(["", "kept as is", "a,b"]))
    if action != "purchase" or sometimes(draw, 20):
        edition = draw(st.sampled_from(planner.EDITIONS))
        ppu = edition == "professional" and draw(st.booleans())
        term = draw(st.sampled_from(TERMS))
        start = draw(days)
        expires = term_end(start, Term.parse(term))
        quota = draw(st.integers(1, 400) | st.sampled_from([hosts, 10_000]))
        on = start + timedelta(days=draw(st.integers(-3, (expires - start).days + 40)))
        row.update(
            on=maybe(draw, on),
            current_edition=maybe(draw, edition),
            current_billing_mode=maybe(draw, "pay_per_use" if ppu else "yearly_monthly"),
            current_quota=maybe(draw, quota),
            current_term="" if ppu else maybe(draw, term),
            current_start=maybe(draw, start),
            current_expires="" if ppu or draw(st.booleans()) else maybe(draw, expires),
            current_auto_renew=draw(st.sampled_from(["", "true", "false"])),
        )
        if action == "unsubscribe":
            row["current_paid"] = maybe(draw, draw(st.sampled_from(["120.00", "0", "2191.68"])))
            hour = draw(st.integers(0, 23))
            row["current_purchased_at"] = maybe(draw, f"{start.isoformat()}T{hour:02d}:00:00+08:00")
        if sometimes(draw, 6):
            row["current_package_large_screen"] = maybe(draw, 1)
        if sometimes(draw, 6):
            row["current_package_data_collection"] = maybe(draw, draw(st.sampled_from([5, 50])))
    else:
        row["on"] = "" if sometimes(draw, 5) else maybe(draw, draw(days))
    target = draw(st.sampled_from(["none", "edition", "quota", "term", "mode", "all", "none"]))
    if action in ("purchase", "upgrade") or target in ("edition", "all"):
        row["target_edition"] = maybe(draw, draw(st.sampled_from(planner.EDITIONS)))
    if action in ("purchase", "change_billing_mode") or target in ("mode", "all"):
        row["target_billing_mode"] = maybe(draw, draw(st.sampled_from(planner.BILLING_MODES)))
    if action in ("purchase", "increase_quota") or target in ("quota", "all"):
        row["target_quota"] = maybe(draw, draw(st.integers(1, 500) | st.sampled_from([hosts, hosts + 1, 10_001])))
    if action in ("purchase", "renew", "change_billing_mode") or target in ("term", "all"):
        row["target_term"] = maybe(draw, draw(st.sampled_from(TERMS)))
    if sometimes(draw, 5):
        row["target_auto_renew"] = draw(st.sampled_from(["true", "false", "yes"]))
    if action == "buy_package" or sometimes(draw, 8):
        row["target_package_data_collection"] = maybe(draw, draw(st.sampled_from([5, 10, 7, 600])))
    if sometimes(draw, 8):
        row["target_package_large_screen"] = maybe(draw, draw(st.sampled_from([1, 2])))
    return row


def _shifted(row: dict[str, str], name: str, days: int, *, base: str = "current_start") -> None:
    """``row[name]`` set ``days`` after the row's ``base`` date (when that is a date)."""
    with contextlib.suppress(ValueError):
        row[name] = (date.fromisoformat(row[base]) + timedelta(days=days)).isoformat()


def _set(name: str, *values: str) -> Callable[[st.DrawFn, dict[str, str]], None]:
    def mistake(draw: st.DrawFn, row: dict[str, str]) -> None:
        row[name] = draw(st.sampled_from(values))

    return mistake


def _dates_out_of_order(draw: st.DrawFn, row: dict[str, str]) -> None:
    which = draw(st.sampled_from(["on before start", "expires before start", "bought after on", "bought before"]))
    if which == "on before start":
        _shifted(row, "on", -draw(st.integers(1, 40)))
    elif which == "expires before start":
        _shifted(row, "current_expires", -draw(st.integers(0, 3)))
    elif which == "bought after on":
        _shifted(row, "current_purchased_at", draw(st.integers(1, 5)), base="on")
        row["current_purchased_at"] += "T09:00:00+08:00" if row["current_purchased_at"] else ""
    else:
        _shifted(row, "current_purchased_at", -draw(st.integers(1, 5)))
        row["current_purchased_at"] += "T09:00:00" if row["current_purchased_at"] else ""


def _late(draw: st.DrawFn, row: dict[str, str]) -> None:
    """The day of the action after the expiry: in grace, in retention (where a short renewal can end before
    it is paid), or released."""
    expires = row["current_expires"]
    if not expires and row["current_term"] in TERMS:
        with contextlib.suppress(ValueError):
            start = date.fromisoformat(row["current_start"])
            expires = term_end(start, Term.parse(row["current_term"])).isoformat()
    after = draw(st.sampled_from([1, 15, 16, 28, 29, 30, 31, 45]))
    with contextlib.suppress(ValueError):
        row["on"] = (date.fromisoformat(expires) + timedelta(days=after)).isoformat()
    if sometimes(draw, 2):
        row["target_term"] = "1m"  # renewed from the old expiry, it can end before it is paid


def _no_current(draw: st.DrawFn, row: dict[str, str]) -> None:
    for name in row:
        if name.startswith("current_"):
            row[name] = ""


#: Mistakes a real portfolio makes, one cell (or two) each; rows get none, one or two of them.
MISTAKES: list[Callable[[st.DrawFn, dict[str, str]], None]] = [
    _set("region", "mars-1", "ae-ad-1", "CN-NORTH-4", ""),
    _set("hosts", "-5", "-1", "10001", "250000", "", "1,200", "12.5"),
    _set("current_edition", "gold", "basic", "standard", "professional", ""),
    _set("current_billing_mode", "monthly", "pay_per_use", "yearly_monthly", ""),
    _set("current_quota", "0", "-3", "10001", "5", ""),
    _set("current_term", "13m", "12m", "0m", "1y", ""),
    _set("current_expires", "2024-01-01", "2026-12-31"),
    _set("current_start", "", "2026-12-01"),
    _set("target_edition", "gold", "basic", "standard", "professional", ""),
    _set("target_billing_mode", "monthly", "pay_per_use", "yearly_monthly", ""),
    _set("target_quota", "0", "-1", "10001", "1", "5", ""),
    _set("target_term", "13m", "10m", "4y", "1m", ""),
    _set("target_auto_renew", "true"),
    _set("target_package_data_collection", "7", "600", "0", "-5", "5", "495"),
    _set("target_package_large_screen", "2", "1", "0"),
    _set("target_package_security_analysis", "0", "3", "20000"),
    _set("current_package_large_screen", "1", "0"),
    _set("current_package_data_collection", "5", "-5"),
    _set("current_package_security_analysis", "2", "3"),
    _set("current_paid", "", "-5", "12.5"),
    _set("current_purchased_at", "", "2024-06-07T10:00:00Z"),
    _dates_out_of_order,
    _late,
    _no_current,
]


@st.composite
def rows_with_mistakes(draw: st.DrawFn) -> dict[str, str]:
    row = draw(rows())
    for mistake in draw(st.lists(st.sampled_from(MISTAKES), max_size=2)):
        mistake(draw, row)
    return row


def single_path(row: dict[str, Any], catalog: planner.Catalog = CATALOG) -> tuple[str, ...]:
    return quote_columns(planner.quote(request_of_row(row), catalog, today=TODAY))


def assert_rows_agree(frame: pd.DataFrame, catalog: planner.Catalog = CATALOG) -> None:
    priced = planner.price_frame(frame, catalog, today=TODAY)
    assert list(priced.columns) == [*frame.columns, "ok", "total", "currency", "expires", "errors", "warnings"]
    assert priced[list(frame.columns)].equals(frame)  # every input column, untouched and in order
    for (_, row), (_, out) in zip(frame.iterrows(), priced.iterrows(), strict=True):
        expected = single_path(row.to_dict(), catalog)
        got = (out["ok"], out["total"], out["expires"], out["errors"], out["warnings"])
        assert got == expected, row.to_dict()
        assert out["currency"] == catalog.currency


FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@FUZZ
@given(st.lists(rows_with_mistakes(), min_size=1, max_size=40))
def test_every_row_equals_planner_quote_of_the_same_request(drawn: list[dict[str, str]]) -> None:
    assert_rows_agree(pd.DataFrame(drawn, columns=ALL_COLUMNS, dtype="str"))


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 10))
@given(st.lists(rows_with_mistakes(), min_size=1, max_size=40))
def test_rows_agree_when_added_quota_has_its_own_term(drawn: list[dict[str, str]]) -> None:
    assert_rows_agree(pd.DataFrame(drawn, columns=ALL_COLUMNS, dtype="str"), SEPARATE_TERM)


def test_refunds_on_the_edge_of_the_full_refund_window_agree() -> None:
    """120 used hours (rounded down) is still a full refund [SPEC A7]; 121 is not: both paths say the same."""
    rows = []
    for minute in ("00", "29", "30", "59"):
        for hour in ("22", "23"):
            row = dict.fromkeys(ALL_COLUMNS, "")
            row.update(
                region="cn-north-4",
                hosts="10",
                action="unsubscribe",
                on="2024-06-12",
                current_edition="standard",
                current_billing_mode="yearly_monthly",
                current_quota="10",
                current_term="1m",
                current_start="2024-06-07",
                current_expires="2024-07-07",
                current_paid="22.00",
                current_purchased_at=f"2024-06-07T{hour}:{minute}:00+08:00",
            )
            rows.append(row)
    frame = pd.DataFrame(rows, columns=ALL_COLUMNS, dtype="str")
    assert_rows_agree(frame)
    totals = set(planner.price_frame(frame, CATALOG, today=TODAY)["total"])
    assert "-22.00" in totals and len(totals) > 1  # some rows are full refunds, some are not
