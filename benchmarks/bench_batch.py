"""How fast ``planner batch`` prices a big file: 1,000,000 mixed rows (all seven actions, 5 % invalid),
CSV in → CSV out, run as the command a user runs (a fresh process: imports included), with its peak
memory (VmHWM) and how many times less CPU per row it takes than the single path (``planner.quote`` on a
sample of the same rows). CPU seconds are shown beside wall seconds: the machine is shared.

Run: ``make bench`` (with the core's rows) or ``.venv/bin/python benchmarks/bench_batch.py [ROWS]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
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


#: Runs `planner batch` and reports its own peak memory: VmHWM counts the pages of this program only
#: (ru_maxrss would count the pages a forked child shared with this big benchmark process before exec).
_CHILD = """
import sys
from planner.cli import main
code = main(sys.argv[1:])
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1], file=sys.stderr)
sys.exit(code)
"""


def run_command(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident memory (MiB) of ``planner ARGS`` as its own process.

    The child may cache bytecode even where PYTHONDONTWRITEBYTECODE is set for this shell (compiling
    pandas and pyarrow on every start costs ~1.8 s of CPU here, which no user's installation pays).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", _CHILD, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    assert process.stderr is not None
    report = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"planner {' '.join(args)} failed: {report}")
    return wall, usage.ru_utime + usage.ru_stime, int(report.split()[-1]) / 1024  # VmHWM is in KiB


def in_memory(frame: pd.DataFrame, catalog: planner.Catalog) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    planner.price_frame(frame, catalog)
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(rows: int = ROWS) -> list[Row]:
    catalog = planner.load_catalog()
    frame = mixed_rows(rows)
    sample = frame.sample(min(SINGLE_SAMPLE, rows), random_state=1).to_dict("records")
    cpu = time.process_time()
    single = single_path_seconds_per_row(sample, catalog)
    # The speed-up is CPU per row against CPU per row: on a shared machine wall time measures the others.
    single_cpu = (time.process_time() - cpu) / len(sample)
    out = [
        Row(
            f"single path: planner.quote, {len(sample):,} rows",
            len(sample),
            single * len(sample),
            cpu=time.process_time() - cpu,
        )
    ]
    wall, cpu = in_memory(mixed_rows(rows, invalid=0), catalog)
    out.append(Row(f"price_frame in memory, {rows:,} valid rows", rows, wall, None, single_cpu * rows / cpu, cpu))
    wall, cpu = in_memory(frame, catalog)
    out.append(
        Row(f"price_frame in memory, {rows:,} rows, 5 % invalid", rows, wall, None, single_cpu * rows / cpu, cpu)
    )
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.csv", Path(folder) / "out.csv"
        pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), source)
        warm = Path(folder) / "warm.csv"
        pacsv.write_csv(pa.Table.from_pandas(frame.head(10), preserve_index=False), warm)
        run_command(["batch", str(warm), "-o", str(target)])  # a first start compiles the imports' bytecode
        wall, cpu, peak = run_command(["batch", str(source), "-o", str(target)])
        size = source.stat().st_size / 2**20
        what = f"planner batch CSV → CSV ({size:,.0f} MiB), {rows:,} rows, 5 % invalid"
        out.append(Row(what, rows, wall, peak, single_cpu * rows / cpu, cpu))
    return out


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    print_table(measure(rows), ["machine: shared with other engineers' builds and tests while measured"])


if __name__ == "__main__":
    main()
