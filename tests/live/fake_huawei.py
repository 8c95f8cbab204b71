"""A local fake of Huawei Cloud's price inquiry (BSS) and SecMaster read APIs, on 127.0.0.1 only.

It answers the documented paths with the documented bodies (SPEC A9; model names from SDK 3.1.219), prices
from its own table so that any batch can be answered, and can be told to misbehave for the next call of
an operation: an error status and body, a slow answer, a malformed answer. Every request it saw is kept
(method, path, query, JSON body, headers) so tests can check what the planner sent.

Its product codes and prices are the fake's, not Huawei's: they differ from the shipped catalog on purpose,
so that the fetch, the code check and the diff have something to find.

    with FakeHuawei() as fake:
        ... planner catalog fetch --endpoint fake.url ...
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import simplejson

FIXTURES = Path(__file__).parent / "fixtures"

PERIOD_PATH = "/v2/bills/ratings/period-resources/subscribe-rate"
DEMAND_PATH = "/v2/bills/ratings/on-demand-resources"
PRODUCTS_PATH = re.compile(r"^/v1/([^/]+)/subscriptions/products$")
ORDERS_PATH = re.compile(r"^/v1/([^/]+)/subscriptions/orders$")
GLOBAL_ORDERS_PATH = "/v1/subscriptions/orders"

#: The fake's list prices: per month (yearly/monthly) and per hour (pay-per-use), per unit, by spec code.
MONTHLY = {
    "secmaster.basic": Decimal("0"),
    "secmaster.standard": Decimal("2.2"),
    "secmaster.professional": Decimal("22"),
    "secmaster.large_screen": Decimal("280"),
    "secmaster.logcollection": Decimal("5.5"),
    "secmaster.logretention": Decimal("0.04"),
    "secmaster.loganalysis": Decimal("8"),
}
HOURLY = {
    "secmaster.professional": Decimal("0.0375"),
    "secmaster.large_screen": Decimal("0.45"),
    "secmaster.logcollection": Decimal("0.0095"),
    "secmaster.logretention": Decimal("0.00008"),
    "secmaster.loganalysis": Decimal("0.014"),
}
#: Term discount factors the fake applies (its 1 year is 0.85 of twelve months).
FACTORS = {"1y": Decimal("0.85"), "2y": Decimal("0.7"), "3y": Decimal("0.5")}
#: The account's discount the fake offers as best_offer (SPEC B8 --prices account).
BEST_OFFER = Decimal("0.9")


def load_fixture(name: str) -> dict[str, Any]:
    """A recorded exchange: ``{"operation", "request": {...}, "response": {"status", "body"}}``."""
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"), parse_float=Decimal)
    return data


def answer_of(name: str) -> Any:
    return load_fixture(name)["response"]["body"]


#: The account's subscriptions by project (the global order list names these project ids and regions).
ORDERS_BY_PROJECT = {
    "fake-project-cn-north-4": answer_of("list_subscription_order.json"),
    "fake-project-ap-southeast-3": answer_of("list_subscription_order_ap_southeast_3.json"),
    "fake-project-ae-ad-1": answer_of("list_subscription_order_ae_ad_1.json"),
}


@dataclass
class Fault:
    operation_path: str
    status: int = 200
    body: Any = None
    raw: bytes | None = None
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


@dataclass
class FakeState:
    faults: list[Fault] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    unknown_specs: set[str] = field(default_factory=lambda: {"secmaster.soar"})
    products: dict[str, Any] = field(default_factory=lambda: answer_of("list_subscription_product.json"))
    orders: dict[str, Any] = field(default_factory=lambda: dict(ORDERS_BY_PROJECT))
    global_orders: dict[str, Any] = field(default_factory=lambda: answer_of("list_subscription_global_order.json"))
    lock: threading.Lock = field(default_factory=threading.Lock)


def _term_factor(period_type: int, period_num: int) -> Decimal:
    return FACTORS.get(f"{period_num}y", Decimal(1)) if period_type == 3 else Decimal(1)


def rate_period(body: dict[str, Any], unknown: set[str]) -> tuple[int, dict[str, Any]]:
    """ListRateOnPeriodDetail: the whole term's amount per row, the official one and the best offer."""
    rows = body.get("product_infos") or []
    if not rows or len(rows) > 100:
        return 400, {"error_code": "CBC.0100", "error_msg": "product_infos must hold 1 to 100 rows"}
    if any(row.get("resource_spec") in unknown or row.get("resource_spec") not in MONTHLY for row in rows):
        return 400, {"error_code": "CBC.99006006", "error_msg": "The product does not exist."}
    official, offered = [], []
    for row in rows:
        months = row["period_num"] * (12 if row["period_type"] == 3 else 1)
        size = Decimal(row.get("resource_size") or 1)
        amount = MONTHLY[row["resource_spec"]] * months * size * row["subscription_num"]
        amount *= _term_factor(row["period_type"], row["period_num"])
        official.append({"id": row["id"], "product_id": "p-" + row["id"], "official_website_amount": amount})
        offered.append(
            {
                "id": row["id"],
                "product_id": "p-" + row["id"],
                "amount": amount * BEST_OFFER,
                "official_website_amount": amount,
                "discount_amount": amount - amount * BEST_OFFER,
            }
        )
    total = sum((r["official_website_amount"] for r in official), Decimal(0))
    return 200, {
        "official_website_rating_result": {"official_website_amount": total, "product_rating_results": official},
        "optional_discount_rating_results": [
            {
                "discount_id": "d-commercial",
                "discount_type": 700,
                "amount": total,
                "discount_amount": 0,
                "official_website_amount": total,
                "best_offer": 0,
                "product_rating_results": [
                    dict(r, amount=r["official_website_amount"], discount_amount=0) for r in offered
                ],
            },
            {
                "discount_id": "d-contract",
                "discount_type": 605,
                "amount": total * BEST_OFFER,
                "discount_amount": total - total * BEST_OFFER,
                "official_website_amount": total,
                "best_offer": 1,
                "product_rating_results": offered,
            },
        ],
        "currency": "USD",
    }


