"""How fast ``planner batch`` prices a big file: 1,000,000 mixed rows (all seven actions, 5 % invalid),
CSV in → CSV out, run as the command a user runs (a fresh process: imports included), in one process
(the default) and with two worker processes (``--jobs 2``), with peak memory and how many times
less CPU — and wall time — per row it takes than the single path (``planner.quote`` on a sample of the same
rows). CPU seconds (the command's and its workers') are shown beside wall seconds: the machine is shared.

Peak memory is the sum of every process's own peak (VmHWM): the command's, read by itself at its end, and
each worker's, read from /proc every 20 ms while it runs. A sum of peaks is at least the peak of the sum,
and pages a forked worker shares with the command count twice: an honest upper bound.

Run: ``make bench`` (with the core's rows) or ``.venv/bin/python benchmarks/bench_batch.py [ROWS]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
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


def _peak_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            return int(next(line for line in status if line.startswith("VmHWM")).split()[1])
    except (OSError, StopIteration, ValueError):
        return 0  # gone between listing and reading


def _watch_workers(pid: int, peaks: dict[int, int], done: threading.Event) -> None:
    """Every 20 ms, the peak (VmHWM, KiB) of each process ``pid`` started (its pool's workers)."""
    import psutil

    while not done.is_set():
        try:
            children = psutil.Process(pid).children(recursive=True)
        except psutil.Error:
            return
        for child in children:
            peaks[child.pid] = max(peaks.get(child.pid, 0), _peak_kib(child.pid))
        done.wait(0.02)


def run_command(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident memory (MiB) of ``planner ARGS`` as its own process,
    its worker processes included (their CPU: wait4 counts the children it reaped; their peaks: summed).

    The child may cache bytecode even where PYTHONDONTWRITEBYTECODE is set for this shell (compiling
    pandas and pyarrow on every start costs ~1.8 s of CPU here, which no user's installation pays).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", _CHILD, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    workers: dict[int, int] = {}
    done = threading.Event()
    watcher = threading.Thread(target=_watch_workers, args=(process.pid, workers, done), daemon=True)
    watcher.start()
    assert process.stderr is not None
    report = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"planner {' '.join(args)} failed: {report}")
    peak_kib = int(report.split()[-1]) + sum(workers.values())
    return wall, usage.ru_utime + usage.ru_stime, peak_kib / 1024


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
    valid = mixed_rows(rows, invalid=0)
    wall, cpu = in_memory(valid, catalog)
    what = f"price_frame in memory, {rows:,} valid rows"
    out.append(Row(what, rows, wall, None, single_cpu * rows / cpu, cpu, single * rows / wall))
    wall, cpu = in_memory(frame, catalog)
    what = f"price_frame in memory, {rows:,} rows, 5 % invalid"
    out.append(Row(what, rows, wall, None, single_cpu * rows / cpu, cpu, single * rows / wall))
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.csv", Path(folder) / "out.csv"
        pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), source)
        warm = Path(folder) / "warm.csv"
        pacsv.write_csv(pa.Table.from_pandas(frame.head(10), preserve_index=False), warm)
        run_command(["batch", str(warm), "-o", str(target)])  # a first start compiles the imports' bytecode
        size = source.stat().st_size / 2**20
        cores = len(os.sched_getaffinity(0))
        for flag, how in ((["--jobs", "1"], "one process (--jobs 1)"), ([], f"default: {cores} workers")):
            wall, cpu, peak = run_command(["batch", str(source), "-o", str(target), *flag])
            what = f"planner batch CSV → CSV, {size:,.0f} MiB, 5 % invalid, {how}"
            out.append(Row(what, rows, wall, peak, single_cpu * rows / cpu, cpu, single * rows / wall))
        # the same command on valid rows only: the engine's own speed, without the invalid rows' single path
        pacsv.write_csv(pa.Table.from_pandas(valid, preserve_index=False), source)
        wall, cpu, peak = run_command(["batch", str(source), "-o", str(target)])
        what = f"planner batch CSV → CSV, valid rows only, default: {cores} workers"
        out.append(Row(what, rows, wall, peak, single_cpu * rows / cpu, cpu, single * rows / wall))
    return out


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    before = os.getloadavg()[0]
    table = measure(rows)
    after = os.getloadavg()[0]
    # The load average says whether anything else ran: the benchmark alone keeps it near 1 to 2.
    print_table(table, [f"machine: {os.cpu_count()} cores; load average {before:.1f} before, {after:.1f} after"])


if __name__ == "__main__":
    main()
