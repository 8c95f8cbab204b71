"""Changing the billing mode (SPEC A6): only professional pay-per-use → yearly/monthly.

The new yearly/monthly order starts on the day of the change, for a term of the catalog, at the quota
held. Value-added packages cannot change billing mode: they stay pay-per-use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .._catalog import Catalog
from .._dates import Term, term_end
from .._domain import BILLING_MODE_CHANGES, MODE_WORDS
from .._pricing import Pricer
from .._request import Request, Subscription, Target
from .._rules import Checks
from ._base import Action, Running


@dataclass(frozen=True)
class BillingModeChange(Running):
    billing_mode: str
    term: Term
    auto_renew: bool


class ChangeBillingMode(Action[BillingModeChange]):
    name = "change_billing_mode"
    label = "Change pay-per-use to yearly/monthly"
    target_fields = ("billing_mode", "term", "auto_renew")
    required = ("billing_mode", "term")

    def check(self, checks: Checks, current: Subscription | None, target: Target) -> None:
        cur, t = current, target
        if cur is None:
            return
        if t.billing_mode is None:
            checks.target_basics(Target(term=t.term))
            return
        allowed = BILLING_MODE_CHANGES.get((cur.edition, cur.billing_mode), ())
        if t.billing_mode not in allowed:
            checks.error(
                "billing_mode.change",
                "target.billing_mode",
                f"only professional pay-per-use changes to yearly/monthly, not {cur.edition} "
                f"{cur.billing_mode} → {t.billing_mode}",
            )
            checks.target_basics(Target(term=t.term))
            return
        checks.region_sells(cur.edition, t.billing_mode, "current.edition", "target.billing_mode")
        checks.term(t.term, "target.term", required=True)
        checks.quota(cur.quota, "current.quota", covering=True)
        if cur.packages:
            checks.warn(
                "packages.unchanged_billing_mode",
                "current.packages",
                "value-added packages cannot change billing mode: they stay pay-per-use",
            )

    def resolve(self, request: Request, catalog: Catalog, on: date) -> BillingModeChange:
        cur, t = request.current, request.target
        if cur is None or t is None or t.billing_mode is None or t.term is None:
            raise ValueError("a change of billing mode with a term was checked for")
        return BillingModeChange(
            region=request.region,
            on=on,
            hosts=request.hosts,
            current=cur,
            billing_mode=t.billing_mode,
            term=Term.parse(t.term),
            auto_renew=bool(t.auto_renew),
        )

    def price(self, change: BillingModeChange, pricer: Pricer) -> None:
        ch, cur = change, change.current
        expires = term_end(ch.on, ch.term)
        pricer.term_line(
            cur.edition,
            cur.quota,
            ch.term,
            ch.on,
            f"{pricer.name(cur.edition)}, {MODE_WORDS[cur.billing_mode]} → {MODE_WORDS[ch.billing_mode]}, "
            f"{ch.term.code} from {ch.on} to {expires}",
        )
        pricer.out.expires = expires
        if ch.auto_renew:
            pricer.auto_renew_charge(expires)

    def current_offers(self, catalog: Catalog, region: str) -> dict[str, tuple[str, ...]]:
        """Only what has a change of billing mode to go to, sold in the region."""
        offers = super().current_offers(catalog, region)
        result: dict[str, tuple[str, ...]] = {}
        for (edition, mode), targets in BILLING_MODE_CHANGES.items():
            if mode in offers.get(edition, ()) and any(catalog.sells(region, edition, m) for m in targets):
                result[edition] = (*result.get(edition, ()), mode)
        return result

    def target_billing_modes(
        self, catalog: Catalog, region: str, edition: str, current_billing_mode: str | None
    ) -> tuple[str, ...]:
        targets = BILLING_MODE_CHANGES.get((edition, current_billing_mode or ""), ())
        return tuple(m for m in targets if region in catalog.regions and catalog.sells(region, edition, m))

    def billing_mode_after(self, current_billing_mode: str | None, target_billing_mode: str | None) -> str:
        return target_billing_mode or "yearly_monthly"
