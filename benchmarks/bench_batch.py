"""How fast ``planner batch`` prices a big file: 1,000,000 mixed rows (all seven actions, 5 % invalid),
CSV in → CSV out, run as the command a user runs (a fresh process: imports included), with its peak
memory (max RSS) and the speed-up per row over the single path (``planner.quote`` on the same rows).

Run: ``make bench`` (with the core's table) or ``.venv/bin/python benchmarks/bench_batch.py [ROWS]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
from mixed_rows import mixed_rows
from table import Row, print_table

import planner
from planner._batch import request_of_row

ROWS = 1_000_000
SINGLE_SAMPLE = 3_000


def single_path_seconds_per_row(rows: list[dict[str, str]], catalog: planner.Catalog) -> float:
    start = time.perf_counter()
    for row in rows:
        planner.quote(request_of_row(row), catalog)
    return (time.perf_counter() - start) / len(rows)


def run_command(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of one command, as its own process."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed")
    return wall, usage.ru_maxrss / 1024  # Linux reports KiB


def measure(rows: int = ROWS) -> list[Row]:
    catalog = planner.load_catalog()
    frame = mixed_rows(rows)
    sample = frame.sample(min(SINGLE_SAMPLE, rows), random_state=1).to_dict("records")
    single = single_path_seconds_per_row(sample, catalog)
    out: list[Row] = [
        Row(f"single path: planner.quote, {len(sample):,} of the rows", len(sample), single * len(sample))
    ]
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.csv", Path(folder) / "out.csv"
        pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), source)
        start = time.perf_counter()
        planner.price_frame(frame, catalog)
        in_memory = time.perf_counter() - start
        out.append(Row(f"price_frame in memory, {rows:,} mixed rows", rows, in_memory, None, single * rows / in_memory))
        wall, peak = run_command([sys.executable, "-m", "planner", "batch", str(source), "-o", str(target)])
        size = source.stat().st_size / 2**20
        out.append(
            Row(f"planner batch CSV → CSV ({size:,.0f} MiB in), {rows:,} rows", rows, wall, peak, single * rows / wall)
        )
    return out


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    print_table(measure(rows), ["machine: shared with other engineers' builds and tests while measured"])


if __name__ == "__main__":
    main()
