"""The app as an attacker and a clumsy visitor meet it, against the real Voila server (issue 10).

What a browser cannot send (an ``execute_request``, a ``{"value": null}`` to a text box) goes over the
kernel websocket with :class:`KernelClient`; what a visitor sees is checked in Chromium. All tests share
the session's one server (conftest's ``app``); each page is fetched once per module.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

import planner
from planner._app import NOTEBOOKS_DIR, PROJECT_DIR, voila_command

from .conftest import CHROMIUM, FIRST_VIEW_TIMEOUT_MS, SERVER_SECRET, STEP_TIMEOUT_MS, App
from .kernel_client import KernelClient, by_class, get_page, kernel_id

PAGES = {
    "planner": ("/?hosts=5", "from planner import ui"),
    "options": ("/voila/render/options.ipynb", "options_app"),
    "renewals": ("/voila/render/renewals.ipynb", "renewals_app"),
    "catalog": ("/voila/render/catalog.ipynb", "catalog_app"),
    "explore": ("/voila/render/explore.ipynb", "explore.summary"),
}

#: What must never reach a browser: a traceback, a source location, where the server's files are.
LEAKS = re.compile(
    r"Traceback|File \"|site-packages|\.py\b|TraitError|" + re.escape(str(PROJECT_DIR)) + "|" + SERVER_SECRET[1]
)

#: Raw values an attacker sends to any widget's ``value`` / ``index``: wrong types, out of range, huge.
#: (Very long text is in tests/bad_inputs/app.json: each accepted text re-prices and redraws the page.)
HOSTILE_VALUES: list[Any] = [None, 999, -1, "garbage", {"year": "x"}, [1, 2], 1e308, True]
HOSTILE_INDEXES: list[Any] = [999, -1, None, "x", [0, 99], 2**70]
#: Messages that are not even widget updates.
MALFORMED: list[dict[str, Any]] = [
    {"method": "update"},
    {"method": "update", "state": "not a dict"},
    {"method": "custom", "content": {"event": "click", "extra": [1] * 50}},
    {"nomethod": 1},
    {"method": "no-such-method"},
]


@pytest.fixture(scope="module")
def pages(app: App) -> dict[str, str]:
    """Each page's HTML, fetched once (every GET starts a kernel and runs the notebook)."""
    return {name: get_page(app.url + path) for name, (path, _) in PAGES.items()}


@pytest.fixture
def client(app: App, pages: dict[str, str]) -> Iterator[Any]:
    opened: list[KernelClient] = []

    def connect(page: str) -> KernelClient:
        opened.append(KernelClient(app.url, kernel_id(pages[page])))
        return opened[-1]

    yield connect
    for each in opened:
        each.close()


