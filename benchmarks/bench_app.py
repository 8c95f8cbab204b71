"""How fast the app answers: a real server started the README's way, driven by headless Debian chromium.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_app.py [--quick]``). Prints one table and writes
it into ``benchmarks/results.md`` between the ``bench_app`` markers (other benchmarks keep their sections).
Asserts nothing: the targets are in the table for a reader to compare. Rows:

- per page, time to interactive (its figure drawn) for new visitors (a fresh browser context each, empty
  cache) on a warm server: median, min and max; visitors arrive once the page's kernel pool has refilled;
- the first view after ``planner app`` starts (the planner page, until its figure);
- one change on the planner page (quota → rule shown), median of several;
- bytes per page load: HTTP responses (headers + bodies) and websocket frames received;
- kernels alive and the server's memory (Voila and its kernels, RSS) 30 s after 50 visits whose tabs were
  closed (one in five closed without a goodbye, as a crashed tab would);
- the soak: loads of ``/`` in a row, each to be interactive within 10 s;
- ``import planner`` and a ``planner quote`` process (subprocess wall time), one quote in-process.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
from playwright.sync_api import Browser, Page, expect, sync_playwright
from rich.console import Console
from rich.table import Table

from planner._app import CHROMIUM, CHROMIUM_ARGS, BackgroundApp, free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results.md"
BEGIN, END = "<!-- bench_app: begin -->", "<!-- bench_app: end -->"
LOAD_TIMEOUT_MS = 120_000
#: After a pool has its kernel back, the time a refilled kernel needs to run its notebook up to the wait.
SETTLE_S = 5


@dataclass(frozen=True)
class PageSpec:
    name: str
    path: str
    notebook: str
    ready: tuple[str, ...]  # selectors that are all visible once the page is interactive
    goal_s: float = 2.0


PAGES = (
    PageSpec(
        "Plan an order (total + chart)",
        "/?region=cn-north-4&hosts=120&edition=professional&quota=150&action=purchase&term=1y",
        "planner.ipynb",
        (".planner-total-amount", ".planner-chart .js-plotly-plot"),
    ),
    PageSpec(
        "Compare options (ranking + chart)",
        "/voila/render/options.ipynb?hosts=50",
        "options.ipynb",
        (".planner-options-table table", ".planner-options-chart .js-plotly-plot"),
    ),
    PageSpec(
        "Renewals (total + timeline)",
        "/voila/render/renewals.ipynb",
        "renewals.ipynb",
        (".planner-renewals-amount", ".planner-renewals-timeline .js-plotly-plot"),
    ),
    PageSpec(
        "Catalog (price table + chart)",
        "/voila/render/catalog.ipynb",
        "catalog.ipynb",
        (".planner-catalog-prices table", ".planner-catalog-chart .js-plotly-plot", ".planner-nav a"),
    ),
)


class Server:
    """``planner app`` on a free port (as ``make app`` starts it), its log, its processes."""

    def __init__(self, orders: Path) -> None:
        self.log_path = ROOT / "test-output" / "bench-voila.log"
        self.log_path.parent.mkdir(exist_ok=True)
        self._log = self.log_path.open("w")
        port = free_port()
        env = {**os.environ, "PORT": str(port), "PLANNER_ORDERS_DIR": str(orders)}
        self.app = BackgroundApp([str(BIN / "planner"), "app"], port=port, env=env, log=self._log)
        self.url, self.started, self.process = self.app.url, self.app.started, self.app.process

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def pool_fills(self, notebook: str) -> int:
        return self.log().count(f"Kernel pool of {notebook} is filled")

    def wait_for_pool(self, notebook: str, fills: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.pool_fills(notebook) < fills and time.monotonic() < deadline:
            time.sleep(0.2)

    def processes(self) -> list[psutil.Process]:
        root = psutil.Process(self.process.pid)
        return [root, *root.children(recursive=True)]

    def kernels(self) -> int:
        return sum(1 for p in self.processes() if "ipykernel" in " ".join(p.cmdline()))

    def rss_mb(self) -> float:
        total = 0
        for proc in self.processes():
            with contextlib.suppress(psutil.Error):
                total += proc.memory_info().rss
        return total / 2**20

    def stop(self) -> None:
        self.app.stop()
        self._log.close()


@dataclass
class Visit:
    seconds: float
    http_bytes: int
    ws_bytes: int
    page: Page


@contextlib.contextmanager
def visit(browser: Browser, server: Server, spec: PageSpec, *, timeout_ms: int = LOAD_TIMEOUT_MS) -> Iterator[Visit]:
    """A new visitor (fresh context, empty cache) opening ``spec``; yields once the page is interactive."""
    context = browser.new_context(viewport={"width": 1360, "height": 1000})
    page = context.new_page()
    sizes: list[int] = [0, 0]

    def finished(request) -> None:
        with contextlib.suppress(Exception):
            s = request.sizes()
            sizes[0] += s["responseBodySize"] + s["responseHeadersSize"]

    page.on("requestfinished", finished)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda data: sizes.__setitem__(1, sizes[1] + len(data))))
    began = time.monotonic()
    try:
        page.goto(server.url + spec.path, wait_until="domcontentloaded")
        for selector in spec.ready:
            expect(page.locator(selector).first).to_be_visible(timeout=timeout_ms)
        result = Visit(time.monotonic() - began, 0, 0, page)
        page.wait_for_timeout(300)  # let the last responses finish so their sizes count
        result.http_bytes, result.ws_bytes = sizes
        yield result
    finally:
        with contextlib.suppress(Exception):
            page.close(run_before_unload=True)
        context.close()


def change_round_trips(page: Page, repeats: int) -> list[float]:
    """Quota below the hosts (rule shown), then back (price shown): one timing per change."""
    quota = page.locator(".planner-quota input")
    errors = page.locator(".planner-errors")
    times = []
    for i in range(repeats):
        low = i % 2 == 0
        quota.fill("100" if low else "150")
        began = time.monotonic()
        quota.press("Enter")
        if low:
            expect(errors).to_contain_text("quota.below_hosts", timeout=30_000)
        else:
            expect(errors).to_have_text("", timeout=30_000)
        times.append(time.monotonic() - began)
    return times


def process_seconds(command: list[str], repeats: int = 5) -> list[float]:
    times = []
    for _ in range(repeats):
        began = time.monotonic()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        times.append(time.monotonic() - began)
    return times


def in_process_quote_ms(repeats: int = 200) -> float:
    import json

    import planner

    request = json.loads((ROOT / "examples" / "seed-upgrade.json").read_text())
    catalog = planner.load_catalog()
    planner.quote(request, catalog)
    began = time.perf_counter()
    for _ in range(repeats):
        planner.quote(request, catalog)
    return (time.perf_counter() - began) / repeats * 1000


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def run(visitors: int, closed_visits: int, soak: int, changes: int, note: Callable[[str], None]) -> list[tuple]:
    rows: list[tuple] = []
    orders = ROOT / "test-output" / "bench-orders"
    orders.mkdir(parents=True, exist_ok=True)
    server = Server(orders)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            plan = PAGES[0]
            with visit(browser, server, plan):
                first_view = time.monotonic() - server.started
            rows.append(("first view after `planner app` (plan, until its figure)", f"{first_view:.2f} s", "≤ 8 s"))
            note(f"first view {first_view:.2f} s")

            for spec in PAGES:
                times, http, ws = [], [], []
                for i in range(visitors):
                    fills = server.pool_fills(spec.notebook)
                    server.wait_for_pool(spec.notebook, fills if fills else 1)
                    time.sleep(SETTLE_S)
                    with visit(browser, server, spec) as v:
                        times.append(v.seconds)
                        http.append(v.http_bytes)
                        ws.append(v.ws_bytes)
                        if spec is plan and i == 0:
                            round_trips = change_round_trips(v.page, changes)
                    server.wait_for_pool(spec.notebook, fills + 1)
                rows.append((f"{spec.name}: time to interactive, s", spread(times), f"≤ {spec.goal_s:g} s, none > 4 s"))
                rows.append(
                    (
                        f"{spec.name}: bytes per load",
                        f"HTTP {statistics.median(http) / 1e6:.2f} MB + websocket {statistics.median(ws) / 1e3:.0f} kB",
                        "as small as it goes",
                    )
                )
                note(f"{spec.name}: {spread(times)}")
                if spec is plan:
                    rows.append(("one change on Plan (quota → rule shown), s", spread(round_trips), "≤ 0.1 s"))

            before = server.kernels()
            for i in range(closed_visits):
                with visit(browser, server, plan) as v:
                    if i % 5 == 4:  # a crashed tab: no goodbye; the cull must find it
                        v.page.close(run_before_unload=False)
            time.sleep(30)
            rows.append(
                (
                    f"after {closed_visits} visits, tabs closed, +30 s: kernels alive / server RSS",
                    f"{server.kernels()} kernels (pool is 5; {before} before) / {server.rss_mb():.0f} MB",
                    "≤ pool + 1",
                )
            )
            note(rows[-1][1])

            slow, worst, failed = 0, 0.0, 0
            for _ in range(soak):
                try:
                    with visit(browser, server, plan, timeout_ms=60_000) as v:
                        worst = max(worst, v.seconds)
                        slow += v.seconds > 10
                except AssertionError:
                    failed += 1
            rows.append(
                (
                    f"soak: {soak} loads of / in a row",
                    f"{soak - slow - failed}/{soak} interactive ≤ 10 s; slowest {worst:.2f} s; "
                    f"{failed} not interactive within 60 s",
                    "all ≤ 10 s",
                )
            )
            note(rows[-1][1])
            browser.close()
    finally:
        started = len(re.findall(r"Kernel started", server.log()))
        server.stop()
    note(f"kernels started in all: {started}")
    python = str(BIN / "python")
    rows.append(
        ("`import planner` (process), s", spread(process_seconds([python, "-c", "import planner"])), "≤ 0.15 s")
    )
    rows.append(
        (
            "`planner quote examples/seed-upgrade.json` (process), s",
            spread(process_seconds([str(BIN / "planner"), "quote", "examples/seed-upgrade.json"])),
            "≤ 0.3 s",
        )
    )
    rows.append(("one quote in-process (seed upgrade), ms", f"{in_process_quote_ms():.2f}", "—"))
    return rows


def write_results(table_md: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    section = f"{BEGIN}\n{table_md}\n{END}"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 visitors, 5 closed visits, a 5-load soak")
    args = parser.parse_args()
    counts = (2, 5, 5, 4) if args.quick else (5, 50, 100, 10)
    console = Console()
    rows = run(*counts, note=lambda text: console.print(f"[dim]{text}[/dim]"))
    machine = (
        f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, Debian chromium; "
        f"load average at the end {os.getloadavg()[0]:.1f}"
    )
    title = f"The app (bench_app.py, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})"
    table = Table(title=title, caption=machine)
    for column in ("measure", "result: median (min–max)", "goal"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    lines = [
        f"### {title}",
        "",
        f"Machine: {machine}. The benchmark does not control other work on the machine: see the load average.",
        "",
        "| measure | result: median (min–max) | goal |",
        "|---|---|---|",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
    ]
    write_results("\n".join(lines))


if __name__ == "__main__":
    main()
