"""Purchasing rules every action shares (SPEC A1–A7, B6), and the dispatch to each action's own checks.

:func:`check` returns every broken rule at once; each action's module in :mod:`planner._actions` holds the
rules of that action. A rule that does not depend on an unknown region or edition is still checked when
the region or edition is unknown (SPEC B6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ._catalog import Catalog
from ._dates import Term, term_end
from ._domain import BILLING_MODES, EDITION_BILLING_MODES, EDITIONS, renews
from ._problems import Problem
from ._request import Request, Subscription, Target


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


#: The characters Huawei's tags allow besides letters, digits and spaces [C: TMS "Tag Naming Rules"]:
#: a key may hold _ . : = + - @, a value also /. A key neither starts nor ends with a space, nor with
#: the system prefix _sys_.
TAG_KEY_SYMBOLS = "_.:=+-@"
TAG_VALUE_SYMBOLS = "_.:/=+-@"


def _tag_problem(text: str, symbols: str, *, key: bool) -> str:
    """What breaks Huawei's tag character rules in ``text``, in plain words ("" when nothing does)."""
    wrong = sorted({ch for ch in text if not (ch.isalnum() or ch == " " or ch in symbols)})
    if wrong:
        shown = " ".join(repr(ch) for ch in wrong[:5])
        return f"has characters a tag cannot hold ({shown}): use letters, digits, spaces and {symbols}"
    if key and text != text.strip(" "):
        return "starts or ends with a space"
    if key and text.lower().startswith("_sys_"):
        return "starts with _sys_, which Huawei keeps for system tags"
    return ""


@dataclass(frozen=True)
class Lifecycle:
    """The dates around a yearly/monthly expiry [SPEC A4]: each is the last day of its stage."""

    expires: date
    auto_renew_charge: date  # auto-renewal charges this many days before expiry
    grace_ends: date  # still running on credit; a renewal starts at the old expiry
    retention_ends: date  # frozen; released (falls back to basic) the day after

    @classmethod
    def of(cls, catalog: Catalog, expires: date) -> Lifecycle:
        grace_ends = expires + timedelta(days=catalog.grace_days)
        return cls(
            expires=expires,
            auto_renew_charge=expires - timedelta(days=catalog.auto_renew_lead_days),
            grace_ends=grace_ends,
            retention_ends=grace_ends + timedelta(days=catalog.retention_days),
        )

    def state(self, on: date) -> str:
        """``active`` through the expiry date, then ``grace``, ``retention`` and ``released`` [SPEC A4]."""
        if on <= self.expires:
            return "active"
        if on <= self.grace_ends:
            return "grace"
        if on <= self.retention_ends:
            return "retention"
        return "released"


def lifecycle_state(catalog: Catalog, expires: date, on: date) -> str:
    """``active``, ``grace``, ``retention`` or ``released`` on ``on`` [SPEC A4]."""
    return Lifecycle.of(catalog, expires).state(on)


class FieldChecks:
    """Checks of single fields against the catalog; each records its problems in :attr:`errors` /
    :attr:`warnings`."""

    def __init__(self, request: Request, catalog: Catalog, on: date) -> None:
        self.r = request
        self.c = catalog
        self.on = on
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    @property
    def region_known(self) -> bool:
        return self.r.region in self.c.regions

    def error(self, rule: str, field: str, message: str) -> None:
        self.errors.append(Problem(rule, field, message))

    def warn(self, rule: str, field: str, message: str) -> None:
        self.warnings.append(Problem(rule, field, message))

    # -- fields -----------------------------------------------------------------------------------
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

    def billing_mode_known(self, mode: str, field: str) -> bool:
        if mode not in BILLING_MODES:
            self.error("request.malformed", field, f"{mode!r} is not a billing mode: {', '.join(BILLING_MODES)}")
            return False
        return True

    def billing_mode(self, edition: str, mode: str, field: str) -> bool:
        if not self.billing_mode_known(mode, field):
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
        """Whether the region sells the edition in the billing mode (nothing to say of an unknown region)."""
        region = self.r.region
        if not self.region_known:
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
        self, packages: dict[str, int], field: str, *, edition: str | None, held: dict[str, int] | None = None
    ) -> None:
        """Package ids, sizes and steps; ``edition`` None when it is unknown (then only sizes are checked)."""
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
            if package.min <= size and size % package.step:
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
        """Huawei's tag rules (TMS): how many, how long, which characters [C: TMS tag rules; D: lengths]."""
        limits = self.c.limits
        if len(self.r.tags) > limits.tags_max:
            self.error("tags.too_many", "tags", f"at most {limits.tags_max} tags, got {len(self.r.tags)}")
        for key, value in self.r.tags.items():
            where = f"tags.{key[:20]}"
            if not 1 <= len(key) <= limits.tag_key_max:
                self.error("tags.key", where, f"a tag key has 1 to {limits.tag_key_max} characters")
            elif bad := _tag_problem(key, TAG_KEY_SYMBOLS, key=True):
                self.error("tags.key", where, f"the tag key {key[:40]!r} {bad}")
            if len(value) > limits.tag_value_max:
                self.error("tags.value", where, f"a tag value has at most {limits.tag_value_max} characters")
            elif bad := _tag_problem(value, TAG_VALUE_SYMBOLS, key=False):
                self.error("tags.value", where, f"the value of tag {key[:40]!r} {bad}")

    def target_basics(self, target: Target) -> None:
        """What can be checked of a target without knowing the subscription it changes (SPEC B6)."""
        if target.term is not None:
            self.term(target.term, "target.term", required=False)
        if target.quota is not None:
            self.quota(target.quota, "target.quota", covering=True)
        if target.packages:
            self.packages(target.packages, "target.packages", edition=None)


