"""Buying value-added packages for a running subscription (SPEC A3).

Packages need standard or professional, follow the edition's billing mode and cannot change it. On a
yearly/monthly order they are co-terminated and prorated; on pay-per-use they are billed by the hour.
Collection and retention packages stack (each order adds to what is held).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .._catalog import Catalog
from .._pricing import Coterm, Pricer
from .._request import Request, Subscription, Target
from .._rules import Checks
from ._base import Action, Running, coterm_of


@dataclass(frozen=True)
class PackagePurchase(Running):
    coterm: Coterm | None  # None: pay-per-use, billed by the hour
    packages: dict[str, int] = field(default_factory=dict)


class BuyPackage(Action[PackagePurchase]):
    name = "buy_package"
    label = "Buy value-added packages"
    target_fields = ("edition", "billing_mode", "packages", "auto_renew")
    required = ("packages",)

    def check(self, checks: Checks, current: Subscription | None, target: Target) -> None:
        cur, t = current, target
        if cur is None:
            return
        checks.edition_kept(cur, t)
        if not checks.active(cur):
            checks.target_basics(Target(packages=t.packages))
            return
        checks.same_billing_mode(cur, t, "package.billing_mode")
        if t.packages is not None:
            if not t.packages:
                checks.error("request.malformed", "target.packages", "name at least one package to buy")
            checks.packages(t.packages, "target.packages", edition=cur.edition, held=cur.packages)
            checks.collection_hint(t.packages, cur.packages, "target.packages")

    def resolve(self, request: Request, catalog: Catalog, on: date) -> PackagePurchase:
        cur, t = request.current, request.target
        if cur is None or t is None or not t.packages:
            raise ValueError("packages for a running subscription were checked for")
        return PackagePurchase(
            region=request.region,
            on=on,
            hosts=request.hosts,
            current=cur,
            coterm=coterm_of(cur),
            packages=dict(t.packages),
        )

    def price(self, change: PackagePurchase, pricer: Pricer) -> None:
        pricer.packages_now(change.packages, change.current.packages, change.coterm)
        if change.coterm is not None:
            pricer.out.expires = change.coterm.expires

    def current_offers(self, catalog: Catalog, region: str) -> dict[str, tuple[str, ...]]:
        """Editions that can hold packages: every package is priced for them in the region."""
        offers = super().current_offers(catalog, region)
        return {
            e: modes
            for e, modes in offers.items()
            if catalog.packages
            and all(catalog.price(region, p, m) is not None for p in catalog.packages for m in modes)
            and catalog.edition_rank(e) > min(x.rank for x in catalog.editions.values())
        }

    def asks(self, name: str, catalog: Catalog, *, current_edition: str | None, billing_mode_after: str) -> bool:
        return name == "packages"
