"""Purchasing rules (SPEC A1–A7, B6): what is allowed. Each rule is checked in one place here.

:func:`check` returns every broken rule at once, and :func:`resolve` turns a request that passed into a
:class:`Change`: the resolved before/after state that pricing works from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ._catalog import BILLING_MODES, EDITIONS, Catalog
from ._dates import Term, term_end
from ._problems import Problem
from ._request import ACTIONS, Request, Subscription

#: Billing modes each edition exists in at all [C: Billing Overview; A1]. Whether a region sells it is
#: catalog data; this is the product's own shape.
EDITION_BILLING_MODES: dict[str, tuple[str, ...]] = {
    "basic": ("yearly_monthly",),
    "standard": ("yearly_monthly",),
    "professional": ("yearly_monthly", "pay_per_use"),
}

#: Fields of ``target`` each action takes (SPEC B2: the target holds only what the action changes/needs).
TARGET_FIELDS: dict[str, frozenset[str]] = {
    "purchase": frozenset({"edition", "billing_mode", "quota", "term", "packages", "auto_renew"}),
    "upgrade": frozenset({"edition", "billing_mode", "quota", "term", "packages", "auto_renew"}),
    "increase_quota": frozenset({"edition", "billing_mode", "quota", "term", "packages", "auto_renew"}),
    "renew": frozenset({"term"}),
    "buy_package": frozenset({"edition", "billing_mode", "packages", "auto_renew"}),
    "change_billing_mode": frozenset({"billing_mode", "term", "auto_renew"}),
    "unsubscribe": frozenset({"packages"}),
}
REQUIRED_TARGET: dict[str, tuple[str, ...]] = {
    "purchase": ("edition", "billing_mode", "quota"),
    "upgrade": ("edition",),
    "increase_quota": ("quota",),
    "renew": ("term",),
    "buy_package": ("packages",),
    "change_billing_mode": ("billing_mode", "term"),
    "unsubscribe": (),
}


@dataclass(frozen=True)
class Change:
    """A valid request, resolved: the subscription before and after the action."""

    action: str
    region: str
    on: date
    hosts: int
    edition: str  # after the action
    billing_mode: str  # after the action
    quota: int  # after the action
    term: Term | None  # the order's term (the new one for purchase/renew/mode change)
    auto_renew: bool
    packages: dict[str, int] = field(default_factory=dict)  # bought by this action
    refund_packages: dict[str, int] = field(default_factory=dict)  # the package order an unsubscribe ends
    current: Subscription | None = None
    current_term: Term | None = None
    current_expires: date | None = None


def local_date(moment: datetime, catalog: Catalog) -> date:
    """The calendar day of ``moment`` in the catalog's time zone (a naive moment is taken as that zone's)."""
    zone = catalog.tzinfo
    return (moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)).date()


def current_expiry(current: Subscription) -> date | None:
    """The running subscription's expiry: as given, else its start plus its term."""
    if current.expires is not None:
        return current.expires
    if current.term is None:
        return None
    try:
        return term_end(current.start, Term.parse(current.term))
    except ValueError:
        return None


@dataclass(frozen=True)
class Lifecycle:
    """The dates around a yearly/monthly expiry [SPEC A4]: each is the last day of its stage."""

    expires: date
    auto_renew_charge: date  # auto-renewal charges this many days before expiry
    grace_ends: date  # still running on credit; renewal starts at the old expiry
    retention_ends: date  # frozen; released (fall back to basic) the day after

    @classmethod
    def of(cls, catalog: Catalog, expires: date) -> Lifecycle:
        grace_ends = expires + timedelta(days=catalog.grace_days)
        return cls(
            expires=expires,
            auto_renew_charge=expires - timedelta(days=catalog.auto_renew_lead_days),
            grace_ends=grace_ends,
            retention_ends=grace_ends + timedelta(days=catalog.retention_days),
        )


def lifecycle_state(catalog: Catalog, expires: date, on: date) -> str:
    """``active`` through the expiry date, then ``grace``, ``retention`` and ``released`` [SPEC A4]."""
    stages = Lifecycle.of(catalog, expires)
    if on <= expires:
        return "active"
    if on <= stages.grace_ends:
        return "grace"
    if on <= stages.retention_ends:
        return "retention"
    return "released"