def _status(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode("utf-8", "replace")


# -- what the server serves ----------------------------------------------------------------------------------
def test_pages_carry_no_notebook_source_and_no_server_environment(pages: dict[str, str]) -> None:
    for name, html in pages.items():
        source = PAGES[name][1]
        assert "kernelId" in html, name  # a real page, with its widgets
        assert source not in html, f"{name}: notebook source {source!r} is in the page"
        assert SERVER_SECRET[1] not in html and SERVER_SECRET[0] not in html, name
        assert "Traceback" not in html and str(PROJECT_DIR) not in html, name


def test_template_and_theme_overrides_from_the_url_are_refused(app: App, pages: dict[str, str]) -> None:
    html = get_page(app.url + "/voila/render/planner.ipynb?voila-template=classic&voila-theme=dark")
    served = set(re.findall(r"templates/([a-z_-]+)/", pages["planner"]))  # the app's own template
    assert served and set(re.findall(r"templates/([a-z_-]+)/", html)) == served
    assert "templates/classic" not in html
    assert "theme-dark" not in html and "theme-light" in html


REPOSITORY_FILES = {
    "pyproject.toml": "secmaster-planner",
    "planner/_money.py": "def ",
    "data/intl-usd/catalog.toml": "[",
    ".git": "gitdir",
}


@pytest.mark.parametrize(
    "path",
    [
        "/{f}",
        "/files/{f}",
        "/voila/files/{f}",
        "/voila/files/../{f}",
        "/voila/files/%2e%2e/{f}",
        "/voila/static/../../{f}",
        "/voila/templates/lab/static/../../../../../{f}",
        "/voila/render/../{f}",
        "/voila/tree/../{f}",
        "/api/contents/{f}",
    ],
)
def test_repository_files_are_not_served(app: App, path: str) -> None:
    for file, content in REPOSITORY_FILES.items():
        assert (PROJECT_DIR / file).exists(), file
        url = app.url + path.format(f=file)
        request = urllib.request.Request(url)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # follows redirects
                body = answer.read().decode("utf-8", "replace")
                assert (PROJECT_DIR / file).is_dir() or (PROJECT_DIR / file).read_text()[:200] not in body, url
                assert content not in body or "<html" in body, url
        except urllib.error.HTTPError as refused:
            assert refused.code in {400, 403, 404, 405, 500}, url
            body = refused.read().decode("utf-8", "replace")
        assert not LEAKS.search(body), url


def test_no_kernel_listing_for_visitors(app: App) -> None:
    # a list of kernel ids would let one visitor open another's websocket
    for path in ("/api/kernels", "/api/sessions", "/api/kernelspecs"):
        assert _status(app.url + path)[0] in {403, 404}, path


# -- what the kernel websocket accepts -------------------------------------------------------------------------
def test_execute_request_over_the_websocket_is_refused(client: Any, tmp_path: Path) -> None:
    proof = tmp_path / "executed"
    kernel = client("planner")
    kernel.send(
        "execute_request",
        {
            "code": f"open({str(proof)!r}, 'w').write('x')",
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
        },
    )
    # the shell channel is handled in order: once this is answered, the execute_request was dropped or run
    assert kernel.widget_states()
    assert not proof.exists(), "the kernel ran code sent by a visitor"
    replies = [json.loads(m) for m in kernel.received]
    assert not [m for m in replies if m.get("msg_type") == "execute_reply"]


def _hostile_messages(states: dict[str, dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for comm_id, state in states.items():
        if "index" in state:
            for index in HOSTILE_INDEXES:
                yield comm_id, {"method": "update", "state": {"index": index}, "buffer_paths": []}
        if "value" in state:
            for value in HOSTILE_VALUES:
                yield comm_id, {"method": "update", "state": {"value": value}, "buffer_paths": []}
    some_input = next(c for c, s in states.items() if "value" in s or "index" in s)
    for data in MALFORMED:
        yield some_input, data
    yield "no-such-comm", {"method": "update", "state": {"value": 1}}


@pytest.mark.parametrize("name", list(PAGES))
def test_raw_widget_messages_are_refused_without_a_traceback(client: Any, name: str) -> None:
    kernel = client(name)
    states = kernel.widget_states()
    sent = 0
    last = ""
    for comm_id, data in _hostile_messages(states):
        last = kernel.comm(comm_id, data)
        sent += 1
    kernel.send("comm_open", {"comm_id": "c0ffee", "target_name": "jupyter.widget", "data": {"state": None}})
    kernel.send("comm_open", {"comm_id": "c0ffef", "target_name": "no.such.target", "data": {}})
    last = kernel.send("comm_info_request", {"target_name": "jupyter.widget"})
    kernel.idle_after(last, timeout=240)

    received = [json.loads(m) for m in kernel.received]
    errors = [m for m in received if m.get("msg_type") == "error"]
    assert errors, "no message was refused: the hostile values did not reach the widgets"
    for error in errors:
        assert error["content"]["traceback"] == [] and error["content"]["ename"] == "RefusedMessage"
    leaked = [m for m in kernel.received if LEAKS.search(m)]
    assert not leaked, f"{name}: {len(leaked)} of {len(kernel.received)} answers leak, e.g. {leaked[0][:400]}"
    assert sent >= 5 * len(MALFORMED)
    # the kernel still answers, with the widgets it had
    assert set(kernel.widget_states()) >= set(states)


def test_planner_page_keeps_working_after_raw_messages(page: Page, app: App) -> None:
    page.goto(app.url + "/?region=cn-north-4&hosts=20&quota=20&action=purchase", wait_until="domcontentloaded")
    expect(page.locator(".planner-total")).to_contain_text("Due now", timeout=FIRST_VIEW_TIMEOUT_MS)
    kernel = KernelClient(app.url, kernel_id(page.content()))
    try:
        states = kernel.widget_states()
        hosts, region, when = (by_class(states, f"planner-{n}") for n in ("hosts", "region", "on"))
        sent = [(hosts, {"value": None}), (region, {"index": 999}), (region, {"index": None}), (when, {"value": "x"})]
        for comm_id, state in sent:
            kernel.idle_after(kernel.update(comm_id, state))
        assert not [m for m in kernel.received if LEAKS.search(m)]
    finally:
        kernel.close()
    # No choice is not a choice: the dropdown still shows the region the page prices.
    expect(page.locator(".planner-region select")).to_have_value(re.compile(r"\(cn-north-4\)$"))
    # One change at a time, each waited for: the quota is typed once the page has answered the hosts.
    page.locator(".planner-hosts input").fill("30")
    page.locator(".planner-hosts input").press("Enter")
    expect(page.get_by_text("must cover all 30 hosts").first).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.locator(".planner-quota input").fill("30")
    page.locator(".planner-quota input").press("Enter")
    expect(page.locator(".planner-note-hosts")).to_have_text("", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-total")).to_contain_text("Due now", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-quote")).to_contain_text("30 quota", timeout=STEP_TIMEOUT_MS)
    expect(page.get_by_text("Traceback")).to_have_count(0)


# -- what a visitor types and sees -----------------------------------------------------------------------------
MARKUP = '<img src=x class="planner-injected" onerror="window.plannerInjected=1"><b class="planner-injected">b</b>'


@pytest.mark.parametrize("path", ["/?region=cn-north-4&hosts=20", "/voila/render/options.ipynb"])
def test_markup_typed_into_every_text_field_is_shown_escaped(page: Page, app: App, path: str) -> None:
    page.goto(app.url + path, wait_until="domcontentloaded")
    boxes = page.locator(".widget-text input, .widget-textarea textarea")
    expect(boxes.first).to_be_visible(timeout=FIRST_VIEW_TIMEOUT_MS)
    count = boxes.count()
    assert count >= 1
    for i in range(count):
        box = boxes.nth(i)
        if not box.is_visible() or not box.is_enabled():
            continue
        box.fill(MARKUP)
        box.press("Enter")
    # a round trip after the last one: the notes under the fields have been redrawn
    expect(page.get_by_text('class="planner-injected"').first).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".planner-injected")).to_have_count(0)
    assert page.evaluate("window.plannerInjected") is None
    expect(page.get_by_text("Traceback")).to_have_count(0)


