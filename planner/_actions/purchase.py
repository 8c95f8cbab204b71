"""Buying a new subscription (SPEC A1, A3, A4, A6): an edition, a billing mode, an ECS quota, packages.

A yearly/monthly purchase pays its whole term now, from the day ``on``; pay-per-use pays nothing upfront
and is billed by the hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .._catalog import Catalog
from .._dates import Term, term_end
from .._domain import BILLING_MODES, renews
from .._pricing import Pricer
from .._request import Request, Subscription, Target
from .._rules import Checks
from ._base import Action, sold_editions


@dataclass(frozen=True)
class NewSubscription:
    region: str
    on: date
    hosts: int
    edition: str
    billing_mode: str
    quota: int
    term: Term | None  # None exactly when pay-per-use (it has no term)
    auto_renew: bool
    packages: dict[str, int] = field(default_factory=dict)


class Purchase(Action[NewSubscription]):
    name = "purchase"
    label = "Buy a new subscription"
    target_fields = ("edition", "billing_mode", "quota", "term", "packages", "auto_renew")
    required = ("edition", "billing_mode", "quota")
    needs_current = False

    def check(self, checks: Checks, current: Subscription | None, target: Target) -> None:
        t = target
        if current is not None:
            checks.error("purchase.exists", "current", "one edition per region per account: to change it, upgrade")
        # Each field is checked on its own as far as it can be, so that one quote lists every problem.
        edition_ok = t.edition is not None and checks.edition(t.edition, "target.edition")
        mode_ok = t.billing_mode is not None and checks.billing_mode_known(t.billing_mode, "target.billing_mode")
        if mode_ok and t.billing_mode is not None and not renews(t.billing_mode):
            if t.term is not None:
                checks.error("term.pay_per_use", "target.term", "pay-per-use has no term: it is billed by the hour")
            if t.auto_renew:
                checks.error("renew.pay_per_use", "target.auto_renew", "pay-per-use does not renew")
        else:  # the term list is checked even when the billing mode is missing or unknown (SPEC B6)
            checks.term(t.term, "target.term", required=mode_ok)
        if (
            edition_ok
            and mode_ok
            and t.edition is not None
            and t.billing_mode is not None
            and checks.billing_mode(t.edition, t.billing_mode, "target.billing_mode")
        ):
            checks.region_sells(t.edition, t.billing_mode, "target.edition", "target.billing_mode")
        if t.quota is not None:
            checks.quota(t.quota, "target.quota", covering=True)
        if t.packages:
            checks.packages(t.packages, "target.packages", edition=t.edition if edition_ok else None)
            checks.collection_hint(t.packages, {}, "target.packages")

    def resolve(self, request: Request, catalog: Catalog, on: date) -> NewSubscription:
        t = request.target
        if t is None or t.edition is None or t.billing_mode is None or t.quota is None:
            raise ValueError("a purchase with edition, billing mode and quota was checked for")
        return NewSubscription(
            region=request.region,
            on=on,
            hosts=request.hosts,
            edition=t.edition,
            billing_mode=t.billing_mode,
            quota=t.quota,
            term=Term.parse(t.term) if t.term and renews(t.billing_mode) else None,
            auto_renew=bool(t.auto_renew),
            packages=dict(t.packages or {}),
        )

    def price(self, change: NewSubscription, pricer: Pricer) -> None:
        ch = change
        if ch.term is None:
            pricer.hourly_line(ch.edition, ch.quota, f"{pricer.name(ch.edition)}, pay-per-use")
            for pkg_id, size in ch.packages.items():
                pricer.hourly_line(pkg_id, size, f"{pricer.name(pkg_id)}, pay-per-use")
            return
        end = term_end(ch.on, ch.term)
        when = f"{ch.term.code} from {ch.on} to {end}"
        pricer.term_line(ch.edition, ch.quota, ch.term, ch.on, f"{pricer.name(ch.edition)}, {when}")
        for pkg_id, size in ch.packages.items():
            pricer.term_line(pkg_id, size, ch.term, ch.on, f"{pricer.name(pkg_id)}, {when}")
        pricer.out.expires = end
        if ch.auto_renew:
            pricer.auto_renew_charge(end)

    # -- what a form may offer --------------------------------------------------------------------
    def target_editions(self, catalog: Catalog, region: str, current_edition: str | None) -> tuple[str, ...]:
        return sold_editions(catalog, region)

    def target_billing_modes(
        self, catalog: Catalog, region: str, edition: str, current_billing_mode: str | None
    ) -> tuple[str, ...]:
        if region not in catalog.regions:
            return ()
        sold = catalog.regions[region].sells.get(edition, ())
        return tuple(m for m in BILLING_MODES if m in sold)

    def billing_mode_after(self, current_billing_mode: str | None, target_billing_mode: str | None) -> str:
        return target_billing_mode or "yearly_monthly"

    def edition_after(self, current_edition: str | None, target_edition: str | None) -> str:
        return target_edition or super().edition_after(None, None)
