"""Orders that cannot be half-written, that honour the umask, and a catalog that cannot make a change pay
the buyer (issue 10, items 1, 5, 7, 8)."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import stat
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import planner
from planner._order import order_files

ROOT = Path(__file__).resolve().parents[2]
SEED = json.loads((ROOT / "examples" / "seed-upgrade.json").read_text(encoding="utf-8"))
NOW = datetime(2024, 6, 18, 2, 30, 15, tzinfo=UTC)

# Runs an export in a child process that is killed (SIGKILL: no cleanup, no finally) right after the CSV
# is in place and before the JSON is: the moment the slow-disk kills hit.
KILLED_EXPORT = """
import json, os, signal, sys
import planner._order as order
real = order._write_new
def write_then_die(path, data):
    real(path, data)
    if path.suffix == ".csv":
        os.kill(os.getpid(), signal.SIGKILL)
order._write_new = write_then_die
order.export_order(json.loads(sys.argv[1]), sys.argv[2])
"""


def test_an_export_killed_between_the_csv_and_the_json_leaves_no_order(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", KILLED_EXPORT, json.dumps(SEED), str(tmp_path)], check=False)

    assert done.returncode == -signal.SIGKILL
    assert [p.suffix for p in tmp_path.iterdir()] == [".csv"]  # the CSV alone: not an order
    assert order_files(tmp_path) == []
    [orphan] = tmp_path.iterdir()
    with pytest.raises(planner.PlannerError) as caught:  # and verify does not take it for one
        planner.verify_order(orphan)
    assert caught.value.problems[0].rule == "order.format"


def test_an_order_is_listed_by_its_json_and_verifies(tmp_path: Path) -> None:
    files = planner.export_order(SEED, tmp_path, now=NOW)

    assert order_files(tmp_path) == [files.json_path]
    assert planner.verify_order(files.json_path) == []


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o027, 0o640)])
def test_order_files_honour_the_umask(umask: int, mode: int, tmp_path: Path) -> None:
    old = os.umask(umask)
    try:
        files = planner.export_order(SEED, tmp_path, now=NOW)
    finally:
        os.umask(old)

    assert stat.S_IMODE(files.json_path.stat().st_mode) == mode
    assert stat.S_IMODE(files.csv_path.stat().st_mode) == mode


def test_a_duplicate_order_id_names_the_order_that_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("planner._order.new_order_id", lambda now: "SM-20240618-023015-abcdef")
    planner.export_order(SEED, tmp_path, now=NOW)

    with pytest.raises(planner.PlannerError) as caught:
        planner.export_order(SEED, tmp_path, now=NOW)

    [problem] = caught.value.problems
    assert problem.rule == "order.write"
    assert "SM-20240618-023015-abcdef" in problem.message
    assert ".tmp" not in problem.message
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "SM-20240618-023015-abcdef.csv",
        "SM-20240618-023015-abcdef.json",
    ]


def test_a_json_in_the_way_names_itself_and_takes_the_new_csv_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("planner._order.new_order_id", lambda now: "SM-20240618-023015-abcdef")
    (tmp_path / "SM-20240618-023015-abcdef.json").write_text("{}", encoding="utf-8")

    with pytest.raises(planner.PlannerError) as caught:
        planner.export_order(SEED, tmp_path, now=NOW)

    assert "SM-20240618-023015-abcdef.json exists" in caught.value.problems[0].message
    assert [p.name for p in tmp_path.iterdir()] == ["SM-20240618-023015-abcdef.json"]


def test_pricing_refuses_a_catalog_built_out_of_rank_order() -> None:
    """load_catalog refuses such a catalog (tests/bad_inputs/catalogs.json); one built by hand must not
    price the seed upgrade at −0.78 due either."""
    catalog = planner.load_catalog()
    prices = dict(catalog.prices)
    key = ("*", "professional", "yearly_monthly")
    prices[key] = dataclasses.replace(prices[key], price=Decimal("1.42"))
    cheap = dataclasses.replace(catalog, prices=prices)

    result = planner.quote(SEED, cheap)

    assert not result.ok
    assert [e.rule for e in result.errors] == ["price.order"]
    assert result.total is None
