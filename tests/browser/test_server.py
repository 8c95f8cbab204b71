"""The server the app runs in: pre-fill on a preheated kernel, kernels freed with their tab, loopback only.

Against the session's real Voila server (``planner app``'s command); kernels are observed through Voila's
``/api/kernels/<id>`` (200 while the kernel lives, 404 once it is shut down) and its log.
"""

from __future__ import annotations

import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from planner._app import NOTEBOOKS_DIR, PROJECT_DIR, BackgroundApp, app_environment, free_port, voila_command

from .conftest import FIRST_VIEW_TIMEOUT_MS, OUTPUT_DIR, App
from .test_planner_page import PREFILL, open_planner

FREED_WITHIN_S = 30
GOODBYE_WITHIN_S = 10  # well under the cull's 20 s: only the goodbye post can free it this fast


def kernel_of(page: Page) -> str:
    return page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def status(app: App, path: str, *, host: str | None = None) -> int:
    request = urllib.request.Request(app.url + path, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def kernel_alive(app: App, kernel_id: str) -> bool:
    code = status(app, f"/api/kernels/{kernel_id}")
    assert code in (200, 404), code
    return code == 200


def wait_until_gone(app: App, kernel_id: str, *, within: float) -> float:
    began = time.monotonic()
    while kernel_alive(app, kernel_id):
        assert time.monotonic() - began < within, f"kernel {kernel_id} still alive after {within} s"
        time.sleep(0.5)
    return time.monotonic() - began


def voila_log() -> str:
    return (OUTPUT_DIR / "voila.log").read_text(errors="replace")


def wait_for_planner_pool() -> None:
    deadline = time.monotonic() + FIRST_VIEW_TIMEOUT_MS / 1000
    while "Kernel pool of planner.ipynb is filled" not in voila_log():
        assert time.monotonic() < deadline, "the planner's kernel pool never filled"
        time.sleep(0.2)


def test_the_url_prefills_a_preheated_kernel(page: Page, app: App) -> None:
    wait_for_planner_pool()
    open_planner(page, app, PREFILL.replace("hosts=120", "hosts=130"))

    kernel_id = kernel_of(page)
    assert f"Using pre-heated kernel: {kernel_id} for planner.ipynb" in voila_log()
    expect(page.locator(".planner-hosts input")).to_have_value("130")
    expect(page.locator(".planner-quota input")).to_have_value("150")
    expect(page.locator(".planner-edition select")).to_have_value("Professional")
    expect(page.locator(".planner-term select")).to_have_value("1 year")


def test_the_planners_pool_warms_first_then_the_other_pages(app: App) -> None:
    """At start the landing page's kernels warm alone; the other pages' pools start once they wait for a
    visitor (not the fallback timer), and explore.ipynb (JupyterLab only) keeps none."""
    wait_for_planner_pool()
    deadline = time.monotonic() + FIRST_VIEW_TIMEOUT_MS / 1000
    pages = ("options.ipynb", "renewals.ipynb", "catalog.ipynb")
    while not all(f"Kernel pool of {name} is filled" in voila_log() for name in pages):
        assert time.monotonic() < deadline, "the other pages' pools never filled"
        time.sleep(0.2)
    log = voila_log()
    started = log.index("Kernel pools of the other pages started: the planner's kernels wait for visitors")
    assert log.index("Kernel pool of planner.ipynb is filled") < started
    assert all(log.index(f"Kernel pool of {name} is filled") > started for name in pages)
    assert "Kernel pool of explore.ipynb is filled" not in log


@pytest.mark.parametrize("goodbye", [True, False], ids=["tab closed", "tab crashed (no goodbye)"])
def test_a_closed_tabs_kernel_goes_away(page: Page, app: App, goodbye: bool) -> None:
    open_planner(page, app, "/")
    kernel_id = kernel_of(page)
    assert kernel_alive(app, kernel_id)

    page.close(run_before_unload=goodbye)

    # With the goodbye (Voila's page posts it on unload) the kernel goes at once; without, the cull finds it.
    took = wait_until_gone(app, kernel_id, within=GOODBYE_WITHIN_S if goodbye else FREED_WITHIN_S)
    app.record(f"kernel_freed_after_{'close' if goodbye else 'crash'}_s", took)


def test_only_loopback_hosts_and_same_origin_websockets(page: Page, app: App) -> None:
    open_planner(page, app, "/")
    kernel_id = kernel_of(page)
    port = app.url.rsplit(":", 1)[1]

    # DNS rebinding: the page of another name that resolves to 127.0.0.1 is refused, kernel or not.
    assert status(app, "/", host=f"rebind.attacker.example:{port}") == 403
    assert status(app, f"/api/kernels/{kernel_id}", host=f"rebind.attacker.example:{port}") == 403
    assert status(app, f"/api/kernels/{kernel_id}", host=f"localhost:{port}") == 200

    # The kernel's websocket: another site's page (foreign Origin), or a rebound name (foreign Host).
    channels = f"/api/kernels/{kernel_id}/channels"
    for host, origin in (("127.0.0.1", "http://evil.example"), ("rebind.attacker.example", None)):
        with (
            pytest.raises(InvalidStatus) as refused,
            websocket(port, host, channels, origin or f"http://{host}:{port}"),
        ):
            pass
        assert refused.value.response.status_code == 403, (host, origin)
    with websocket(port, "127.0.0.1", channels, app.url):  # the page's own origin is served
        pass

    # Voila's query-string socket for preheated kernels (a plain tornado socket) checks the Host too.
    with (
        pytest.raises(InvalidStatus) as refused,
        websocket(port, "rebind.attacker.example", f"/voila/query/{kernel_id}", None),
    ):
        pass
    assert refused.value.response.status_code == 403


def websocket(port: str, host: str, path: str, origin: str | None) -> ClientConnection:
    """A websocket to the server on 127.0.0.1 whatever ``host`` says (as a rebound DNS name would be)."""
    sock = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    headers = {"Origin": origin} if origin else {}
    return connect(f"ws://{host}:{port}{path}", sock=sock, additional_headers=headers, open_timeout=10)


@pytest.fixture(scope="module")
def capped_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """A second server, started as ``planner app`` would be, that allows one visitor's kernel."""
    port = free_port()
    env = app_environment(
        {**os.environ, "PLANNER_MAX_KERNELS": "1", "PLANNER_ORDERS_DIR": str(tmp_path_factory.mktemp("o"))}
    )
    with (OUTPUT_DIR / "voila-capped.log").open("w") as log:
        server = BackgroundApp(voila_command(port, NOTEBOOKS_DIR), port=port, env=env, log=log)
        try:
            # viewed: its views are not the session's timings (test-output/timings.json belongs to `app`)
            yield App(url=server.url, orders_dir=PROJECT_DIR, started=server.started, viewed=True)
        finally:
            server.stop()


def test_past_the_cap_a_visitor_is_asked_to_come_back(page: Page, capped_app: App, screenshot) -> None:
    open_planner(page, capped_app, "/")  # the one visitor the server allows

    answer = page.context.new_page().goto(capped_app.url + "/voila/render/options.ipynb")
    assert answer is not None and answer.status == 503
    assert answer.headers["retry-after"] == "60"
    busy = answer.frame.page
    expect(busy.locator("h1")).to_have_text("Busy, try again in a minute")
    screenshot(busy, "busy")
