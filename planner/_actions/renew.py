"""Renewing a yearly/monthly subscription (SPEC A4): more time, nothing else.

The renewal runs from the old expiry date — even when it is paid during the grace or retention period —
for a term of the catalog, at today's prices for the quota and packages held. Pay-per-use does not renew;
a subscription released after its retention period cannot be renewed, only bought anew.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .._catalog import Catalog
from .._dates import Term, term_end
from .._domain import renews
from .._pricing import Coterm, Pricer
from .._request import Request, Subscription, Target
from .._rules import Checks, Lifecycle, current_expiry
from ._base import Action, Running, need_coterm


@dataclass(frozen=True)
class Renewal(Running):
    coterm: Coterm  # the running order: the renewal starts at its expiry
    term: Term
    auto_renew: bool


class Renew(Action[Renewal]):
    name = "renew"
    label = "Renew"
    target_fields = ("term",)
    required = ("term",)

    def check(self, checks: Checks, current: Subscription | None, target: Target) -> None:
        cur = current
        if cur is None:
            return
        if not renews(cur.billing_mode):
            checks.error(
                "renew.pay_per_use", "current.billing_mode", "pay-per-use is billed by the hour and does not renew"
            )
            return
        term = checks.term(target.term, "target.term", required=True)
        expires = current_expiry(cur)
        if expires is None:
            return  # the running subscription's own check reports its missing term
        stages = Lifecycle.of(checks.c, expires)
        state = stages.state(checks.on)
        if term is not None and state in ("grace", "retention") and term_end(expires, term) <= checks.on:
            # The renewal runs from the old expiry [C]: a short one can end before it is even paid.
            checks.error(
                "renew.too_short",
                "target.term",
                f"renewing {term.code} from the expiry {expires} ends on {term_end(expires, term)}, "
                f"not after {checks.on}: choose a longer term",
            )
        if state == "released":
            checks.error(
                "renew.released",
                "on",
                f"released after {stages.retention_ends} (expiry {expires} + grace + retention): buy anew",
            )
        elif state != "active":
            checks.warn(
                "lifecycle.grace",
                "on",
                f"expired on {expires}, in its {state} period on {checks.on}: the renewal still starts on {expires}",
            )
        checks.quota(cur.quota, "current.quota", covering=False)

    def resolve(self, request: Request, catalog: Catalog, on: date) -> Renewal:
        cur, t = request.current, request.target
        if cur is None or t is None or t.term is None:
            raise ValueError("a renewal of a running subscription for a term was checked for")
        return Renewal(
            region=request.region,
            on=on,
            hosts=request.hosts,
            current=cur,
            coterm=need_coterm(cur),
            term=Term.parse(t.term),
            auto_renew=cur.auto_renew,
        )

    def price(self, change: Renewal, pricer: Pricer) -> None:
        ch, cur = change, change.current
        start = ch.coterm.expires  # a renewal starts at the old expiry, even in grace/retention [C]
        expires = term_end(start, ch.term)
        when = f"renewal {ch.term.code} from {start} to {expires}"
        # The renewal serves the days after the old expiry, up to and including the new one [SPEC A4].
        pricer.term_line(cur.edition, cur.quota, ch.term, start, f"{pricer.name(cur.edition)}, {when}", renewal=True)
        for pkg_id, size in cur.packages.items():
            pricer.term_line(pkg_id, size, ch.term, start, f"{pricer.name(pkg_id)}, {when}", renewal=True)
        pricer.out.expires = expires
        if ch.auto_renew:
            pricer.auto_renew_charge(expires)

    def current_offers(self, catalog: Catalog, region: str) -> dict[str, tuple[str, ...]]:
        offers = super().current_offers(catalog, region)
        return {e: tuple(m for m in modes if renews(m)) for e, modes in offers.items() if any(map(renews, modes))}
