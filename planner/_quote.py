"""Quotes (SPEC B3): check the rules, price the change, and say what was used and what was assumed.

>>> q = quote({"region": "cn-north-4", "hosts": 1, "on": "2024-06-18", "action": "upgrade",
...     "current": {"edition": "standard", "billing_mode": "yearly_monthly", "quota": 1, "term": "1m",
...                 "start": "2024-06-08", "expires": "2024-07-08"},
...     "target": {"edition": "professional"}})
>>> str(q.total), q.lines[0].math
('13.02', '(22 × 1 − 2.2 × 1) × 0.65806452 = 13.02967750 → 13.02 due (0.00967750 cut off by truncate)')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ._catalog import Catalog, load_catalog
from ._money import fmt, money
from ._pricing import QuoteLine, price_change, today_in
from ._problems import Problem
from ._request import Request, salvage_request, validate_request
from ._rules import check, resolve


@dataclass
class Quote:
    """The planner's answer to one request. ``to_dict()`` is the quote file (SPEC B3)."""

    ok: bool
    catalog: dict[str, str]
    currency: str
    action: str | None = None
    region: str | None = None
    on: date | None = None
    lines: list[QuoteLine] = field(default_factory=list)
    total: Decimal | None = None
    expires: date | None = None
    quota_expires: date | None = None
    auto_renew_charge: date | None = None
    hourly: Decimal | None = None
    monthly_estimate: Decimal | None = None
    refund: dict[str, str] | None = None
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    request: Request | None = None

    @property
    def illustrative(self) -> bool:
        """Whether any figure used is illustrative (not published by Huawei)."""
        return any(w.rule == "price.illustrative" for w in self.warnings)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": self.ok,
            "catalog": dict(self.catalog),
            "currency": self.currency,
            "action": self.action,
            "region": self.region,
            "on": self.on.isoformat() if self.on else None,
            "lines": [line.to_dict() for line in self.lines],
            "total": money(self.total) if self.total is not None else None,
        }
        for key in ("expires", "quota_expires", "auto_renew_charge"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value.isoformat()
        if self.hourly is not None:
            out["hourly"] = fmt(self.hourly)
        if self.monthly_estimate is not None:
            out["monthly_estimate"] = money(self.monthly_estimate)
        if self.refund is not None:
            out["refund"] = dict(self.refund)
        out["warnings"] = [w.to_dict() for w in self.warnings]
        out["errors"] = [e.to_dict() for e in self.errors]
        return out


_MODE_WORDS = {"yearly_monthly": "yearly/monthly", "pay_per_use": "pay-per-use"}


def _illustrative_warnings(catalog: Catalog, priced: Any) -> list[Problem]:
    warnings = []
    for price in priced.used_prices:
        if price.illustrative:
            warnings.append(
                Problem(
                    "price.illustrative",
                    f"prices.csv:{price.row}",
                    f"the {_MODE_WORDS[price.billing_mode]} price of {price.item} "
                    f"({fmt(price.price)} {catalog.currency}/{price.unit}/{price.period}) is illustrative: "
                    "Huawei does not publish it",
                )
            )
    if catalog.discount_illustrative:
        for term in priced.used_discounts:
            warnings.append(
                Problem(
                    "price.illustrative",
                    f"terms.discounts.{term.code}",
                    f"the {term.code} term discount factor ({fmt(catalog.discount(term))}) is illustrative: "
                    "Huawei publishes no term discounts",
                )
            )
    return warnings


def _rules_beyond_the_shape(request: Any, catalog: Catalog, today: date | None) -> list[Problem]:
    """The other broken rules of a request whose shape is partly wrong, so that all are reported at once."""
    if not isinstance(request, Mapping):
        return []
    salvaged, removed = salvage_request(request)
    if salvaged is None:
        return []
    errors, _ = check(salvaged, catalog, salvaged.on_or(today or today_in(catalog)))

    def about_removed(problem: Problem) -> bool:
        return any(problem.field == path or problem.field.startswith(path + ".") for path in removed)

    return [p for p in errors if not about_removed(p)]


def quote(request: Mapping[str, Any] | Request, catalog: Catalog | None = None, *, today: date | None = None) -> Quote:
    """Price one request. Never raises for a broken rule: the quote lists every one in ``errors``.

    ``today`` is the default for the request's ``on`` (today in the catalog's time zone otherwise).
    """
    catalog = catalog if catalog is not None else load_catalog()
    pin, currency = catalog.pin(), catalog.currency
    parsed, problems = validate_request(request)
    if parsed is None:
        action = request.get("action") if isinstance(request, Mapping) else None
        region = request.get("region") if isinstance(request, Mapping) else None
        return Quote(
            ok=False,
            action=action if isinstance(action, str) else None,
            region=region if isinstance(region, str) else None,
            errors=problems + _rules_beyond_the_shape(request, catalog, today),
            catalog=pin,
            currency=currency,
        )
    on = parsed.on_or(today or today_in(catalog))
    if parsed.on is None:
        parsed = parsed.model_copy(update={"on": on})
    errors, warnings = check(parsed, catalog, on)
    result = Quote(
        ok=not errors, action=parsed.action, region=parsed.region, on=on, request=parsed, catalog=pin, currency=currency
    )
    result.errors = errors
    result.warnings = warnings
    if errors:
        return result
    try:
        priced = price_change(resolve(parsed, catalog, on), catalog)
    except LookupError as exc:  # a catalog that sells an item it does not price (catalog check prevents it)
        result.ok = False
        result.errors = [Problem("price.missing", "region", str(exc))]
        return result
    result.lines = priced.lines
    result.total = sum((line.amount for line in priced.lines), Decimal(0))
    for name in ("expires", "quota_expires", "auto_renew_charge", "hourly", "monthly_estimate", "refund"):
        setattr(result, name, getattr(priced, name))
    stale = catalog.stale_warnings(today or today_in(catalog))
    result.warnings = warnings + priced.warnings + _illustrative_warnings(catalog, priced) + stale
    return result