class Checks(FieldChecks):
    """The rule checks every action shares: single fields, and the running subscription a change starts from."""

    def current(self, cur: Subscription) -> bool:
        """The running subscription's own rules; ``False`` when the action cannot be checked against it."""
        ok = self.edition(cur.edition, "current.edition")
        ok = ok and self.billing_mode(cur.edition, cur.billing_mode, "current.billing_mode")
        if not self.c.limits.quota_min <= cur.quota <= self.c.limits.quota_max:
            self.error(
                "quota.invalid", "current.quota", f"from {self.c.limits.quota_min} to {self.c.limits.quota_max:,}"
            )
            ok = False
        if self.on < cur.start:
            self.error("dates.order", "on", f"{self.on} is before the subscription's start {cur.start}")
            ok = False
        if ok:
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
        elif cur.billing_mode in BILLING_MODES:
            ok = self.term(cur.term, "current.term", required=True) is not None and ok
            expires = current_expiry(cur)
            if expires is not None and expires <= cur.start:
                self.error("dates.order", "current.expires", f"expiry {expires} is not after the start {cur.start}")
                ok = False
        for pkg_id in cur.packages:
            if pkg_id not in self.c.packages:
                self.error("package.unknown", f"current.packages.{pkg_id}", f"{pkg_id!r} is not a package")
                ok = False
            elif cur.edition == "basic":
                self.error("package.basic_edition", f"current.packages.{pkg_id}", "basic cannot hold packages")
                ok = False
        return ok

    def active(self, cur: Subscription) -> bool:
        """Changes need a running subscription: not past its expiry."""
        expires = current_expiry(cur)
        if renews(cur.billing_mode) and expires is not None and self.on > expires:
            state = lifecycle_state(self.c, expires, self.on)
            self.error(
                "upgrade.expired",
                "on",
                f"the subscription expired on {expires} ({state} on {self.on}): renew it before changing it",
            )
            return False
        return True

    def same_billing_mode(self, cur: Subscription, target: Target, rule: str = "billing_mode.change") -> None:
        if target.billing_mode is not None and target.billing_mode != cur.billing_mode:
            why = (
                "packages follow the edition's billing mode"
                if rule.startswith("package")
                else "use change_billing_mode"
            )
            self.error(
                rule, "target.billing_mode", f"{self.r.action} keeps the billing mode ({cur.billing_mode}); {why}"
            )

    def same_term(self, cur: Subscription, target: Target) -> None:
        if target.term is None:
            return
        if not renews(cur.billing_mode):
            self.error("term.pay_per_use", "target.term", "a pay-per-use subscription has no term")
        elif target.term != cur.term:
            self.error("term.invalid", "target.term", f"the change is co-terminated with the order's term ({cur.term})")

    def edition_kept(self, cur: Subscription, target: Target) -> None:
        if target.edition is not None and target.edition != cur.edition:
            self.error("action.edition_change", "target.edition", f"{self.r.action} keeps the edition; use upgrade")


def check(request: Request, catalog: Catalog, on: date) -> tuple[list[Problem], list[Problem]]:
    """Every broken rule of ``request`` (errors) and every warning, priced as of ``on``."""
    from ._actions import ACTIONS  # the registry imports this module

    checks = Checks(request, catalog, on)
    r = request
    action = ACTIONS.get(r.action)
    if action is None:
        checks.error("request.malformed", "action", f"{r.action!r} is not an action: {', '.join(ACTIONS)}")
        return checks.errors, checks.warnings
    if not checks.region_known:
        checks.error("region.unknown", "region", f"{r.region!r} is not a region of catalog {catalog.id}")
    if not 0 <= r.hosts <= catalog.limits.hosts_max:
        checks.error(
            "hosts.invalid", "hosts", f"hosts is a whole number from 0 to {catalog.limits.hosts_max:,}, got {r.hosts:,}"
        )
    checks.tags()
    if not r.accept_disclaimer:
        checks.warn("disclaimer.not_accepted", "accept_disclaimer", "accept the disclaimer before exporting an order")
    target = r.target or Target()
    given = {k for k, v in target.model_dump().items() if v is not None} if r.target is not None else set()
    for name in sorted(given - set(action.target_fields)):
        if r.action == "renew":
            checks.error("renew.spec_change", f"target.{name}", "a renewal only extends time: give just target.term")
        else:
            checks.error("request.malformed", f"target.{name}", f"{r.action} does not take target.{name}")
    for name in action.required:
        if name not in given:
            rule = "term.invalid" if name == "term" else "request.malformed"
            checks.error(rule, f"target.{name}", f"{r.action} needs target.{name}")
    if not action.needs_current:
        action.check(checks, r.current, target)
    elif r.current is None:
        checks.error(
            "action.current_missing", "current", f"{r.action} changes a running subscription: describe it in current"
        )
        checks.target_basics(target)
    elif r.current is not None and not checks.current(r.current):
        checks.target_basics(target)  # the action's own rules need a subscription that makes sense
    else:
        action.check(checks, r.current, target)
    return checks.errors, checks.warnings


__all__ = ["Checks", "Lifecycle", "check", "current_expiry", "lifecycle_state", "local_date"]
