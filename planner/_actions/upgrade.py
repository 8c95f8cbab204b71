"""Upgrading the edition (SPEC A2, A5; the seed page "Upgrading the Service Edition").

basic → standard → professional, never down. The upgrade is co-terminated with the running order and
costs (new configuration price − old) × remaining period × discount. From basic it changes the edition
only (the console's form has no quota field); from standard the quota may rise in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .._catalog import Catalog
from .._domain import EDITION_BILLING_MODES
from .._pricing import Coterm, Pricer
from .._request import Request, Subscription, Target
from .._rules import Checks
from ._base import Action, Running, need_coterm, sold_editions


@dataclass(frozen=True)
class EditionUpgrade(Running):
    coterm: Coterm  # only yearly/monthly subscriptions have an edition above them to go to
    edition: str
    quota: int
    packages: dict[str, int] = field(default_factory=dict)


class Upgrade(Action[EditionUpgrade]):
    name = "upgrade"
    label = "Upgrade the edition"
    target_fields = ("edition", "billing_mode", "quota", "term", "packages", "auto_renew")
    required = ("edition",)

    def check(self, checks: Checks, current: Subscription | None, target: Target) -> None:
        cur, t = current, target
        if cur is None:
            return
        if t.edition is None or not checks.edition(t.edition, "target.edition"):
            checks.target_basics(Target(quota=t.quota, term=t.term, packages=t.packages))
            return
        rank_from, rank_to = checks.c.edition_rank(cur.edition), checks.c.edition_rank(t.edition)
        if rank_to < rank_from:
            checks.error(
                "edition.downgrade", "target.edition", f"no downgrade: {cur.edition} cannot become {t.edition}"
            )
            return
        if rank_to == rank_from:
            extra = (
                " (use increase_quota for more quota)"
                if rank_from == max(e.rank for e in checks.c.editions.values())
                else ""
            )
            checks.error("upgrade.same_edition", "target.edition", f"the subscription is {cur.edition} already{extra}")
            return
        if not checks.active(cur):
            return
        checks.same_billing_mode(cur, t)
        checks.same_term(cur, t)
        if checks.billing_mode(t.edition, cur.billing_mode, "target.edition"):
            checks.region_sells(t.edition, cur.billing_mode, "target.edition", "current.billing_mode")
        quota = t.quota if t.quota is not None else cur.quota
        if self.from_edition_only(checks.c, cur.edition) and quota != cur.quota:
            checks.error(
                "upgrade.basic_quota",
                "target.quota",
                f"upgrading from {cur.edition} changes the edition only (quota stays {cur.quota}); "
                "increase the quota afterwards",
            )
        elif quota < cur.quota:
            checks.error("quota.decrease", "target.quota", f"the quota cannot go below the {cur.quota:,} bought")
        checks.quota(quota, "target.quota", covering=True)
        if t.packages:
            checks.packages(t.packages, "target.packages", edition=t.edition, held=cur.packages)
            checks.collection_hint(t.packages, cur.packages, "target.packages")

    @staticmethod
    def from_edition_only(catalog: Catalog, edition: str) -> bool:
        """Upgrading from the free edition changes the edition only [C: Table 3]."""
        return catalog.edition_rank(edition) == min(e.rank for e in catalog.editions.values())

    def resolve(self, request: Request, catalog: Catalog, on: date) -> EditionUpgrade:
        cur, t = request.current, request.target
        if cur is None or t is None or t.edition is None:
            raise ValueError("an upgrade of a running subscription to a named edition was checked for")
        return EditionUpgrade(
            region=request.region,
            on=on,
            hosts=request.hosts,
            current=cur,
            coterm=need_coterm(cur),
            edition=t.edition,
            quota=t.quota if t.quota is not None else cur.quota,
            packages=dict(t.packages or {}),
        )

    def price(self, change: EditionUpgrade, pricer: Pricer) -> None:
        ch, cur = change, change.current
        more = f", quota {cur.quota} → {ch.quota}" if ch.quota != cur.quota else ""
        pricer.change_line(
            ch.edition,
            cur.edition,
            ch.quota,
            cur.quota,
            ch.coterm,
            f"Upgrade {cur.edition} → {ch.edition}{more}, co-terminated",
        )
        pricer.packages_now(ch.packages, cur.packages, ch.coterm)
        pricer.out.expires = ch.coterm.expires  # co-terminated: the expiry does not change [C]

    # -- what a form may offer --------------------------------------------------------------------
    def current_offers(self, catalog: Catalog, region: str) -> dict[str, tuple[str, ...]]:
        """Running subscriptions with a higher edition sold in the same billing mode."""
        offers = super().current_offers(catalog, region)
        return {
            e: tuple(m for m in modes if self.target_editions_in(catalog, region, e, m))
            for e, modes in offers.items()
            if any(self.target_editions_in(catalog, region, e, m) for m in modes)
        }

    def target_editions_in(self, catalog: Catalog, region: str, edition: str, mode: str) -> tuple[str, ...]:
        rank = catalog.edition_rank(edition)
        return tuple(
            e
            for e in sold_editions(catalog, region)
            if catalog.edition_rank(e) > rank and mode in EDITION_BILLING_MODES[e] and catalog.sells(region, e, mode)
        )

    def target_editions(self, catalog: Catalog, region: str, current_edition: str | None) -> tuple[str, ...]:
        if current_edition not in catalog.editions:
            return ()
        rank = catalog.edition_rank(current_edition)
        return tuple(e for e in sold_editions(catalog, region) if catalog.edition_rank(e) > rank)

    def asks(self, name: str, catalog: Catalog, *, current_edition: str | None, billing_mode_after: str) -> bool:
        # The form asks what the console asks: the edition, and from above basic the quota and packages.
        if name not in ("edition", "quota", "packages"):
            return False
        from_free = current_edition in catalog.editions and self.from_edition_only(catalog, current_edition)
        return not (name == "quota" and from_free)

    def edition_after(self, current_edition: str | None, target_edition: str | None) -> str:
        return target_edition or super().edition_after(current_edition, None)
