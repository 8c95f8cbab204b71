"""The options, renewals and catalog views in-process: inputs in, the core's numbers out."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

import planner
from planner import charts
from planner.ui._analysis import OptionsQuery, Portfolio
from planner.ui._words import option_words
from planner.ui.explore import discounts_frame, edition_pivot, prices_frame
from planner.ui.options import OptionsView
from planner.ui.renewals import RenewalsView

TODAY = date(2026, 11, 26)


def test_options_are_ranked_by_the_core_and_follow_the_hosts() -> None:
    view = OptionsView.start(query="region=cn-north-4&hosts=120&horizon=24", today=TODAY)
    expected = planner.options(view.catalog, region="cn-north-4", hosts=120, horizon_months=24, start=TODAY)
    assert [o.label for o in view.options] == [o.label for o in expected]
    assert [o.total for o in view.options] == [o.total for o in expected]
    cheapest_paid = next(o for o in view.options if o.total > 0)
    assert f"<b>{option_words(cheapest_paid)}</b>, {cheapest_paid.total:,} USD" in view.summary.value
    before = [o.total for o in view.options]

    view.hosts.value = "500"
    assert [o.total for o in view.options] != before
    assert f"{view.options[-1].total:,}" in view.table.value


def test_options_bad_input_is_shown_not_raised() -> None:
    view = OptionsView.start(today=TODAY)
    view.hosts.value = "-3"
    assert "hosts.invalid" in view.errors.value and view.table.value == ""
    view.hosts.value = "10"
    view.growth.value = "lots"
    assert "is not a number of percent per month" in view.errors.value


def test_options_query_notices() -> None:
    query, notices = OptionsQuery.from_query("region=nowhere&hosts=x&horizon=7", planner.load_catalog())
    assert query.region == "cn-north-4" and query.hosts == 100 and query.horizon_months == 36
    assert len(notices) == 3


def test_options_chart_marks_the_pay_per_use_break_even() -> None:
    catalog = planner.load_catalog()
    found = planner.options(catalog, region="cn-north-4", hosts=50, horizon_months=36, start=TODAY)
    figure = charts.options_figure(found, currency="USD")
    names = [trace.name for trace in figure.data]
    assert any("pay-per-use" in name for name in names)
    assert any(name.startswith("break-even") for name in names)


def test_the_sample_portfolio_prices_every_renewal_through_the_core() -> None:
    catalog = planner.load_catalog()
    portfolio = Portfolio.read(None, catalog, term="1y", on=TODAY)
    assert portfolio.problems == []
    rows = portfolio.rows()
    for index, row in enumerate(rows.itertuples()):
        quote = planner.quote(portfolio.request(index), catalog, today=TODAY)
        assert row.ok == quote.ok
        if quote.ok:
            assert row.renewal_cost == quote.total
    assert portfolio.total() == sum(rows.loc[rows["ok"], "renewal_cost"], Decimal(0))
    assert "renew.pay_per_use" in " ".join(rows["problems"])  # the pay-per-use row cannot renew


def test_renewals_view_term_upload_and_export(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLANNER_ORDERS_DIR", str(tmp_path))
    view = RenewalsView.start(today=TODAY)
    one_year = view.portfolio.total()
    assert f"{one_year:,}</span> USD" in view.total.value and "for 1 year" in view.total.value
    view.term.value = "3y"
    assert view.portfolio.total() != one_year

    assert view.export.disabled
    view.accept.value = True
    assert not view.export.disabled
    view.export.click()
    orders = sorted(tmp_path.glob("*.json"))
    assert len(orders) == view.portfolio.rows()["ok"].sum()
    assert all(json.loads(p.read_text())["action"] == "renew" for p in orders)
    assert "Skipped: abu-dhabi-lab" in view.message.value
    assert str(tmp_path) not in view.message.value  # the server's folder is not shown to the visitor


def test_a_click_without_the_disclaimer_exports_nothing(tmp_path, monkeypatch) -> None:
    # A disabled button only stops the mouse: any visitor can send the click message, so the core decides.
    monkeypatch.setenv("PLANNER_ORDERS_DIR", str(tmp_path))
    view = RenewalsView.start(today=TODAY)
    assert not view.accept.value

    view.export.click()

    assert list(tmp_path.iterdir()) == []
    assert "disclaimer.not_accepted" in view.message.value


def test_a_broken_upload_is_explained() -> None:
    view = RenewalsView.start(today=TODAY)
    view._load(b"region,edition\ncn-north-4,<b>standard</b>\n", "<mine>.csv")
    assert "missing columns" in view.errors.value
    assert "&lt;mine&gt;.csv" in view.source.value and "<mine>" not in view.source.value
    view._load(b"\xff\xfe\x00garbage", "bad.csv")
    assert "cannot" in view.errors.value or "missing columns" in view.errors.value


def test_catalog_frames() -> None:
    catalog = planner.load_catalog()
    prices = prices_frame(catalog)
    row = prices[
        (prices.region == "cn-north-4") & (prices.item == "professional") & (prices.billing_mode == "yearly_monthly")
    ]
    assert row["price"].item() == Decimal("22")
    assert edition_pivot(catalog).loc["cn-north-4", "standard"] == Decimal("2.2")
    assert "professional" in edition_pivot(catalog).columns
    assert list(discounts_frame(catalog)["term"]) == [t.code for t in catalog.terms]


def test_options_flag_hosts_above_the_largest_quota_on_the_summary_and_each_option() -> None:
    view = OptionsView.start(query="region=cn-north-4&hosts=5000&growth=3&horizon=36", today=TODAY)
    flagged = [o for o in view.options if o.uncovered_from]
    assert flagged, "the core flags the options (5000 hosts × 1.03^36 > 10,000)"
    month = f"{min(o.uncovered_from for o in flagged):%Y-%m}"
    assert f"Over 10,000 hosts from {month}" in view.summary.value
    assert view.table.value.count(f"no: over 10,000 hosts from {month}") == len(flagged)


def test_options_show_basic_apart_and_write_the_break_even_out() -> None:
    view = OptionsView.start(query="region=cn-north-4&hosts=50&horizon=36", today=TODAY)
    from planner.charts import break_evens

    assert "Cheapest paid way" in view.summary.value and "<b>basic" not in view.summary.value
    ((ppu, rival, day),) = break_evens(view.options)
    assert f"{option_words(ppu)} overtakes {option_words(rival)} in <b>{day:%Y-%m}</b>" in view.summary.value
    assert "Free edition" in view.table.value and "more options</summary>" in view.table.value


@pytest.mark.parametrize(("field", "typed"), [("hosts", "12.5"), ("hosts", "1e3"), ("growth", "lots")])
def test_options_refuse_what_they_cannot_read_and_clear_the_old_figures(field: str, typed: str) -> None:
    view = OptionsView.start(query="region=cn-north-4&hosts=50", today=TODAY)
    assert view.table.value and view.chart.outputs
    getattr(view, field).value = typed
    assert f"“{typed}”" in view.errors.value
    assert view.table.value == "" and view.summary.value == "" and view.chart.outputs == ()


PORTFOLIO_HEAD = "name,region,edition,billing_mode,quota,hosts,term,start,expires,auto_renew\n"


def test_renewals_show_what_the_orders_carry_per_row_and_as_a_banner() -> None:
    # One subscription with more hosts than quota, one in its grace period on TODAY (2026-11-26).
    csv = PORTFOLIO_HEAD + (
        "crowded,cn-north-4,standard,yearly_monthly,10,40,1y,2026-01-01,2027-01-01,false\n"
        "late,cn-north-4,standard,yearly_monthly,10,10,1m,2026-10-20,2026-11-20,false\n"
    )
    view = RenewalsView.start(today=TODAY)
    view._load(csv.encode(), "mine.csv")
    catalog = view.catalog
    quotes = [planner.quote(view.portfolio.request(i), catalog, today=TODAY) for i in range(2)]
    for quote, name in zip(quotes, ("crowded", "late"), strict=True):
        assert [w for w in quote.warnings if w.rule not in ("disclaimer.not_accepted", "price.illustrative")], name
        for warning in quote.warnings:
            if warning.rule in ("disclaimer.not_accepted", "price.illustrative"):
                continue
            assert warning.message in view.table.value, name  # per row
            assert warning.message in view.banner.value, name  # and once above the table
    assert "2 of the renewal orders need attention" in view.banner.value
    # The illustrative figures: the priced frame's code, said once in the core's words for that rule.
    assert all(q.illustrative for q in quotes)
    assert "Illustrative figures behind the total (✱): in 2 of the 2 renewals" in view.banner.value
    assert planner.RULES["price.illustrative"] in view.banner.value


def test_renewals_csv_problems_name_the_line_and_the_column() -> None:
    csv = PORTFOLIO_HEAD + (
        "good,cn-north-4,standard,yearly_monthly,10,10,1y,2026-06-10,2027-06-10,true\n"
        "odd-edition,cn-north-4,platinum,yearly_monthly,10,10,1y,2026-06-10,2027-06-10,false\n"
        "odd-flag,cn-north-4,standard,yearly_monthly,10,10,1y,2026-06-10,2027-06-10,maybe\n"
        "odd-date,cn-north-4,standard,yearly_monthly,10,10,1y,2026-13-45,2027-06-10,false\n"
    )
    view = RenewalsView.start(today=TODAY)
    view._load(csv.encode(), "mine.csv")
    rows = view.portfolio.rows().set_index("name")
    assert list(rows.loc[["odd-edition", "odd-flag", "odd-date"], "line"]) == [3, 4, 5]
    assert "column edition" in rows.loc["odd-edition", "problems"]
    assert "column auto_renew: “maybe” is not true or false" in rows.loc["odd-flag", "problems"]
    assert "column start" in rows.loc["odd-date", "problems"]
    for name in ("odd-edition", "odd-flag", "odd-date"):
        assert name in view.errors.value  # listed, not dropped
    assert "Renewing 1 subscriptions" in view.total.value


def test_a_bad_upload_clears_the_previous_files_figures() -> None:
    view = RenewalsView.start(today=TODAY)
    assert view.timeline.outputs and view.costs.outputs and view.table.value
    view._load(b"region,edition\ncn-north-4,standard\n", "broken.csv")
    assert "missing columns" in view.errors.value
    assert view.timeline.outputs == () and view.costs.outputs == ()
    assert view.table.value == "" and view.total.value == "" and view.banner.value == ""


def test_names_are_escaped_in_the_timeline_labels() -> None:
    csv = PORTFOLIO_HEAD + "<b>bold</b>,cn-north-4,standard,yearly_monthly,10,10,1y,2026-06-10,2027-06-10,true\n"
    view = RenewalsView.start(today=TODAY)
    view._load(csv.encode(), "mine.csv")
    (bundle,) = view.timeline.outputs
    labels = bundle["data"]["application/vnd.plotly.v1+json"]["data"][0]["y"]
    assert labels == ["&lt;b&gt;bold&lt;/b&gt; · cn-north-4"]


def test_the_sample_shows_an_auto_renew_charge_only_where_it_renews_automatically() -> None:
    view = RenewalsView.start(today=TODAY)
    rows = view.portfolio.rows()
    assert rows["auto_renew"].any() and not rows["auto_renew"].all()
    for row in rows.itertuples():
        assert (row.auto_renew_charge is not None) == row.auto_renew, row.name
    (bundle,) = view.timeline.outputs
    marks = [t for t in bundle["data"]["application/vnd.plotly.v1+json"]["data"] if t["name"] == "auto-renew charge"]
    assert len(marks[0]["y"]) == int(rows["auto_renew"].sum())


def test_the_options_chart_marks_when_the_hosts_outgrow_the_largest_quota() -> None:
    catalog = planner.load_catalog()
    found = planner.options(catalog, region="cn-north-4", hosts=5000, growth_pct=Decimal(3), start=TODAY)
    figure = charts.options_figure(found, currency="USD")
    first = min(o.uncovered_from for o in found if o.uncovered_from)
    assert {shape.x0 for shape in figure.layout.shapes} == {str(first)}
    assert "hosts over the largest quota" in [a.text for a in figure.layout.annotations]
    calm = charts.options_figure(planner.options(catalog, region="cn-north-4", hosts=50, start=TODAY), currency="USD")
    assert not calm.layout.shapes
