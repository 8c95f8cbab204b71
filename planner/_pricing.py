"""Pricing every action shares (SPEC A3–A7): quote lines, with the math written out, and the dispatch.

Every amount is computed exactly in ``Decimal`` (remaining periods at 8 places), then each line is cut
to cents once, by :func:`planner._money.cut_to_cents` with the catalog's rounding mode. Each action's own
pricing lives in its module in :mod:`planner._actions`; the line builders here are what they share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ._catalog import Catalog, Price
from ._dates import Term, remaining_period, term_end
from ._money import ZERO, cut_to_cents, fmt, fmt8, money, work
from ._price_order import PriceOrderError
from ._problems import Problem

HOUR = Decimal(3600)


@dataclass(frozen=True)
class QuoteLine:
    """One priced line of a quote (SPEC B3). Money and quantities are Decimals; ``to_dict`` gives strings.

    ``service_from`` / ``service_to`` is the service period the line pays for (``to`` is the last day
    served; a pay-per-use line has no end).
    """

    item: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    period: str
    periods: Decimal
    discount: Decimal
    amount: Decimal  # due now, cut to cents
    truncated: Decimal  # what the rounding cut off
    math: str
    service_from: date | None = None
    service_to: date | None = None
    hourly: Decimal | None = None  # pay-per-use only
    monthly_estimate: Decimal | None = None  # pay-per-use only

    def to_dict(self) -> dict[str, str]:
        out = {
            "item": self.item,
            "description": self.description,
            "quantity": fmt(self.quantity),
            "unit": self.unit,
            "unit_price": fmt(self.unit_price),
            "period": self.period,
            "periods": fmt(self.periods),
            "discount": fmt(self.discount),
            "amount": money(self.amount),
            "truncated": fmt8(self.truncated),
            "math": self.math,
        }
        if self.service_from is not None:
            out["from"] = self.service_from.isoformat()
        if self.service_to is not None:
            out["to"] = self.service_to.isoformat()
        if self.hourly is not None:
            out["hourly"] = fmt(self.hourly)
        if self.monthly_estimate is not None:
            out["monthly_estimate"] = money(self.monthly_estimate)
        return out


@dataclass(frozen=True)
class Refund:
    """What an unsubscribe gives back (SPEC A7, B3): the parts of the refund, as Decimals."""

    paid: Decimal
    full_refund: bool
    used_hours: int
    ordered_hours: int
    used_amount: Decimal  # paid × used ÷ ordered hours, at 8 places
    handling_fee_rate: Decimal
    fee_year: int  # the year of use the fee rate belongs to (1 for monthly and 1-year terms)
    handling_fee: Decimal  # at 8 places
    amount: Decimal  # the refund, cut to cents once
    as_of: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "paid": money(self.paid),
            "full_refund": self.full_refund,
            "used_hours": str(self.used_hours),
            "ordered_hours": str(self.ordered_hours),
            "used_amount": fmt(self.used_amount),
            "handling_fee_rate": fmt(self.handling_fee_rate),
            "handling_fee": fmt(self.handling_fee),
            "amount": money(self.amount),
            "as_of": self.as_of.isoformat(),
        }


@dataclass
class Priced:
    """What pricing found: the lines plus the facts the quote reports beside them."""

    lines: list[QuoteLine] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    expires: date | None = None
    quota_expires: date | None = None
    auto_renew_charge: date | None = None
    hourly: Decimal | None = None
    monthly_estimate: Decimal | None = None
    refund: Refund | None = None
    used_prices: list[Price] = field(default_factory=list)
    used_discounts: list[Term] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """What is due now: the sum of the lines (negative for a refund)."""
        return sum((line.amount for line in self.lines), ZERO)


@dataclass(frozen=True)
class Coterm:
    """A running yearly/monthly order: its term and expiry. Changes to it are co-terminated [SPEC A5]."""

    term: Term
    expires: date


class Pricer:
    """The line builders every action's pricing uses, for one region and day of one catalog."""

    def __init__(self, catalog: Catalog, region: str, on: date) -> None:
        self.c = catalog
        self.region = region
        self.on = on
        self.out = Priced()

    # -- lookups ----------------------------------------------------------------------------------
    def price(self, item: str, mode: str) -> Price:
        price = self.c.price(self.region, item, mode)
        if price is None:  # load_catalog refuses a catalog that sells an item it does not price
            raise LookupError(f"catalog {self.c.id} has no {mode} price for {item} in {self.region}")
        if price not in self.out.used_prices:
            self.out.used_prices.append(price)
        return price

    def discount(self, term: Term, *, paid: bool = True) -> Decimal:
        factor = self.c.discount(term)
        if paid and factor != 1 and term not in self.out.used_discounts:
            self.out.used_discounts.append(term)
        return factor

    def unit_label(self, item: str) -> str:
        return self.c.packages[item].unit if item in self.c.packages else "quota"

    def name(self, item: str) -> str:
        return self.c.packages[item].name if item in self.c.packages else f"{item.capitalize()} edition + ECS quota"

    def auto_renew_charge(self, expires: date) -> None:
        """Auto-renewal charges a few days before expiry [SPEC A4]: only for what renews automatically."""
        self.out.auto_renew_charge = expires - timedelta(days=self.c.auto_renew_lead_days)

    # -- line builders ----------------------------------------------------------------------------
    def add(
        self,
        item: str,
        description: str,
        quantity: int,
        unit_price: Decimal,
        period: str,
        periods: Decimal,
        discount: Decimal,
        exact: Decimal,
        math: str,
        served: tuple[date, date],
    ) -> None:
        exact = work(exact)  # working precision: 8 places [SPEC A5]
        due, cut = cut_to_cents(exact, self.c.rounding)
        math = f"{math} = {fmt8(exact)}"
        if cut:
            math += f" → {money(due)} due ({fmt8(cut)} cut off by {self.c.rounding})"
        self.out.lines.append(
            QuoteLine(
                item=item,
                description=description,
                quantity=Decimal(quantity),
                unit=self.unit_label(item),
                unit_price=unit_price,
                period=period,
                periods=periods,
                discount=discount,
                amount=due,
                truncated=cut,
                math=math,
                service_from=served[0],
                service_to=served[1],
            )
        )

    @staticmethod
    def per_period(monthly: Decimal, term: Term) -> tuple[Decimal, str]:
        """A configuration's unit price for the order's period unit: a month, or a year of 12 months."""
        return (monthly * 12, "year") if term.unit == "year" else (monthly, "month")

    @staticmethod
    def times_discount(discount: Decimal) -> str:
        return "" if discount == 1 else f" × {fmt(discount)} discount"

    def term_line(
        self, item: str, quantity: int, term: Term, start: date, description: str, *, renewal: bool = False
    ) -> date:
        """A full term bought now: monthly price × quantity × months × the term's discount [SPEC A5].

        Returns the term's expiry (``start`` plus the term, clamped to the month's end [SPEC A4]). A
        ``renewal`` serves the days after ``start`` (the old expiry); a new term serves from ``start``.
        """
        expires = term_end(start, term)
        price = self.price(item, "yearly_monthly")
        unit_price, period = self.per_period(price.price, term)
        factor = self.discount(term, paid=unit_price > 0)  # a free edition uses no illustrative discount
        periods = Decimal(term.count)
        exact = unit_price * quantity * periods * factor
        per = f"{fmt(price.price)} × 12 = {fmt(unit_price)} a year; " if term.unit == "year" else ""
        plural = "" if periods == 1 else "s"
        math = f"{per}{fmt(unit_price)} × {quantity} × {fmt(periods)} {period}{plural}{self.times_discount(factor)}"
        served_from = start + timedelta(days=1) if renewal else start
        self.add(item, description, quantity, unit_price, period, periods, factor, exact, math, (served_from, expires))
        return expires

    def hourly_line(self, item: str, quantity: int, description: str) -> None:
        """Pay-per-use: nothing due now; the hourly rate and a 730-hour monthly estimate [SPEC A6]."""
        price = self.price(item, "pay_per_use")
        hours = Decimal(self.c.limits.hours_per_month)
        hourly = price.price * quantity
        estimate = cut_to_cents(hourly * hours, self.c.rounding)[0]
        math = (
            f"{fmt(price.price)} × {quantity} = {fmt(hourly)} an hour (billed per second: ÷ 3600 = "
            f"{fmt(work(hourly / HOUR))} a second, settled hourly); × {fmt(hours)} h ≈ {fmt(hourly * hours)} "
            "a month; nothing due now"
        )
        self.out.lines.append(
            QuoteLine(
                item=item,
                description=description,
                quantity=Decimal(quantity),
                unit=self.unit_label(item),
                unit_price=price.price,
                period="hour",
                periods=hours,
                discount=Decimal(1),
                amount=ZERO,
                truncated=ZERO,
                math=math,
                service_from=self.on,
                hourly=hourly,
                monthly_estimate=estimate,
            )
        )
        self.out.hourly = (self.out.hourly or ZERO) + hourly
        self.out.monthly_estimate = (self.out.monthly_estimate or ZERO) + estimate

    def change_line(
        self, item: str, old_item: str, new_qty: int, old_qty: int, coterm: Coterm, description: str
    ) -> None:
        """A co-terminated change: (new configuration price − old) × remaining period × discount [SPEC A5]."""
        term, expires = coterm.term, coterm.expires
        periods = remaining_period(self.on, expires, term)
        new_price = self.price(item, "yearly_monthly")
        old_price = self.price(old_item, "yearly_monthly") if old_qty else new_price
        new_unit, period = self.per_period(new_price.price, term)
        old_unit, _ = self.per_period(old_price.price, term)
        factor = self.discount(term)
        exact = (new_unit * new_qty - old_unit * old_qty) * periods * factor
        if exact < 0:  # load_catalog refuses such a catalog; a Catalog built by hand must not slip through
            raise PriceOrderError(
                f"catalog {self.c.id} prices {item} × {new_qty} below {old_item} × {old_qty} in {self.region}: "
                "an upgrade cannot cost less than nothing"
            )
        if old_qty and (item != old_item or new_unit != old_unit):
            diff = f"({fmt(new_unit)} × {new_qty} − {fmt(old_unit)} × {old_qty})"
        elif old_qty:
            diff = f"{fmt(new_unit)} × ({new_qty} − {old_qty})"
        else:
            diff = f"{fmt(new_unit)} × {new_qty}"
        math = f"{diff} × {fmt(periods)}{self.times_discount(factor)}"
        unit = "years (days ÷ 365, 29 Feb left out)" if term.unit == "year" else "months (days ÷ days of each month)"
        description += f"; remaining period {fmt(periods)} {unit} from {self.on} to {expires}"
        self.add(item, description, new_qty, new_unit, period, periods, factor, exact, math, (self.on, expires))

    def packages_now(self, packages: dict[str, int], held: dict[str, int], coterm: Coterm | None) -> None:
        """Packages bought during a change: co-terminated (yearly/monthly) or hourly (``coterm`` None)."""
        for pkg_id, size in packages.items():
            package = self.c.packages[pkg_id]
            if coterm is None:
                total = size + held.get(pkg_id, 0) if package.stacks else size
                self.hourly_line(pkg_id, total, f"{package.name}, pay-per-use, {total} {package.unit} after the change")
            elif package.stacks or pkg_id not in held:
                self.change_line(pkg_id, pkg_id, size, 0, coterm, f"{package.name}: {size} {package.unit} added")
            else:
                self.change_line(
                    pkg_id,
                    pkg_id,
                    size,
                    held[pkg_id],
                    coterm,
                    f"{package.name}: {held[pkg_id]} → {size} {package.unit}",
                )


__all__ = ["Coterm", "Priced", "Pricer", "QuoteLine", "Refund"]
