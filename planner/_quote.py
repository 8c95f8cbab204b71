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

from ._actions import ACTIONS
from ._catalog import Catalog, load_catalog
from ._domain import MODE_WORDS
from ._limits import is_text
from ._money import fmt, money
from ._price_order import PriceOrderError
from ._pricing import Priced, Pricer, QuoteLine, Refund
from ._problems import Problem
from ._request import Request, salvage_request, validate_request
from ._rules import check


@dataclass
class Quote:
    """The planner's answer to one request. ``to_dict()`` is the quote file (SPEC B3).

    ``priced`` holds what pricing found (``None`` when a rule is broken); the amounts and dates are read
    from it.
    """

    ok: bool
    catalog: dict[str, str]
    currency: str
    action: str | None = None
    region: str | None = None
    on: date | None = None
    priced: Priced | None = None
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    request: Request | None = None

    @property
    def lines(self) -> list[QuoteLine]:
        return self.priced.lines if self.priced else []

    @property
    def total(self) -> Decimal | None:
        """What is due now (a refund is negative; pay-per-use is 0); ``None`` when not priced."""
        return self.priced.total if self.priced else None

    @property
    def expires(self) -> date | None:
        return self.priced.expires if self.priced else None

    @property
    def quota_expires(self) -> date | None:
        return self.priced.quota_expires if self.priced else None

    @property
    def auto_renew_charge(self) -> date | None:
        return self.priced.auto_renew_charge if self.priced else None

    @property
    def hourly(self) -> Decimal | None:
        return self.priced.hourly if self.priced else None

    @property
    def monthly_estimate(self) -> Decimal | None:
        return self.priced.monthly_estimate if self.priced else None

    @property
    def refund(self) -> Refund | None:
        return self.priced.refund if self.priced else None

    @property
    def pay_per_use(self) -> bool:
        """Whether the quote is for pay-per-use: nothing due now, an hourly rate instead."""
        return self.hourly is not None and not any(line.amount for line in self.lines)

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
            out["refund"] = self.refund.to_dict()
        out["warnings"] = [w.to_dict() for w in self.warnings]
        out["errors"] = [e.to_dict() for e in self.errors]
        return out


def _illustrative_warnings(catalog: Catalog, priced: Priced) -> list[Problem]:
    warnings = []
    for price in priced.used_prices:
        if price.illustrative:
            warnings.append(
                Problem(
                    "price.illustrative",
                    f"prices.csv:{price.row}",
                    f"the {MODE_WORDS[price.billing_mode]} price of {price.item} "
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
    errors, _ = check(salvaged, catalog, salvaged.on_or(today or catalog.today()))

    def about_removed(problem: Problem) -> bool:
        return any(problem.field == path or problem.field.startswith(path + ".") for path in removed)

    return [p for p in errors if not about_removed(p)]


@dataclass(frozen=True)
class Checked:
    """What the rules say of a request before any price is looked up: the request as parsed (``None`` when
    its shape is wrong), the day it is priced as of, and every broken rule and rule warning."""

    request: Request | None
    on: date | None
    errors: list[Problem]
    warnings: list[Problem]


def check_request(request: Mapping[str, Any] | Request, catalog: Catalog, *, today: date | None = None) -> Checked:
    """Every rule :func:`quote` checks before it prices, in the same order (SPEC B6): the request's shape,
    then every purchasing rule. ``today`` is the default for the request's ``on``."""
    parsed, problems = validate_request(request)
    if parsed is None:
        return Checked(None, None, problems + _rules_beyond_the_shape(request, catalog, today), [])
    on = parsed.on_or(today or catalog.today())
    if parsed.on is None:
        parsed = parsed.model_copy(update={"on": on})
    errors, warnings = check(parsed, catalog, on)
    return Checked(parsed, on, errors, warnings)


def quote(request: Mapping[str, Any] | Request, catalog: Catalog | None = None, *, today: date | None = None) -> Quote:
    """Price one request. Never raises for a broken rule: the quote lists every one in ``errors``.

    ``today`` is the default for the request's ``on`` (today in the catalog's time zone otherwise).
    """
    catalog = catalog if catalog is not None else load_catalog()
    pin, currency = catalog.pin(), catalog.currency
    checked = check_request(request, catalog, today=today)
    parsed, on = checked.request, checked.on
    if parsed is None or on is None:
        action = request.get("action") if isinstance(request, Mapping) else None
        region = request.get("region") if isinstance(request, Mapping) else None
        return Quote(
            ok=False,
            action=action if is_text(action) else None,  # a lone surrogate cannot be written into the answer
            region=region if is_text(region) else None,
            errors=checked.errors,
            catalog=pin,
            currency=currency,
        )
    result = Quote(
        ok=not checked.errors,
        action=parsed.action,
        region=parsed.region,
        on=on,
        request=parsed,
        catalog=pin,
        currency=currency,
        errors=checked.errors,
        warnings=checked.warnings,
    )
    if checked.errors:
        return result
    try:
        result.priced = price_checked(parsed, catalog, on)
    except PriceOrderError as exc:  # a Catalog built by hand, out of rank order (load_catalog refuses one)
        result.ok = False
        result.errors = [Problem(exc.rule, "region", str(exc))]
        return result
    stale = catalog.stale_warnings(today or catalog.today())
    warnings = checked.warnings
    result.warnings = warnings + result.priced.warnings + _illustrative_warnings(catalog, result.priced) + stale
    return result


def price_checked(request: Request, catalog: Catalog, on: date) -> Priced:
    """Price a request that passed the rules (:func:`planner._rules.check`) through its action."""
    action = ACTIONS[request.action]
    pricer = Pricer(catalog, request.region, on)
    action.price(action.resolve(request, catalog, on), pricer)
    return pricer.out
