"""The Voila server the app runs in: preheated kernels, kernels freed when tabs close, a cap, loopback only.

Runs inside the ``voila`` process that :func:`planner._app.serve` starts (``python -m planner._app``); it
imports Voila and Jupyter Server, so nothing else in the planner imports it. What it adds to Voila as it
ships (see the README's "Performance" section and RECIPES "Serving the app"):

- **Preheated kernels**: each notebook has a pool of kernels that have already imported everything and
  done all the work that does not depend on the visitor; they then wait on Voila's query socket for a
  visitor's query string (:mod:`planner.ui._visitor`). The planner at ``/`` takes its kernels from
  ``planner.ipynb``'s pool (the pool is keyed by notebook path, and ``/`` serves that path).
- **Kernels freed**: Voila's page posts to ``/voila/api/shutdown/<kernel>`` when it unloads (it needs the
  ``_xsrf`` cookie, which Voila's page handler never set: set here); a tab that could not say goodbye
  (crash, lost network) loses its kernel ``LEFT_TAB_SECONDS`` after its websocket closed, while an open
  tab's kernel keeps ``OPEN_TAB_IDLE_SECONDS`` (:class:`PlannerKernelManager`).
- **A cap on visitors' kernels** (``PLANNER_MAX_KERNELS``): past it a visitor gets a short "busy, try again
  in a minute" page (HTTP 503 with ``Retry-After``) instead of a kernel the machine cannot afford.
- **Loopback only**: a ``Host`` that is not a loopback name is refused (``allow_remote_access`` off, which
  Voila turns on), and the kernel websocket's ``Origin`` must match the host (Jupyter Server's check).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import ensure_async
from tornado import web
from traitlets import Int
from traitlets.config import Config
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.tornado.handler import TornadoVoilaHandler

from planner._app import DEFAULT_MAX_KERNELS, LANDING_NOTEBOOK, max_kernels

#: Preheated kernels per notebook: the landing page gets the burst, the other pages one each.
#: explore.ipynb is the JupyterLab notebook of tables (not linked from the app): no kernels kept warm for it.
POOL_SIZES = {LANDING_NOTEBOOK: 2, "explore.ipynb": 0}
DEFAULT_POOL_SIZE = 1
#: At start the landing page's pool warms alone (five kernels warming at once on two cores made the first
#: visitor wait for all of them); the other pages' pools start once its kernels wait for visitors, or after
#: this many seconds at the latest. A visitor to another page meanwhile gets a kernel started for them.
OTHER_POOLS_LATEST_SECONDS = 20
#: A kernel whose tab went away without the goodbye post (a crash, a lost network) is shut down this long
#: after its last websocket closed; culling runs every CULL_INTERVAL_SECONDS, so within ~25 s.
LEFT_TAB_SECONDS = 20
CULL_INTERVAL_SECONDS = 5
#: A kernel no browser ever connected to (a page that never loaded) goes after this much inactivity.
UNCONNECTED_SECONDS = 120
#: An open tab left alone keeps its kernel this long.
OPEN_TAB_IDLE_SECONDS = 3600
#: Front-end extensions the pages do not use (plotly's mime renderer and the widget manager stay).
EXTENSION_DENYLIST = ["anywidget", "@voila-dashboards/jupyterlab-preview", "jupyterlab_pygments"]
#: Jupyter data folder holding the ``planner`` Voila template (voila's lab template without CDN links).
TEMPLATES_ROOT = Path(__file__).resolve().parent / "_voila"
TEMPLATE = "planner"

BUSY_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SecMaster planner: busy</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:4em auto;color:#333}}</style></head>
<body class="planner-busy"><h1>Busy, try again in a minute</h1>
<p>The planner is serving as many visitors as this server allows ({cap}). Reload this page in a minute;
nothing you did was lost or ordered.</p></body></html>
"""


