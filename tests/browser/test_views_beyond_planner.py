"""Journeys on the options, renewals and catalog pages, reached from the planner's navigation bar."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect

import planner
from planner.ui._portfolio import SAMPLE_PORTFOLIO, Portfolio

from .conftest import FIRST_VIEW_TIMEOUT_MS, STEP_TIMEOUT_MS, App


def _cheapest_paid_total(hosts: int) -> str:
    found = planner.options(planner.load_catalog(), region="cn-north-4", hosts=hosts)
    return f"{next(o.total for o in found if o.total > 0):,}"


def test_options_ranking_and_chart_change_with_hosts(page: Page, app: App, screenshot) -> None:
    page.goto(app.url + "/voila/render/options.ipynb?hosts=50", wait_until="domcontentloaded")
    table = page.locator(".planner-options-table table").first  # the top choices
    expect(table).to_be_visible(timeout=FIRST_VIEW_TIMEOUT_MS)
    app.first_view()
    chart = page.locator(".planner-options-chart .js-plotly-plot")
    expect(chart).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-options-chart .legendtext").first).to_be_visible()
    expect(page.locator(".planner-options-chart")).to_contain_text("break-even")
    screenshot(page, "options-50-hosts")
    expect(table).to_contain_text(_cheapest_paid_total(50))

    hosts = page.locator(".planner-options-hosts input")
    hosts.fill("2000")
    hosts.press("Enter")
    expect(table).to_contain_text(_cheapest_paid_total(2000), timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-options-summary")).to_contain_text(_cheapest_paid_total(2000))
    expect(page.locator(".planner-options-chart .js-plotly-plot")).to_be_visible()
    screenshot(page, "options-2000-hosts")


def _batch_total_of_the_sample(tmp_path: Path) -> str:
    """``planner batch`` of the sample's renewals for a year (the test's own B7 rows), summed over ok rows."""
    with SAMPLE_PORTFOLIO.open(encoding="utf-8", newline="") as handle:
        sample = list(csv.DictReader(handle))
    rows = [
        {
            "region": r["region"],
            "hosts": r["hosts"],
            "action": "renew",
            "current_edition": r["edition"],
            "current_billing_mode": r["billing_mode"],
            "current_quota": r["quota"],
            "current_term": r["term"],
            "current_start": r["start"],
            "current_expires": r["expires"],
            "current_auto_renew": r["auto_renew"],
            "target_term": "1y",
            "name": r["name"],
        }
        for r in sample
    ]
    source, priced = tmp_path / "renewals.csv", tmp_path / "priced.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run = subprocess.run(
        [sys.executable, "-m", "planner", "batch", str(source), "-o", str(priced)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    with priced.open(encoding="utf-8", newline="") as handle:
        out = list(csv.DictReader(handle))
    assert [r["name"] for r in out if r["ok"] != "true"] == ["abu-dhabi-lab"]  # pay-per-use does not renew
    return f"{sum((Decimal(r['total']) for r in out if r['ok'] == 'true'), Decimal(0)):,}"


def test_renewals_timeline_for_the_sample_portfolio(page: Page, app: App, screenshot, tmp_path: Path) -> None:
    page.goto(app.url + "/voila/render/renewals.ipynb", wait_until="domcontentloaded")
    timeline = page.locator(".planner-renewals-timeline .js-plotly-plot")
    expect(timeline).to_be_visible(timeout=FIRST_VIEW_TIMEOUT_MS)
    app.first_view()
    expect(page.locator(".planner-renewals-timeline")).to_contain_text("beijing-prod")
    expect(page.locator(".planner-renewals-timeline")).to_contain_text("grace period")
    expect(page.locator(".planner-renewals-total")).to_contain_text(re.compile(r"Renewing 7 subscriptions"))
    # The shown total is `planner batch` of the same rows (issue 9: the page prices through price_frame).
    expect(page.locator(".planner-renewals-amount")).to_have_text(_batch_total_of_the_sample(tmp_path))
    expect(page.locator(".planner-renewals-costs .js-plotly-plot")).to_be_visible()
    expect(page.locator(".planner-renewals-errors")).to_contain_text("renew.pay_per_use")
    screenshot(page, "renewals-sample")


def test_catalog_page_from_the_navigation_bar(page: Page, app: App, screenshot) -> None:
    page.goto(app.url + "/voila/render/explore.ipynb", wait_until="domcontentloaded")
    expect(page.locator("table.dataframe").first).to_be_visible(timeout=FIRST_VIEW_TIMEOUT_MS)
    app.first_view()
    expect(page.locator(".js-plotly-plot")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    # compare with another catalog folder (the first offered is the shipped China one): the differences show
    page.locator(".planner-compare-button").click()
    expect(page.locator(".planner-compare-result")).to_contain_text("currency", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-compare-result")).to_contain_text("CNY")
    screenshot(page, "explore")
    page.locator(".planner-nav a", has_text="Plan an order").click()
    expect(page.locator(".planner-total")).to_contain_text("Due now", timeout=FIRST_VIEW_TIMEOUT_MS)


def test_renewals_of_a_portfolio_with_bad_rows_of_several_kinds(page: Page, app: App, screenshot) -> None:
    bad_rows = Path(__file__).parent.parent / "ui" / "portfolios" / "bad-rows.csv"
    page.goto(app.url + "/voila/render/renewals.ipynb", wait_until="domcontentloaded")
    expect(page.locator(".planner-renewals-timeline .js-plotly-plot")).to_be_visible(timeout=FIRST_VIEW_TIMEOUT_MS)
    app.first_view()
    with page.expect_file_chooser() as chooser:
        page.locator("button.planner-renewals-upload").click()
    chooser.value.set_files(files=[{"name": "bad-rows.csv", "mimeType": "text/csv", "buffer": bad_rows.read_bytes()}])
    expect(page.locator(".planner-renewals-source")).to_contain_text("bad-rows.csv", timeout=STEP_TIMEOUT_MS)
    # The same file read in this process, on the same day: the page shows its figures and its refusals.
    expected = Portfolio.read(bad_rows, planner.load_catalog()).rows()
    total = sum(expected.loc[expected["ok"], "renewal_cost"], Decimal(0))
    expect(page.locator(".planner-renewals-amount")).to_have_text(f"{total:,}")
    errors = page.locator(".planner-renewals-errors")
    for row in expected[~expected["ok"]].itertuples():
        expect(errors).to_contain_text(str(row.name))
    expect(errors).to_contain_text("column name: the value of tag 'subscription' has characters a tag cannot hold")
    screenshot(page, "renewals-bad-rows")
