"""An order's checksum is plain sha256: a forger can recompute it. So verify derives again everything that
can be derived (lines, CSV, tags) and refuses members it does not know."""

import hashlib
import json
from pathlib import Path

import pytest

import planner
from planner._order import order_checksum

ROOT = Path(__file__).resolve().parents[2]
SEED = json.loads((ROOT / "examples" / "seed-upgrade.json").read_text(encoding="utf-8"))


@pytest.fixture
def order(tmp_path: Path) -> planner.OrderFiles:
    return planner.export_order(SEED, tmp_path)


def reseal(files: planner.OrderFiles, data: dict) -> None:
    """Do what a careful forger would: fix the CSV hash and the checksum after an edit."""
    data["files"]["csv_sha256"] = hashlib.sha256(files.csv_path.read_bytes()).hexdigest()
    data["checksum"]["value"] = order_checksum(data)
    files.json_path.write_text(json.dumps(data), encoding="utf-8")


def rules(problems: list[planner.Problem]) -> set[tuple[str, str]]:
    return {(p.rule, p.field) for p in problems}


def test_an_untouched_order_verifies(order: planner.OrderFiles) -> None:
    assert planner.verify_order(order.json_path) == []


def test_a_resealed_csv_edit_is_found(order: planner.OrderFiles) -> None:
    order.csv_path.write_text(order.csv_path.read_text(encoding="utf-8").replace("13.02", "1.02"), encoding="utf-8")
    reseal(order, json.loads(order.json_path.read_text(encoding="utf-8")))

    assert rules(planner.verify_order(order.json_path)) == {("order.mismatch", "files.csv")}


def test_resealed_tags_are_found(order: planner.OrderFiles) -> None:
    data = json.loads(order.json_path.read_text(encoding="utf-8"))
    data["tags"] = {"env": "test"}
    reseal(order, data)

    assert rules(planner.verify_order(order.json_path)) == {("order.mismatch", "tags")}


def test_a_resealed_extra_member_is_found(order: planner.OrderFiles) -> None:
    data = json.loads(order.json_path.read_text(encoding="utf-8"))
    data["discount_code"] = "FREE"
    reseal(order, data)

    assert rules(planner.verify_order(order.json_path)) == {("order.format", "discount_code")}
