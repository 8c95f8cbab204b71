"""Journey on the planner page: URL pre-fill, a broken rule shown and fixed, quote and chart, export."""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal

from playwright.sync_api import Page, expect

from .conftest import FIRST_VIEW_TIMEOUT_MS, STEP_TIMEOUT_MS, App

PREFILL = "/?region=cn-north-4&hosts=120&edition=professional&quota=150&action=purchase&term=1y"


def open_planner(page: Page, app: App, path: str = PREFILL) -> float:
    began = time.monotonic()
    page.goto(app.url + path, wait_until="domcontentloaded")  # "load" waits on an unreachable CDN font
    expect(page.locator(".planner-total")).to_contain_text("Due now", timeout=FIRST_VIEW_TIMEOUT_MS)
    app.first_view()
    return time.monotonic() - began


def test_prefill_rule_fix_quote_chart_and_export(page: Page, app: App, screenshot) -> None:
    first_view = open_planner(page, app)
    app.record("first_visitor_view_s", first_view)

    # A Dropdown's <option> values are its labels.
    expect(page.locator(".planner-region select")).to_have_value(re.compile(r"\(cn-north-4\)$"))
    expect(page.locator(".planner-action select")).to_have_value("Buy a new subscription")
    expect(page.locator(".planner-hosts input")).to_have_value("120")
    expect(page.locator(".planner-edition select")).to_have_value("Professional")
    expect(page.locator(".planner-quota input")).to_have_value("150")
    expect(page.locator(".planner-term select")).to_have_value("1 year")
    expect(page.locator(".planner-errors")).to_have_text("")

    quota = page.locator(".planner-quota input")
    quota.fill("100")
    began = time.monotonic()
    quota.press("Enter")
    expect(page.locator(".planner-errors")).to_contain_text("quota.below_hosts", timeout=STEP_TIMEOUT_MS)
    app.record("change_round_trip_s", time.monotonic() - began)
    expect(page.locator(".planner-total")).to_contain_text("No price")
    expect(page.locator("button.planner-export")).to_be_disabled()
    screenshot(page, "planner-quota-below-hosts")

    quota.fill("150")
    quota.press("Enter")
    expect(page.locator(".planner-errors")).to_have_text("", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-total")).to_contain_text("USD")
    expect(page.locator(".planner-quote table")).to_be_visible()
    expect(page.locator(".planner-illustrative")).to_contain_text("Illustrative")
    expect(page.locator(".planner-chart .js-plotly-plot")).to_be_visible(timeout=STEP_TIMEOUT_MS)

    export = page.locator("button.planner-export")
    expect(export).to_be_disabled()
    page.locator(".planner-disclaimer input").check()
    expect(export).to_be_enabled(timeout=STEP_TIMEOUT_MS)
    export.click()
    message = page.locator(".planner-message")
    expect(message).to_contain_text("Order written", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-download a")).to_have_count(2)
    screenshot(page, "planner-exported")

    name = re.search(r"(SM-[\w-]+\.json)", message.inner_text()).group(1)
    order = json.loads((app.orders_dir / name).read_text())
    total_on_screen = page.locator(".planner-total-amount").inner_text().strip()
    assert f"{Decimal(order['total']):,}" == total_on_screen
    assert order["region"] == "cn-north-4" and order["action"] == "purchase"
    assert order["request"]["target"]["quota"] == 150 and order["request"]["hosts"] == 120
    lines_on_screen = page.locator(".planner-quote").inner_text()
    for line in order["lines"]:
        assert f"{Decimal(line['amount']):,}" in lines_on_screen


def test_a_new_visitor_gets_a_fresh_page(page: Page, app: App, screenshot) -> None:
    app.record("new_visitor_view_with_server_up_s", open_planner(page, app, "/"))
    expect(page.locator(".planner-nav a")).to_have_count(4)
    screenshot(page, "planner-default")
    page.locator(".planner-nav a", has_text="Compare options").click()
    expect(page.locator(".planner-options-table table").first).to_be_visible(timeout=FIRST_VIEW_TIMEOUT_MS)


def test_bad_url_parameters_show_a_notice_not_a_traceback(page: Page, app: App) -> None:
    open_planner(page, app, "/?hosts=lots&region=%3Cb%3Ex%3C/b%3E")
    expect(page.locator(".planner-notices")).to_contain_text("not a whole number")
    expect(page.locator(".planner-notices b")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)
