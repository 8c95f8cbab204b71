"""What the user typed on the planner page, field by field, and the SPEC B2 request it makes.

:class:`OrderDraft` holds the form's values as typed; :meth:`OrderDraft.to_request` sends only what the chosen
action takes (the action registry says what that is). No widgets and no prices here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import planner
from planner import Catalog, Problem

from ._fields import (
    parse_amount,
    parse_tags,
)

#: The form's labels for each action, from the action registry (one home per action).
ACTION_LABELS: dict[str, str] = {name: action.label for name, action in planner.ACTIONS.items()}


#: What the form may ask for each action, beyond region, hosts and tags: the action's target fields
#: (SPEC B2). Whether a field is asked in a given state is the action's :meth:`~planner.Action.asks`.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {name: action.target_fields for name, action in planner.ACTIONS.items()}


@dataclass
class OrderDraft:
    """Every field of the planner form, as typed. Field names follow the request (``current_`` prefix)."""

    region: str
    action: str = "purchase"
    hosts: int = 50
    on: date | None = None
    edition: str = "professional"
    billing_mode: str = "yearly_monthly"
    quota: int = 50
    term: str = "1y"
    packages: dict[str, int] = field(default_factory=dict)
    auto_renew: bool = False
    current_edition: str = "standard"
    current_billing_mode: str = "yearly_monthly"
    current_quota: int = 50
    current_term: str = "1y"
    current_start: date | None = None
    current_expires: date | None = None
    current_paid: str = ""
    current_purchased_at: date | None = None
    tags: str = ""
    accept_disclaimer: bool = False
    #: What was typed into a whole-number field and is not a whole number ("12.5", "1e3"): sent to the core
    #: as typed, so the field's own rule reports it, instead of the last good number being priced.
    unreadable: dict[str, str] = field(default_factory=dict)

    # -- what the form shows ----------------------------------------------------------------------
    def shows(self, name: str, catalog: Catalog) -> bool:
        """Whether the form asks for ``name`` (a draft field) for the chosen action: the action says."""
        if name in ("region", "action", "hosts", "on", "tags", "accept_disclaimer"):
            return True
        action = planner.ACTIONS.get(self.action)
        if action is None:
            return False
        if name.startswith("current_"):
            return action.asks_current(name.removeprefix("current_"), current_billing_mode=self.current_billing_mode)
        return action.asks(
            name,
            catalog,
            current_edition=self.current_edition if action.needs_current else None,
            billing_mode_after=self.billing_mode_after(),
        )

    def billing_mode_after(self) -> str:
        action = planner.ACTIONS.get(self.action)
        if action is None:
            return self.billing_mode
        current = self.current_billing_mode if action.needs_current else None
        return action.billing_mode_after(current, self.billing_mode if "billing_mode" in action.target_fields else None)

    # -- the request ------------------------------------------------------------------------------
    def to_request(self, catalog: Catalog) -> tuple[dict[str, Any], list[Problem]]:
        """The SPEC B2 request, and the problems found reading the typed text (tags, amount paid)."""
        tags, problems = parse_tags(self.tags)
        request: dict[str, Any] = {"region": self.region, "hosts": self.typed("hosts"), "action": self.action}
        # An emptied date is sent empty, so the core reports it: never a price for a hidden old date.
        request["on"] = _iso(self.on)
        action = planner.ACTIONS[self.action]
        if action.needs_current:
            current: dict[str, Any] = {
                "edition": self.current_edition,
                "billing_mode": self.current_billing_mode,
                "quota": self.typed("current_quota"),
            }
            current["start"] = _iso(self.current_start)
            if self.shows("current_term", catalog):
                current["term"] = self.current_term
                current["expires"] = _iso(self.current_expires)
            if self.shows("current_paid", catalog):
                paid, paid_problems = parse_amount(self.current_paid, "current.paid")
                problems += paid_problems
                if paid is not None:
                    current["paid"] = str(paid)
                when = self.current_purchased_at
                current["purchased_at"] = datetime.combine(when, time(0, 0)).isoformat() if when else ""
            request["current"] = current
        target: dict[str, Any] = {}
        for name in ACTION_FIELDS[self.action]:
            if not self.shows(name, catalog):
                continue
            if name == "packages":
                chosen: dict[str, Any] = {pkg: size for pkg, size in self.packages.items() if size}
                for key, text in self.unreadable.items():  # a size that is not a whole number, as typed
                    if key.startswith("packages."):
                        chosen[key.removeprefix("packages.")] = text
                if chosen or "packages" in action.required:
                    target["packages"] = chosen
            else:
                target[name] = self.typed(name)
        if target or action.required:
            request["target"] = target
        if tags:
            request["tags"] = tags
        request["accept_disclaimer"] = self.accept_disclaimer
        return request, problems

    def typed(self, name: str) -> Any:
        """The field's value, or the text typed into it when that was not a whole number."""
        return self.unreadable.get(name, getattr(self, name))


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""