# -- ten visitors at once ----------------------------------------------------------------------------------------
VISITORS = 10


async def _visit(browser: Any, app: App, hosts: int) -> dict[str, Any]:
    from playwright.async_api import expect as expect_async

    context = await browser.new_context(viewport={"width": 1360, "height": 1000})
    try:
        page = await context.new_page()
        url = f"{app.url}/?region=cn-north-4&action=purchase&edition=professional&term=1y&hosts={hosts}&quota={hosts}"
        await page.goto(url, wait_until="domcontentloaded", timeout=FIRST_VIEW_TIMEOUT_MS * 3)
        total = page.locator(".planner-total-amount")
        await expect_async(total).to_be_visible(timeout=FIRST_VIEW_TIMEOUT_MS * 3)
        await page.locator(".planner-disclaimer input").check()
        export = page.locator("button.planner-export")
        await expect_async(export).to_be_enabled(timeout=STEP_TIMEOUT_MS * 2)
        await export.click()
        message = page.locator(".planner-message")
        await expect_async(message).to_contain_text("Order written", timeout=STEP_TIMEOUT_MS * 2)
        name = re.search(r"(SM-[\w-]+\.json)", await message.inner_text())
        assert name, await message.inner_text()
        return {"hosts": hosts, "file": name.group(1), "total": (await total.inner_text()).strip()}
    finally:
        await context.close()


async def _visitors(app: App) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        try:
            return await asyncio.gather(*(_visit(browser, app, 101 + i) for i in range(VISITORS)))
        finally:
            await browser.close()


# Voila's executor waits nbclient's iopub_timeout (4 s) for a cell's output; with ten kernels starting on two
# cores, 5 of 10 pages came up empty ("Timeout waiting for IOPub output"). With 60 s all ten exported.
IOPUB_WAIT = "--VoilaExecutor.iopub_timeout="
SERVED_WITH_IOPUB_WAIT = any(arg.startswith(IOPUB_WAIT) for arg in voila_command(8866, NOTEBOOKS_DIR))


@pytest.mark.xfail(
    not SERVED_WITH_IOPUB_WAIT,
    run=False,
    reason=f"needs {IOPUB_WAIT}60 in planner._app.voila_command (5 of 10 simultaneous pages came up empty)",
)
def test_ten_visitors_at_once_each_export_their_own_correct_order(app: App) -> None:
    # async playwright in its own thread: pytest-playwright's sync API owns this thread's event loop
    with ThreadPoolExecutor(1) as thread:
        seen = thread.submit(asyncio.run, _visitors(app)).result()
    assert len({visit["file"] for visit in seen}) == VISITORS
    catalog = planner.load_catalog()
    for visit in seen:
        path = app.orders_dir / visit["file"]
        order = json.loads(path.read_text(encoding="utf-8"))
        assert order["request"]["hosts"] == visit["hosts"], visit
        assert order["request"]["target"]["quota"] == visit["hosts"], visit
        assert f"{Decimal(order['total']):,}" == visit["total"], visit
        assert planner.verify_order(path, catalog) == [], visit
        assert path.with_suffix(".csv").exists()
    totals = {visit["hosts"]: Decimal(visit["total"].replace(",", "")) for visit in seen}
    assert sorted(totals.values()) == [totals[h] for h in sorted(totals)]  # more hosts, more to pay
