"""The recorded answers in ``fixtures/``: each names the request it answers, and the fake answers it so."""

from __future__ import annotations

import json
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

from planner.live import OPERATIONS
from planner.live._record import operation_of

from .fake_huawei import FIXTURES, FakeHuawei, rate_on_demand, rate_period

ALL = sorted(FIXTURES.glob("*.json"))


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_each_fixture_is_an_exchange_of_a_listed_operation(path: Path) -> None:
    exchange = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    assert set(exchange) == {"operation", "request", "response"}
    assert set(exchange["request"]) == {"method", "path", "query", "body"}
    assert set(exchange["response"]) == {"status", "body"}
    assert exchange["operation"] in OPERATIONS
    request = exchange["request"]
    assert operation_of(request["method"], request["path"].replace("{project_id}", "p")) == exchange["operation"]
    if request["body"] is not None:
        assert request["body"]["project_id"] == "<redacted>"


RATINGS = [p for p in ALL if p.stem.startswith("rate_")]


@pytest.mark.parametrize("path", RATINGS, ids=[p.stem for p in RATINGS])
def test_the_fake_answers_each_recorded_inquiry_as_recorded(path: Path) -> None:
    exchange = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    price = rate_period if exchange["operation"] == "ListRateOnPeriodDetail" else rate_on_demand
    status, body = price(exchange["request"]["body"], {"secmaster.soar"})
    assert status == exchange["response"]["status"]
    assert body == exchange["response"]["body"]  # Decimals compare by value (224.40 == 224.4)


def test_the_fake_serves_over_http_what_the_fixture_says() -> None:
    exchange = json.loads((FIXTURES / "rate_period_professional_1y.json").read_text(encoding="utf-8"))
    with FakeHuawei() as fake:
        request = urllib.request.Request(
            fake.url + exchange["request"]["path"],
            data=json.dumps(exchange["request"]["body"]).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = json.loads(answer.read(), parse_float=Decimal)
    best = next(o for o in body["optional_discount_rating_results"] if o["best_offer"] == 1)
    assert best["product_rating_results"][0]["amount"] == Decimal("201.96")
    assert body["official_website_rating_result"]["official_website_amount"] == Decimal("224.4")
