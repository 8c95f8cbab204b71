"""Increasing the ECS quota (SPEC A2, A5): never down, at most the catalog's maximum.

On a yearly/monthly order the added quota is co-terminated and prorated like an upgrade [D: API operation
``ADDITION`` on the same order], unless the catalog says ``quota_increase = "separate_term"`` (the
predecessor product's way: the added quota gets its own term). On pay-per-use the hourly rate rises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .._catalog import Catalog
from .._dates import Term, term_end
from .._domain import renews
from .._money import fmt
from .._pricing import Coterm, Pricer
from .._request import Request, Subscription, Target
from .._rules import Checks
from ._base import Action, Running, coterm_of


@dataclass(frozen=True)
class QuotaIncrease(Running):
    coterm: Coterm | None  # None: pay-per-use, billed by the hour
    quota: int
    own_term: Term | None  # the added quota's own term (catalog quota_increase = "separate_term")
    packages: dict[str, int] = field(default_factory=dict)


class IncreaseQuota(Action[QuotaIncrease]):
    name = "increase_quota"
    label = "Increase the ECS quota"
    target_fields = ("edition", "billing_mode", "quota", "term", "packages", "auto_renew")
    required = ("quota",)

    def check(self, checks: Checks, current: Subscription | None, target: Target) -> None:
        cur, t = current, target
        if cur is None:
            return
        checks.edition_kept(cur, t)
        if not checks.active(cur):
            return
        checks.same_billing_mode(cur, t)
        if t.term is not None and not renews(cur.billing_mode):
            checks.error("term.pay_per_use", "target.term", "a pay-per-use subscription has no term")
        elif self.separate_term(checks.c, cur):
            checks.term(t.term, "target.term", required=True)
        else:
            checks.same_term(cur, t)
        if t.quota is None:
            return
        if t.quota < cur.quota:
            checks.error("quota.decrease", "target.quota", f"the quota cannot go below the {cur.quota:,} bought")
        elif t.quota == cur.quota:
            checks.error("quota.unchanged", "target.quota", f"the quota is {cur.quota:,} already: give a larger one")
        checks.quota(t.quota, "target.quota", covering=True)
        if t.packages:
            checks.packages(t.packages, "target.packages", edition=cur.edition, held=cur.packages)

    @staticmethod
    def separate_term(catalog: Catalog, current: Subscription) -> bool:
        return catalog.quota_increase == "separate_term" and renews(current.billing_mode)

    def resolve(self, request: Request, catalog: Catalog, on: date) -> QuotaIncrease:
        cur, t = request.current, request.target
        if cur is None or t is None or t.quota is None:
            raise ValueError("a quota increase of a running subscription was checked for")
        own = Term.parse(t.term) if self.separate_term(catalog, cur) and t.term else None
        return QuotaIncrease(
            region=request.region,
            on=on,
            hosts=request.hosts,
            current=cur,
            coterm=coterm_of(cur),
            quota=t.quota,
            own_term=own,
            packages=dict(t.packages or {}),
        )

    def price(self, change: QuotaIncrease, pricer: Pricer) -> None:
        ch, cur = change, change.current
        added = ch.quota - cur.quota
        if ch.coterm is None:
            old = pricer.price(cur.edition, "pay_per_use").price * cur.quota
            pricer.hourly_line(
                cur.edition,
                ch.quota,
                f"{pricer.name(cur.edition)}, pay-per-use, quota {cur.quota} → {ch.quota} (was {fmt(old)} an hour; "
                "the hour of the change is billed in two records)",
            )
        elif ch.own_term is not None:
            quota_expires = term_end(ch.on, ch.own_term)
            pricer.term_line(
                cur.edition,
                added,
                ch.own_term,
                ch.on,
                f"ECS quota +{added} ({cur.quota} → {ch.quota}) with its own {ch.own_term.code} term, "
                f"{ch.on} to {quota_expires}",
            )
            pricer.out.quota_expires = quota_expires
        else:
            pricer.change_line(
                cur.edition,
                cur.edition,
                ch.quota,
                cur.quota,
                ch.coterm,
                f"ECS quota +{added} ({cur.quota} → {ch.quota}), co-terminated",
            )
        if ch.coterm is not None:
            pricer.out.expires = ch.coterm.expires
        pricer.packages_now(ch.packages, cur.packages, ch.coterm)

    def asks(self, name: str, catalog: Catalog, *, current_edition: str | None, billing_mode_after: str) -> bool:
        if name == "term":  # only when the added quota has its own term
            return catalog.quota_increase == "separate_term" and renews(billing_mode_after)
        return name == "quota"
