"""planner.options: the ranking of every way to cover the hosts, checked against hand-worked sums."""

from datetime import date
from decimal import Decimal

import pytest

import planner

CATALOG = planner.load_catalog()


def by_label(found: list[planner.Option]) -> dict[str, planner.Option]:
    return {o.label: o for o in found}


def test_a_year_without_growth() -> None:
    found = planner.options(CATALOG, region="cn-north-4", hosts=10, horizon_months=12, start=date(2024, 1, 1))
    options = by_label(found)

    # basic is free; standard 1y: 2.2 × 12 × 10 × 0.83; standard 1m: 2.2 × 10 × 12 renewals;
    # professional pay-per-use: 0.0362 × 10 × 730 h × 12 months.
    assert options["basic yearly/monthly 3y"].total == Decimal("0.00")
    assert options["standard yearly/monthly 1y"].total == Decimal("219.12")
    assert options["standard yearly/monthly 1m"].total == Decimal("264.00")
    assert options["professional pay-per-use"].total == Decimal("3171.12")
    assert [o.rank for o in found] == list(range(1, len(found) + 1))
    assert [o.total for o in found] == sorted(o.total for o in found)


def test_a_term_longer_than_the_horizon_counts_only_the_time_inside_it() -> None:
    options = by_label(
        planner.options(CATALOG, region="cn-north-4", hosts=10, horizon_months=12, start=date(2024, 1, 1))
    )
    three_years = options["standard yearly/monthly 3y"]

    # 2.2 × 12 × 10 × 3 × 0.5 = 396 paid; 366 of the 1096 days bought fall in the horizon.
    assert three_years.cash == Decimal("396.00")
    assert three_years.total == Decimal("132.24")  # 396 × 366 / 1096 = 132.2408… → 132.24


def test_growth_buys_co_terminated_quota_increases() -> None:
    options = by_label(
        planner.options(
            CATALOG,
            region="cn-north-4",
            hosts=100,
            horizon_months=3,
            growth_pct=Decimal(10),
            start=date(2024, 1, 1),
        )
    )
    quarter = options["standard yearly/monthly 3m"]

    # Buy 100 for 3m: 2.2 × 100 × 3 = 660.00 (expires 2024-04-01).
    # Feb 1: 110 hosts → +10: 28/29 + 31/31 + 1/30 = 1.99885058 months; 2.2 × 10 × 1.99885058 = 43.97.
    # Mar 1: 121 hosts → +11: 30/31 + 1/30 = 1.00107527 months; 2.2 × 11 × 1.00107527 = 24.22.
    assert [(e.on, e.amount) for e in quarter.events] == [
        (date(2024, 1, 1), Decimal("660.00")),
        (date(2024, 2, 1), Decimal("43.97")),
        (date(2024, 3, 1), Decimal("24.22")),
    ]
    assert quarter.increases == [(date(2024, 2, 1), 100, 110), (date(2024, 3, 1), 110, 121)]
    assert quarter.total == Decimal("728.19")


def test_only_what_the_region_sells() -> None:
    found = planner.options(CATALOG, region="ae-ad-1", hosts=5, horizon_months=6, start=date(2024, 1, 1))

    assert [(o.edition, o.billing_mode) for o in found] == [("professional", "pay_per_use")]


def test_bad_arguments_are_all_reported_with_their_rules() -> None:
    with pytest.raises(planner.PlannerError) as caught:
        planner.options(CATALOG, region="xx-nowhere-1", hosts=-1, horizon_months=0, growth_pct=Decimal(-5))

    assert [(p.rule, p.field) for p in caught.value.problems] == [
        ("region.unknown", "region"),
        ("hosts.invalid", "hosts"),
        ("request.malformed", "horizon"),
        ("request.malformed", "growth"),
    ]


def test_break_even_is_where_pay_per_use_catches_up() -> None:
    options = by_label(
        planner.options(CATALOG, region="cn-north-4", hosts=10, horizon_months=24, start=date(2024, 1, 1))
    )
    hourly, yearly = options["professional pay-per-use"], options["professional yearly/monthly 1y"]

    day = planner.break_even(hourly, yearly)

    # 1y costs 22 × 12 × 10 × 0.83 = 2191.20 upfront; pay-per-use 264.26 a month (0.0362 × 10 × 730),
    # counted when the month has been used, reaches it after 9 months: 9 × 264.26 = 2378.34 ≥ 2191.20
    # by 2024-10-01, while 8 × 264.26 = 2114.08 by 2024-09-01 is still below.
    assert day == date(2024, 10, 1)


def test_hosts_that_outgrow_the_largest_quota_are_flagged() -> None:
    found = planner.options(
        CATALOG, region="cn-north-4", hosts=9000, horizon_months=6, growth_pct=Decimal(5), start=date(2024, 1, 1)
    )

    # 9000 × 1.05^3 = 10418.6 > 10,000 in the third month (9000 × 1.05^2 = 9922.5 still fits).
    assert {o.uncovered_from for o in found} == {date(2024, 4, 1)}
    assert all(max(b for _d, _a, b in o.increases) == 10000 for o in found if o.increases)
