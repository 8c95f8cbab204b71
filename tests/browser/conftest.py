"""A real Voila server for the browser journeys, and Debian's chromium for pytest-playwright.

The server is started once per session on a free port (as ``planner app`` would start it), with its
exports going to a temporary folder; it is stopped with SIGTERM and its process group killed after.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from planner._app import (
    CHROMIUM,
    CHROMIUM_ARGS,
    NOTEBOOKS_DIR,
    PROJECT_DIR,
    BackgroundApp,
    app_environment,
    free_port,
    voila_command,
)

OUTPUT_DIR = PROJECT_DIR / "test-output"
FIRST_VIEW_TIMEOUT_MS = 120_000  # a kernel start + notebook run on a busy 2-core machine
STEP_TIMEOUT_MS = 30_000
#: Set in the server's environment (so in every kernel's): no page or websocket message may show it.
SERVER_SECRET = ("PLANNER_TEST_SERVER_SECRET", "marker-7f3c1e0a-not-for-browsers")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(reason=f"no browser at {CHROMIUM}"))


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    return {
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1360, "height": 1000}, "accept_downloads": True}


@dataclass
class App:
    """The running server: its address, where its exports go, and when it was started."""

    url: str
    orders_dir: Path
    started: float
    timings: dict[str, float] = field(default_factory=dict)
    viewed: bool = False

    def first_view(self) -> None:
        """Call when a page is interactive: the session's first call records server start → first view."""
        if not self.viewed:
            self.viewed = True
            self.record("server_start_to_first_interactive_view_s", time.monotonic() - self.started)

    def record(self, name: str, seconds: float) -> None:
        self.timings[name] = round(seconds, 2)
        OUTPUT_DIR.mkdir(exist_ok=True)
        (OUTPUT_DIR / "timings.json").write_text(json.dumps(self.timings, indent=2) + "\n")


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    OUTPUT_DIR.mkdir(exist_ok=True)
    orders = tmp_path_factory.mktemp("orders")
    port = free_port()
    env = app_environment({**os.environ, "PLANNER_ORDERS_DIR": str(orders), SERVER_SECRET[0]: SERVER_SECRET[1]})
    with (OUTPUT_DIR / "voila.log").open("w") as log:
        server = BackgroundApp(voila_command(port, NOTEBOOKS_DIR), port=port, env=env, log=log)
        try:
            yield App(url=server.url, orders_dir=orders, started=server.started)
        finally:
            server.stop()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves a full-page PNG into test-output/."""

    def save(page, name: str) -> Path:
        OUTPUT_DIR.mkdir(exist_ok=True)
        path = OUTPUT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
