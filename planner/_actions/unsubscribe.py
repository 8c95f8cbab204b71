"""Unsubscribing a yearly/monthly order (SPEC A7): what comes back.

Within 5 days of purchase (at most 120 used hours) the whole amount; otherwise
``refund = paid − paid × used hours ÷ ordered hours − handling fee``, never below zero, with used hours
rounded down and the handling-fee rate of the year of use (counted from the purchase's anniversaries).
Packages are unsubscribed as their own orders; collection and retention packages cannot be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .._catalog import Catalog
from .._domain import renews
from .._money import ZERO, cut_to_cents, fmt, money, work
from .._pricing import Coterm, Pricer, QuoteLine, Refund
from .._problems import Problem
from .._request import Request, Subscription, Target
from .._rules import Checks, current_expiry, local_date
from ._base import Action, Running, need_coterm


@dataclass(frozen=True)
class Unsubscription(Running):
    coterm: Coterm
    paid: Decimal
    purchased_at: datetime
    package: tuple[str, int] | None = None  # the one package order ended, or None for the edition's order


class Unsubscribe(Action[Unsubscription]):
    name = "unsubscribe"
    label = "Unsubscribe (refund)"
    target_fields = ("packages",)
    current_fields = ("paid", "purchased_at")  # the order being unsubscribed: what it cost, when it was bought

    def check(self, checks: Checks, current: Subscription | None, target: Target) -> None:
        cur, t = current, target
        if cur is None:
            return
        c = checks.c
        if not renews(cur.billing_mode):
            checks.error("unsubscribe.pay_per_use", "current.billing_mode", "pay-per-use is stopped, not unsubscribed")
            return
        if cur.paid is None:
            checks.error("request.malformed", "current.paid", "unsubscribe needs the amount paid for the order")
        elif cur.paid < 0:
            checks.error("request.malformed", "current.paid", "the amount paid cannot be negative")
        if cur.purchased_at is None:
            checks.error("request.malformed", "current.purchased_at", "unsubscribe needs the purchase date-time")
        elif local_date(cur.purchased_at, c) > checks.on:
            checks.error("dates.order", "current.purchased_at", f"purchased after the unsubscribe day {checks.on}")
        elif not cur.start <= local_date(cur.purchased_at, c) <= (current_expiry(cur) or cur.start):
            checks.error(
                "dates.order",
                "current.purchased_at",
                f"the order was bought from {cur.start} to its expiry {current_expiry(cur)}, not on "
                f"{local_date(cur.purchased_at, c)}",
            )
        checks.active(cur)
        # Packages are unsubscribed as their own orders (SPEC A7): `target.packages` names the one package
        # whose order `current.paid` / `current.purchased_at` describe.
        packages = t.packages or {}
        if len(packages) > 1:
            checks.error("request.malformed", "target.packages", "unsubscribe one package order at a time")
        for pkg_id, size in packages.items():
            where = f"target.packages.{pkg_id}"
            package = c.packages.get(pkg_id)
            if package is None:
                checks.error("package.unknown", where, f"{pkg_id!r} is not a package: {', '.join(c.packages)}")
            elif not package.unsubscribable:
                checks.error("unsubscribe.package", where, f"{package.name} cannot be unsubscribed [C: CN help]")
            elif pkg_id not in cur.packages:
                checks.error("package.unknown", where, f"{package.name} is not held (current.packages)")
            elif not 1 <= size <= cur.packages[pkg_id]:
                checks.error(
                    "package.size", where, f"{package.name}: from 1 to the {cur.packages[pkg_id]} {package.unit} held"
                )
        if packages:
            return
        kept = [c.packages[p].name for p in cur.packages if p in c.packages and not c.packages[p].unsubscribable]
        if kept:
            checks.warn(
                "unsubscribe.package", "current.packages", f"{', '.join(kept)} cannot be unsubscribed and run to expiry"
            )

    def resolve(self, request: Request, catalog: Catalog, on: date) -> Unsubscription:
        cur, t = request.current, request.target
        if cur is None or cur.paid is None or cur.purchased_at is None:
            raise ValueError("an unsubscribe with the amount paid and the purchase time was checked for")
        packages = (t.packages or {}) if t is not None else {}
        return Unsubscription(
            region=request.region,
            on=on,
            hosts=request.hosts,
            current=cur,
            coterm=need_coterm(cur),
            paid=cur.paid,
            purchased_at=cur.purchased_at,
            package=next(iter(packages.items()), None),
        )

    def price(self, change: Unsubscription, pricer: Pricer) -> None:
        ch, cur, c = change, change.current, pricer.c
        tz = c.tzinfo
        bought = ch.purchased_at if ch.purchased_at.tzinfo else ch.purchased_at.replace(tzinfo=tz)
        # The planner prices an unsubscribe at the end of the day `on`: the least you get back that day.
        moment = datetime.combine(ch.on + timedelta(days=1), time(), tzinfo=tz)
        service_end = datetime.combine(ch.coterm.expires + timedelta(days=1), time(), tzinfo=tz)
        ordered_hours = max(int((service_end - bought).total_seconds() // 3600), 1)
        used_hours = min(max(int((moment - bought).total_seconds() // 3600), 0), ordered_hours)
        paid = ch.paid
        # "Within 5 days" is at most 120 used hours, counted in whole hours like the rest [SPEC A7, D].
        full = used_hours <= c.full_refund_days * 24
        if full:
            rate, used_amount, fee, fee_year = ZERO, ZERO, ZERO, 1
            exact = paid
            math = (
                f"within {c.full_refund_days} days of purchase ({bought:%Y-%m-%d %H:%M}): full refund of {money(paid)}"
            )
        else:
            rates = c.handling_fee_rates(ch.coterm.term)
            fee_year = min(relativedelta(moment, bought).years, len(rates) - 1) + 1
            rate = rates[fee_year - 1]
            used_amount = paid * Decimal(used_hours) / Decimal(ordered_hours)
            fee = paid * rate
            exact = max(paid - used_amount - fee, ZERO)
            math = (
                f"{money(paid)} − {money(paid)} × {used_hours}/{ordered_hours} h used − {money(paid)} × "
                f"{fmt(rate)} handling fee (year {fee_year} of use)"
            )
        due, cut = cut_to_cents(exact, c.rounding)
        pricer.out.refund = Refund(
            paid=paid,
            full_refund=full,
            used_hours=used_hours,
            ordered_hours=ordered_hours,
            used_amount=work(used_amount),
            handling_fee_rate=rate,
            fee_year=fee_year,
            handling_fee=work(fee),
            amount=due,
            as_of=moment,
        )
        if ch.package is None:
            item, quantity, unit = cur.edition, cur.quota, "quota"
            what = f"{cur.edition} ({cur.quota} quota, {cur.term})"
        else:
            item, quantity = ch.package
            unit = c.packages[item].unit
            what = f"{c.packages[item].name} ({quantity} {unit})"
        pricer.out.lines.append(
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
                service_from=ch.on + timedelta(days=1),
                service_to=ch.coterm.expires,
            )
        )
        if full:
            pricer.out.warnings.append(
                Problem(
                    "refund.full_refund_limit",
                    "current.purchased_at",
                    f"a full refund counts toward the limit of {c.full_refunds_per_year} per account per year",
                )
            )
        # The edition's order ends now; a package's order ends alone and the subscription runs on.
        pricer.out.expires = ch.on if ch.package is None else ch.coterm.expires

    def current_offers(self, catalog: Catalog, region: str) -> dict[str, tuple[str, ...]]:
        offers = super().current_offers(catalog, region)
        return {e: tuple(m for m in modes if renews(m)) for e, modes in offers.items() if any(map(renews, modes))}

    def asks(self, name: str, catalog: Catalog, *, current_edition: str | None, billing_mode_after: str) -> bool:
        return False  # the form unsubscribes the edition's order; scripts name a package in target.packages
