"""Options (``planner options``): every valid way to cover N hosts in a region, ranked by cost over a horizon.

Each option is simulated month by month with the same pricing as a single quote: the purchase, every
renewal that starts within the horizon (paid in full upfront), and — with host growth — each quota increase
when the hosts outgrow the quota. Pay-per-use is the hourly rate × 730 hours for each month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from ._catalog import Catalog
from ._dates import Term, add_months, term_end
from ._domain import MODE_WORDS, prepaid
from ._money import ZERO, cut_to_cents, money
from ._problems import PlannerError, Problem
from ._quote import price_checked
from ._request import FIRST_DAY, LAST_DAY, Request, Subscription, Target

MAX_HORIZON_MONTHS = 120


@dataclass(frozen=True)
class Event:
    """A payment an option makes: when, what, how much."""

    on: date
    description: str
    amount: Decimal
    covers_until: date | None = None  # the end of the period the payment buys (None: a month of use)
    request: Request | None = field(default=None, compare=False, repr=False)  # what a quote of it would price

    def within(self, end: date) -> Decimal:
        """The share of the payment that buys time before ``end`` (prorated by days)."""
        if self.covers_until is None or self.covers_until <= end or self.covers_until <= self.on:
            return self.amount
        return self.amount * Decimal(max((end - self.on).days, 0)) / Decimal((self.covers_until - self.on).days)

    def to_dict(self) -> dict[str, str]:
        out = {"on": self.on.isoformat(), "description": self.description, "amount": money(self.amount)}
        if self.covers_until is not None:
            out["covers_until"] = self.covers_until.isoformat()
        return out


@dataclass
class Option:
    """One way to cover the hosts: an edition, a billing mode and (for yearly/monthly) a term."""

    edition: str
    billing_mode: str
    term: str | None
    offers: str
    total: Decimal = ZERO  # the cost of the horizon: payments prorated to the time they buy within it
    cash: Decimal = ZERO  # everything paid within the horizon, including time bought beyond it
    rank: int = 0
    timeline: list[tuple[date, Decimal]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    increases: list[tuple[date, int, int]] = field(default_factory=list)  # (date, quota from, quota to)
    illustrative: bool = False
    uncovered_from: date | None = None  # the first month the hosts outgrow the largest quota sold

    def note_hosts(self, day: date, hosts: int, quota_max: int) -> None:
        if hosts > quota_max and self.uncovered_from is None:
            self.uncovered_from = day

    @property
    def pay_per_use(self) -> bool:
        """Whether the option is billed by the hour (nothing prepaid, no term)."""
        return not prepaid(self.billing_mode)

    @property
    def label(self) -> str:
        mode = f"{MODE_WORDS[self.billing_mode]} {self.term}" if self.term else MODE_WORDS[self.billing_mode]
        return f"{self.edition} {mode}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "edition": self.edition,
            "billing_mode": self.billing_mode,
            "term": self.term,
            "label": self.label,
            "total": money(self.total),
            "cash": money(self.cash),
            "offers": self.offers,
            "illustrative": self.illustrative,
            "uncovered_from": self.uncovered_from.isoformat() if self.uncovered_from else None,
            "quota_increases": [{"on": d.isoformat(), "from": a, "to": b} for d, a, b in self.increases],
            "events": [e.to_dict() for e in self.events],
            "timeline": [{"on": d.isoformat(), "cumulative": money(v)} for d, v in self.timeline],
        }


def hosts_at(hosts: int, growth_pct: Decimal, month: int) -> int:
    """Hosts after ``month`` months of compound monthly growth, rounded up to whole hosts."""
    grown = Decimal(hosts) * (1 + growth_pct / 100) ** month
    return int(grown.to_integral_value(rounding=ROUND_CEILING))


def _simulate_term(
    catalog: Catalog, region: str, edition: str, term: Term, hosts: int, growth: Decimal, start: date, horizon: int
) -> Option:
    option = Option(edition, "yearly_monthly", term.code, catalog.editions[edition].offers)
    quota = max(hosts, catalog.limits.quota_min)
    end = add_months(start, horizon)

    def pay(description: str, request: Request, covers_until: date) -> None:
        on = request.on or start
        priced = price_checked(request, catalog, on)
        option.events.append(Event(on, description, priced.total, covers_until, request))
        option.illustrative |= any(p.illustrative for p in priced.used_prices) or (
            catalog.discount_illustrative and bool(priced.used_discounts)
        )

    def request(action: str, on: date, hosts_now: int, target: Target) -> Request:
        """The request a user would quote for this step of the simulation."""
        running = None
        if action != "purchase":
            running = Subscription(
                edition=edition,
                billing_mode="yearly_monthly",
                quota=quota,
                term=term.code,
                start=order_start,
                expires=expires,
            )
        hosts_now = min(hosts_now, catalog.limits.quota_max)
        return Request(region=region, hosts=hosts_now, on=on, action=action, current=running, target=target)

    order_start, expires = start, term_end(start, term)
    bought = Target(edition=edition, billing_mode="yearly_monthly", quota=quota, term=term.code)
    pay(f"buy {edition} {term.code}, quota {quota}", request("purchase", start, hosts, bought), expires)
    for month in range(1, horizon + 1):
        today = add_months(start, month)
        if today >= end:
            break
        if today >= expires:  # renew at expiry, at the quota held then
            renewal = request("renew", expires, quota, Target(term=term.code))
            pay(f"renew {term.code}, quota {quota}", renewal, term_end(expires, term))
            order_start, expires = expires, term_end(expires, term)
        need = hosts_at(hosts, growth, month)
        option.note_hosts(today, need, catalog.limits.quota_max)
        if need > quota and edition != "basic":
            new_quota = min(need, catalog.limits.quota_max)
            if new_quota > quota:
                own_term = catalog.quota_increase == "separate_term"
                more = Target(quota=new_quota, term=term.code if own_term else None)
                pay(
                    f"quota {quota} → {new_quota}",
                    request("increase_quota", today, need, more),
                    term_end(today, term) if own_term else expires,
                )
                option.increases.append((today, quota, new_quota))
                quota = new_quota
        elif need > quota:  # basic is free: its quota simply follows the hosts
            option.increases.append((today, quota, min(need, catalog.limits.quota_max)))
            quota = min(need, catalog.limits.quota_max)
    return option


def _simulate_hourly(
    catalog: Catalog, region: str, edition: str, hosts: int, growth: Decimal, start: date, horizon: int
) -> Option:
    option = Option(edition, "pay_per_use", None, catalog.editions[edition].offers)
    price = catalog.price(region, edition, "pay_per_use")
    assert price is not None
    option.illustrative = price.illustrative
    hours = catalog.limits.hours_per_month
    quota = max(hosts, catalog.limits.quota_min)
    for month in range(horizon):
        today = add_months(start, month)
        grown = hosts_at(hosts, growth, month)
        option.note_hosts(today, grown, catalog.limits.quota_max)
        need = min(grown, catalog.limits.quota_max)
        if need > quota:
            option.increases.append((today, quota, need))
            quota = need
        month_of_use = Request(
            region=region,
            hosts=need,
            on=today,
            action="purchase",
            target=Target(edition=edition, billing_mode="pay_per_use", quota=quota),
        )
        estimate = price_checked(month_of_use, catalog, today).monthly_estimate or ZERO
        # Pay-per-use is postpaid: a month's hours have been used (and settled hourly) by the month's end.
        option.events.append(
            Event(add_months(start, month + 1), f"{hours} h at quota {quota}", estimate, None, month_of_use)
        )
    return option


def option_problems(
    catalog: Catalog,
    *,
    region: str,
    hosts: int,
    horizon_months: int,
    growth_pct: Decimal,
    start: date | None = None,
) -> list[Problem]:
    """What is wrong with the arguments of :func:`options`, as rule problems (empty when all is well)."""
    problems = []
    if start is not None and not FIRST_DAY <= start <= LAST_DAY:
        problems.append(Problem("request.malformed", "start", f"a date from {FIRST_DAY} to {LAST_DAY}, got {start}"))
    if region not in catalog.regions:
        problems.append(Problem("region.unknown", "region", f"{region!r} is not a region of catalog {catalog.id}"))
    if not 0 <= hosts <= catalog.limits.hosts_max:
        problems.append(Problem("hosts.invalid", "hosts", f"from 0 to {catalog.limits.hosts_max:,}, got {hosts:,}"))
    if not 1 <= horizon_months <= MAX_HORIZON_MONTHS:
        problems.append(
            Problem("request.malformed", "horizon", f"from 1 to {MAX_HORIZON_MONTHS} months, got {horizon_months}")
        )
    if not (growth_pct.is_finite() and ZERO <= growth_pct <= 100):
        problems.append(Problem("request.malformed", "growth", f"a monthly percentage from 0 to 100, got {growth_pct}"))
    return problems


def options(
    catalog: Catalog,
    *,
    region: str,
    hosts: int,
    horizon_months: int = 36,
    growth_pct: Decimal = ZERO,
    start: date | None = None,
    editions: tuple[str, ...] | None = None,
) -> list[Option]:
    """Every valid way to cover ``hosts`` in ``region``, cheapest first over ``horizon_months``.

    Raises :class:`PlannerError` with every argument that is out of range (rule code, field, limit).
    """
    problems = option_problems(
        catalog, region=region, hosts=hosts, horizon_months=horizon_months, growth_pct=growth_pct, start=start
    )
    if problems:
        raise PlannerError(problems)
    start = start or catalog.today()
    found: list[Option] = []
    for edition, modes in catalog.regions[region].sells.items():
        if editions is not None and edition not in editions:
            continue
        for mode in modes:
            if not prepaid(mode):
                found.append(_simulate_hourly(catalog, region, edition, hosts, growth_pct, start, horizon_months))
            elif edition == "basic":  # free: one option is enough; the term changes nothing
                found.append(
                    _simulate_term(
                        catalog, region, edition, catalog.terms[-1], hosts, growth_pct, start, horizon_months
                    )
                )
            else:
                for term in catalog.terms:
                    found.append(
                        _simulate_term(catalog, region, edition, term, hosts, growth_pct, start, horizon_months)
                    )
    end = add_months(start, horizon_months)
    for option in found:
        option.cash = sum((e.amount for e in option.events), ZERO)
        option.total = cut_to_cents(sum((e.within(end) for e in option.events), ZERO), catalog.rounding)[0]
        running = ZERO
        by_month: dict[date, Decimal] = {}
        for event in option.events:
            by_month.setdefault(event.on, ZERO)
            by_month[event.on] += event.amount
        option.timeline = []
        for month in range(horizon_months + 1):
            day = add_months(start, month)
            previous = add_months(start, month - 1) if month else None
            running += sum((v for d, v in by_month.items() if (previous is None or d > previous) and d <= day), ZERO)
            option.timeline.append((day, running))
    found.sort(key=lambda o: (o.total, -catalog.edition_rank(o.edition), o.billing_mode, o.term or ""))
    for rank, option in enumerate(found, start=1):
        option.rank = rank
    return found


def break_even(a: Option, b: Option) -> date | None:
    """The first month start at which ``a`` has cost at least as much as ``b`` since the start, if any."""
    for (day, cost_a), (_, cost_b) in zip(a.timeline, b.timeline, strict=False):
        if cost_a >= cost_b and cost_a > 0:
            return day
    return None
