"""``make bench``: every benchmark's rows in one table (see table.py to add one)."""

from __future__ import annotations

import bench_batch
import bench_fetch
import bench_quote
from table import Row, print_table

BENCHES = (bench_quote, bench_batch, bench_fetch)


def main() -> None:
    rows: list[Row] = []
    for bench in BENCHES:
        rows.extend(bench.measure())
    print_table(rows, ["machine: 2 cores, shared with other engineers' builds and tests while measured"])


if __name__ == "__main__":
    main()
