"""Broken rules as values: a stable code, the field it is about, and plain words with the limit."""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: Every rule code the planner reports (SPEC B6 and the ones this project adds), with what it guards.
RULES: dict[str, str] = {
    "request.malformed": "the request file is not valid JSON of the request shape (types, unknown keys)",
    "region.unknown": "the region is not in the catalog",
    "region.edition_unavailable": "the region does not sell that edition",
    "region.billing_mode_unavailable": "the region does not sell the edition in that billing mode",
    "edition.unknown": "no such edition",
    "edition.downgrade": "editions can only go up: basic → standard → professional",
    "edition.billing_mode": "the edition cannot be bought in that billing mode",
    "hosts.invalid": "the host count is a whole number from 0 to the catalog's maximum",
    "quota.invalid": "the ECS quota is a whole number, at least the catalog's minimum",
    "quota.below_hosts": "the ECS quota must cover every host of the account",
    "quota.above_max": "the ECS quota cannot exceed the catalog's maximum",
    "quota.decrease": "a purchased quota can never be reduced",
    "quota.unchanged": "a quota increase must raise the quota",
    "term.invalid": "the term is not one the catalog sells (or is missing)",
    "term.pay_per_use": "pay-per-use has no term",
    "package.unknown": "no such value-added package",
    "package.basic_edition": "value-added packages need the standard or professional edition",
    "package.size": "the package size is outside its limits",
    "package.step": "the package size is not a multiple of its step",
    "package.billing_mode": "packages follow the edition's billing mode and cannot change it",
    "billing_mode.change": "only professional pay-per-use can change to yearly/monthly",
    "renew.pay_per_use": "only yearly/monthly subscriptions renew",
    "renew.spec_change": "a renewal only extends time; quota and packages cannot change",
    "renew.too_short": "a late renewal (from the old expiry) must end after the day it is paid",
    "renew.released": "the subscription was released after its retention period",
    "upgrade.same_edition": "an upgrade must go to a higher edition",
    "upgrade.expired": "an expired subscription cannot be changed; renew it first",
    "upgrade.basic_quota": "upgrading from basic changes the edition only; increase the quota afterwards",
    "unsubscribe.package": "data collection and retention packages cannot be unsubscribed",
    "unsubscribe.pay_per_use": "pay-per-use is stopped, not unsubscribed: nothing was prepaid",
    "purchase.exists": "one edition per region per account: change the existing subscription instead",
    "tags.too_many": "too many tags",
    "tags.key": "a tag key is empty, too long or repeated",
    "tags.value": "a tag value is too long",
    "dates.order": "dates are out of order",
    "action.current_missing": "the action changes a running subscription, which the request must describe",
    "disclaimer.not_accepted": "the disclaimer must be accepted before an order is exported",
    "price.order": "a change would cost less than nothing: the catalog prices a higher edition below a lower one",
    "price.illustrative": "a price used is illustrative, not published by Huawei",
    "price.stale": "the catalog's prices were fetched from Huawei longer ago than its [bss] stale_after_days",
    "lifecycle.grace": "the subscription has expired and is in its grace or retention period",
    "package.sizing": "the data collection package is below the sizing hint for the hosts",
    "refund.full_refund_limit": "full refunds are limited per account per year",
    "packages.unchanged_billing_mode": "existing packages keep their billing mode",
    "action.edition_change": "only an upgrade changes the edition",
    "catalog.invalid": "the price catalog breaks its format",
    "settings.invalid": "an environment setting (PORT, PLANNER_HUAWEI_ENDPOINT, …) is unusable",
    "order.write": "the order files could not be written",
    "order.format": "the file is not a planner order",
    "order.checksum": "the order file was changed after export",
    "order.mismatch": "recomputing the order gives different amounts",
    "order.catalog": "the order's catalog is not the one given",
    # Bounded input (issue 10): refused before any parser sees the content.
    "request.too_large": "the request file is larger than the planner reads",
    "request.too_deep": "the request nests arrays or objects deeper than the planner reads",
    "order.too_large": "the order file is larger than the planner reads",
    "order.too_deep": "the order nests arrays or objects deeper than the planner reads",
    "catalog.too_large": "a catalog file is larger than the planner reads",
    "catalog.too_deep": "catalog.toml nests arrays or tables deeper than the planner reads",
}


@dataclass(frozen=True)
class Problem:
    """One broken rule (or a warning): ``rule`` code, ``field`` path in the request, plain ``message``."""

    rule: str
    field: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        where = f" ({self.field})" if self.field else ""
        return f"{self.rule}{where}: {self.message}"


class PlannerError(Exception):
    """Bad input that stops the planner before it can price anything: a file, a catalog, a request shape.

    Carries every problem found, each naming its file and field, so the user can fix them all at once.
    """

    def __init__(self, problems: list[Problem] | Problem, *, source: str = "") -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.source = source
        super().__init__(self.summary())

    def summary(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return "; ".join(prefix + str(p) for p in self.problems)