class PlannerKernelManager(AsyncMappingKernelManager):
    """Culls a visitor's kernel by what its tab is doing, not only by how quiet the kernel is.

    Jupyter Server's cull looks at the kernel's idle time and execution state; a preheated kernel handed
    to a visitor was seen reported "idle" while its notebook was still running, and culled mid-render.
    So the rule here follows the tab: a kernel with a browser connected is kept until it has been idle
    ``open_tab_idle_seconds``; one whose browser has gone (without the goodbye post) goes
    ``left_tab_seconds`` later; one no browser ever connected to goes after ``unconnected_seconds``
    without any activity (a page that never loaded, a script that fetched the HTML). Voila's own
    manager keeps the kernels still waiting in a pool out of the cull.
    """

    open_tab_idle_seconds = Int(
        OPEN_TAB_IDLE_SECONDS, config=True, help="Idle seconds after which a kernel with a tab open is shut down."
    )
    left_tab_seconds = Int(
        LEFT_TAB_SECONDS, config=True, help="Seconds after its last browser left that a kernel is shut down."
    )
    unconnected_seconds = Int(
        UNCONNECTED_SECONDS, config=True, help="Idle seconds after which a kernel no browser connected to goes."
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._left_at: dict[str, float] = {}
        # When the cull first saw each kernel outside a pool: a preheated kernel whose notebook finished in
        # the pool (the catalog page) shows no activity when it is handed out, so its idle time alone
        # would have it shut down before the visitor's browser connects.
        self._first_seen: dict[str, float] = {}

    def notify_connect(self, kernel_id: str) -> None:
        super().notify_connect(kernel_id)
        self._left_at.pop(kernel_id, None)

    def notify_disconnect(self, kernel_id: str) -> None:
        super().notify_disconnect(kernel_id)
        if not self._kernel_connections.get(kernel_id):
            self._left_at[kernel_id] = time.monotonic()

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        for ended in [k for k in {**self._left_at, **self._first_seen} if k not in self._kernels]:
            self._left_at.pop(ended, None)
            self._first_seen.pop(ended, None)
        first_seen = self._first_seen.setdefault(kernel_id, time.monotonic())
        kernel = self._kernels.get(kernel_id)
        if kernel is None or not hasattr(kernel, "last_activity"):
            return
        from jupyter_server._tz import utcnow

        idle = (utcnow() - kernel.last_activity).total_seconds()
        left_at = self._left_at.get(kernel_id)
        if self._kernel_connections.get(kernel_id, 0):
            reason = f"a tab open but idle for {idle:.0f} s" if idle > self.open_tab_idle_seconds else ""
        elif left_at is not None:
            away = time.monotonic() - left_at
            reason = f"its tab gone for {away:.0f} s" if away > self.left_tab_seconds else ""
        else:
            quiet = min(idle, time.monotonic() - first_seen)
            reason = f"no browser connected in {quiet:.0f} s" if quiet > self.unconnected_seconds else ""
        if reason:
            self.log.info("Shutting down kernel %s: %s", kernel_id, reason)
            await ensure_async(self.shutdown_kernel(kernel_id))  # type: ignore[arg-type]  # async here, typed sync upstream


def visitor_kernels(manager: Any) -> int:
    """Kernels serving visitors: every live kernel but those of Voila's pools.

    A pool entry still starting has no kernel id to subtract yet; it is counted out anyway, so the count
    can be low by the few kernels being refilled, never high (no visitor is turned away by a refill).
    """
    pooled: set[str] = set()
    starting = 0
    for pool in getattr(manager, "_pools", {}).values():
        for task in pool:
            if not task.done():
                starting += 1
            elif not task.cancelled() and task.exception() is None:
                pooled.add(task.result()["kernel_id"])
    return max(0, len(set(manager.list_kernel_ids()) - pooled) - starting)


class CappedVoilaHandler(TornadoVoilaHandler):
    """Voila's notebook page, refused with a "busy" page once the visitors' kernels reach the cap."""

    async def get(self, path: str | None = None) -> None:
        # Voila's page reads the ``_xsrf`` cookie for the goodbye it posts when it unloads
        # (``/voila/api/shutdown/<kernel>``); without the cookie that post is refused (403) and the
        # kernel would live on until the cull. Reading the token sets the cookie.
        self.xsrf_token  # noqa: B018
        cap = self.settings.get("planner_max_kernels", DEFAULT_MAX_KERNELS)
        if visitor_kernels(self.kernel_manager) >= cap:
            self.log.warning("Refusing a visitor: %s kernels are serving visitors (the cap)", cap)
            self.set_status(503)
            self.set_header("Retry-After", "60")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(BUSY_PAGE.format(cap=cap))
            return
        await super().get(path)


class LoopbackRequestInfoHandler(RequestInfoSocketHandler):
    """Voila's query-string socket for preheated kernels, with Jupyter Server's loopback ``Host`` check.

    A kernel opens it once its notebook's visitor-independent work is done: when every kernel of the
    landing page's pool has, the other pages' pools start (:func:`fill_other_pools`).
    """

    def prepare(self) -> None:
        host = self.request.host_name.lower()
        if host not in ("localhost", "127.0.0.1", "::1", "[::1]") and not host.endswith(".localhost"):
            raise web.HTTPError(403)

    def open(self, kernel_id: str) -> None:  # type: ignore[override]  # tornado's signature is *args
        super().open(kernel_id)
        manager = self.settings.get("kernel_manager")
        if manager is not None and landing_pool_waiting(manager, set(RequestInfoSocketHandler._waiters)):
            fill_other_pools(manager, "the planner's kernels wait for visitors")


def landing_pool_waiting(manager: Any, waiting: set[str]) -> bool:
    """Whether every kernel of the landing page's pool is started and waiting for a visitor's query."""
    pool = getattr(manager, "_pools", {}).get(LANDING_NOTEBOOK, [])
    if len(pool) < POOL_SIZES[LANDING_NOTEBOOK] or not all(task.done() for task in pool):
        return False
    started = [t.result()["kernel_id"] for t in pool if not t.cancelled() and t.exception() is None]
    return len(started) == len(pool) and set(started) <= waiting


def fill_other_pools(manager: Any, why: str) -> None:
    """Give every other page its pool (once): they were left empty at start, see ``voila_config``."""
    config = getattr(manager, "kernel_pools_config", None)
    if config is None or config["default"]["pool_size"] == DEFAULT_POOL_SIZE:
        return
    config["default"]["pool_size"] = DEFAULT_POOL_SIZE
    for name in list(manager._pools):
        if name != LANDING_NOTEBOOK and POOL_SIZES.get(name, DEFAULT_POOL_SIZE):
            manager.fill_if_needed(delay=0, notebook_name=name)
    manager.log.info("Kernel pools of the other pages started: %s", why)


def voila_config(cap: int | None = None) -> Config:
    """The settings that are not plain flags: pools, extension list, kernel manager, tornado settings."""
    config = Config()
    config.VoilaConfiguration.preheat_kernel = True
    config.VoilaConfiguration.default_pool_size = DEFAULT_POOL_SIZE
    config.VoilaConfiguration.extension_denylist = list(EXTENSION_DENYLIST)
    config.VoilaConfiguration.template = TEMPLATE
    config.VoilaConfiguration.multi_kernel_manager_class = PlannerKernelManager
    config.VoilaKernelManager.kernel_pools_config = {
        "default": {"pool_size": 0},  # the other pages' pools start after the landing page's warmed up
        **{name: {"pool_size": size} for name, size in POOL_SIZES.items()},
    }
    # Any positive timeout switches Jupyter Server's cull loop on; PlannerKernelManager decides.
    config.MappingKernelManager.cull_idle_timeout = LEFT_TAB_SECONDS
    config.MappingKernelManager.cull_interval = CULL_INTERVAL_SECONDS
    config.Voila.tornado_settings = {
        "allow_remote_access": False,
        "planner_max_kernels": max_kernels() if cap is None else cap,
    }
    return config


class PlannerVoila(Voila):
    """Voila with the planner at ``/`` and the handlers above in place of Voila's own."""

    def init_settings(self) -> dict[str, Any]:
        from tornado.ioloop import IOLoop

        settings: dict[str, Any] = super().init_settings()  # makes the kernel manager and its landing pool
        # In case the landing page's kernels never report (a notebook that fails): start the rest anyway.
        why = f"{OTHER_POOLS_LATEST_SECONDS} s after start"
        IOLoop.current().call_later(OTHER_POOLS_LATEST_SECONDS, fill_other_pools, self.kernel_manager, why)
        return settings

    def init_handlers(self) -> list:
        handlers = []
        for spec in super().init_handlers():
            if len(spec) >= 2 and spec[1] is TornadoVoilaHandler:
                spec = (spec[0], CappedVoilaHandler, *spec[2:])
            elif len(spec) >= 2 and spec[1] is RequestInfoSocketHandler:
                spec = (spec[0], LoopbackRequestInfoHandler, *spec[2:])
            handlers.append(spec)
        if self.notebook_path:  # a single notebook is served at / already
            return handlers
        root = (
            self.server_url,
            CappedVoilaHandler,
            {
                "notebook_path": LANDING_NOTEBOOK,
                "template_paths": self.template_paths,
                "config": self.config,
                "voila_configuration": self.voila_configuration,
            },
        )
        # Tornado takes the first matching route: put / before Voila's tree listing.
        return [root, *handlers]


def main(argv: list[str] | None = None) -> None:
    """Run the server (``python -m planner._app NOTEBOOKS_DIR [voila flags]``)."""
    # Voila finds templates in Jupyter's data folders: add the one holding the planner's.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(TEMPLATES_ROOT), os.environ.get("JUPYTER_PATH")]))
    PlannerVoila.launch_instance(argv=argv, config=voila_config())
