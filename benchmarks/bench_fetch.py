"""How long `planner catalog fetch` takes and how many calls it makes, against the loopback fake Huawei.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_fetch.py``). Rows for the one table; asserts nothing.
"rows sent" counts rows asked again after Huawei (here the fake) refused a batch for one unknown product.
The fake answers at once, so the time is the planner's (SDK, pacing at 10 calls a second, the isolation of the
fake's one unknown product, writing and validating the catalog), not Huawei's.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from table import Row, print_table  # noqa: E402

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


def measure() -> list[Row]:
    """One row per fetch: 1, 5 and all regions of the shipped catalog, against the fake (after a warm-up)."""
    base = planner.load_catalog()
    regions = list(base.regions)
    rows: list[Row] = []
    with FakeHuawei() as fake, tempfile.TemporaryDirectory() as tmp:
        # warm up: the first fetch imports Huawei's SDK (~1-3 s here); the rows are fetches after it
        fetch_catalog(Huawei(endpoint=fake.url, environ=FAKE_ENV), base, Path(tmp) / "warm-up", regions=regions[:1])
        for count in (1, 5, len(regions)):
            huawei = Huawei(endpoint=fake.url, environ=FAKE_ENV)
            before = len(fake.state.seen)
            started, cpu = time.perf_counter(), time.process_time()
            report = fetch_catalog(huawei, base, Path(tmp) / f"r{count}", regions=regions[:count])
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            calls = len(fake.state.seen) - before
            what = f"catalog fetch vs the fake: {count} region{'s' if count > 1 else ''}, {calls} calls (prices)"
            # No peak memory here: `make bench` runs every benchmark in one process, so the process's peak
            # would be another benchmark's. The wall time is the pacing (10 calls a second), not the CPU.
            rows.append(Row(what, report.fetched_rows, seconds, None, cpu=cpu))
    return rows


def main() -> None:
    print_table(measure(), ["calls are paced to 10 a second (Huawei's rate limit): the pacing sets the wall time"])


if __name__ == "__main__":
    main()
