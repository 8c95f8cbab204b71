"""One table for every benchmark: each ``bench_*.py`` module returns rows; ``run_all.py`` prints them.

To add a benchmark: write ``benchmarks/bench_<what>.py`` with ``measure() -> list[Row]`` and name it in
``run_all.BENCHES``.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

COLUMNS = (
    "what",
    "runs / rows",
    "wall (s)",
    "cpu (s)",
    "per run (ms)",
    "per second",
    "peak MiB",
    "vs single: cpu/row",
    "vs single: wall/row",
)


@dataclass(frozen=True)
class Row:
    what: str
    count: int
    wall: float  # seconds for all `count`
    peak_mib: float | None = None
    vs_single: float | None = None  # how many times less CPU per row than planner.quote
    cpu: float | None = None  # CPU seconds (user + system): what wall time would be on an idle machine
    vs_single_wall: float | None = None  # how many times less wall time per row than planner.quote

    def cells(self) -> tuple[str, ...]:
        return (
            self.what,
            f"{self.count:,}",
            f"{self.wall:.2f}",
            "" if self.cpu is None else f"{self.cpu:.2f}",
            f"{self.wall / self.count * 1000:.4f}",
            f"{self.count / self.wall:,.0f}",
            "" if self.peak_mib is None else f"{self.peak_mib:,.{1 if self.peak_mib < 10 else 0}f}",
            "" if self.vs_single is None else f"{self.vs_single:,.0f}×",
            "" if self.vs_single_wall is None else f"{self.vs_single_wall:,.0f}×",
        )


def print_table(rows: list[Row], notes: list[str] | None = None) -> None:
    table = Table(title=f"planner on {platform.machine()}, {os.cpu_count()} cores / Python {platform.python_version()}")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column == "what" else "right")
    for row in rows:
        table.add_row(*row.cells())
    console = Console(width=140)
    console.print(table)
    for note in notes or []:
        console.print(note)
