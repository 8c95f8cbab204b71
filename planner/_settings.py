"""The planner's settings, in one place: each read from the environment at the edges, typed, with help.

A setting that is set to something unusable is a :class:`PlannerError` naming the variable, never a
silent default.

>>> Settings.from_env({"PORT": "9000"}).port
9000
>>> Settings.from_env({"PORT": "nine"})
Traceback (most recent call last):
planner._problems.PlannerError: PORT: settings.invalid (PORT): a port number from 1 to 65535, not 'nine'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ._problems import PlannerError, Problem

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CATALOG_DIR = PROJECT_DIR / "data" / "intl-usd"
DEFAULT_ORDERS_DIR = PROJECT_DIR / "orders"
DEFAULT_PORT = 8866

#: Every setting: its environment variable and what it does (``planner --help`` and the README say the same).
HELP: dict[str, tuple[str, str]] = {
    "catalog_dir": ("PLANNER_CATALOG", "the price catalog folder (default: the shipped data/intl-usd)"),
    "orders_dir": ("PLANNER_ORDERS_DIR", "where the app writes exported orders (default: orders/ in the project)"),
    "port": ("PORT", "the app's port on 127.0.0.1 (default: 8866)"),
    "huawei_endpoint": (
        "PLANNER_HUAWEI_ENDPOINT",
        "send every Huawei Cloud API call to this server instead (tests, proxies, private clouds)",
    ),
}


@dataclass(frozen=True)
class Settings:
    """The planner's settings. Build them with :meth:`from_env` at an edge (the CLI, the app, a kernel)."""

    catalog_dir: Path = DEFAULT_CATALOG_DIR
    orders_dir: Path = DEFAULT_ORDERS_DIR
    port: int = DEFAULT_PORT
    huawei_endpoint: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def text(name: str) -> str:
            return env.get(HELP[name][0], "").strip()

        problems: list[Problem] = []
        port = DEFAULT_PORT
        if text("port"):
            raw = text("port")
            if raw.isascii() and raw.isdigit() and 0 < int(raw[:6]) < 65536:
                port = int(raw)
            else:
                problems.append(Problem("settings.invalid", "PORT", f"a port number from 1 to 65535, not {raw[:20]!r}"))
        endpoint = text("huawei_endpoint") or None
        if endpoint is not None and not endpoint.startswith(("http://", "https://")):
            problems.append(
                Problem("settings.invalid", "PLANNER_HUAWEI_ENDPOINT", f"an http(s):// address, not {endpoint[:40]!r}")
            )
        if problems:
            raise PlannerError(problems, source=problems[0].field)
        return cls(
            catalog_dir=Path(text("catalog_dir")) if text("catalog_dir") else DEFAULT_CATALOG_DIR,
            orders_dir=Path(text("orders_dir")) if text("orders_dir") else DEFAULT_ORDERS_DIR,
            port=port,
            huawei_endpoint=endpoint,
        )


__all__ = ["DEFAULT_CATALOG_DIR", "DEFAULT_ORDERS_DIR", "DEFAULT_PORT", "HELP", "PROJECT_DIR", "Settings"]
