"""Asking Huawei's price inquiry API (SPEC A9): product rows in, one amount per row out.

Rows go in batches of at most 100. A batch Huawei refuses because it does not know a product
(400 ``CBC.99006006``) is asked again split by product code and region: the rows of the unknown product are
set aside (the fetch keeps the base catalog's price for them) and the others are answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._catalog import BssProduct
from .._dates import Term
from ._client import Huawei
from ._errors import UNKNOWN_PRODUCT, LiveError

BATCH = 100  # rows per inquiry [C: BSS API reference]
PERIOD, ON_DEMAND = "ListRateOnPeriodDetail", "ListOnDemandResourceRatings"
PERIOD_TYPE = {"month": 2, "year": 3}  # [C: period_type 2 month, 3 year]


@dataclass(frozen=True)
class Row:
    """One product row: an item of the catalog in a region, for a term (yearly/monthly) or an hour."""

    region: str
    item: str
    billing_mode: str
    term: Term | None
    product: BssProduct

    @property
    def id(self) -> str:
        return f"{self.region}/{self.item}/{self.term.code if self.term else 'hour'}"

    @property
    def size(self) -> int:
        return self.product.resource_size or 1

    def to_body(self) -> dict[str, Any]:
        p = self.product
        row: dict[str, Any] = {
            "id": self.id,
            "cloud_service_type": p.cloud_service_type,
            "resource_type": p.resource_type,
            "resource_spec": p.resource_spec,
            "region": self.region,
        }
        if p.resource_size is not None:
            row["resource_size"] = p.resource_size
        if p.size_measure_id is not None:
            row["size_measure_id"] = p.size_measure_id
        if self.term is not None:
            row["period_type"] = PERIOD_TYPE[self.term.unit]
            row["period_num"] = self.term.count
        else:
            row.update(usage_factor=p.usage_factor, usage_value=1, usage_measure_id=p.usage_measure_id)
        row["subscription_num"] = 1
        return row


@dataclass(frozen=True)
class Answer:
    amount: Decimal  # the whole term (or hour) for the row's size and quantity 1
    source: str  # bss:<operation>@<UTC time of the answer>


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _OfficialRow(_Loose):
    id: str
    official_website_amount: Decimal = Field(ge=0)


class _Official(_Loose):
    product_rating_results: list[_OfficialRow]


class _OfferRow(_Loose):
    id: str
    amount: Decimal = Field(ge=0)


class _Offer(_Loose):
    best_offer: int | None = None
    product_rating_results: list[_OfferRow] = []


class _PeriodAnswer(_Loose):
    official_website_rating_result: _Official
    optional_discount_rating_results: list[_Offer] = []
    currency: str | None = None


class _DemandRow(_Loose):
    id: str
    official_website_amount: Decimal = Field(ge=0)
    amount: Decimal | None = Field(default=None, ge=0)


class _DemandAnswer(_Loose):
    product_rating_results: list[_DemandRow]
    currency: str | None = None


def _batches(rows: list[Row]) -> Iterator[list[Row]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _shape_error(operation: str, exc: ValidationError) -> LiveError:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "the answer"
    return LiveError(operation, "malformed", f"an answer of the wrong shape: {where}: {first['msg']}")


class Inquiry:
    """Prices rows through one :class:`Huawei` conversation; ``unknown`` collects the rows Huawei refused."""

    def __init__(self, huawei: Huawei, *, currency: str, account_prices: bool, clock: Callable[[], datetime]) -> None:
        self.huawei = huawei
        self.currency = currency
        self.account_prices = account_prices
        self.clock = clock
        self.unknown: list[Row] = []
        self.calls = 0

    def price(self, rows: list[Row]) -> dict[str, Answer]:
        answers: dict[str, Answer] = {}
        ordered = sorted(rows, key=lambda r: (r.billing_mode, r.product.resource_spec, r.region))
        for mode in ("yearly_monthly", "pay_per_use"):
            for batch in _batches([r for r in ordered if r.billing_mode == mode]):
                answers.update(self._isolating(batch))
        return answers

    def _isolating(self, batch: list[Row]) -> dict[str, Answer]:
        try:
            return self._ask(batch)
        except LiveError as exc:
            if exc.error_code != UNKNOWN_PRODUCT:
                raise
        groups: dict[tuple[str, str], list[Row]] = {}
        for row in batch:
            groups.setdefault((row.product.resource_spec, row.region), []).append(row)
        if len(groups) == 1:  # one product in one region, and Huawei does not know it
            self.unknown.extend(batch)
            return {}
        answers: dict[str, Answer] = {}
        for group in groups.values():
            answers.update(self._isolating(group))
        return answers

    def _ask(self, batch: list[Row]) -> dict[str, Answer]:
        body: dict[str, Any] = {"project_id": self.huawei.project_id, "product_infos": [r.to_body() for r in batch]}
        operation = PERIOD if batch[0].term is not None else ON_DEMAND
        client = self.huawei.bss(operation)
        self.calls += 1
        if operation == PERIOD:
            request = _sdk_request(client, operation, "RateOnPeriodReq", "PeriodProductInfo", body)
        else:
            body["inquiry_precision"] = 1  # up to 10 decimals [C]
            request = _sdk_request(client, operation, "RateOnDemandReq", "DemandProductInfo", body)
        data = self.huawei.call(operation, client, request)
        source = f"bss:{operation}@{self.clock().astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}"
        amounts = self._period(data) if operation == PERIOD else self._demand(data)
        missing = [r.id for r in batch if r.id not in amounts]
        if missing:
            raise LiveError(operation, "malformed", f"an answer of the wrong shape: no amount for row {missing[0]}")
        return {r.id: Answer(amounts[r.id], source) for r in batch}

    def _check_currency(self, operation: str, currency: str | None) -> None:
        if currency is not None and currency != self.currency:
            raise LiveError(
                operation, "currency", f"Huawei answers in {currency}, the base catalog is in {self.currency}"
            )

    def _period(self, data: Any) -> dict[str, Decimal]:
        try:
            answer = _PeriodAnswer.model_validate(data)
        except ValidationError as exc:
            raise _shape_error(PERIOD, exc) from None
        self._check_currency(PERIOD, answer.currency)
        amounts = {
            r.id: r.official_website_amount for r in answer.official_website_rating_result.product_rating_results
        }
        if self.account_prices:
            best = next((o for o in answer.optional_discount_rating_results if o.best_offer == 1), None)
            if best is not None:
                amounts.update({r.id: r.amount for r in best.product_rating_results})
        return amounts

    def _demand(self, data: Any) -> dict[str, Decimal]:
        try:
            answer = _DemandAnswer.model_validate(data)
        except ValidationError as exc:
            raise _shape_error(ON_DEMAND, exc) from None
        self._check_currency(ON_DEMAND, answer.currency)
        return {
            r.id: (r.amount if self.account_prices and r.amount is not None else r.official_website_amount)
            for r in answer.product_rating_results
        }


def _sdk_request(client: Any, operation: str, body_model: str, row_model: str, body: dict[str, Any]) -> Any:
    """The SDK's own request objects (models of the client's package: bssintl or bss)."""
    import importlib

    models = importlib.import_module(type(client).__module__.rsplit(".", 1)[0])
    rows = [getattr(models, row_model)(**row) for row in body["product_infos"]]
    fields = {k: v for k, v in body.items() if k != "product_infos"}
    return getattr(models, f"{operation}Request")(body=getattr(models, body_model)(product_infos=rows, **fields))
