"""How long `planner catalog fetch` takes and how many calls it makes, against the loopback fake Huawei.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_fetch.py``). Prints a table; asserts nothing.
"rows sent" counts rows asked again after Huawei (here the fake) refused a batch for one unknown product.
The fake answers at once, so the time is the planner's (SDK, pacing at 10 calls a second, the isolation of the
fake's one unknown product, writing and validating the catalog), not Huawei's.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import planner  # noqa: E402
from planner.live._client import Huawei  # noqa: E402
from planner.live.fetch import fetch_catalog  # noqa: E402
from tests.live.fake_huawei import FakeHuawei  # noqa: E402

FAKE_ENV = {
    "HUAWEICLOUD_SDK_AK": "BENCHAK",
    "HUAWEICLOUD_SDK_SK": "BENCHSK",
    "HUAWEICLOUD_SDK_DOMAIN_ID": "bench-domain",
    "HUAWEICLOUD_SDK_PROJECT_ID": "bench-project",
}


def main() -> None:
    base = planner.load_catalog()
    regions = list(base.regions)
    table = Table(title=f"catalog fetch against the fake, {platform.machine()} / Python {platform.python_version()}, "
                  f"{os.cpu_count()} CPUs")  # fmt: skip
    for column in ("regions", "rows sent", "prices fetched", "calls", "seconds", "calls/s"):
        table.add_column(column, justify="right")
    with FakeHuawei() as fake, tempfile.TemporaryDirectory() as tmp:
        # warm up: the first fetch imports Huawei's SDK (~1-3 s here); the table shows fetches after it
        fetch_catalog(Huawei(endpoint=fake.url, environ=FAKE_ENV), base, Path(tmp) / "warm-up", regions=regions[:1])
        for count in (1, 5, len(regions)):
            huawei = Huawei(endpoint=fake.url, environ=FAKE_ENV)
            before = len(fake.state.seen)
            started = time.perf_counter()
            report = fetch_catalog(huawei, base, Path(tmp) / f"r{count}", regions=regions[:count])
            seconds = time.perf_counter() - started
            calls = len(fake.state.seen) - before
            rows = sum(len(s.body["product_infos"]) for s in fake.state.seen[before:] if s.body)
            table.add_row(str(count), f"{rows:,}", f"{report.fetched_rows:,}", str(calls), f"{seconds:.2f}",
                          f"{calls / seconds:.1f}")  # fmt: skip
    console = Console(width=120)
    console.print(table)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(f"peak resident memory of the whole run (SDK loaded): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
