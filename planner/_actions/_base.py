"""What every action is: its target fields, its checks, how it resolves a request and how it prices it.

An action module defines one subclass of :class:`Action` and one frozen *change* type: the request resolved
into the values its pricing needs, with no Optional field that the checks guarantee.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Generic, TypeVar

from .._catalog import Catalog
from .._dates import Term
from .._domain import EDITIONS, ActionName, renews
from .._pricing import Coterm, Pricer
from .._request import Request, Subscription, Target
from .._rules import Checks, current_expiry

#: Every field a ``target`` can hold, in the order a form asks for them.
TARGET_FIELDS: tuple[str, ...] = ("edition", "billing_mode", "quota", "term", "packages", "auto_renew")


@dataclass(frozen=True)
class Running:
    """The part of every change to a running subscription: where, when, and what runs now."""

    region: str
    on: date
    hosts: int
    current: Subscription


def coterm_of(current: Subscription) -> Coterm | None:
    """The running order's term and expiry, or ``None`` for pay-per-use (no term, nothing to co-terminate)."""
    expires = current_expiry(current)
    if not renews(current.billing_mode) or current.term is None or expires is None:
        return None
    return Coterm(Term.parse(current.term), expires)


def need_coterm(current: Subscription) -> Coterm:
    """The running order's term and expiry, for actions whose checks refuse pay-per-use."""
    coterm = coterm_of(current)
    if coterm is None:
        raise ValueError("a yearly/monthly subscription with a term was checked for")
    return coterm


C = TypeVar("C")


class Action(ABC, Generic[C]):
    """One action of SPEC B2: its fields, its rules, its resolution and its pricing, in one place."""

    name: ClassVar[ActionName]
    label: ClassVar[str]  # in the words of the console ("Upgrade the edition")
    target_fields: ClassVar[tuple[str, ...]]  # what ``target`` may hold (SPEC B2)
    required: ClassVar[tuple[str, ...]] = ()  # what ``target`` must hold
    needs_current: ClassVar[bool] = True  # whether it changes a running subscription
    current_fields: ClassVar[tuple[str, ...]] = ()  # what ``current`` must hold beyond the subscription itself

    # -- rules, resolution, pricing ---------------------------------------------------------------
    @abstractmethod
    def check(self, checks: Checks, current: Subscription | None, target: Target) -> None:
        """Record every broken rule of this action (the shared ones are checked already)."""

    @abstractmethod
    def resolve(self, request: Request, catalog: Catalog, on: date) -> C:
        """The change a request that passed :meth:`check` asks for."""

    @abstractmethod
    def price(self, change: C, pricer: Pricer) -> None:
        """Add this change's lines and facts to ``pricer.out``."""

    # -- what a form may offer (derived from the catalog, so no view restates a rule) -------------
    def current_offers(self, catalog: Catalog, region: str) -> dict[str, tuple[str, ...]]:
        """The running subscriptions (edition → billing modes) this action can change in ``region``."""
        if not self.needs_current or region not in catalog.regions:
            return {}
        return {e: m for e, m in catalog.regions[region].sells.items() if m}

    def target_editions(self, catalog: Catalog, region: str, current_edition: str | None) -> tuple[str, ...]:
        """Editions ``target.edition`` may name (empty when the action does not take one)."""
        return ()

    def target_billing_modes(
        self, catalog: Catalog, region: str, edition: str, current_billing_mode: str | None
    ) -> tuple[str, ...]:
        """Billing modes ``target.billing_mode`` may name (empty when the action does not take one)."""
        return ()

    def asks(self, name: str, catalog: Catalog, *, current_edition: str | None, billing_mode_after: str) -> bool:
        """Whether a form should ask for ``target.<name>`` in this state."""
        if name not in self.target_fields:
            return False
        if name in ("term", "auto_renew"):
            return renews(billing_mode_after)
        return True

    def asks_current(self, name: str, *, current_billing_mode: str) -> bool:
        """Whether a form should ask for ``current.<name>`` in this state."""
        if not self.needs_current:
            return False
        if name in ("term", "expires"):
            return renews(current_billing_mode)
        if name in ("paid", "purchased_at"):
            return name in self.current_fields
        return True

    def billing_mode_after(self, current_billing_mode: str | None, target_billing_mode: str | None) -> str:
        """The billing mode of the subscription once the action is done."""
        return current_billing_mode or target_billing_mode or "yearly_monthly"

    def edition_after(self, current_edition: str | None, target_edition: str | None) -> str:
        return current_edition or target_edition or EDITIONS[-1]


def sold_editions(catalog: Catalog, region: str) -> tuple[str, ...]:
    """Editions the region sells, in rank order."""
    if region not in catalog.regions:
        return ()
    sells = catalog.regions[region].sells
    return tuple(sorted((e for e in sells if sells[e]), key=catalog.edition_rank))


__all__ = ["TARGET_FIELDS", "Action", "Running", "coterm_of", "need_coterm", "sold_editions"]
