"""The batch tests share the benchmark's seeded generator of mixed rows (benchmarks/mixed_rows.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
