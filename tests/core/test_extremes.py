"""Input at the edges of what types allow: far dates, markup characters. A message, never a traceback."""

import json
from pathlib import Path

import pytest

import planner
from planner.cli import main

PURCHASE = {
    "region": "cn-north-4",
    "hosts": 10,
    "action": "purchase",
    "target": {"edition": "standard", "billing_mode": "yearly_monthly", "quota": 10, "term": "3y"},
}


@pytest.mark.parametrize("on", ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01"])
def test_a_date_outside_2000_to_2099_is_malformed(on: str) -> None:
    result = planner.quote({**PURCHASE, "on": on})

    assert [(e.rule, e.field) for e in result.errors] == [("request.malformed", "on")]
    assert "2000-01-01" in result.errors[0].message


def unsubscribe(**current: str) -> dict:
    """An unsubscribe of a standard 1y order bought 2024-01-10, with ``current`` fields replaced."""
    order = {
        "edition": "standard",
        "billing_mode": "yearly_monthly",
        "quota": 10,
        "term": "1y",
        "start": "2024-01-10",
        "paid": "219.12",
        "purchased_at": "2024-01-10T10:00:00+08:00",
        **current,
    }
    return {"region": "cn-north-4", "hosts": 10, "on": "2024-06-18", "action": "unsubscribe", "current": order}


@pytest.mark.parametrize(
    ("current", "rule", "field"),
    [
        ({"purchased_at": "0001-01-01T00:00:00+14:00"}, "request.malformed", "current.purchased_at"),
        ({"purchased_at": "2020-01-10T10:00:00+08:00"}, "dates.order", "current.purchased_at"),  # before start
        ({"paid": "0.001"}, "request.malformed", "current.paid"),  # bills are in whole cents
    ],
)
def test_impossible_purchase_data_is_refused(current: dict, rule: str, field: str) -> None:
    result = planner.quote(unsubscribe(**current))

    assert [(e.rule, e.field) for e in result.errors] == [(rule, field)]


def test_the_same_order_with_sound_data_prices() -> None:
    assert planner.quote(unsubscribe()).ok


def test_options_refuses_a_far_start(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["options", "--region", "cn-north-4", "--hosts", "5", "--start", "9999-11-01"])

    assert code == 2
    assert "2099-12-31" in capsys.readouterr().err


@pytest.mark.parametrize("field", ["region", "action"])
def test_markup_in_the_request_is_printed_as_text(
    field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps({**PURCHASE, "on": "2024-06-18", field: "[/x]"}), encoding="utf-8")

    code = main(["quote", str(path), "--format", "table"])

    captured = capsys.readouterr()
    assert code == 2
    assert "[/x]" in captured.out
    assert "Traceback" not in captured.err
