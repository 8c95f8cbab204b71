"""Pricing (SPEC A3–A7): what each action costs, line by line, with the math written out.

Every amount is computed exactly in ``Decimal`` (remaining periods at 8 places), then each line is cut
to cents once, by :func:`planner._money.cut_to_cents` with the catalog's rounding mode.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from ._catalog import Catalog, Price
from ._dates import Term, remaining_period, term_end
from ._money import ZERO, cut_to_cents, fmt, fmt8, money, work
from ._price_order import PriceOrderError
from ._problems import Problem
from ._rules import Change

HOUR = Decimal(3600)


@dataclass(frozen=True)
class QuoteLine:
    """One priced line of a quote (SPEC B3). Money and quantities are Decimals; ``to_dict`` gives strings."""

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
    hourly: Decimal | None = None  # pay-per-use only
    monthly_estimate: Decimal | None = None  # pay-per-use only

    def to_dict(self) -> dict[str, str]:
        out = {}
        for key, value in asdict(self).items():
            if value is None:
                continue
            if key == "amount":
                out[key] = money(value)
            elif key == "truncated":
                out[key] = fmt8(value)
            elif key == "monthly_estimate":
                out[key] = money(value)
            elif isinstance(value, Decimal):
                out[key] = fmt(value)
            else:
                out[key] = value
        return out


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
    refund: dict[str, str] | None = None
    used_prices: list[Price] = field(default_factory=list)
    used_discounts: list[Term] = field(default_factory=list)


class _Pricer:
    def __init__(self, change: Change, catalog: Catalog) -> None:
        self.ch = change
        self.c = catalog
        self.out = Priced()

    # -- lookups ----------------------------------------------------------------------------------
    def price(self, item: str, mode: str) -> Price:
        price = self.c.price(self.ch.region, item, mode)
        if price is None:  # the catalog check guarantees a price for what a region sells
            raise LookupError(f"catalog {self.c.id} has no {mode} price for {item} in {self.ch.region}")
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
        **extra: Decimal,
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
                **extra,
            )
        )

    def per_period(self, monthly: Decimal, term: Term) -> tuple[Decimal, str]:
        """A configuration's unit price for the order's period unit: a month, or a year of 12 months."""
        return (monthly * 12, "year") if term.unit == "year" else (monthly, "month")

    @staticmethod
    def times_discount(discount: Decimal) -> str:
        return "" if discount == 1 else f" × {fmt(discount)} discount"

    def term_line(self, item: str, quantity: int, term: Term, description: str) -> None:
        """A full term bought now: monthly price × quantity × months × the term's discount [SPEC A5]."""
        price = self.price(item, "yearly_monthly")
        unit_price, period = self.per_period(price.price, term)
        factor = self.discount(term, paid=unit_price > 0)  # a free edition uses no illustrative discount
        periods = Decimal(term.count)
        exact = unit_price * quantity * periods * factor
        per = f"{fmt(price.price)} × 12 = {fmt(unit_price)} a year; " if term.unit == "year" else ""
        plural = "" if periods == 1 else "s"
        math = f"{per}{fmt(unit_price)} × {quantity} × {fmt(periods)} {period}{plural}{self.times_discount(factor)}"
        self.add(item, description, quantity, unit_price, period, periods, factor, exact, math)

    def hourly_line(self, item: str, quantity: int, description: str) -> None:
        """Pay-per-use: nothing due now; the hourly rate and a 730-hour monthly estimate [SPEC A6]."""
        price = self.price(item, "pay_per_use")
        hours = Decimal(self.c.limits.hours_per_month)
        hourly = price.price * quantity
        estimate = hourly * hours
        math = (
            f"{fmt(price.price)} × {quantity} = {fmt(hourly)} an hour (billed per second: ÷ 3600 = "
            f"{fmt(work(hourly / HOUR))} a second, settled hourly); × {fmt(hours)} h ≈ {fmt(estimate)} a month; "
            "nothing due now"
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
                hourly=hourly,
                monthly_estimate=cut_to_cents(estimate, self.c.rounding)[0],
            )
        )
        self.out.hourly = (self.out.hourly or ZERO) + hourly
        self.out.monthly_estimate = (self.out.monthly_estimate or ZERO) + cut_to_cents(estimate, self.c.rounding)[0]

    def remaining(self) -> tuple[Decimal, Term, date]:
        ch = self.ch
        assert ch.current_term is not None and ch.current_expires is not None
        return remaining_period(ch.on, ch.current_expires, ch.current_term), ch.current_term, ch.current_expires

    def remaining_words(self, periods: Decimal, term: Term, expires: date) -> str:
        unit = "years (days ÷ 365, 29 Feb left out)" if term.unit == "year" else "months (days ÷ days of each month)"
        return f"{fmt(periods)} {unit} from {self.ch.on} to {expires}"

    def change_line(self, item: str, old_item: str, new_qty: int, old_qty: int, description: str) -> None:
        """A co-terminated change: (new configuration price − old) × remaining period × discount [SPEC A5]."""
        periods, term, expires = self.remaining()
        new_price = self.price(item, "yearly_monthly")
        old_price = self.price(old_item, "yearly_monthly") if old_qty else new_price
        new_unit, period = self.per_period(new_price.price, term)
        old_unit, _ = self.per_period(old_price.price, term)
        factor = self.discount(term)
        exact = (new_unit * new_qty - old_unit * old_qty) * periods * factor
        if exact < 0:  # load_catalog refuses such a catalog; a Catalog built by hand must not slip through
            raise PriceOrderError(
                f"catalog {self.c.id} prices {item} × {new_qty} below {old_item} × {old_qty} in {self.ch.region}: "
                "an upgrade cannot cost less than nothing"
            )
        if old_qty and (item != old_item or new_unit != old_unit):
            diff = f"({fmt(new_unit)} × {new_qty} − {fmt(old_unit)} × {old_qty})"
        elif old_qty:
            diff = f"{fmt(new_unit)} × ({new_qty} − {old_qty})"
        else:
            diff = f"{fmt(new_unit)} × {new_qty}"
        math = f"{diff} × {fmt(periods)}{self.times_discount(factor)}"
        description += f"; remaining period {self.remaining_words(periods, term, expires)}"
        self.add(item, description, new_qty, new_unit, period, periods, factor, exact, math)

    # -- the actions ------------------------------------------------------------------------------
    def purchase(self) -> None:
        ch = self.ch
        if ch.billing_mode == "pay_per_use":
            self.hourly_line(ch.edition, ch.quota, f"{self.name(ch.edition)}, pay-per-use")
            for pkg_id, size in ch.packages.items():
                self.hourly_line(pkg_id, size, f"{self.name(pkg_id)}, pay-per-use")
            return
        assert ch.term is not None
        expires = term_end(ch.on, ch.term)
        self.out.expires = expires
        when = f"{ch.term.code} from {ch.on} to {expires}"
        self.term_line(ch.edition, ch.quota, ch.term, f"{self.name(ch.edition)}, {when}")
        for pkg_id, size in ch.packages.items():
            self.term_line(pkg_id, size, ch.term, f"{self.name(pkg_id)}, {when}")
        if ch.auto_renew:
            self.out.auto_renew_charge = expires - timedelta(days=self.c.auto_renew_lead_days)

    def packages_now(self) -> None:
        """Packages bought during a change: co-terminated (yearly/monthly) or hourly (pay-per-use)."""
        ch = self.ch
        assert ch.current is not None
        held = ch.current.packages
        for pkg_id, size in ch.packages.items():
            package = self.c.packages[pkg_id]
            if ch.billing_mode == "pay_per_use":
                total = size + held.get(pkg_id, 0) if package.stacks else size
                self.hourly_line(pkg_id, total, f"{package.name}, pay-per-use, {total} {package.unit} after the change")
            elif package.stacks or pkg_id not in held:
                self.change_line(pkg_id, pkg_id, size, 0, f"{package.name}: {size} {package.unit} added")
            else:
                self.change_line(
                    pkg_id, pkg_id, size, held[pkg_id], f"{package.name}: {held[pkg_id]} → {size} {package.unit}"
                )

    def upgrade(self) -> None:
        ch = self.ch
        assert ch.current is not None
        cur = ch.current
        # Only yearly/monthly upgrades exist: pay-per-use is professional, with nothing above it (rules).
        more = f", quota {cur.quota} → {ch.quota}" if ch.quota != cur.quota else ""
        self.change_line(
            ch.edition,
            cur.edition,
            ch.quota,
            cur.quota,
            f"Upgrade {cur.edition} → {ch.edition}{more}, co-terminated",
        )
        self.out.expires = ch.current_expires
        self.packages_now()

    def increase_quota(self) -> None:
        ch = self.ch
        assert ch.current is not None
        cur = ch.current
        added = ch.quota - cur.quota
        if ch.billing_mode == "pay_per_use":
            old = self.price(ch.edition, "pay_per_use").price * cur.quota
            self.hourly_line(
                ch.edition,
                ch.quota,
                f"{self.name(ch.edition)}, pay-per-use, quota {cur.quota} → {ch.quota} (was {fmt(old)} an hour; "
                "the hour of the change is billed in two records)",
            )
        elif self.c.quota_increase == "separate_term":
            assert ch.term is not None
            quota_expires = term_end(ch.on, ch.term)
            self.out.quota_expires = quota_expires
            self.out.expires = ch.current_expires
            self.term_line(
                ch.edition,
                added,
                ch.term,
                f"ECS quota +{added} ({cur.quota} → {ch.quota}) with its own {ch.term.code} term, "
                f"{ch.on} to {quota_expires}",
            )
        else:
            self.change_line(
                ch.edition,
                ch.edition,
                ch.quota,
                cur.quota,
                f"ECS quota +{added} ({cur.quota} → {ch.quota}), co-terminated",
            )
            self.out.expires = ch.current_expires
        self.packages_now()

    def renew(self) -> None:
        ch = self.ch
        assert ch.current is not None and ch.term is not None and ch.current_expires is not None
        start = ch.current_expires  # a renewal starts at the old expiry, even in grace/retention [C]
        expires = term_end(start, ch.term)
        self.out.expires = expires
        self.out.auto_renew_charge = expires - timedelta(days=self.c.auto_renew_lead_days)
        when = f"renewal {ch.term.code} from {start} to {expires}"
        self.term_line(ch.edition, ch.current.quota, ch.term, f"{self.name(ch.edition)}, {when}")
        for pkg_id, size in ch.current.packages.items():
            self.term_line(pkg_id, size, ch.term, f"{self.name(pkg_id)}, {when}")

    def buy_package(self) -> None:
        self.packages_now()
        if self.ch.billing_mode == "yearly_monthly":
            self.out.expires = self.ch.current_expires

    def change_billing_mode(self) -> None:
        ch = self.ch
        assert ch.current is not None and ch.term is not None
        expires = term_end(ch.on, ch.term)
        self.out.expires = expires
        self.term_line(
            ch.edition,
            ch.current.quota,
            ch.term,
            f"{self.name(ch.edition)}, pay-per-use → yearly/monthly, {ch.term.code} from {ch.on} to {expires}",
        )
        if ch.auto_renew:
            self.out.auto_renew_charge = expires - timedelta(days=self.c.auto_renew_lead_days)

    def unsubscribe(self) -> None:
        ch = self.ch
        cur = ch.current
        assert cur is not None and cur.paid is not None and cur.purchased_at is not None
        assert ch.current_expires is not None and ch.current_term is not None
        tz = self.c.tzinfo
        bought = cur.purchased_at if cur.purchased_at.tzinfo else cur.purchased_at.replace(tzinfo=tz)
        # The planner prices an unsubscribe at the end of the day `on`: the least you get back that day.
        moment = datetime.combine(ch.on + timedelta(days=1), time(), tzinfo=tz)
        service_end = datetime.combine(ch.current_expires + timedelta(days=1), time(), tzinfo=tz)
        ordered_hours = max(int((service_end - bought).total_seconds() // 3600), 1)
        used_hours = min(max(int((moment - bought).total_seconds() // 3600), 0), ordered_hours)
        paid = cur.paid
        package_id, package_size = next(iter(ch.refund_packages.items()), (None, 0))
        full = moment - bought <= timedelta(days=self.c.full_refund_days)
        if full:
            rate, used_amount, fee = ZERO, ZERO, ZERO
            exact = paid
            math = (
                f"within {self.c.full_refund_days} days of purchase ({bought:%Y-%m-%d %H:%M}): "
                f"full refund of {money(paid)}"
            )
        else:
            years_used = relativedelta(moment, bought).years
            rates = self.c.handling_fee_rates(ch.current_term)
            rate = rates[min(years_used, len(rates) - 1)]
            used_amount = paid * Decimal(used_hours) / Decimal(ordered_hours)
            fee = paid * rate
            exact = max(paid - used_amount - fee, ZERO)
            math = (
                f"{money(paid)} − {money(paid)} × {used_hours}/{ordered_hours} h used − {money(paid)} × "
                f"{fmt(rate)} handling fee (year {min(years_used, len(rates) - 1) + 1} of use)"
            )
        due, cut = cut_to_cents(exact, self.c.rounding)
        self.out.refund = {
            "paid": money(paid),
            "full_refund": "true" if full else "false",
            "used_hours": str(used_hours),
            "ordered_hours": str(ordered_hours),
            "used_amount": fmt(work(used_amount)),
            "handling_fee_rate": fmt(rate),
            "handling_fee": fmt(work(fee)),
            "refund": money(due),
            "as_of": moment.isoformat(),
        }
        if package_id is None:
            item, quantity, unit = cur.edition, cur.quota, "quota"
            what = f"{cur.edition} ({cur.quota} quota, {cur.term})"
        else:
            item, quantity, unit = package_id, package_size, self.c.packages[package_id].unit
            what = f"{self.c.packages[package_id].name} ({package_size} {unit})"
        self.out.lines.append(
            QuoteLine(
                item=item,
                description=f"Refund on unsubscribing {what} as of the end of {ch.on}",
                quantity=Decimal(quantity),
                unit=unit,
                unit_price=paid,
                period="order",
                periods=Decimal(1),
                discount=Decimal(1),
                amount=-due,
                truncated=cut,
                math=f"{math} = {fmt(work(exact))} → refund {money(due)}",
            )
        )
        if full:
            self.out.warnings.append(
                Problem(
                    "refund.full_refund_limit",
                    "current.purchased_at",
                    f"a full refund counts toward the limit of {self.c.full_refunds_per_year} per account per year",
                )
            )
        # The edition's order ends now; a package's order ends alone and the subscription runs on.
        self.out.expires = ch.on if package_id is None else ch.current_expires

    def run(self) -> Priced:
        getattr(self, self.ch.action)()
        return self.out


def today_in(catalog: Catalog) -> date:
    """Today in the catalog's time zone (Huawei settles in UTC+08:00)."""
    return datetime.now(catalog.tzinfo).date()


def price_change(change: Change, catalog: Catalog) -> Priced:
    """Price a resolved, valid change."""
    return _Pricer(change, catalog).run()


__all__ = ["Priced", "QuoteLine", "price_change", "today_in"]
