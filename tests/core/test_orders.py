"""Order files through the Python API (SPEC B4): written atomically, never overwritten, checksummed, pinned.

Usage: ``files = planner.export_order(request, "orders/")`` writes ``<order id>.json`` and ``.csv``;
``planner.verify_order(files.json_path)`` returns ``[]`` when the order checks out.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import planner
from planner._order import CSV_COLUMNS, ORDER_FORMAT, order_checksum

NOW = datetime(2024, 6, 18, 2, 30, 15, tzinfo=UTC)
DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def request_with_lines(reqs: Any) -> dict[str, Any]:
    """A purchase with three lines: the edition and two packages; two tags."""
    return reqs.make(
        "purchase",
        {
            "target": {
                "edition": "professional",
                "quota": 10,
                "term": "1y",
                "packages": {"data_collection": 10, "large_screen": 1},
            },
            "tags": {"env": "prod", "team": "secops"},
        },
    )


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_export_writes_json_and_csv_and_nothing_else(request_with_lines: dict[str, Any], tmp_path: Path) -> None:
    files = planner.export_order(request_with_lines, tmp_path, now=NOW)

    order_id = files.order["order_id"]
    assert re.fullmatch(r"SM-20240618-023015-[0-9a-f]{6}", order_id)
    assert files.json_path == tmp_path / f"{order_id}.json"
    assert files.csv_path == tmp_path / f"{order_id}.csv"
    assert _names(tmp_path) == sorted([f"{order_id}.json", f"{order_id}.csv"])  # no temp files left


def test_order_json_is_the_quote_plus_order_facts(request_with_lines: dict[str, Any], tmp_path: Path) -> None:
    files = planner.export_order(request_with_lines, tmp_path, now=NOW)

    order = json.loads(files.json_path.read_text(encoding="utf-8"))
    assert order == files.order
    quote = planner.quote(request_with_lines).to_dict()
    for key, value in quote.items():
        assert order[key] == value, key
    assert order["format"] == ORDER_FORMAT
    assert order["created"] == "2024-06-18T02:30:15+00:00"
    assert order["disclaimer_accepted_at"] == "2024-06-18T02:30:15+00:00"
    assert order["tags"] == {"env": "prod", "team": "secops"}
    assert order["request"]["accept_disclaimer"] is True
    assert order["request"]["target"]["packages"] == {"data_collection": 10, "large_screen": 1}


def test_order_pins_the_catalog(request_with_lines: dict[str, Any], tmp_path: Path) -> None:
    catalog = planner.load_catalog()

    order = planner.export_order(request_with_lines, tmp_path, catalog, now=NOW).order

    assert order["catalog"] == {"id": "huaweicloud-intl-usd", "version": "2024-10-12.1", "sha256": catalog.sha256}
    assert re.fullmatch(r"[0-9a-f]{64}", order["catalog"]["sha256"])


def test_checksum_recomputes(request_with_lines: dict[str, Any], tmp_path: Path) -> None:
    files = planner.export_order(request_with_lines, tmp_path, now=NOW)
    order = json.loads(files.json_path.read_text(encoding="utf-8"))

    assert order["checksum"]["algorithm"] == "sha256"
    assert order["checksum"]["value"] == order_checksum(order)
    assert order["files"] == {
        "csv": files.csv_path.name,
        "csv_sha256": hashlib.sha256(files.csv_path.read_bytes()).hexdigest(),
    }
    order["tags"]["env"] = "test"
    assert order["checksum"]["value"] != order_checksum(order)


def test_csv_rows_match_the_json_lines(request_with_lines: dict[str, Any], tmp_path: Path) -> None:
    files = planner.export_order(request_with_lines, tmp_path, now=NOW)

    with files.csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == CSV_COLUMNS
    lines = files.order["lines"]
    assert len(lines) == len(rows) == 3
    assert {row["item"] for row in rows} == {"professional", "data_collection", "large_screen"}
    for number, (row, line) in enumerate(zip(rows, lines, strict=True), start=1):
        assert row["order_id"] == files.order["order_id"]
        assert row["line"] == str(number)
        assert row["currency"] == "USD"
        for key, value in line.items():
            assert row[key] == value, (number, key)
    assert sum(Decimal(row["amount"]) for row in rows) == Decimal(files.order["total"])


def test_verify_a_fresh_order(request_with_lines: dict[str, Any], tmp_path: Path) -> None:
    files = planner.export_order(request_with_lines, tmp_path, now=NOW)

    assert planner.verify_order(files.json_path) == []
    assert planner.verify_order(files.json_path, planner.load_catalog()) == []


def test_verify_finds_the_pinned_shipped_catalog(reqs: Any, tmp_path: Path) -> None:
    china = planner.load_catalog(DATA / "cn-cny")
    files = planner.export_order(reqs.make("upgrade"), tmp_path, china, now=NOW)

    assert files.order["currency"] == "CNY"
    assert planner.verify_order(files.json_path) == []  # no catalog given: the pinned id picks cn-cny
    assert [p.rule for p in planner.verify_order(files.json_path, planner.load_catalog())][:1] == ["order.catalog"]


def test_an_order_priced_on_the_default_day_still_verifies_later(reqs: Any, tmp_path: Path) -> None:
    request = reqs.make("purchase", {"on": "__delete__"})

    files = planner.export_order(request, tmp_path, now=NOW, today=date(2024, 6, 18))

    assert files.order["request"]["on"] == "2024-06-18"
    assert files.order["expires"] == "2024-07-18"
    assert planner.verify_order(files.json_path) == []


def test_verify_reports_a_tampered_request(request_with_lines: dict[str, Any], tmp_path: Path) -> None:
    files = planner.export_order(request_with_lines, tmp_path, now=NOW)
    order = json.loads(files.json_path.read_text(encoding="utf-8"))
    order["request"]["target"]["quota"] = 20
    order["checksum"]["value"] = order_checksum(order)
    files.json_path.write_text(json.dumps(order), encoding="utf-8")

    problems = planner.verify_order(files.json_path)

    assert {(p.rule, p.field) for p in problems} >= {("order.mismatch", "lines"), ("order.mismatch", "total")}


def test_verify_refuses_a_file_that_is_not_an_order(tmp_path: Path) -> None:
    path = tmp_path / "quote.json"
    path.write_text(json.dumps(planner.quote({"region": "cn-north-4"}).to_dict()), encoding="utf-8")

    with pytest.raises(planner.PlannerError) as caught:
        planner.verify_order(path)

    assert [(p.rule, p.field) for p in caught.value.problems] == [("order.format", "format")]
    assert caught.value.source == str(path)


# -- never overwrite, never half-write -----------------------------------------------------------------------
@pytest.fixture
def fixed_order_id(monkeypatch: pytest.MonkeyPatch) -> str:
    order_id = "SM-20240618-023015-abcdef"
    monkeypatch.setattr("planner._order.new_order_id", lambda now: order_id)
    return order_id


def test_export_never_overwrites_an_existing_order(
    request_with_lines: dict[str, Any], tmp_path: Path, fixed_order_id: str
) -> None:
    first = planner.export_order(request_with_lines, tmp_path, now=NOW)
    before = {name: (tmp_path / name).read_bytes() for name in _names(tmp_path)}

    with pytest.raises(planner.PlannerError) as caught:
        planner.export_order(request_with_lines, tmp_path, now=NOW)

    [problem] = caught.value.problems
    assert (problem.rule, problem.field) == ("order.write", "--out")
    assert "exists: not overwritten" in problem.message
    assert first.json_path.name in before
    assert {name: (tmp_path / name).read_bytes() for name in _names(tmp_path)} == before  # same files, no temps


def test_an_existing_json_of_the_same_name_leaves_no_csv_behind(
    request_with_lines: dict[str, Any], tmp_path: Path, fixed_order_id: str
) -> None:
    taken = tmp_path / f"{fixed_order_id}.json"
    taken.write_text("someone else's file", encoding="utf-8")

    with pytest.raises(planner.PlannerError) as caught:
        planner.export_order(request_with_lines, tmp_path, now=NOW)

    assert caught.value.problems[0].rule == "order.write"
    assert _names(tmp_path) == [taken.name]
    assert taken.read_text(encoding="utf-8") == "someone else's file"


def test_a_failed_write_leaves_nothing(
    request_with_lines: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import planner._order

    real_link = planner._order.os.link
    calls: list[str] = []

    def link_then_fail(src: Any, dst: Any) -> None:
        calls.append(str(dst))
        if len(calls) == 2:  # the CSV is in place; the JSON cannot be
            raise OSError(28, "No space left on device", str(dst))
        real_link(src, dst)

    monkeypatch.setattr(planner._order.os, "link", link_then_fail)

    with pytest.raises(planner.PlannerError) as caught:
        planner.export_order(request_with_lines, tmp_path, now=NOW)

    assert caught.value.problems[0].rule == "order.write"
    assert "No space left on device" in caught.value.problems[0].message
    assert len(calls) == 2
    assert _names(tmp_path) == []


def test_export_needs_the_disclaimer_accepted(reqs: Any, tmp_path: Path) -> None:
    out = tmp_path / "orders"

    with pytest.raises(planner.PlannerError) as caught:
        planner.export_order(reqs.make("purchase", {"accept_disclaimer": False}), out, now=NOW)

    assert [(p.rule, p.field) for p in caught.value.problems] == [("disclaimer.not_accepted", "accept_disclaimer")]
    assert not out.exists() or _names(out) == []


def test_export_of_a_broken_request_lists_every_problem(reqs: Any, tmp_path: Path) -> None:
    request = reqs.make("purchase", {"hosts": 11, "accept_disclaimer": False})

    with pytest.raises(planner.PlannerError) as caught:
        planner.export_order(request, tmp_path, now=NOW)

    assert {p.rule for p in caught.value.problems} == {"quota.below_hosts", "disclaimer.not_accepted"}
    assert _names(tmp_path) == []