class _Checker:
    def __init__(self, request: Request, catalog: Catalog, on: date) -> None:
        self.r = request
        self.c = catalog
        self.on = on
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, rule: str, field: str, message: str) -> None:
        self.errors.append(Problem(rule, field, message))

    def warn(self, rule: str, field: str, message: str) -> None:
        self.warnings.append(Problem(rule, field, message))

    # -- the pieces -------------------------------------------------------------------------------
    def term(self, text: str | None, field: str, *, required: bool) -> Term | None:
        if text is None:
            if required:
                self.error("term.invalid", field, "yearly/monthly needs a term: " + self.term_list())
            return None
        try:
            term = Term.parse(text)
        except ValueError:
            term = None
        if term is None or term not in self.c.terms:
            self.error("term.invalid", field, f"{text!r} is not a term on sale: {self.term_list()}")
            return None
        return term

    def term_list(self) -> str:
        return ", ".join(t.code for t in self.c.terms)

    def edition(self, edition: str, field: str) -> bool:
        if edition not in EDITIONS:
            self.error("edition.unknown", field, f"{edition!r} is not an edition: {', '.join(EDITIONS)}")
            return False
        return True

    def billing_mode(self, edition: str, mode: str, field: str) -> bool:
        if mode not in BILLING_MODES:
            self.error("request.malformed", field, f"{mode!r} is not a billing mode: {', '.join(BILLING_MODES)}")
            return False
        if mode not in EDITION_BILLING_MODES[edition]:
            self.error(
                "edition.billing_mode",
                field,
                f"the {edition} edition is sold {' or '.join(EDITION_BILLING_MODES[edition])} only, not {mode}",
            )
            return False
        return True

    def region_sells(self, edition: str, mode: str, field_edition: str, field_mode: str) -> None:
        region = self.r.region
        if region not in self.c.regions:  # region.unknown says it; a change must not crash on it (SPEC B6)
            return
        if not self.c.sells(region, edition):
            sold = ", ".join(self.c.regions[region].sells) or "nothing"
            self.error(
                "region.edition_unavailable", field_edition, f"{region} does not sell {edition} (it sells {sold})"
            )
        elif not self.c.sells(region, edition, mode):
            modes = ", ".join(self.c.regions[region].sells[edition])
            self.error(
                "region.billing_mode_unavailable", field_mode, f"{region} sells {edition} as {modes} only, not {mode}"
            )

    def quota(self, quota: int, field: str, *, covering: bool) -> None:
        limits = self.c.limits
        if quota < limits.quota_min:
            self.error("quota.invalid", field, f"the ECS quota must be at least {limits.quota_min}, got {quota}")
            return
        if quota > limits.quota_max:
            self.error("quota.above_max", field, f"the ECS quota can be at most {limits.quota_max:,}, got {quota:,}")
        if 0 <= self.r.hosts <= limits.hosts_max and quota < self.r.hosts:
            message = f"the ECS quota ({quota:,}) must cover all {self.r.hosts:,} hosts of the account"
            if covering:
                self.error("quota.below_hosts", field, message)
            else:
                self.warn("quota.below_hosts", field, message + "; increase the quota first")

    def packages(
        self, packages: dict[str, int], field: str, *, edition: str, held: dict[str, int] | None = None
    ) -> None:
        for pkg_id, size in packages.items():
            where = f"{field}.{pkg_id}"
            package = self.c.packages.get(pkg_id)
            if package is None:
                self.error("package.unknown", where, f"{pkg_id!r} is not a package: {', '.join(self.c.packages)}")
                continue
            if edition == "basic":
                self.error(
                    "package.basic_edition", where, "value-added packages need the standard or professional edition"
                )
                continue
            if held is not None and not package.stacks and pkg_id in held and size <= held[pkg_id]:
                self.error(
                    "package.size",
                    where,
                    f"{package.name} is held at {held[pkg_id]} {package.unit}; give the new, larger size",
                )
                continue
            if not package.min <= size <= package.max:
                per = " per order" if package.stacks else ""
                self.error(
                    "package.size",
                    where,
                    f"{package.name}: from {package.min} to {package.max:,} {package.unit}{per}, got {size}",
                )
            elif size % package.step:
                self.error(
                    "package.step", where, f"{package.name}: in steps of {package.step} {package.unit}, got {size}"
                )

    def collection_hint(self, packages: dict[str, int], held: dict[str, int], field: str) -> None:
        """Sizing hint: hosts × 120 MB a day of logs to collect [C: Purchasing Value-Added Packages]."""
        if "data_collection" not in packages or "data_collection" not in self.c.packages:
            return
        package = self.c.packages["data_collection"]
        total = packages["data_collection"] + held.get("data_collection", 0)
        mb = self.r.hosts * self.c.limits.collection_mb_per_host_day
        need_gb = -(-mb // 1024)  # whole GB, rounded up
        hint = -(-need_gb // package.step) * package.step if need_gb else 0
        if total < hint:
            self.warn(
                "package.sizing",
                f"{field}.data_collection",
                f"{self.r.hosts:,} hosts × {self.c.limits.collection_mb_per_host_day} MB a day ≈ {need_gb} GB/day: "
                f"consider {hint} GB/day (usage above a package is billed pay-per-use)",
            )

    def tags(self) -> None:
        limits = self.c.limits
        if len(self.r.tags) > limits.tags_max:
            self.error("tags.too_many", "tags", f"at most {limits.tags_max} tags, got {len(self.r.tags)}")
        for key, value in self.r.tags.items():
            if not 1 <= len(key) <= limits.tag_key_max:
                self.error("tags.key", f"tags.{key}", f"a tag key has 1 to {limits.tag_key_max} characters")
            if len(value) > limits.tag_value_max:
                self.error(
                    "tags.value", f"tags.{key[:20]}", f"a tag value has at most {limits.tag_value_max} characters"
                )

    # -- the whole request ------------------------------------------------------------------------
    def run(self) -> None:
        r = self.r
        if r.action not in ACTIONS:
            self.error("request.malformed", "action", f"{r.action!r} is not an action: {', '.join(ACTIONS)}")
            return
        region_ok = r.region in self.c.regions
        if not region_ok:
            self.error("region.unknown", "region", f"{r.region!r} is not a region of catalog {self.c.id}")
        if not 0 <= r.hosts <= self.c.limits.hosts_max:
            self.error(
                "hosts.invalid",
                "hosts",
                f"hosts is a whole number from 0 to {self.c.limits.hosts_max:,}, got {r.hosts:,}",
            )
        self.tags()
        if not r.accept_disclaimer:
            self.warn("disclaimer.not_accepted", "accept_disclaimer", "accept the disclaimer before exporting an order")

        target = r.target
        given = set() if target is None else {k for k, v in target.model_dump().items() if v is not None}
        allowed = TARGET_FIELDS[r.action]
        for name in sorted(given - allowed):
            if r.action == "renew":
                self.error("renew.spec_change", f"target.{name}", "a renewal only extends time: give just target.term")
            else:
                self.error("request.malformed", f"target.{name}", f"{r.action} does not take target.{name}")
        for name in REQUIRED_TARGET[r.action]:
            if name not in given:
                rule = "term.invalid" if name == "term" else "request.malformed"
                self.error(rule, f"target.{name}", f"{r.action} needs target.{name}")

        if r.action == "purchase":
            if r.current is not None:
                self.error("purchase.exists", "current", "one edition per region per account: to change it, upgrade")
            if target is not None and region_ok:
                self.purchase()
            return
        if r.current is None:
            self.error(
                "action.current_missing",
                "current",
                f"{r.action} changes a running subscription: describe it in current",
            )
            return
        current_ok = self.current()
        if not current_ok or not region_ok:
            return
        if target is None and REQUIRED_TARGET[r.action]:
            return  # reported above; the action's own rules need the target
        getattr(self, r.action)()

    def current(self) -> bool:
        cur = self.r.current
        assert cur is not None
        ok = self.edition(cur.edition, "current.edition")
        ok = ok and self.billing_mode(cur.edition, cur.billing_mode, "current.billing_mode")
        if cur.quota < self.c.limits.quota_min or cur.quota > self.c.limits.quota_max:
            self.error(
                "quota.invalid", "current.quota", f"from {self.c.limits.quota_min} to {self.c.limits.quota_max:,}"
            )
            ok = False
        if not ok:
            return False
        before = len(self.errors)
        self.region_sells(cur.edition, cur.billing_mode, "current.edition", "current.billing_mode")
        ok = len(self.errors) == before
        if cur.billing_mode == "pay_per_use":
            for name in ("term", "expires"):
                if getattr(cur, name) is not None:
                    self.error(
                        "term.pay_per_use", f"current.{name}", "a pay-per-use subscription has no term or expiry"
                    )
                    ok = False
        else:
            ok = self.term(cur.term, "current.term", required=True) is not None and ok
            expires = current_expiry(cur)
            if expires is not None and expires <= cur.start:
                self.error("dates.order", "current.expires", f"expiry {expires} is not after the start {cur.start}")
                ok = False
        if self.on < cur.start:
            self.error("dates.order", "on", f"{self.on} is before the subscription's start {cur.start}")
            ok = False
        for pkg_id in cur.packages:
            if pkg_id not in self.c.packages:
                self.error("package.unknown", f"current.packages.{pkg_id}", f"{pkg_id!r} is not a package")
                ok = False
            elif cur.edition == "basic":
                self.error("package.basic_edition", f"current.packages.{pkg_id}", "basic cannot hold packages")
                ok = False
        return ok

    def active(self) -> bool:
        """Changes need a running subscription: not past its expiry."""
        cur = self.r.current
        assert cur is not None
        expires = current_expiry(cur)
        if cur.billing_mode == "yearly_monthly" and expires is not None and self.on > expires:
            state = lifecycle_state(self.c, expires, self.on)
            self.error(
                "upgrade.expired",
                "on",
                f"the subscription expired on {expires} ({state} on {self.on}): renew it before changing it",
            )
            return False
        return True

    def same_billing_mode(self, rule: str = "billing_mode.change") -> None:
        cur, target = self.r.current, self.r.target
        assert cur is not None
        if target is not None and target.billing_mode is not None and target.billing_mode != cur.billing_mode:
            self.error(
                rule,
                "target.billing_mode",
                f"{self.r.action} keeps the billing mode ({cur.billing_mode}); "
                + (
                    "packages follow the edition's billing mode"
                    if rule.startswith("package")
                    else "use change_billing_mode"
                ),
            )

    def same_term(self) -> None:
        cur, target = self.r.current, self.r.target
        assert cur is not None
        if target is not None and target.term is not None:
            if cur.billing_mode == "pay_per_use":
                self.error("term.pay_per_use", "target.term", "a pay-per-use subscription has no term")
            elif target.term != cur.term:
                self.error(
                    "term.invalid", "target.term", f"the change is co-terminated with the order's term ({cur.term})"
                )

    # -- the actions ------------------------------------------------------------------------------
    def purchase(self) -> None:
        t = self.r.target
        assert t is not None
        # Each field is checked on its own as far as it can be, so that one quote lists every problem.
        edition_ok = t.edition is not None and self.edition(t.edition, "target.edition")
        if t.billing_mode is not None and t.billing_mode not in BILLING_MODES:
            self.error(
                "request.malformed",
                "target.billing_mode",
                f"{t.billing_mode!r} is not a billing mode: " + ", ".join(BILLING_MODES),
            )
        elif t.billing_mode == "pay_per_use":
            if t.term is not None:
                self.error("term.pay_per_use", "target.term", "pay-per-use has no term: it is billed by the hour")
            if t.auto_renew:
                self.error("renew.pay_per_use", "target.auto_renew", "pay-per-use does not renew")
        elif t.billing_mode == "yearly_monthly":
            self.term(t.term, "target.term", required=True)
        if (
            edition_ok
            and t.edition is not None
            and t.billing_mode in BILLING_MODES
            and self.billing_mode(t.edition, t.billing_mode, "target.billing_mode")
        ):
            self.region_sells(t.edition, t.billing_mode, "target.edition", "target.billing_mode")
        if t.quota is not None:
            self.quota(t.quota, "target.quota", covering=True)
        if t.packages and edition_ok and t.edition is not None:
            self.packages(t.packages, "target.packages", edition=t.edition)
            self.collection_hint(t.packages, {}, "target.packages")

    def upgrade(self) -> None:
        cur, t = self.r.current, self.r.target
        assert cur is not None and t is not None
        if t.edition is None or not self.edition(t.edition, "target.edition"):
            return
        rank_from, rank_to = self.c.edition_rank(cur.edition), self.c.edition_rank(t.edition)
        if rank_to < rank_from:
            self.error("edition.downgrade", "target.edition", f"no downgrade: {cur.edition} cannot become {t.edition}")
            return
        if rank_to == rank_from:
            extra = " (use increase_quota for more quota)" if cur.edition == "professional" else ""
            self.error("upgrade.same_edition", "target.edition", f"the subscription is {cur.edition} already{extra}")
            return
        if not self.active():
            return
        self.same_billing_mode()
        self.same_term()
        if self.billing_mode(t.edition, cur.billing_mode, "target.edition"):
            self.region_sells(t.edition, cur.billing_mode, "target.edition", "current.billing_mode")
        quota = t.quota if t.quota is not None else cur.quota
        if cur.edition == "basic" and quota != cur.quota:
            self.error(
                "upgrade.basic_quota",
                "target.quota",
                f"upgrading from basic changes the edition only (quota stays {cur.quota}); "
                "increase the quota afterwards",
            )
        elif quota < cur.quota:
            self.error("quota.decrease", "target.quota", f"the quota cannot go below the {cur.quota:,} bought")
        self.quota(quota, "target.quota", covering=True)
        if t.packages:
            self.packages(t.packages, "target.packages", edition=t.edition, held=cur.packages)
            self.collection_hint(t.packages, cur.packages, "target.packages")

    def increase_quota(self) -> None:
        cur, t = self.r.current, self.r.target
        assert cur is not None and t is not None
        if t.edition is not None and t.edition != cur.edition:
            self.error("action.edition_change", "target.edition", "increase_quota keeps the edition; use upgrade")
        if not self.active():
            return
        self.same_billing_mode()
        if t.term is not None and cur.billing_mode == "pay_per_use":
            self.error("term.pay_per_use", "target.term", "a pay-per-use subscription has no term")
        elif self.c.quota_increase == "separate_term" and cur.billing_mode == "yearly_monthly":
            self.term(t.term, "target.term", required=True)
        else:
            self.same_term()
        if t.quota is None:
            return
        if t.quota < cur.quota:
            self.error("quota.decrease", "target.quota", f"the quota cannot go below the {cur.quota:,} bought")
        elif t.quota == cur.quota:
            self.error("quota.unchanged", "target.quota", f"the quota is {cur.quota:,} already: give a larger one")
        self.quota(t.quota, "target.quota", covering=True)
        if t.packages:
            self.packages(t.packages, "target.packages", edition=cur.edition, held=cur.packages)

    def renew(self) -> None:
        cur, t = self.r.current, self.r.target
        assert cur is not None and t is not None
        if cur.billing_mode == "pay_per_use":
            self.error(
                "renew.pay_per_use", "current.billing_mode", "pay-per-use is billed by the hour and does not renew"
            )
            return
        term = self.term(t.term, "target.term", required=True)
        expires = current_expiry(cur)
        assert expires is not None
        state = lifecycle_state(self.c, expires, self.on)
        if term is not None and state in ("grace", "retention") and term_end(expires, term) <= self.on:
            # The renewal runs from the old expiry [C]: a short one can end before it is even paid.
            self.error(
                "renew.too_short",
                "target.term",
                f"renewing {term.code} from the expiry {expires} ends on {term_end(expires, term)}, "
                f"not after {self.on}: choose a longer term",
            )
        if state == "released":
            last = Lifecycle.of(self.c, expires).retention_ends
            self.error(
                "renew.released", "on", f"released after {last} (expiry {expires} + grace + retention): buy anew"
            )
        elif state != "active":
            self.warn(
                "lifecycle.grace",
                "on",
                f"expired on {expires}, in its {state} period on {self.on}: the renewal still starts on {expires}",
            )
        self.quota(cur.quota, "current.quota", covering=False)

    def buy_package(self) -> None:
        cur, t = self.r.current, self.r.target
        assert cur is not None and t is not None
        if t.edition is not None and t.edition != cur.edition:
            self.error("action.edition_change", "target.edition", "buy_package keeps the edition; use upgrade")
        if not self.active():
            return
        self.same_billing_mode("package.billing_mode")
        if t.packages is not None:
            if not t.packages:
                self.error("request.malformed", "target.packages", "name at least one package to buy")
            self.packages(t.packages, "target.packages", edition=cur.edition, held=cur.packages)
            self.collection_hint(t.packages, cur.packages, "target.packages")

    def change_billing_mode(self) -> None:
        cur, t = self.r.current, self.r.target
        assert cur is not None and t is not None
        if t.billing_mode is None:
            return
        if not (
            cur.edition == "professional" and cur.billing_mode == "pay_per_use" and t.billing_mode == "yearly_monthly"
        ):
            self.error(
                "billing_mode.change",
                "target.billing_mode",
                f"only professional pay-per-use changes to yearly/monthly, not {cur.edition} "
                f"{cur.billing_mode} → {t.billing_mode}",
            )
            return
        self.region_sells("professional", "yearly_monthly", "current.edition", "target.billing_mode")
        self.term(t.term, "target.term", required=True)
        self.quota(cur.quota, "current.quota", covering=True)
        if cur.packages:
            self.warn(
                "packages.unchanged_billing_mode",
                "current.packages",
                "value-added packages cannot change billing mode: they stay pay-per-use",
            )

    def unsubscribe(self) -> None:
        cur, t = self.r.current, self.r.target
        assert cur is not None
        if cur.billing_mode == "pay_per_use":
            self.error("unsubscribe.pay_per_use", "current.billing_mode", "pay-per-use is stopped, not unsubscribed")
            return
        if cur.paid is None:
            self.error("request.malformed", "current.paid", "unsubscribe needs the amount paid for the order")
        elif cur.paid < 0:
            self.error("request.malformed", "current.paid", "the amount paid cannot be negative")
        if cur.purchased_at is None:
            self.error("request.malformed", "current.purchased_at", "unsubscribe needs the purchase date-time")
        elif local_date(cur.purchased_at, self.c) > self.on:
            self.error("dates.order", "current.purchased_at", f"purchased after the unsubscribe day {self.on}")
        elif not cur.start <= local_date(cur.purchased_at, self.c) <= (current_expiry(cur) or cur.start):
            self.error(
                "dates.order",
                "current.purchased_at",
                f"the order was bought from {cur.start} to its expiry {current_expiry(cur)}, not on "
                f"{local_date(cur.purchased_at, self.c)}",
            )
        self.active()
        # Packages are unsubscribed as their own orders (SPEC A7): `target.packages` names the one package
        # whose order `current.paid` / `current.purchased_at` describe.
        packages = (t.packages or {}) if t is not None else {}
        if len(packages) > 1:
            self.error("request.malformed", "target.packages", "unsubscribe one package order at a time")
        for pkg_id, size in packages.items():
            where = f"target.packages.{pkg_id}"
            package = self.c.packages.get(pkg_id)
            if package is None:
                self.error("package.unknown", where, f"{pkg_id!r} is not a package: {', '.join(self.c.packages)}")
            elif not package.unsubscribable:
                self.error("unsubscribe.package", where, f"{package.name} cannot be unsubscribed [C: CN help]")
            elif pkg_id not in cur.packages:
                self.error("package.unknown", where, f"{package.name} is not held (current.packages)")
            elif not 1 <= size <= cur.packages[pkg_id]:
                self.error(
                    "package.size", where, f"{package.name}: from 1 to the {cur.packages[pkg_id]} {package.unit} held"
                )
        if packages:
            return
        kept = [
            self.c.packages[p].name
            for p in cur.packages
            if p in self.c.packages and not self.c.packages[p].unsubscribable
        ]
        if kept:
            self.warn(
                "unsubscribe.package", "current.packages", f"{', '.join(kept)} cannot be unsubscribed and run to expiry"
            )


def check(request: Request, catalog: Catalog, on: date) -> tuple[list[Problem], list[Problem]]:
    """Every broken rule of ``request`` (errors) and every warning, priced as of ``on``."""
    checker = _Checker(request, catalog, on)
    checker.run()
    return checker.errors, checker.warnings


def resolve(request: Request, catalog: Catalog, on: date) -> Change:
    """The before/after state of a request that passed :func:`check`."""
    cur, t = request.current, request.target
    target_term = Term.parse(t.term) if t is not None and t.term else None
    if cur is None:
        assert t is not None and t.edition and t.billing_mode and t.quota is not None
        return Change(
            action=request.action,
            region=request.region,
            on=on,
            hosts=request.hosts,
            edition=t.edition,
            billing_mode=t.billing_mode,
            quota=t.quota,
            term=target_term,
            auto_renew=bool(t.auto_renew),
            packages=dict(t.packages or {}),
        )
    current_term = Term.parse(cur.term) if cur.term else None
    edition = t.edition if t is not None and t.edition and request.action == "upgrade" else cur.edition
    mode = t.billing_mode if t is not None and t.billing_mode else cur.billing_mode
    quota = t.quota if t is not None and t.quota is not None else cur.quota
    term = target_term if request.action in ("renew", "change_billing_mode") else current_term
    if request.action == "increase_quota" and catalog.quota_increase == "separate_term" and target_term:
        term = target_term
    auto = t.auto_renew if t is not None and t.auto_renew is not None else cur.auto_renew
    return Change(
        action=request.action,
        region=request.region,
        on=on,
        hosts=request.hosts,
        edition=edition,
        billing_mode=mode,
        quota=quota,
        term=term,
        auto_renew=auto,
        packages=dict(t.packages or {}) if t is not None and request.action != "unsubscribe" else {},
        refund_packages=dict(t.packages or {}) if t is not None and request.action == "unsubscribe" else {},
        current=cur,
        current_term=current_term,
        current_expires=current_expiry(cur),
    )