def rate_on_demand(body: dict[str, Any], unknown: set[str]) -> tuple[int, dict[str, Any]]:
    """ListOnDemandResourceRatings: the amount of ``usage_value`` hours per row."""
    rows = body.get("product_infos") or []
    if not rows or len(rows) > 100:
        return 400, {"error_code": "CBC.0100", "error_msg": "product_infos must hold 1 to 100 rows"}
    if any(row.get("resource_spec") in unknown or row.get("resource_spec") not in HOURLY for row in rows):
        return 400, {"error_code": "CBC.99006006", "error_msg": "The product does not exist."}
    results = []
    for row in rows:
        size = Decimal(row.get("resource_size") or 1)
        amount = HOURLY[row["resource_spec"]] * Decimal(str(row["usage_value"])) * size * row["subscription_num"]
        results.append(
            {
                "id": row["id"],
                "product_id": "p-" + row["id"],
                "amount": amount * BEST_OFFER,
                "discount_amount": amount - amount * BEST_OFFER,
                "official_website_amount": amount,
            }
        )
    total = sum((r["official_website_amount"] for r in results), Decimal(0))
    return 200, {
        "amount": total * BEST_OFFER,
        "discount_amount": total - total * BEST_OFFER,
        "official_website_amount": total,
        "currency": "USD",
        "product_rating_results": results,
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read fake.seen instead
        pass

    def _answer(self, status: int, body: Any = None, raw: bytes | None = None) -> None:
        data = raw if raw is not None else simplejson.dumps(body, use_decimal=True).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", "fake-request-0001")
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        text = self.rfile.read(length).decode() if length else ""
        body = json.loads(text, parse_float=Decimal) if text else None
        state = self.server.state
        with state.lock:
            state.seen.append(Seen(self.command, url.path, dict(parse_qsl(url.query)), body, dict(self.headers)))
            fault = next((f for f in state.faults if f.operation_path == url.path), None)
            if fault is not None:
                state.faults.remove(fault)
        if fault is not None:
            time.sleep(fault.delay)
            if fault.status != 200 or fault.raw is not None or fault.body is not None:
                self._answer(fault.status, fault.body, fault.raw)
                return
        if self.command == "POST" and url.path == PERIOD_PATH:
            self._answer(*rate_period(body or {}, state.unknown_specs))
        elif self.command == "POST" and url.path == DEMAND_PATH:
            self._answer(*rate_on_demand(body or {}, state.unknown_specs))
        elif self.command == "GET" and PRODUCTS_PATH.match(url.path):
            self._answer(200, state.products)
        elif self.command == "GET" and url.path == GLOBAL_ORDERS_PATH:
            self._answer(200, state.global_orders)
        elif self.command == "GET" and (m := ORDERS_PATH.match(url.path)):
            self._answer(200, state.orders.get(m.group(1), {"ecs_count": 0, "resources": []}))
        else:
            self._answer(404, {"error_code": "APIGW.0101", "error_msg": "The API does not exist."})

    do_GET = do_POST = do_PUT = do_DELETE = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FakeState


class FakeHuawei:
    """Starts the fake on a free loopback port; ``url`` is what ``--endpoint`` takes."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = FakeState()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def state(self) -> FakeState:
        return self._server.state

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(
        self, path: str, status: int, body: Any = None, *, raw: bytes | None = None, delay: float = 0
    ) -> None:
        """The next request to ``path`` gets ``status`` with ``body`` (or the ``raw`` bytes) after ``delay`` s."""
        self.state.faults.append(Fault(path, status, body, raw, delay))

    def slow_next(self, path: str, delay: float) -> None:
        """The next request to ``path`` is answered normally, after ``delay`` seconds."""
        self.state.faults.append(Fault(path, 200, None, None, delay))

    def __enter__(self) -> FakeHuawei:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    """``python -m tests.live.fake_huawei [PORT]``: serve the fake until Ctrl-C (to try the README's flow)."""
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = _Server(("127.0.0.1", port), _Handler)
    server.state = FakeState()
    host, bound = server.server_address[:2]
    print(f"fake Huawei on http://{host}:{bound} (Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
