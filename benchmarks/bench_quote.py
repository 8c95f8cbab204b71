"""How fast the core prices: quotes per second per action, the options ranking, and peak memory.

Run: ``make bench`` (all benchmarks, one table) or ``.venv/bin/python benchmarks/bench_quote.py``.
Prints a table; asserts nothing.
"""

from __future__ import annotations

import json
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from table import Row, print_table

import planner

ROOT = Path(__file__).resolve().parent.parent
SEED = json.loads((ROOT / "examples" / "seed-upgrade.json").read_text())

CURRENT = {
    "edition": "standard",
    "billing_mode": "yearly_monthly",
    "quota": 100,
    "term": "1y",
    "start": "2024-01-10",
    "expires": "2025-01-10",
    "paid": "2191.68",
    "purchased_at": "2024-01-10T10:00:00+08:00",
}
REQUESTS = {
    "purchase": {
        "region": "cn-north-4",
        "hosts": 120,
        "on": "2024-06-18",
        "action": "purchase",
        "target": {
            "edition": "professional",
            "billing_mode": "yearly_monthly",
            "quota": 150,
            "term": "1y",
            "packages": {"data_collection": 15},
        },
    },
    "upgrade (seed)": SEED,
    "increase_quota": {
        "region": "cn-north-4",
        "hosts": 120,
        "on": "2024-06-18",
        "action": "increase_quota",
        "current": CURRENT,
        "target": {"quota": 150},
    },
    "renew": {
        "region": "cn-north-4",
        "hosts": 100,
        "on": "2024-06-18",
        "action": "renew",
        "current": CURRENT,
        "target": {"term": "1y"},
    },
    "unsubscribe": {
        "region": "cn-north-4",
        "hosts": 100,
        "on": "2024-06-18",
        "action": "unsubscribe",
        "current": CURRENT,
    },
    "rule errors": {
        "region": "cn-north-4",
        "hosts": 20000,
        "on": "2024-06-18",
        "action": "purchase",
        "target": {
            "edition": "basic",
            "billing_mode": "pay_per_use",
            "quota": 0,
            "term": "13m",
            "packages": {"data_collection": 7},
        },
    },
}


def timed(fn, seconds: float = 1.0) -> tuple[int, float]:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        count += 1
    return count, time.perf_counter() - start


def measure() -> list[Row]:
    """The core's rows of the shared table (benchmarks/table.py)."""
    catalog = planner.load_catalog()
    rows = []
    for name, request in REQUESTS.items():
        count, elapsed = timed(lambda r=request: planner.quote(r, catalog))
        rows.append(Row(f"quote: {name}", count, elapsed))
    for hosts, growth in ((120, Decimal(0)), (5000, Decimal(3))):
        count, elapsed = timed(
            lambda h=hosts, g=growth: planner.options(catalog, region="cn-north-4", hosts=h, growth_pct=g), 2.0
        )
        rows.append(Row(f"options: {hosts} hosts, {growth}%/month, 36 m", count, elapsed))
    count, elapsed = timed(lambda: planner.load_catalog(), 1.0)
    rows.append(Row("load + validate catalog", count, elapsed))
    tracemalloc.start()
    start = time.perf_counter()
    for _ in range(1000):
        planner.quote(SEED, catalog)
    planner.options(catalog, region="cn-north-4", hosts=5000, growth_pct=Decimal(3))
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows.append(Row("1,000 quotes + one options run (traced peak)", 1000, elapsed, peak / 2**20))
    return rows


def main() -> None:
    print_table(measure())


if __name__ == "__main__":
    main()
