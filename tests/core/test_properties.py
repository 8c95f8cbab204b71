"""Properties of the pricing that must hold for every request, checked with hypothesis (SPEC A4–A7, B3).

Each property is stated in the test's docstring; the examples are generated within the catalog's limits.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import planner
from planner import Term, add_months, remaining_months, remaining_period, remaining_years, term_end

CATALOG = planner.load_catalog()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CENT = Decimal("0.01")
WORK = Decimal("0.00000001")

TERMS = ["1m", "2m", "3m", "4m", "5m", "6m", "7m", "8m", "9m", "1y", "2y", "3y"]
days = st.dates(min_value=date(2022, 1, 1), max_value=date(2027, 12, 31))
terms = st.sampled_from(TERMS)
quotas = st.integers(min_value=1, max_value=10_000)
paid_edition = st.sampled_from(["standard", "professional"])


def quote(request: dict[str, Any]) -> planner.Quote:
    request.setdefault("region", "cn-north-4")
    request.setdefault("accept_disclaimer", True)
    return planner.quote(request, CATALOG)


def current(edition: str, quota: int, term: str, start: date, **extra: Any) -> dict[str, Any]:
    expires = term_end(start, Term.parse(term))
    return {
        "edition": edition,
        "billing_mode": "yearly_monthly",
        "quota": quota,
        "term": term,
        "start": start.isoformat(),
        "expires": expires.isoformat(),
        **extra,
    }


def ok(q: planner.Quote) -> planner.Quote:
    assert q.ok, [str(e) for e in q.errors]
    return q


@st.composite
def running(draw: st.DrawFn, edition: st.SearchStrategy[str] = paid_edition) -> tuple[dict[str, Any], date]:
    """A running yearly/monthly subscription and a change date within its term (start … expiry)."""
    term = draw(terms)
    start = draw(days)
    expires = term_end(start, Term.parse(term))
    on = start + timedelta(days=draw(st.integers(0, (expires - start).days)))
    quota = draw(st.integers(1, 9_000))
    return current(draw(edition), quota, term, start), on


# -- fees ------------------------------------------------------------------------------------------


@SETTINGS
@given(sub=running(), action=st.sampled_from(["upgrade", "increase_quota", "buy_package"]), more=st.integers(0, 1000))
def test_fees_are_never_negative(sub: tuple[dict[str, Any], date], action: str, more: int) -> None:
    """Every line of a change mid-term is ≥ 0, and so is the total."""
    cur, on = sub
    if action == "upgrade":
        assume(cur["edition"] == "standard")
        target: dict[str, Any] = {"edition": "professional", "quota": cur["quota"] + more}
    elif action == "increase_quota":
        target = {"quota": cur["quota"] + more + 1}
    else:
        target = {"packages": {"data_collection": 5 * (more % 100 + 1)}}
    q = ok(quote({"hosts": cur["quota"], "on": on.isoformat(), "action": action, "current": cur, "target": target}))
    assert q.lines and all(line.amount >= 0 for line in q.lines)
    assert q.total is not None and q.total >= 0


@SETTINGS
@given(sub=running(), action=st.sampled_from(["upgrade", "increase_quota", "buy_package"]))
def test_nothing_to_pay_on_the_expiry_date(sub: tuple[dict[str, Any], date], action: str) -> None:
    """A change on the expiry date leaves no day of the term: every fee is 0 [A5: the days after the change]."""
    cur, _ = sub
    assume(action != "upgrade" or cur["edition"] == "standard")
    target = {
        "upgrade": {"edition": "professional", "quota": cur["quota"] + 3},
        "increase_quota": {"quota": cur["quota"] + 1},
        "buy_package": {"packages": {"large_screen": 1, "data_collection": 500}},
    }[action]
    q = ok(quote({"hosts": 1, "on": cur["expires"], "action": action, "current": cur, "target": target}))
    assert q.lines and all(line.amount == 0 and line.periods == 0 for line in q.lines)
    assert q.total == 0
    assert q.expires == date.fromisoformat(cur["expires"])


@SETTINGS
@given(sub=running(), a=st.integers(1, 1000), b=st.integers(1, 1000))
def test_quota_increase_is_monotone_in_quota(sub: tuple[dict[str, Any], date], a: int, b: int) -> None:
    """More quota never costs less (same order, same day)."""
    cur, on = sub
    small, large = sorted((a, b))
    fees = [
        ok(
            quote(
                {
                    "hosts": 1,
                    "on": on.isoformat(),
                    "action": "increase_quota",
                    "current": cur,
                    "target": {"quota": cur["quota"] + extra},
                }
            )
        ).total
        for extra in (small, large)
    ]
    assert fees[0] <= fees[1]


@SETTINGS
@given(edition=paid_edition, term=terms, on=days, a=quotas, b=quotas)
def test_purchase_is_monotone_in_quota(edition: str, term: str, on: date, a: int, b: int) -> None:
    """A larger quota never costs less; the price is proportional to the quota before truncation."""
    small, large = sorted((a, b))
    fees = [
        ok(
            quote(
                {
                    "hosts": 1,
                    "on": on.isoformat(),
                    "action": "purchase",
                    "target": {"edition": edition, "billing_mode": "yearly_monthly", "quota": q, "term": term},
                }
            )
        )
        for q in (small, large)
    ]
    assert fees[0].total <= fees[1].total
    exact = [f.lines[0].amount + f.lines[0].truncated for f in fees]
    assert exact[0] * large == exact[1] * small


@SETTINGS
@given(sub=running(edition=st.just("standard")), later=st.integers(0, 1200), extra=st.integers(0, 500))
def test_upgrade_is_monotone_in_remaining_time(sub: tuple[dict[str, Any], date], later: int, extra: int) -> None:
    """Changing later in the term (less time remaining) never costs more."""
    cur, on = sub
    expires = date.fromisoformat(cur["expires"])
    second = min(on + timedelta(days=later), expires)
    target = {"edition": "professional", "quota": cur["quota"] + extra}
    fees = [
        ok(quote({"hosts": 1, "on": day.isoformat(), "action": "upgrade", "current": cur, "target": target})).lines[0]
        for day in (on, second)
    ]
    assert fees[0].periods >= fees[1].periods
    assert fees[0].amount >= fees[1].amount


@SETTINGS
@given(sub=running(edition=st.just("standard")), extra=st.integers(1, 1000))
def test_upgrade_with_quota_increase_is_the_sum_of_its_parts(sub: tuple[dict[str, Any], date], extra: int) -> None:
    """Upgrade + quota increase = upgrade at the same quota + quota increase at the new edition [A2, A5]:
    exactly before rounding (to the 8th place), and within one cent per line after truncation."""
    cur, on = sub
    when = {"hosts": 1, "on": on.isoformat(), "current": cur}
    together = ok(
        quote({**when, "action": "upgrade", "target": {"edition": "professional", "quota": cur["quota"] + extra}})
    ).lines[0]
    upgraded = ok(quote({**when, "action": "upgrade", "target": {"edition": "professional"}})).lines[0]
    increased = ok(
        quote(
            {
                **when,
                "action": "increase_quota",
                "current": {**cur, "edition": "professional"},
                "target": {"quota": cur["quota"] + extra},
            }
        )
    ).lines[0]
    exact_together = together.amount + together.truncated
    exact_parts = upgraded.amount + upgraded.truncated + increased.amount + increased.truncated
    assert abs(exact_together - exact_parts) <= 2 * WORK
    assert abs(together.amount - (upgraded.amount + increased.amount)) <= 2 * CENT
    assert together.periods == upgraded.periods == increased.periods


# -- renewals --------------------------------------------------------------------------------------


@SETTINGS
@given(
    edition=st.sampled_from(["basic", "standard", "professional"]),
    term=terms,
    renewal=terms,
    start=days,
    offset=st.integers(-60, 30),
    auto=st.booleans(),
)
def test_renewal_moves_the_expiry_forward(
    edition: str, term: str, renewal: str, start: date, offset: int, auto: bool
) -> None:
    """A renewal starts at the old expiry, even in grace or retention, and ends after it [A4]; the
    auto-renew charge date exists only when the subscription renews automatically."""
    cur = {**current(edition, 10, term, start), "auto_renew": auto}
    expires = date.fromisoformat(cur["expires"])
    on = max(start, expires + timedelta(days=offset))
    q = quote({"hosts": 10, "on": on.isoformat(), "action": "renew", "current": cur, "target": {"term": renewal}})
    if add_months(expires, Term.parse(renewal).months) <= on:  # late, and too short to reach past today
        assert [e.rule for e in q.errors] == ["renew.too_short"]
        return
    q = ok(q)
    assert q.expires is not None and q.expires > expires and q.expires > on
    assert q.expires == add_months(expires, Term.parse(renewal).months)
    assert q.auto_renew_charge == (q.expires - timedelta(days=7) if auto else None)
    assert q.total is not None and q.total >= 0


@SETTINGS
@given(term=terms, start=days, late=st.integers(31, 400))
def test_released_subscriptions_do_not_renew(term: str, start: date, late: int) -> None:
    """After 15 days of grace and 15 of retention the subscription is released [A4]."""
    cur = current("standard", 10, term, start)
    on = date.fromisoformat(cur["expires"]) + timedelta(days=late)
    q = quote({"hosts": 10, "on": on.isoformat(), "action": "renew", "current": cur, "target": {"term": "1m"}})
    assert not q.ok and {e.rule for e in q.errors} == {"renew.released"}


# -- refunds ---------------------------------------------------------------------------------------


@SETTINGS
@given(sub=running(), cents=st.integers(0, 10_000_000), hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_refunds_stay_within_zero_and_paid(
    sub: tuple[dict[str, Any], date], cents: int, hour: int, minute: int
) -> None:
    """0 ≤ refund ≤ paid; a full refund within 5 days gives back everything [A7]."""
    cur, on = sub
    paid = Decimal(cents) / 100
    cur = {**cur, "paid": f"{paid:.2f}", "purchased_at": f"{cur['start']}T{hour:02d}:{minute:02d}:00+08:00"}
    q = ok(quote({"hosts": 1, "on": on.isoformat(), "action": "unsubscribe", "current": cur}))
    assert q.refund is not None
    refund = q.refund.amount
    assert 0 <= refund <= paid
    assert q.total == -refund
    assert q.refund.used_hours <= q.refund.ordered_hours
    assert q.refund.to_dict()["full_refund"] is q.refund.full_refund  # a JSON boolean (SPEC B3)
    if q.refund.full_refund:
        assert refund == paid
        assert on <= date.fromisoformat(cur["start"]) + timedelta(days=4)
    else:
        assert on >= date.fromisoformat(cur["start"]) + timedelta(days=4)


# -- remaining periods -----------------------------------------------------------------------------


def month_end(year: int, month: int) -> date:
    return add_months(date(year, month, 1), 1) - timedelta(days=1)


@SETTINGS
@given(year=st.integers(2000, 2100), month=st.integers(1, 12), n=st.integers(1, 9))
def test_full_calendar_months_count_one_each(year: int, month: int, n: int) -> None:
    """From the last day of a month to the last day of the month n months later: exactly n months [A5]."""
    start = month_end(year, month)
    end = add_months(date(year, month, 1), n + 1) - timedelta(days=1)
    assert remaining_months(start, end) == n


@SETTINGS
@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), years=st.integers(1, 3))
def test_a_whole_yearly_term_from_its_start_counts_the_term(start: date, years: int) -> None:
    """Days ÷ 365 leaving out 29 Feb make every whole year from the start count exactly 1 [A5]."""
    term = Term(years, "year")
    assert remaining_years(start, term_end(start, term)) == years
    assert remaining_period(start, term_end(start, term), term) == years


@SETTINGS
@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), months=st.integers(1, 9))
def test_a_whole_monthly_term_from_its_start_counts_about_the_term(start: date, months: int) -> None:
    """By calendar months a whole term from a mid-month start is close to, not exactly, its months
    (2024-06-08 → 07-08 is 22/30 + 8/31); exact from a month end to a month end [A5]."""
    remaining = remaining_months(start, add_months(start, months))
    assert abs(remaining - months) < Decimal("0.11")


@SETTINGS
@given(change=days, first=st.integers(0, 1200), second=st.integers(0, 1200))
def test_remaining_periods_shrink_as_the_change_moves_later(change: date, first: int, second: int) -> None:
    """Later changes leave less (or, over 29 Feb in yearly terms, equal) time; never negative."""
    expires = change + timedelta(days=max(first, second))
    later = change + timedelta(days=min(first, second))
    for measure in (remaining_months, remaining_years):
        assert measure(change, expires) >= measure(later, expires) >= 0
    assert remaining_months(expires, expires) == remaining_years(expires, expires) == 0


# -- quotes as data --------------------------------------------------------------------------------


@st.composite
def purchases(draw: st.DrawFn) -> dict[str, Any]:
    mode = draw(st.sampled_from(["yearly_monthly", "pay_per_use"]))
    edition = "professional" if mode == "pay_per_use" else draw(paid_edition)
    target: dict[str, Any] = {"edition": edition, "billing_mode": mode, "quota": draw(quotas)}
    if mode == "yearly_monthly":
        target["term"] = draw(terms)
        target["auto_renew"] = draw(st.booleans())
    packages = {}
    if draw(st.booleans()):
        packages["data_collection"] = 5 * draw(st.integers(1, 100))
    if draw(st.booleans()):
        packages["data_retention"] = draw(st.integers(1, 100_000))
    if draw(st.booleans()):
        packages["large_screen"] = 1
    if draw(st.booleans()):
        packages["security_orchestration"] = draw(st.integers(1, 1_000_000))
    if packages:
        target["packages"] = packages
    return {
        "hosts": draw(st.integers(0, target["quota"])),
        "on": draw(days).isoformat(),
        "action": "purchase",
        "target": target,
    }


MONEY = re.compile(r"^-?\d+\.\d\d$")


def walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in walk(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in walk(item)]
    return [value]


@settings(max_examples=80, deadline=None)
@given(request=purchases())
def test_purchase_total_is_the_sum_of_its_lines_and_money_is_text(request: dict[str, Any]) -> None:
    """total = Σ line amounts (B3); every amount is a 2-decimal string and nothing in the quote is a float."""
    q = ok(quote(request))
    data = q.to_dict()
    assert Decimal(data["total"]) == sum(Decimal(line["amount"]) for line in data["lines"])
    assert not any(isinstance(leaf, float) for leaf in walk(data))
    assert MONEY.match(data["total"])
    for line in data["lines"]:
        assert MONEY.match(line["amount"])
        for key in ("quantity", "unit_price", "periods", "discount", "truncated"):
            assert isinstance(line[key], str)
            Decimal(line[key])
        assert Decimal(line["amount"]) + Decimal(line["truncated"]) >= 0
    if request["target"]["billing_mode"] == "pay_per_use":
        assert data["total"] == "0.00" and "expires" not in data
        assert Decimal(data["monthly_estimate"]) == sum(Decimal(line["monthly_estimate"]) for line in data["lines"])
        assert Decimal(data["hourly"]) == sum(Decimal(line["hourly"]) for line in data["lines"])
    else:
        assert (
            data["expires"]
            == term_end(date.fromisoformat(request["on"]), Term.parse(request["target"]["term"])).isoformat()
        )


@SETTINGS
@given(sub=running(), action=st.sampled_from(["upgrade", "increase_quota", "renew", "buy_package", "unsubscribe"]))
def test_no_float_in_any_quote(sub: tuple[dict[str, Any], date], action: str) -> None:
    """Money is never a binary float in a quote dict, whatever the action (B3)."""
    cur, on = sub
    cur = {**cur, "edition": "standard", "paid": "100.00", "purchased_at": f"{cur['start']}T08:00:00"}
    target = {
        "upgrade": {"edition": "professional"},
        "increase_quota": {"quota": cur["quota"] + 1},
        "renew": {"term": "1m"},
        "buy_package": {"packages": {"large_screen": 1}},
        "unsubscribe": None,
    }[action]
    q = ok(quote({"hosts": 1, "on": on.isoformat(), "action": action, "current": cur, "target": target}))
    data = q.to_dict()
    assert not any(isinstance(leaf, float) for leaf in walk(data))
    assert MONEY.match(data["total"])
    assert all(MONEY.match(line["amount"]) for line in data["lines"])


# -- options simulate what quotes price --------------------------------------------------------------


SEPARATE_TERM = CATALOG.__class__(**{**vars(CATALOG), "quota_increase": "separate_term"})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    region=st.sampled_from(sorted(CATALOG.regions)),
    hosts=st.integers(0, 10_000),
    growth=st.sampled_from(["0", "1.5", "3", "10"]),
    horizon=st.integers(1, 48),
    start=days,
    separate=st.booleans(),
)
def test_every_event_options_simulate_costs_what_quote_says(
    region: str, hosts: int, growth: str, horizon: int, start: date, separate: bool
) -> None:
    """Each purchase, renewal, quota increase and month of pay-per-use that ``options()`` simulates is a
    request that ``quote()`` accepts and prices at exactly the event's amount [SPEC B5 options]."""
    catalog = SEPARATE_TERM if separate else CATALOG
    found = planner.options(
        catalog, region=region, hosts=hosts, horizon_months=horizon, growth_pct=Decimal(growth), start=start
    )
    events = [event for option in found for event in option.events]
    assert events and all(event.request is not None for event in events)
    for event in events:
        assert event.request is not None
        q = planner.quote(event.request, catalog)
        assert q.ok, (event.description, [str(e) for e in q.errors])
        # A prepaid event is paid the day it is priced; a month of pay-per-use is settled at its end.
        assert q.pay_per_use or q.on == event.on
        got = q.monthly_estimate if q.pay_per_use else q.total
        assert got == event.amount, (event.description, got, event.amount)
