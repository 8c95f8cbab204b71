"""Issue 8's journeys in a real browser against a real Voila server: each numbered defect, as a user meets it.

Figures are never hard-coded: each expected amount or date is asked of the core with the same inputs.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import Page, expect

import planner
from planner.charts import break_evens
from planner.ui._words import option_words

from .conftest import FIRST_VIEW_TIMEOUT_MS, STEP_TIMEOUT_MS, App

README_PREFILL = "/?region=cn-north-4&hosts=120&edition=professional&quota=150&action=purchase&term=1y"
LABELS = {name: action.label for name, action in planner.ACTIONS.items()}


def open_page(page: Page, app: App, path: str, ready: str) -> None:
    page.goto(app.url + path, wait_until="domcontentloaded")  # "load" waits on an unreachable CDN font
    expect(page.locator(ready).first).to_be_visible(timeout=FIRST_VIEW_TIMEOUT_MS)
    app.first_view()


def type_into(page: Page, css: str, text: str) -> None:
    box = page.locator(f"{css} input")
    box.fill(text)
    box.press("Enter")


def assert_no_truncated_buttons(page: Page) -> None:
    cut = page.evaluate(
        "() => [...document.querySelectorAll('button')]"
        ".filter(b => b.offsetWidth > 0 && b.scrollWidth > b.clientWidth + 1).map(b => b.textContent)"
    )
    assert cut == [], f"truncated button labels: {cut}"


# -- 1. Compare options says when the hosts outgrow the largest quota ---------------------------------
def test_1_options_flag_hosts_above_the_largest_quota(page: Page, app: App, screenshot) -> None:
    open_page(page, app, "/voila/render/options.ipynb?hosts=5000&growth=3&horizon=36", ".planner-options-table table")
    found = planner.options(
        planner.load_catalog(), region="cn-north-4", hosts=5000, growth_pct=Decimal("3"), horizon_months=36
    )
    month = f"{min(o.uncovered_from for o in found if o.uncovered_from):%Y-%m}"
    expect(page.locator(".planner-options-uncovered")).to_contain_text(f"Over 10,000 hosts from {month}")
    flagged = page.locator(".planner-options-table td", has_text=f"no: over 10,000 hosts from {month}")
    expect(flagged.first).to_be_visible()
    expect(page.locator(".planner-options-chart .js-plotly-plot")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    screenshot(page, "options-over-the-largest-quota")


def test_options_read_at_a_glance(page: Page, app: App, screenshot) -> None:
    open_page(page, app, "/voila/render/options.ipynb?hosts=50", ".planner-options-table table")
    ((ppu, rival, day),) = break_evens(planner.options(planner.load_catalog(), region="cn-north-4", hosts=50))
    summary = page.locator(".planner-options-summary")
    expect(summary).to_contain_text(f"{option_words(ppu)} overtakes {option_words(rival)} in {day:%Y-%m}")
    expect(summary).to_contain_text("Cheapest paid way")
    expect(page.locator(".planner-options-table")).to_contain_text("Free edition")
    expect(page.locator(".planner-options-table summary")).to_contain_text("more options")
    chart = page.locator(".planner-options-chart .js-plotly-plot")
    expect(chart).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-options-chart")).to_contain_text("professional edition")
    expect(page.locator(".planner-options-chart")).to_contain_text("standard edition")
    screenshot(page, "options-at-a-glance")

    # 2. (options) a host count that cannot be read empties the figures: no old chart under the error
    type_into(page, ".planner-options-hosts", "12.5")
    expect(page.locator(".planner-options-errors")).to_contain_text("“12.5” is not a whole number")
    expect(chart).to_have_count(0, timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-options-table table")).to_have_count(0)


# -- 2. and 3. The planner page: chart on first load; no stale chart or export message ------------------
def test_3_the_plan_chart_has_height_on_first_load(page: Page, app: App, screenshot) -> None:
    open_page(page, app, README_PREFILL, ".planner-total")
    plot = page.locator(".planner-chart .js-plotly-plot")
    expect(plot).to_be_visible(timeout=STEP_TIMEOUT_MS)
    box = plot.bounding_box()
    assert box is not None and box["height"] > 100, box
    screenshot(page, "planner-readme-prefill")


def test_2_a_change_clears_the_old_chart_and_export_message(page: Page, app: App, screenshot) -> None:
    open_page(page, app, README_PREFILL, ".planner-total")
    expect(page.locator(".planner-chart .js-plotly-plot")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.locator(".planner-disclaimer input").check()
    page.locator("button.planner-export").click()
    expect(page.locator(".planner-message")).to_contain_text("Order written", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-message")).to_contain_text(re.compile(r"total [\d,]+\.\d\d USD"))

    type_into(page, ".planner-quota", "100")  # below the 120 hosts: no price
    expect(page.locator(".planner-total")).to_contain_text("No price", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-chart .js-plotly-plot")).to_have_count(0)
    expect(page.locator(".planner-message")).to_have_text("")
    expect(page.locator(".planner-download a")).to_have_count(0)
    assert_no_truncated_buttons(page)
    screenshot(page, "planner-no-stale-figures")


# -- 4. Inputs never change without telling the user -------------------------------------------------
def test_4_typed_numbers_forced_choices_and_emptied_dates_are_said(page: Page, app: App, screenshot) -> None:
    open_page(page, app, README_PREFILL, ".planner-total")
    for typed in ("12.5", "1e3", "abc"):
        type_into(page, ".planner-hosts", typed)
        expect(page.locator(".planner-note-hosts")).to_contain_text(f"“{typed}” is not a whole number")
        expect(page.locator(".planner-hosts input")).to_have_value(typed)  # not 125, 13 or the old 120
        expect(page.locator(".planner-total")).to_contain_text("No price")
    expect(page.locator(".planner-hosts.planner-invalid")).to_have_count(1)
    expect(page.locator(".planner-errors")).to_contain_text("hosts.invalid")
    expect(page.locator(".planner-errors")).to_contain_text("Hosts to cover")
    screenshot(page, "planner-error-beside-the-field")
    type_into(page, ".planner-hosts", "120")
    expect(page.locator(".planner-total")).to_contain_text("Due now", timeout=STEP_TIMEOUT_MS)

    page.locator(".planner-edition select").select_option(label="Standard")
    region = page.locator(".planner-region select")
    region.select_option(label=next(t for t in region.locator("option").all_inner_texts() if "(ae-ad-1)" in t))
    expect(page.locator(".planner-note-edition")).to_contain_text("changed from Standard to Professional")
    expect(page.locator(".planner-note-billing-mode")).to_contain_text("changed from Yearly/monthly to Pay-per-use")
    screenshot(page, "planner-choice-changed-for-the-region")

    date_box = page.locator(".planner-on input")
    date_box.fill("")
    date_box.blur()
    expect(page.locator(".planner-note-on")).to_contain_text("Enter a date", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-total")).to_contain_text("No price")


# -- 5. An unsubscribe shows a refund and its parts ---------------------------------------------------
def test_5_an_unsubscribe_shows_the_refund_and_its_parts(page: Page, app: App, screenshot) -> None:
    open_page(page, app, "/?region=cn-north-4&hosts=50&action=unsubscribe&current_edition=standard", ".planner-total")
    paid = page.locator(".planner-current-paid input")
    paid.fill("33000")
    paid.press("Enter")
    headline = page.locator(".planner-total-line")
    expect(headline).to_contain_text(re.compile(r"^Refund: [\d,]+\.\d\d USD$"), timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-total")).not_to_contain_text(re.compile(r"-[\d,]+\.\d\d"))  # no negative due
    table = page.locator(".planner-refund")
    for words in ("Paid", "33,000.00 USD", "ordered hours", "Used amount", "Handling fee rate", "year 1 of use"):
        expect(table).to_contain_text(words)
    expect(page.locator(".planner-total")).not_to_contain_text("full_refund")
    screenshot(page, "planner-unsubscribe-refund")


# -- 7. Change of billing mode starts valid; a renewal without auto-renew has no charge date --------
def test_7_change_billing_mode_starts_valid_and_renewal_has_no_auto_renew_charge(page: Page, app: App) -> None:
    open_page(page, app, "/", ".planner-total")
    page.locator(".planner-action select").select_option(label=LABELS["change_billing_mode"])
    expect(page.locator(".planner-current-billing-mode select")).to_have_value("Pay-per-use", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-errors")).to_have_text("")
    expect(page.locator(".planner-total")).to_contain_text("Due now")

    page.locator(".planner-action select").select_option(label=LABELS["renew"])
    expect(page.locator(".planner-total")).to_contain_text("expires", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-total")).not_to_contain_text("auto-renew")


def upload(page: Page, name: str, content: bytes) -> None:
    # The FileUpload button opens a chooser from an input it never puts in the page.
    with page.expect_file_chooser() as chooser:
        page.locator("button.planner-renewals-upload").click()
    chooser.value.set_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])


# -- 6. and 2. Renewals: what the orders carry; a bad upload leaves nothing of the last file ------------
def test_6_renewals_show_what_the_orders_carry_and_a_bad_upload_clears(page: Page, app: App, screenshot) -> None:
    open_page(page, app, "/voila/render/renewals.ipynb", ".planner-renewals-timeline .js-plotly-plot")
    today = planner.load_catalog().today()
    late_start, late_end = planner.add_months(today - timedelta(days=5), -1), today - timedelta(days=5)
    csv = (
        "name,region,edition,billing_mode,quota,hosts,term,start,expires,auto_renew\n"
        f"crowded,cn-north-4,standard,yearly_monthly,10,40,1y,{today - timedelta(days=30)},"
        f"{planner.add_months(today - timedelta(days=30), 12)},false\n"
        f"late,cn-north-4,standard,yearly_monthly,10,10,1m,{late_start},{late_end},true\n"
        f"<b>odd</b>,cn-north-4,platinum,yearly_monthly,10,10,1y,{today},{planner.add_months(today, 12)},maybe\n"
    )
    upload(page, "mine.csv", csv.encode())
    banner = page.locator(".planner-renewals-banner")
    expect(banner).to_contain_text("2 of the renewal orders need attention", timeout=STEP_TIMEOUT_MS)
    expect(banner).to_contain_text("crowded")
    expect(banner).to_contain_text("grace period")
    expect(banner).to_contain_text("Illustrative figures behind the total")
    expect(page.locator(".planner-renewals-table")).to_contain_text("must cover all 40 hosts")
    errors = page.locator(".planner-renewals-errors")
    expect(errors).to_contain_text("column edition")
    expect(errors).to_contain_text("column auto_renew: “maybe” is not true or false")
    expect(errors).to_contain_text("<b>odd</b>")  # shown as text
    expect(page.locator(".planner-renewals-timeline")).to_contain_text("late")
    expect(page.locator(".planner-renewals-timeline")).to_contain_text("<b>odd</b> · cn-north-4")  # as text
    assert_no_truncated_buttons(page)
    screenshot(page, "renewals-what-the-orders-carry")

    upload(page, "bad.csv", b"region,edition\nx,y\n")
    expect(errors).to_contain_text("missing columns", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-renewals-timeline .js-plotly-plot")).to_have_count(0)
    expect(page.locator(".planner-renewals-costs .js-plotly-plot")).to_have_count(0)
    expect(page.locator(".planner-renewals-table")).to_have_text("")
    screenshot(page, "renewals-bad-upload")


# -- The catalog page, for a person ---------------------------------------------------------------------
def test_the_catalog_page_for_a_person(page: Page, app: App, screenshot) -> None:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if "setData" in message.text else None)
    open_page(page, app, "/", ".planner-total")
    page.locator(".planner-nav a", has_text="Catalog").click()
    prices = page.locator(".planner-catalog-prices table")
    expect(prices).to_be_visible(timeout=FIRST_VIEW_TIMEOUT_MS)
    expect(prices).to_contain_text("Professional edition")
    expect(prices).to_contain_text("22 USD")
    expect(prices).to_contain_text("per quota per month")
    expect(prices.locator("a[href^='https://support.huaweicloud.com']").first).to_be_visible()
    expect(prices).to_contain_text("illustrative ✱")
    expect(page.locator(".planner-catalog-chart .js-plotly-plot")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-catalog-chart")).to_contain_text("ae-ad-1")

    region = page.locator(".planner-catalog-region select")
    region.select_option(label=next(t for t in region.locator("option").all_inner_texts() if "(ae-ad-1)" in t))
    own = planner.load_catalog().price("ae-ad-1", "professional", "pay_per_use")
    assert own is not None and own.region == "ae-ad-1"
    expect(prices).to_contain_text(f"{own.price} USD", timeout=STEP_TIMEOUT_MS)
    expect(prices).to_contain_text("this region's own price")
    expect(page.locator(".planner-catalog-prices")).to_contain_text("Not sold in AE-Abu Dhabi")
    screenshot(page, "catalog-ae-ad-1")
    assert problems == []
